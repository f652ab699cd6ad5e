/// GomSpace NanoCom U482C framing (and, with other parameters, the AX100 "ASM+Golay" mode):
///
/// ```
/// sync word (32 bits) | Golay(24,12) length field (3 bytes) | `length` coded bytes
/// ```
/// The length field (see `GomSpaceLengthField`) carries the coded length and three flags that say
/// how the bytes were coded, applied by the receiver in this order: Viterbi (r = 1/2, K = 7; `length`
/// coded bytes carry `length / 2 − 1` bytes), CCSDS descrambling, then Reed-Solomon RS(255,223) in the
/// conventional basis, shortened (its 32 parity bytes are removed from the output).
///
/// Input is soft symbols (0 = strong 0, 255 = strong 1) sliced at 128. The sync word is searched with
/// up to `syncErrors` bit errors in both polarities (FSK audio can come out inverted); an inverted hit
/// inverts the bits that follow. Each flag can be forced on/off or follow the frame (`.auto`).
///
/// Frames: `checkPassed` is true only when Reed-Solomon was applied and succeeded (a frame without RS
/// has no integrity check and is emitted with `checkPassed == false`); `correctedSymbols` counts RS
/// corrections. Frames whose Golay field is uncorrectable or whose length does not fit are counted in
/// `statistics` and not emitted.
///
/// TODO: the Viterbi flag path needs a K = 7 Viterbi decoder; until one is wired in, such frames are
/// counted in `statistics.viterbiUnsupported` and not emitted.
public struct U482CDeframer: Deframer {
    /// U482C sync word, sent MSB first.
    public static let syncWord: UInt32 = 0xC3AA_6655

    /// Whether a decoding step is applied.
    public enum Step: Sendable, Hashable {
        /// As the frame's length-field flag says.
        case auto
        case on
        case off

        func applies(flag: Bool) -> Bool {
            switch self {
            case .auto: flag
            case .on: true
            case .off: false
            }
        }
    }

    public struct Configuration: Sendable, Hashable {
        public var viterbi: Step
        public var scrambler: Step
        public var reedSolomon: Step
        /// Sync word bit errors tolerated (gr-satellites' default is 4).
        public var syncErrors: Int
        /// Also accept the complemented sync word and invert the frame that follows.
        public var detectInverted: Bool
        /// Frame candidates collected at the same time (a false sync hit must not hide a real one).
        public var maxPendingFrames: Int
        public var syncWord: UInt32
        /// Bytes after the sync word a frame may occupy, length field included (U482C: 258).
        public var window: Int
        public var framing: String

        public init(
            viterbi: Step = .auto, scrambler: Step = .auto, reedSolomon: Step = .auto, syncErrors: Int = 4,
            detectInverted: Bool = true, maxPendingFrames: Int = 4, syncWord: UInt32 = U482CDeframer.syncWord,
            window: Int = 258, framing: String = "U482C"
        ) {
            self.viterbi = viterbi
            self.scrambler = scrambler
            self.reedSolomon = reedSolomon
            self.syncErrors = syncErrors
            self.detectInverted = detectInverted
            self.maxPendingFrames = maxPendingFrames
            self.syncWord = syncWord
            self.window = window
            self.framing = framing
        }
    }

    /// A decoded frame body.
    public struct Body: Sendable, Hashable {
        public var field: GomSpaceLengthField
        /// Payload: Viterbi-decoded, descrambled, RS-corrected and without parity, as applicable.
        public var bytes: [UInt8]
        public var correctedSymbols: Int
        /// Reed-Solomon was applied and succeeded.
        public var checkPassed: Bool
        /// Why Reed-Solomon failed (nil when it passed or was not applied).
        public var reedSolomonError: ReedSolomonError?
    }

    public let configuration: Configuration
    public private(set) var statistics = GomSpaceDeframerStatistics()
    var collector: GomSpaceSyncCollector
    var completed: [GomSpaceSyncCollector.Candidate] = []
    var position = 0

    public init(_ configuration: Configuration = Configuration()) {
        self.configuration = configuration
        collector = GomSpaceSyncCollector(
            syncWord: configuration.syncWord, maxErrors: configuration.syncErrors,
            detectInverted: configuration.detectInverted, headerBytes: 3,
            maxPending: configuration.maxPendingFrames)
    }

    public var framing: String { configuration.framing }

    /// Forgets partial frames, the stream position and the counters.
    public mutating func reset() {
        collector.reset()
        statistics = GomSpaceDeframerStatistics()
        position = 0
    }

