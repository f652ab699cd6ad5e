import Foundation
import TelemetryDecode

extension Benchmark {
    /// Polyphase resampler on IQ, in Msps of input (10^6 complex samples per second): 250 ksps → 48 ksps
    /// (ratio 125/24, 70 dB, the IQ front end's case), 64 Ki-sample blocks of noise.
    static let resampler = Benchmark(
        name: "resampler", unit: "Msps",
        summary: "polyphase resampler, complex 250 ksps → 48 ksps (70 dB), input samples/s"
    ) {
        try resamplerThroughput(ComplexSample.self, from: 250_000, to: 48_000)
    }

    /// The same on real audio, 48 kHz → 44.1 kHz (ratio 160/147, every output between two stored phases).
    static let resamplerAudio = Benchmark(
        name: "resampler-audio", unit: "Msps",
        summary: "polyphase resampler, real 48 kHz → 44.1 kHz (70 dB), input samples/s"
    ) {
        try resamplerThroughput(Float.self, from: 48_000, to: 44_100)
    }

    static func resamplerThroughput<S: ResamplerSample>(_: S.Type, from input: Double, to output: Double) throws -> Double {
        var r = try PolyphaseResampler<S>(inputRate: input, outputRate: output)
        let block = 64 << 10
        var rng = SplitMix64(seed: 3)
        var floats = (0..<(block * S.lanes)).map { _ in Float(Int64(bitPattern: rng.next()) >> 40) / 0x1p23 }
        var out: [S] = []
        out.reserveCapacity(block)
        let blocksPerRun = 16
        let (runs, seconds) = floats.withUnsafeMutableBytes { raw in
            let samples = UnsafeBufferPointer(raw.bindMemory(to: S.self))
            return BenchClock.measure {
                for _ in 0..<blocksPerRun {
                    out.removeAll(keepingCapacity: true)
                    r.process(samples, into: &out)
                }
            }
        }
        blackHole(out)
        return Double(runs * blocksPerRun * block) / seconds / 1e6
    }
}
