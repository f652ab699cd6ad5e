import Foundation
import Testing

@Suite struct ReplayCLITests {
    static let us04 = RecordingManifest.recordings.appendingPathComponent("us04.wav").path

    @Test func jsonOutputCarriesTheFrameFacts() async throws {
        let r = try await GSDProcess.run(["replay", Self.us04, "--satellite", "COLUMBIA", "--output", "json"])
        #expect(r.status == 0, "\(r.stderr)")
        let objects = try r.stdout.split(separator: "\n").map {
            try #require(JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])
        }
        #expect(objects.count == 2)
        let first = try #require(objects.first)
        #expect(first["satellite"] as? String == "COLUMBIA")
        #expect(first["framing"] as? String == "AX.25 G3RUH")
        #expect(first["check"] as? String == "passed")
        #expect((first["hex"] as? String)?.hasPrefix("86a240404040609688708694a8e103f0") == true)
        #expect(first["length"] as? Int == ((first["hex"] as? String)?.count ?? 0) / 2)
        #expect(r.stderr.contains("2 good frames"))
    }

    /// `--failed` shows the failed checks the summary counts, and only those: never a good frame, never a
    /// damaged copy lying next to one.
    @Test func failedChecksAreShownOnRequest() async throws {
        let r = try await GSDProcess.run(["replay", Self.us04, "--norad", "42702", "--failed", "--output", "json"])
        #expect(r.status == 0, "\(r.stderr)")
        let objects = try r.stdout.split(separator: "\n").map {
            try #require(JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])
        }
        let good = objects.filter { $0["check"] as? String == "passed" }
        let failed = objects.filter { $0["check"] as? String == "failed" }
        #expect(good.count + failed.count == objects.count)
        #expect(Set(good.compactMap { $0["hex"] as? String }) == (try RecordingManifest.expected("us04.wav")))
        let counts = try await ReplayCounts.of("us04.wav", norad: 42702)
        #expect(failed.count == counts.failed && counts.failed > 0, "\(r.stderr)")
        let goodTimes = good.compactMap { $0["time"] as? Double }
        for f in failed {
            let time = try #require(f["time"] as? Double)
            // 128 symbols at 9600 Bd: the copy window.
            #expect(goodTimes.allSatisfy { abs($0 - time) > 128.0 / 9600 }, "a damaged copy shown as a failed check: \(f)")
            #expect(f["length"] as? Int == ((f["hex"] as? String)?.count ?? 0) / 2)
        }
        // Without JSON they go to stderr, leaving stdout to the good frames.
        let hex = try await GSDProcess.run(["replay", Self.us04, "--norad", "42702", "--failed"])
        #expect(hex.stdout.split(separator: "\n").count == good.count)
        #expect(hex.stderr.components(separatedBy: "gsd: failed check at ").count - 1 == counts.failed, "\(hex.stderr)")
    }

    @Test func explicitTransmitterAndKissOutput() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("gsd-replay-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let kiss = dir.appendingPathComponent("out.kiss").path
        let r = try await GSDProcess.run([
            "replay", Self.us04, "--modulation", "FSK", "--baud", "9600", "--framing", "AX.25 G3RUH", "--kiss-out", kiss,
        ])
        #expect(r.status == 0, "\(r.stderr)")
        let decoded = try await GSDProcess.run(["kiss", "decode", kiss])
        #expect(decoded.stdout.split(separator: "\n").count == 2)
        #expect(decoded.stdout.contains("KD8CJT>CQ:"))
    }

    @Test func badInputsGiveClearErrors() async throws {
        let missing = try await GSDProcess.run(["replay", "/nonexistent.wav", "--norad", "42702"])
        #expect(missing.status != 0 && missing.stderr.contains("/nonexistent.wav"))
        let unknown = try await GSDProcess.run(["replay", Self.us04, "--norad", "1"])
        #expect(unknown.status != 0 && unknown.stderr.contains("no satellite with NORAD id 1 is in the catalogue"))
        let raw = try await GSDProcess.run(["replay", Self.us04 + ".raw", "--norad", "42702"])
        #expect(raw.status != 0)
        let both = try await GSDProcess.run(["replay", Self.us04, "--norad", "42702", "--satellite", "COLUMBIA"])
        #expect(both.status != 0 && both.stderr.contains("exactly one"))
    }
}
