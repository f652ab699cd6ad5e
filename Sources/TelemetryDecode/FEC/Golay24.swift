/// The extended binary Golay code (24,12,8), in the systematic form used by GomSpace radios (NanoCom
/// AX100 "ASM+Golay" mode and U482C) for their 12-bit length/flags field.
///
/// A codeword is 24 bits `parity << 12 | data`, sent most significant bit first, so the 12 parity bits
/// go out before the 12 data bits. Parity bit `11 − i` is the parity of `data & rows[i]` (the "B"
/// matrix of the code as tabulated in Morelos-Zaragoza, *The Art of Error Correcting Coding*, §2.2.3).
///
/// Decoding looks the 12-bit syndrome up in a table of coset leaders: the 2325 error patterns of
/// weight ≤ 3 all have distinct syndromes (minimum distance 8), so up to three bit errors are always
/// corrected. The remaining 1771 syndromes belong to cosets of weight 4; they are reported as
/// uncorrectable, so every 4-error pattern is detected, never miscorrected.
public enum Golay24 {
    /// Rows of the parity matrix B (symmetric, B·B = I).
    public static let rows: [UInt16] = [
        0x8ED, 0x1DB, 0x3B5, 0x769, 0xED1, 0xDA3, 0xB47, 0x68F, 0xD1D, 0xA3B, 0x477, 0xFFE,
    ]

    /// Result of a successful decode.
    public struct Decoded: Sendable, Hashable {
        /// The 12 data bits.
        public var data: UInt16
        /// Bits corrected in the 24-bit word (0...3).
        public var correctedBits: Int
        /// The corrected codeword.
        public var codeword: UInt32
    }

    /// The 12 parity bits of 12 data bits.
    @inlinable
    public static func parity(of data: UInt16) -> UInt16 {
        let d = data & 0xFFF
        var p: UInt16 = 0
        for i in 0..<12 {
            p = (p << 1) | UInt16((rows[i] & d).nonzeroBitCount & 1)
        }
        return p
    }

    /// The codeword of 12 data bits (higher bits of `data` are ignored): `parity << 12 | data`.
    @inlinable
    public static func encode(_ data: UInt16) -> UInt32 {
        let d = data & 0xFFF
        return UInt32(parity(of: d)) << 12 | UInt32(d)
    }

    /// Syndrome of a received word (bits above 23 are ignored); 0 for a codeword.
    @inlinable
    public static func syndrome(_ word: UInt32) -> UInt16 {
        let received = UInt16(truncatingIfNeeded: word >> 12) & 0xFFF
        return received ^ parity(of: UInt16(truncatingIfNeeded: word) & 0xFFF)
    }

    /// Decodes a 24-bit word (bits above 23 are ignored), correcting up to 3 bit errors; nil when
    /// the word is at distance ≥ 4 from every codeword (detected, not corrected).
    public static func decode(_ word: UInt32) -> Decoded? {
        let w = word & 0xFF_FFFF
        let error = syndromeTable[Int(syndrome(w))]
        guard error != uncorrectable else { return nil }
        let c = w ^ error
        return Decoded(data: UInt16(truncatingIfNeeded: c) & 0xFFF, correctedBits: error.nonzeroBitCount, codeword: c)
    }

    /// Decodes three bytes (first byte = most significant, as sent on the air).
    public static func decode(_ b0: UInt8, _ b1: UInt8, _ b2: UInt8) -> Decoded? {
        decode(UInt32(b0) << 16 | UInt32(b1) << 8 | UInt32(b2))
    }

    static let uncorrectable: UInt32 = .max

    /// Coset leader (error pattern of weight ≤ 3) for every syndrome; `uncorrectable` elsewhere.
    static let syndromeTable: [UInt32] = {
        var table = [UInt32](repeating: uncorrectable, count: 4096)
        func store(_ e: UInt32) {
            let s = Int(syndrome(e))
            if table[s] == uncorrectable { table[s] = e }
        }
        store(0)
        for a in 0..<24 {
            store(1 << a)
            for b in (a + 1)..<24 {
                store(1 << a | 1 << b)
                for c in (b + 1)..<24 { store(1 << a | 1 << b | 1 << c) }
            }
        }
        return table
    }()
}
