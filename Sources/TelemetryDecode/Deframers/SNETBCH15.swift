/// The binary BCH codes of length 15 used by S-NET: (15,11) d = 3, (15,7) d = 5 and (15,5) d = 7,
/// narrow sense (zeros α^1 ... α^(d−1) of GF(16), x^4 + x + 1), systematic with the k data bits in the
/// last k positions of the 15 transmitted bits. Decoding is bounded-distance (at most (d − 1)/2 errors,
/// otherwise a failure), by a full lookup table built once per code.
struct SNETBCH15: Sendable {
    let dataBits: Int
    let distance: Int
    /// For each 15-bit received word (bit 14 = first transmitted bit), the corrected codeword, or −1.
    let table: [Int16]

    static let d3 = SNETBCH15(dataBits: 11, distance: 3)
    static let d5 = SNETBCH15(dataBits: 7, distance: 5)
    static let d7 = SNETBCH15(dataBits: 5, distance: 7)

    init(dataBits: Int, distance: Int) {
        self.dataBits = dataBits
        self.distance = distance
        // GF(16) powers of α for x^4 + x + 1.
        var exp = [Int](repeating: 0, count: 15)
        var v = 1
        for i in 0..<15 {
            exp[i] = v
            v <<= 1
            if v & 0x10 != 0 { v ^= 0x13 }
        }
        // Codewords: c(x) = Σ bit_i x^i (bit i = i-th transmitted bit) with c(α^j) = 0 for j in 1..<d.
        var codewords: [Int] = []
        for word in 0..<(1 << 15) {
            var ok = true
            for j in 1..<distance {
                var s = 0
                for i in 0..<15 where (word >> (14 - i)) & 1 == 1 { s ^= exp[(i * j) % 15] }
                if s != 0 { ok = false; break }
            }
            if ok { codewords.append(word) }
        }
        var t = [Int16](repeating: -1, count: 1 << 15)
        let radius = (distance - 1) / 2
        var patterns: [Int] = [0]
        for _ in 0..<radius {
            var next = Set(patterns)
            for p in patterns { for b in 0..<15 { next.insert(p | (1 << b)) } }
            patterns = Array(next)
        }
        patterns = patterns.filter { $0.nonzeroBitCount <= radius }
        for c in codewords { for e in patterns { t[c ^ e] = Int16(c) } }
        table = t
    }

    /// Corrects 15 bits (0/1, in transmission order) in place; false when beyond the code's radius.
    func decode(_ bits: inout ArraySlice<UInt8>) -> (ok: Bool, corrected: Int) {
        var word = 0
        for b in bits { word = (word << 1) | Int(b & 1) }
        let c = Int(table[word & 0x7FFF])
        guard c >= 0 else { return (false, 0) }
        var i = bits.startIndex
        for k in (0..<15).reversed() {
            bits[i] = UInt8((c >> k) & 1)
            i += 1
        }
        return (true, (c ^ word).nonzeroBitCount)
    }
}
