import TelemetryDecode

/// Random corruption helpers shared by the Reed-Solomon tests.
enum RSTestSupport {
    static func randomBytes(_ n: Int, _ rng: inout SplitMix64) -> [UInt8] {
        (0..<n).map { _ in UInt8.random(in: 0...255, using: &rng) }
    }

    /// `count` distinct positions in 0..<length, excluding `avoiding`.
    static func distinctPositions(_ count: Int, in length: Int, avoiding: Set<Int> = [], _ rng: inout SplitMix64) -> [Int] {
        var chosen = Set<Int>()
        var out: [Int] = []
        while out.count < count {
            let p = Int.random(in: 0..<length, using: &rng)
            if !avoiding.contains(p), chosen.insert(p).inserted { out.append(p) }
        }
        return out
    }

    /// XORs a non-zero random value into each position.
    static func corrupt(_ block: inout [UInt8], at positions: [Int], _ rng: inout SplitMix64) {
        for p in positions { block[p] ^= UInt8.random(in: 1...255, using: &rng) }
    }
}
