/// Decoding of one AAUSAT-4 frame body (the coded symbols after the Frame Size Marker): Viterbi (CCSDS
/// K = 7 r = 1/2, zero-tail terminated), CCSDS de-randomizing, Reed-Solomon RS(255,223) (CCSDS
/// generator, conventional basis) shortened. Keeps its decoders between frames so that steady decoding allocates little.
struct AAUSAT4FrameDecoder: Sendable {
    struct Result: Sendable, Hashable {
        /// The code word's data bytes (no parity), de-randomized; RS-corrected when `checkPassed`.
        var bytes: [UInt8]
        var checkPassed: Bool
        var corrected: Int
    }

    var viterbi = ViterbiDecoder(code: .ccsds)
    /// Soft bit decisions, only for frames whose hard Reed-Solomon decoding failed.
    var softOutput = MaxLogMAPDecoder(code: .ccsds)
    static let softErasures = ReedSolomonSoftErasures(parity: AAUSAT4Deframer.parityLength)

    /// `coded`: at least `size.codedSymbolCount` soft symbols, polarity-corrected (255 = strong 1); extra
    /// ones (the rest of the flush byte) are ignored.
    mutating func decode(_ coded: ArraySlice<UInt8>, size: AAUSAT4Deframer.FrameSize) -> Result? {
        let count = size.codedSymbolCount
        guard coded.count >= count, let rs = size.reedSolomon else { return nil }
        let symbols = Array(coded.prefix(count))
        // The 6 tail bits bring the encoder back to state 0: the traceback starts there.
        guard var block = try? viterbi.decodePacked(symbols, termination: .zeroTail), block.count == size.codewordLength
        else { return nil }
        CCSDSRandomizer.apply(to: &block)
        let dataCount = size.dataLength
        if let corrected = try? rs.decode(&block) {
            return Result(bytes: Array(block.prefix(dataCount)), checkPassed: true, corrected: corrected)
        }
        // The soft Viterbi output says which bytes are weak (de-randomizing flips bits, not their
        // reliability): erase the weakest and try again.
        guard let soft = try? softOutput.decode(symbols, termination: .zeroTail),
            let recovery = Self.softErasures.recover(
                &block, reliability: ReedSolomonSoftErasures.byteReliability(soft[...]),
                decode: { b, e in try rs.decode(&b, erasures: e) })
        else { return Result(bytes: Array(block.prefix(dataCount)), checkPassed: false, corrected: 0) }
        return Result(bytes: Array(block.prefix(dataCount)), checkPassed: true, corrected: recovery.corrected)
    }
}

extension AAUSAT4Deframer {
    /// The bytes sent after the sync word for a data field of 31 (short frame) or 92 (long frame) bytes:
    /// the Frame Size Marker, then the RS(255,223) code word (CCSDS generator, conventional basis,
    /// shortened), CCSDS-randomized and convolutionally encoded (CCSDS K = 7 r = 1/2 from state 0, flushed
    /// with one zero byte, as the satellite's coder does): 1 + 128 or 1 + 250 bytes. Nil for any other
    /// data length.
    public static func encode(_ data: [UInt8]) -> [UInt8]? {
        guard let size = FrameSize(dataLength: data.count), let rs = size.reedSolomon,
            var block = try? rs.encode(data)
        else { return nil }
        CCSDSRandomizer.apply(to: &block)
        var encoder = ConvolutionalEncoder(code: .ccsds)
        var symbols: [UInt8] = []
        symbols.reserveCapacity(8 * size.transmittedLength)
        encoder.encode(bytes: block + [0], into: &symbols)
        var out = [size.marker]
        out.reserveCapacity(1 + size.transmittedLength)
        for i in stride(from: 0, to: symbols.count, by: 8) {
            out.append(symbols[i..<(i + 8)].reduce(UInt8(0)) { $0 << 1 | $1 })
        }
        return out
    }

    /// Decodes the hard bytes that follow the sync word (marker first, then at least the coded bytes of the
    /// size the marker names). Nil when the marker is ambiguous (4 bits from both) or bytes are missing.
    public static func decode(_ bytes: [UInt8], symbolPosition: Int = 0) -> DecodedFrame? {
        guard let first = bytes.first, let size = FrameSize(markerBits: first) else { return nil }
        var symbols: [UInt8] = []
        symbols.reserveCapacity(8 * (bytes.count - 1))
        for b in bytes.dropFirst() {
            for k in 0..<8 { symbols.append((b << UInt8(k)) & 0x80 != 0 ? 255 : 0) }
        }
        var decoder = AAUSAT4FrameDecoder()
        guard let r = decoder.decode(symbols[...], size: size) else { return nil }
        return DecodedFrame(
            bytes: r.bytes, framing: framingName, checkPassed: r.checkPassed, correctedSymbols: r.corrected,
            symbolPosition: symbolPosition)
    }
}

extension AAUSAT4Deframer.FrameSize {
    /// The size a received marker byte is nearest to; nil at 4 bit errors from both (the markers are
    /// complements, so up to 3 wrong bits are corrected).
    init?(markerBits received: UInt8) {
        let distance = (received ^ Self.short.marker).nonzeroBitCount
        if distance < 4 {
            self = .short
        } else if distance > 4 {
            self = .long
        } else {
            return nil
        }
    }
}
