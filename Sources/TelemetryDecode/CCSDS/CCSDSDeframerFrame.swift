extension CCSDSDeframer {
    /// Why a synchronised frame did not pass.
    public enum FrameError: Error, Sendable, Hashable, CustomStringConvertible {
        /// A Reed-Solomon codeword was beyond correction (the frame is left as received).
        case reedSolomon(ReedSolomonError)
        /// The FECF over the (corrected) frame does not match the received one.
        case fecf(computed: UInt16, received: UInt16)

        public var description: String {
            switch self {
            case .reedSolomon(let e): return e.description
            case let .fecf(computed, received):
                return "FECF mismatch: computed 0x\(String(computed, radix: 16)), received 0x\(String(received, radix: 16))"
            }
        }
    }

    /// One transfer frame found by the chain, with everything learnt about it on the way.
    public struct Frame: Sendable, Hashable {
        /// The transfer frame bytes (`frameLength`): derandomised, Reed-Solomon corrected, without parity.
        public var bytes: [UInt8]
        /// Reed-Solomon decoding succeeded (true when the chain has no RS stage).
        public var reedSolomonPassed: Bool
        /// Symbols changed by Reed-Solomon (0 without RS or when it failed).
        public var correctedSymbols: Int
        /// Bytes passed to the RS decoder as erasures (soft symbols at exactly 128).
        public var erasures: Int
        /// The FECF verdict (`.absent` when the chain has no FECF).
        public var fecfVerdict: TransferFrame.FECFVerdict
        /// The parsed transfer frame, when the bytes parse as a TM frame of this length.
        public var transferFrame: TransferFrame?
        /// Why the bytes did not parse as a TM transfer frame (nil when they did).
        public var parseError: CCSDSError?
        /// Why the frame failed its checks (nil when it passed).
        public var failure: FrameError?
        /// The marker was the complemented one (the frame has been inverted back).
        public var inverted: Bool
        /// Bit errors in the marker.
        public var markerErrors: Int
        public var acquisition: SyncMarkerSearch.Acquisition
        /// Which symbol alignment of the convolutional decoder found it (0 without one).
        public var alignment: Int
        /// Channel-symbol index just after the frame's last symbol (approximate with a convolutional code).
        public var symbolPosition: Int

        /// Reed-Solomon passed and, where configured, the FECF matched.
        public var checkPassed: Bool { failure == nil }
    }

    /// Counters for monitoring.
    public struct Statistics: Sendable, Hashable {
        /// Channel symbols consumed.
        public var symbols = 0
        /// Frames cut out after a marker (all alignments).
        public var synchronisedFrames = 0
        public var framesPassed = 0
        public var reedSolomonFailures = 0
        public var fecfFailures = 0
        /// Frames that passed their checks but do not parse as TM transfer frames.
        public var headerErrors = 0
        /// Good frames found again by another alignment and dropped.
        public var duplicatesDropped = 0
        /// Reed-Solomon corrections over all good frames.
        public var correctedSymbols = 0
    }
}
