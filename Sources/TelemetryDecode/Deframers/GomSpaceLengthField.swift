/// The 12-bit field (Golay-protected) that starts a U482C frame and an AX100 ASM+Golay frame:
/// bits 0-7 the number of coded bytes that follow, bit 8 convolutional coding (r = 1/2, K = 7),
/// bit 9 CCSDS scrambling, bit 10 Reed-Solomon RS(255,223).
public struct GomSpaceLengthField: Sendable, Hashable {
    public var length: Int
    public var viterbi: Bool
    public var scrambled: Bool
    public var reedSolomon: Bool
    /// Bits corrected by the Golay decoder when the field was received.
    public var correctedBits: Int

    public init(length: Int, viterbi: Bool = false, scrambled: Bool = true, reedSolomon: Bool = true, correctedBits: Int = 0) {
        self.length = length
        self.viterbi = viterbi
        self.scrambled = scrambled
        self.reedSolomon = reedSolomon
        self.correctedBits = correctedBits
    }

    /// The 12 data bits.
    public var value: UInt16 {
        UInt16(truncatingIfNeeded: length & 0xFF) | (viterbi ? 0x100 : 0) | (scrambled ? 0x200 : 0) | (reedSolomon ? 0x400 : 0)
    }

    /// The three Golay-coded bytes as sent.
    public var encoded: [UInt8] {
        let c = Golay24.encode(value)
        return [UInt8(truncatingIfNeeded: c >> 16), UInt8(truncatingIfNeeded: c >> 8), UInt8(truncatingIfNeeded: c)]
    }

    /// Decodes the first three bytes of `bytes`.
    public static func decode<C: Collection>(_ bytes: C) throws(GomSpaceFrameError) -> GomSpaceLengthField where C.Element == UInt8 {
        var it = bytes.makeIterator()
        guard let b0 = it.next(), let b1 = it.next(), let b2 = it.next() else {
            throw .truncated(expected: 3, actual: bytes.count)
        }
        guard let d = Golay24.decode(b0, b1, b2) else { throw .golayUncorrectable }
        return GomSpaceLengthField(
            length: Int(d.data & 0xFF), viterbi: d.data & 0x100 != 0, scrambled: d.data & 0x200 != 0,
            reedSolomon: d.data & 0x400 != 0, correctedBits: d.correctedBits)
    }
}
