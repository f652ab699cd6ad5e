import Foundation
import TelemetryDecode

extension Benchmark {
    /// Soft-decision Viterbi (CCSDS K=7 r=1/2) block decoding, in decoded information bits per second.
    /// Workload shared with bench/peers/viterbi_libfec.c: 2048 random information bits + 6 tail bits per
    /// block, BPSK + AWGN at Eb/N0 = 4 dB (Box-Muller on SplitMix64, seed 1), soft bytes 128 ± 64 nominal.
    static let viterbiK7 = Benchmark(
        name: "viterbi-k7", unit: "Mbit/s",
        summary: "Viterbi K=7 r=1/2 soft decoding, 2048-bit blocks at Eb/N0 4 dB (info bits/s)"
    ) {
        let infoBits = 2048
        var rng = SplitMix64(seed: 1)
        let bits = (0..<infoBits).map { _ in UInt8(truncatingIfNeeded: rng.next() >> 63) }
        let hard = ConvolutionalEncoder.encodeBlock(bits: bits, code: .ccsds, terminated: true)
        let sigma = (1.0 / (2.0 * 0.5 * pow(10, 4.0 / 10))).squareRoot()
        let soft: [UInt8] = hard.map { h in
            let u1 = (Double(rng.next() >> 11) + 1) / Double(1 << 53)
            let u2 = Double(rng.next() >> 11) / Double(1 << 53)
            let x = (h != 0 ? 1.0 : -1.0) + sigma * (-2 * log(u1)).squareRoot() * cos(2 * Double.pi * u2)
            return UInt8(max(0, min(255, (128 + 64 * x).rounded())))
        }
        var decoder = ViterbiDecoder(code: .ccsds)
        var out = [UInt8](repeating: 0, count: infoBits)
        let blocksPerRun = 64
        let (n, seconds) = try soft.withUnsafeBufferPointer { s in
            try out.withUnsafeMutableBufferPointer { o in
                try BenchClock.measure {
                    for _ in 0..<blocksPerRun { _ = try decoder.decode(s, into: o, termination: .zeroTail) }
                }
            }
        }
        blackHole(out)
        return Double(n * blocksPerRun * infoBits) / seconds / 1e6
    }
}
