extension AAUSAT4Deframer {
    /// The two AAUSAT-4 frame sizes, told apart by the Frame Size Marker byte that follows the sync word
    /// (AAUSAT-3/4 spacelink description, Aalborg University; D. Estévez, "A bunch of data from AAUSAT-4").
    public enum FrameSize: Sendable, Hashable, CaseIterable {
        /// FSM 0xA6: 31 data bytes, 128 coded bytes on the air.
        case short
        /// FSM 0x59: 92 data bytes, 250 coded bytes on the air.
        case long

        /// The Frame Size Marker byte (the two are complements: 8 bits apart).
        public var marker: UInt8 {
            switch self {
            case .short: 0xA6
            case .long: 0x59
            }
        }

        /// Data bytes of the Reed-Solomon code word (what the deframer outputs).
        public var dataLength: Int {
            switch self {
            case .short: 31
            case .long: 92
            }
        }

        /// Reed-Solomon code word bytes: data and 32 parity bytes (63 or 124).
        public var codewordLength: Int { dataLength + AAUSAT4Deframer.parityLength }

        /// Soft symbols the decoder uses after the marker: the code word's bits and the 6-bit zero tail,
        /// two symbols each (1020 or 1996, gr-satellites' figures).
        public var codedSymbolCount: Int { 2 * (8 * codewordLength + ConvolutionalCode.tailLength) }

        /// Coded bytes sent after the marker: the satellite's coder flushes with a whole zero byte (128 or 250).
        public var transmittedLength: Int { 2 * (codewordLength + 1) }

        /// The size whose data field holds `dataLength` bytes.
        public init?(dataLength: Int) {
            guard let size = Self.allCases.first(where: { $0.dataLength == dataLength }) else { return nil }
            self = size
        }

        /// RS(255,223) with the CCSDS generator in the conventional basis (libfec's `encode_rs_8`), shortened
        /// to this code word length.
        var reedSolomon: ReedSolomonCCSDS? {
            switch self {
            case .short: shortCode
            case .long: longCode
            }
        }
    }
}

private let shortCode = try? ReedSolomonCCSDS(
    basis: .conventional, interleave: 1, virtualFill: 255 - AAUSAT4Deframer.FrameSize.short.codewordLength)
private let longCode = try? ReedSolomonCCSDS(
    basis: .conventional, interleave: 1, virtualFill: 255 - AAUSAT4Deframer.FrameSize.long.codewordLength)
