/// One named performance measurement run by `gsd bench NAME`.
///
/// `run` does the work and returns the figure in `unit` (higher is better unless the unit says otherwise).
/// Benchmarks that need an outside peer (libfec, a C build) measure only gsd's side here; the peer is run
/// beside it by hand or by a script, never inside a test.
struct Benchmark: Sendable {
    let name: String
    let unit: String
    let summary: String
    let run: @Sendable () async throws -> Double
}

/// Every benchmark `gsd bench` knows. Each lives in its own file as a `static let` on `Benchmark`.
enum BenchmarkCatalog {
    static let all: [Benchmark] = [
        .crc16X25,
        .ring, .ringPipeline,
        .viterbiK7,
        .rsDecode,
        .sgp4,
        .hdlc,
        .replay,
        .resampler, .resamplerAudio,
        .usbStream,
        .soapyStream,
        .telemetry,
        .liveChain,
        .falseFrames,
    ]

    static func named(_ name: String) -> Benchmark? { all.first { $0.name == name } }
}