    public mutating func process(_ symbols: UnsafeBufferPointer<UInt8>, into frames: inout [DecodedFrame]) {
        let cfg = configuration
        statistics.symbols += symbols.count
        completed.removeAll(keepingCapacity: true)
        for s in symbols {
            let bit: UInt8 = s >= 128 ? 1 : 0
            collector.push(
                bit, at: position, statistics: &statistics,
                header: { header in
                    do throws(GomSpaceFrameError) {
                        let field = try GomSpaceLengthField.decode(header)
                        try Self.validate(field, configuration: cfg)
                        return .success(3 + field.length)
                    } catch {
                        return .failure(error)
                    }
                },
                completed: &completed)
            position += 1
        }
        for candidate in completed { emit(candidate, into: &frames) }
    }

    mutating func emit(_ candidate: GomSpaceSyncCollector.Candidate, into frames: inout [DecodedFrame]) {
        do throws(GomSpaceFrameError) {
            let body = try Self.decodeFrame(candidate.bytes, configuration: configuration)
            if body.checkPassed { statistics.framesPassed += 1 }
            if body.reedSolomonError != nil { statistics.reedSolomonFailures += 1 }
            frames.append(
                DecodedFrame(
                    bytes: body.bytes, framing: configuration.framing, checkPassed: body.checkPassed,
                    correctedSymbols: body.correctedSymbols, symbolPosition: candidate.end))
        } catch {
            switch error {
            case .viterbiUnsupported: statistics.viterbiUnsupported += 1
            case .golayUncorrectable: statistics.golayFailures += 1
            default: statistics.lengthRejected += 1
            }
        }
    }

    /// Checks that a length field describes a frame this configuration can decode.
    static func validate(_ field: GomSpaceLengthField, configuration cfg: Configuration) throws(GomSpaceFrameError) {
        let limit = cfg.window - 3
        guard field.length <= limit else { throw .lengthBeyondWindow(length: field.length, limit: max(0, limit)) }
        let viterbi = cfg.viterbi.applies(flag: field.viterbi)
        let rs = cfg.reedSolomon.applies(flag: field.reedSolomon)
        if viterbi { throw .viterbiUnsupported }
        let minimum = rs ? GomSpaceReedSolomon.parity + 1 : 1
        guard field.length >= minimum else { throw .lengthTooShort(length: field.length, minimum: minimum) }
    }

    /// Decodes the bytes that follow the sync word (length field first; extra bytes are ignored).
    /// Throws for an uncorrectable length field, a length that does not fit, too few bytes, or a
    /// Viterbi-coded frame; a Reed-Solomon failure is reported in the returned body.
    public static func decodeFrame(_ bytes: [UInt8], configuration: Configuration = Configuration()) throws(GomSpaceFrameError) -> Body {
        let field = try GomSpaceLengthField.decode(bytes)
        try validate(field, configuration: configuration)
        guard bytes.count >= 3 + field.length else { throw .truncated(expected: 3 + field.length, actual: bytes.count) }
        var packet = Array(bytes[3..<(3 + field.length)])
        if configuration.scrambler.applies(flag: field.scrambled) {
            CCSDSRandomizer.apply(to: &packet)
        }
        guard configuration.reedSolomon.applies(flag: field.reedSolomon) else {
            return Body(field: field, bytes: packet, correctedSymbols: 0, checkPassed: false, reedSolomonError: nil)
        }
        var codeword = packet
        let dataCount = packet.count - GomSpaceReedSolomon.parity
        do throws(GomSpaceFrameError) {
            let corrected = try GomSpaceReedSolomon.decode(&codeword)
            return Body(
                field: field, bytes: Array(codeword[0..<dataCount]), correctedSymbols: corrected, checkPassed: true,
                reedSolomonError: nil)
        } catch {
            let rsError: ReedSolomonError
            if case let .reedSolomon(e) = error { rsError = e } else { rsError = .uncorrectable }
            return Body(
                field: field, bytes: Array(packet[0..<dataCount]), correctedSymbols: 0, checkPassed: false,
                reedSolomonError: rsError)
        }
    }

    /// Builds the bytes that follow the sync word for `payload` (1...223 bytes with RS): length field,
    /// then the payload with RS parity (if `reedSolomon`), CCSDS-scrambled (if `scrambled`). No
    /// convolutional coding.
    public static func encodeFrame(_ payload: [UInt8], scrambled: Bool = true, reedSolomon: Bool = true) throws(GomSpaceFrameError) -> [UInt8] {
        var packet = reedSolomon ? try GomSpaceReedSolomon.encode(payload) : payload
        guard (1...255).contains(packet.count) else { throw .lengthBeyondWindow(length: packet.count, limit: 255) }
        if scrambled { CCSDSRandomizer.apply(to: &packet) }
        let field = GomSpaceLengthField(length: packet.count, viterbi: false, scrambled: scrambled, reedSolomon: reedSolomon)
        return field.encoded + packet
    }
}
