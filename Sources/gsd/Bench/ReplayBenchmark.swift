import Foundation
import GroundStation
import TelemetryDecode

extension Benchmark {
    /// Seconds of signal decoded per wall second, over every shared recording whose satellite is in
    /// the catalogue, each replayed with all of its satellite's transmitters as `gsd replay --norad` does.
    static let replay = Benchmark(
        name: "replay", unit: "x realtime", summary: "gsd replay over the shared recordings (signal s / wall s)"
    ) {
        let recordings = SharedRecordingsLocation.directory
        guard let manifest = try? String(contentsOfFile: recordings + "/MANIFEST.tsv", encoding: .utf8) else {
            throw BenchmarkError.missingData("\(recordings)/MANIFEST.tsv (set GSD_SHARED to the shared folder)")
        }
        let catalogue = try SatelliteCatalogue.load(directory: SatelliteCatalogue.defaultDirectory())
        var jobs: [(String, [TransmitterSpec])] = []
        for line in manifest.split(separator: "\n").dropFirst() {
            let c = line.split(separator: "\t", omittingEmptySubsequences: false)
            guard c.count > 2, let norad = Int(c[2]), let sat = catalogue.satellite(norad: norad) else { continue }
            jobs.append((recordings + "/" + c[0], sat.transmitters))
        }
        var signal = 0.0
        let clock = ContinuousClock()
        let start = clock.now
        for (path, specs) in jobs {
            guard let session = try? ReplaySession(ReplayOptions(path: path, transmitters: specs)) else { continue }
            let s = try await session.run(onFrame: { _ in })
            signal += s.signalSeconds
        }
        let d = clock.now - start
        let wall = Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18
        return signal / wall
    }
}

enum BenchmarkError: Error, CustomStringConvertible {
    case missingData(String)
    var description: String {
        switch self {
        case .missingData(let what): "benchmark data not found: \(what)"
        }
    }
}

/// Where the shared recordings are: `$GSD_SHARED/recordings`, else `../shared/recordings` beside the
/// source tree this binary was built from.
enum SharedRecordingsLocation {
    static var directory: String {
        if let env = ProcessInfo.processInfo.environment["GSD_SHARED"] { return env + "/recordings" }
        return URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("shared/recordings").path
    }
}
