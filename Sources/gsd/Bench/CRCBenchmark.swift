import TelemetryDecode

extension Benchmark {
    /// CRC-16/X-25 throughput over 64 KiB buffers, in MB/s (10^6 bytes).
    static let crc16X25 = Benchmark(
        name: "crc16-x25", unit: "MB/s", summary: "CRC-16/X-25 (AX.25 FCS) over 64 KiB buffers"
    ) {
        var rng = SplitMix64(seed: 1)
        let buffer = (0..<65_536).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
        let alg = CRCAlgorithm.x25
        var sink: UInt32 = 0
        let (n, seconds) = buffer.withUnsafeBytes { raw in
            BenchClock.measure {
                for _ in 0..<64 { sink ^= alg.checksum(raw) }
            }
        }
        blackHole(sink)
        return Double(n * 64 * buffer.count) / seconds / 1e6
    }
}
