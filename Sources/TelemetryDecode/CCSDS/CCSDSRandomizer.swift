/// The CCSDS TM pseudo-randomiser (CCSDS 131.0-B, section 10).
///
/// The sequence comes from h(x) = x^8 + x^7 + x^5 + x^3 + 1 with the register set to all ones at the
/// start of every frame (right after the attached sync marker). The bit sequence has period 255, so
/// the byte sequence repeats after 255 bytes (8 bit periods); it is kept as a 255-byte table computed
/// once and XORed over the frame. Randomising and derandomising are the same operation.
///
/// Three input shapes are covered so the block can sit anywhere in a deframer chain:
/// packed bytes (`apply(to:)`), hard bits one per element (`applyToBits(_:)`), and 8-bit soft symbols
/// (`applyToSoftSymbols(_:)`, 0 = strong 0, 255 = strong 1, 128 = erasure).
public enum CCSDSRandomizer {
    /// Period of the sequence in bytes.
    public static let period = 255

    /// The first 255 bytes of the sequence, MSB first (0xFF, 0x48, 0x0E, 0xC0, ...).
    public static let table: [UInt8] = generate(byteCount: period)

    /// Runs the LFSR: bit n+8 = bit n+7 ^ bit n+5 ^ bit n+3 ^ bit n (the recurrence of h(x)),
    /// starting from eight ones.
    static func generate(byteCount: Int) -> [UInt8] {
        var window: UInt8 = 0xFF  // last eight bits produced; bit 7 = oldest (a_n), bit 0 = newest (a_{n+7})
        var out = [UInt8](repeating: 0, count: byteCount)
        for i in 0..<byteCount {
            var byte: UInt8 = 0
            for _ in 0..<8 {
                let oldest = window >> 7  // a_n is the bit emitted now
                byte = (byte << 1) | oldest
                // a_{n+8} = a_{n+7} ^ a_{n+5} ^ a_{n+3} ^ a_n
                let next = (window & 1) ^ ((window >> 2) & 1) ^ ((window >> 4) & 1) ^ oldest
                window = (window << 1) | next
            }
            out[i] = byte
        }
        return out
    }

    /// XORs the sequence over packed bytes, phase 0 at `bytes.startIndex` (the first byte after the ASM).
    @inlinable
    public static func apply<C: MutableCollection>(to bytes: inout C) where C.Element == UInt8 {
        let pn = table
        var k = 0
        var i = bytes.startIndex
        while i != bytes.endIndex {
            bytes[i] ^= pn[k]
            k += 1
            if k == period { k = 0 }
            bytes.formIndex(after: &i)
        }
    }

    /// A randomised / derandomised copy of `bytes`.
    @inlinable
    public static func applied<S: Sequence>(to bytes: S) -> [UInt8] where S.Element == UInt8 {
        var out = Array(bytes)
        apply(to: &out)
        return out
    }

    /// The sequence bit at `bitIndex` (0 = first bit after the ASM).
    @inlinable
    public static func bit(at bitIndex: Int) -> UInt8 {
        let byte = table[(bitIndex >> 3) % period]
        return (byte >> UInt8(7 - (bitIndex & 7))) & 1
    }

    /// Flips hard bits (one bit per element, 0 or 1) where the sequence is 1.
    @inlinable
    public static func applyToBits<C: MutableCollection>(_ bits: inout C) where C.Element == UInt8 {
        var n = 0
        var i = bits.startIndex
        while i != bits.endIndex {
            bits[i] ^= bit(at: n)
            n += 1
            bits.formIndex(after: &i)
        }
    }

    /// Inverts 8-bit soft symbols where the sequence is 1 (a reflection about the erasure value 128,
    /// see `reflectSoftSymbol(_:)`), so derandomising can happen before a soft-decision decoder.
    @inlinable
    public static func applyToSoftSymbols<C: MutableCollection>(_ symbols: inout C) where C.Element == UInt8 {
        var n = 0
        var i = symbols.startIndex
        while i != symbols.endIndex {
            if bit(at: n) != 0 { symbols[i] = reflectSoftSymbol(symbols[i]) }
            n += 1
            symbols.formIndex(after: &i)
        }
    }

    /// The complement of a soft symbol: mirrored about the erasure value 128 (255 ↔ 1, 129 ↔ 127,
    /// 128 stays 128); 0 maps to 255 since 256 is out of range.
    @inlinable
    public static func reflectSoftSymbol(_ s: UInt8) -> UInt8 {
        s == 0 ? 255 : 0 &- s
    }
}
