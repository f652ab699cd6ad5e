import TelemetryDecode

extension Benchmark {
    /// CCSDS RS(255,223) decoding, dual basis, I = 1, 8 random symbol errors per codeword, in codewords/s.
    /// Peer: bench/peers/rs_libfec.c (libfec `decode_rs_ccsds`, same workload).
    /// Measured 2026-11-25 on the 2-core dev box (AMD EPYC, heavily shared; run back to back, alternating):
    /// gsd 168k–212k codewords/s vs libfec 23k–31k codewords/s, about 6.5–7×.
    static let rsDecode = Benchmark(
        name: "rs-decode", unit: "codewords/s",
        summary: "CCSDS RS(255,223) decode, dual basis, I=1, 8 symbol errors per codeword"
    ) {
        let rs = try ReedSolomonCCSDS(basis: .dual)
        var rng = SplitMix64(seed: 255_223)
        let count = 256
        var corrupted: [UInt8] = []
        corrupted.reserveCapacity(count * 255)
        for _ in 0..<count {
            let data = (0..<223).map { _ in UInt8.random(in: 0...255, using: &rng) }
            var block = try rs.encode(data)
            var positions = Set<Int>()
            while positions.count < 8 { positions.insert(Int.random(in: 0..<255, using: &rng)) }
            for p in positions { block[p] ^= UInt8.random(in: 1...255, using: &rng) }
            corrupted += block
        }
        var work = [UInt8](repeating: 0, count: 255)
        var corrected = 0
        var failures = 0
        let (iterations, seconds) = corrupted.withUnsafeBufferPointer { src in
            work.withUnsafeMutableBufferPointer { w in
                BenchClock.measure {
                    for c in 0..<count {
                        _ = w.update(fromContentsOf: UnsafeBufferPointer(rebasing: src[(c * 255)..<(c * 255 + 255)]))
                        do { corrected += try rs.decode(w) } catch { failures += 1 }
                    }
                }
            }
        }
        blackHole(corrected)
        guard failures == 0 else { throw ReedSolomonError.uncorrectable }
        return Double(iterations * count) / seconds
    }
}
