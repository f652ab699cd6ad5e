/// Texas Instruments CC11xx / Silicon Labs Si4463 data whitening and the CC11xx CRC-16, shared by the
/// CC11xx-style packet framings (Reaktor Hello World, Light-1, BINAR-2), GEOSCAN, 3CAT-1 and Lucky-7.
///
/// Whitening is the PN9 sequence of the polynomial x^9 + x^5 + 1 (taps 0x21 on a 9-bit register,
/// as GNU Radio's `additive_scrambler_bb(0x21, seed, 8)`): each step outputs the register's low bit,
/// and the feedback (parity of register & 0x21) enters at bit 8 while the register shifts right.
/// The CC11xx whitens whole bytes (8 steps per byte, first step in the byte's least significant bit,
/// seed 0x1FF, so the sequence starts FF E1 1D 9A ...); Lucky-7's Si4463 set-up applies one step per
/// bit in transmission order with seed 0x1E1.
enum CC11xxCoding {
    /// The first `count` output bits of the PN9 generator seeded with `seed`.
    static func pn9Bits(seed: UInt16, count: Int) -> [UInt8] {
        var register = UInt32(seed) & 0x1FF
        var out = [UInt8](repeating: 0, count: max(0, count))
        for i in 0..<out.count {
            out[i] = UInt8(register & 1)
            let feedback = (register & 0x21).nonzeroBitCount & 1
            register = (register >> 1) | (UInt32(feedback) << 8)
        }
        return out
    }

    /// CC11xx byte whitening sequence (seed 0x1FF): `count` bytes.
    static func pn9Bytes(count: Int) -> [UInt8] {
        let bits = pn9Bits(seed: 0x1FF, count: 8 * max(0, count))
        var out = [UInt8](repeating: 0, count: max(0, count))
        for i in 0..<out.count {
            var v: UInt8 = 0
            for k in 0..<8 { v |= bits[8 * i + k] << UInt8(k) }
            out[i] = v
        }
        return out
    }

    static let whitening: [UInt8] = pn9Bytes(count: 512)

    /// XORs `bytes` with the CC11xx whitening sequence (an involution).
    static func dewhiten(_ bytes: inout [UInt8]) {
        for i in bytes.indices { bytes[i] ^= whitening[i % whitening.count] }
    }

    /// CRC-16 of the CC11xx (polynomial 0x8005, initial 0xFFFF, not reflected, no final XOR),
    /// appended most significant byte first.
    static let crc16 = CRCAlgorithm(
        name: "CRC-16/CC11xx", width: 16, polynomial: 0x8005, initial: 0xFFFF, reflected: false, xorOut: 0)

    /// Whether `data` ends with the CC11xx CRC-16 (MSB first) of the bytes before it.
    static func crcMatches(_ data: ArraySlice<UInt8>) -> Bool {
        guard data.count >= 3 else { return false }
        let body = data.dropLast(2)
        let crc = crc16.checksum(body)
        let sent = UInt32(data[data.endIndex - 2]) << 8 | UInt32(data[data.endIndex - 1])
        return crc == sent
    }
}
