import Foundation
import TelemetryDecode

extension Benchmark {
    /// False frames from pure noise: `GSD_NOISE_SECONDS` (default 3600) seconds of white noise at
    /// 48 kHz through the receive chains of one transmitter per framing (`NoiseTrial`), one line per
    /// framing on stderr; the figure is the total of frames reported good, per hour of noise per framing.
    /// `GSD_NOISE_FRAMINGS` (comma-separated framing names) limits the run to those framings.
    static let falseFrames = Benchmark(
        name: "false-frames", unit: "frames/hour",
        summary: "good frames from an hour of pure noise per framing (all framings, total; per framing on stderr)"
    ) {
        let seconds = max(1, Int(ProcessInfo.processInfo.environment["GSD_NOISE_SECONDS"] ?? "") ?? 3600)
        let only = Set((ProcessInfo.processInfo.environment["GSD_NOISE_FRAMINGS"] ?? "").split(separator: ",").map {
            $0.trimmingCharacters(in: .whitespaces)
        })
        var total = 0
        for spec in NoiseTrial.transmitters where only.isEmpty || only.contains(spec.framing.rawValue) {
            let clock = ContinuousClock()
            let start = clock.now
            let r = try NoiseTrial.run(spec, seconds: seconds)
            let took = (clock.now - start).components
            total += r.goodFrames
            FileHandle.standardError.write(Data(
                "false-frames: \(NoiseTrial.label(spec)): \(r.seconds) s of noise, \(r.chains) chain(s), \(r.goodFrames) good frame(s), \(r.failedCandidates) failed candidate(s) (\(took.seconds) s)\n".utf8))
        }
        return Double(total) * 3600 / Double(seconds)
    }
}
