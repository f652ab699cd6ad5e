/// An attached sync marker: a bit pattern of 16...64 bits, sent MSB first ahead of every frame.
public struct SyncMarker: Sendable, Hashable, CustomStringConvertible {
    /// The marker, right-aligned: the first transmitted bit is bit `bitCount - 1`.
    public let pattern: UInt64
    /// Length in bits, 16...64.
    public let bitCount: Int

    /// The CCSDS TM ASM for uncoded, RS and convolutional (after Viterbi) streams: 0x1ACFFC1D.
    public static let ccsds = SyncMarker(uncheckedPattern: 0x1ACF_FC1D, bitCount: 32)

    /// A marker of `bitCount` bits; bits of `pattern` above `bitCount` must be zero.
    public init(pattern: UInt64, bitCount: Int) throws(CCSDSError) {
        guard (16...64).contains(bitCount) else {
            throw .invalidConfiguration(key: "syncMarker.bitCount", value: bitCount, reason: "must be 16...64")
        }
        if bitCount < 64, pattern >> UInt64(bitCount) != 0 {
            throw .invalidConfiguration(
                key: "syncMarker.pattern", value: Int(truncatingIfNeeded: pattern),
                reason: "has bits set above bit \(bitCount - 1)")
        }
        self.pattern = pattern
        self.bitCount = bitCount
    }

    init(uncheckedPattern: UInt64, bitCount: Int) {
        self.pattern = uncheckedPattern
        self.bitCount = bitCount
    }

    /// Mask of the low `bitCount` bits.
    public var mask: UInt64 { bitCount == 64 ? .max : (UInt64(1) << UInt64(bitCount)) - 1 }

    /// The marker as bits, one per element, in transmission order.
    public var bits: [UInt8] {
        (0..<bitCount).map { UInt8((pattern >> UInt64(bitCount - 1 - $0)) & 1) }
    }

    public var description: String {
        let digits = (bitCount + 3) / 4
        let hex = String(pattern, radix: 16, uppercase: true)
        return "0x" + String(repeating: "0", count: max(0, digits - hex.count)) + hex + "/\(bitCount)"
    }
}
