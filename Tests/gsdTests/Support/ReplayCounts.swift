import Foundation
import TestSupport

/// What `gsd replay --norad N` reports for a shared recording: the frames the daemon stores when it
/// plays that recording as a pass (good frames plus failed checks; damaged copies are only counted).
/// Daemon tests take their counts from here rather than hard-coding the decoders' output.
enum ReplayCounts {
    struct Counts {
        var good: Int
        var failed: Int
        var stored: Int { good + failed }
    }

    static func of(_ recording: String, norad: Int) async throws -> Counts {
        let path = RecordingManifest.recordings.appendingPathComponent(recording).path
        let r = try await GSDProcess.runDecoding(["replay", path, "--norad", String(norad), "--output", "hex"])
        // "gsd: PATH: 2 good frames, 4 failed checks, ..."
        func number(before label: String) -> Int? {
            guard let range = r.stderr.range(of: " " + label) else { return nil }
            return Int(r.stderr[..<range.lowerBound].split(separator: " ").last ?? "")
        }
        guard r.status == 0, let good = number(before: "good frames"), let failed = number(before: "failed checks") else {
            throw ChildProcess.Failure("gsd replay \(recording) gave no summary: \(r.stderr)")
        }
        return Counts(good: good, failed: failed)
    }
}
