import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// The real `gsd run` executable with a file source playing shared recordings as scheduled passes,
/// checked over HTTP; then killed with SIGKILL in the middle of a pass and restarted.
@Suite(.serialized, .timeLimit(.minutes(5))) struct DaemonEndToEndTests {
    final class Scratch: Sendable {
        let path: String
        init() throws {
            path = FileManager.default.temporaryDirectory.appendingPathComponent("gsd-e2e-\(UUID().uuidString)").path
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        }
        deinit { try? FileManager.default.removeItem(atPath: path) }
        func file(_ name: String) -> String { (path as NSString).appendingPathComponent(name) }
    }

    static var packageRoot: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    }

    /// A configuration playing `recordings` (shared recordings) at `speed`.
    static func config(
        _ scratch: Scratch, _ recordings: [(String, Int)], speed: Double, gap: Double = 1, startDelay: Double = 1, extra: String = ""
    ) throws -> String {
        let list = recordings.map { "      - { path: \(RecordingManifest.recordings.appendingPathComponent($0.0).path), norad: \($0.1) }" }
        let sats = Array(Set(recordings.map(\.1))).sorted().map(String.init).joined(separator: ", ")
        let tle = packageRoot.appendingPathComponent("examples/demo.tle").path
        let text = """
            station: { name: e2e, location: { latitude: 50, longitude: 8, altitude: 100 } }
            hardware:
              source: file
              file:
                speed: \(speed)
                start_delay: \(startDelay)
                gap: \(gap)
                recordings:
            \(list.joined(separator: "\n"))
            satellites: [\(sats)]
            tle: { files: [\(tle)] }
            data_dir: \(scratch.file("data"))
            \(extra)
            """
        let path = scratch.file("gsd.yaml")
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    static func hex(_ items: [[String: Any]], good: Bool = true) -> Set<String> {
        Set(items.filter { ($0["checks_ok"] as? Bool) == good }.compactMap { $0["hex"] as? String })
    }

    @Test func scheduledFilePassesServedOverHTTP() async throws {
        let scratch = try Scratch()
        let config = try Self.config(scratch, [("us04.wav", 42702), ("quetzal1.wav", 45598)], speed: 4)
        let daemon = try DaemonProcess(arguments: ["run", "--config", config, "--listen", "127.0.0.1:0"], outputPath: scratch.file("log"))
        defer { daemon.kill(SIGKILL) }
        let base = try await daemon.waitForURL()

        // The schedule lists both recordings; wait until both have played.
        let deadline = ContinuousClock.now + .seconds(120)
        var schedule: [String: Any] = [:]
        repeat {
            schedule = try await DaemonHTTP.json(base + "/api/schedule")
            if schedule["finished"] as? Bool == true { break }
            try await Task.sleep(for: .milliseconds(200))
        } while ContinuousClock.now < deadline
        let entries = try #require(schedule["passes"] as? [[String: Any]])
        #expect(entries.map { $0["norad"] as? Int } == [42702, 45598])
        #expect(entries.map { $0["state"] as? String } == ["done", "done"], "\(daemon.output)")

        let passes = try await DaemonHTTP.items(base + "/api/passes")
        #expect(passes.map { $0["norad"] as? Int } == [42702, 45598])
        #expect(passes.map { $0["satellite"] as? String } == ["COLUMBIA", "Quetzal-1"])
        for (pass, recording) in zip(passes, ["us04.wav", "quetzal1.wav"]) {
            let id = try #require(pass["id"] as? Int)
            #expect(pass["end"] is String && pass["start"] is String)
            let frames = try await DaemonHTTP.items(base + "/api/passes/\(id)/frames")
            #expect(frames.count == pass["frames"] as? Int)
            #expect(Self.hex(frames) == (try RecordingManifest.expected(recording)), "\(recording)")
            #expect(frames.allSatisfy { $0["azimuth"] is Double && $0["elevation"] is Double && $0["time"] is String })
            let one = try await DaemonHTTP.json(base + "/api/passes/\(id)")
            #expect(one["id"] as? Int == id)
            let (status, png) = try await DaemonHTTP.get(base + "/api/passes/\(id)/waterfall.png")
            #expect(status == 200 && png.starts(with: [0x89, 0x50, 0x4E, 0x47]), "waterfall is a PNG")
        }
        let (mstatus, metricsData) = try await DaemonHTTP.get(base + "/metrics")
        let metrics = String(decoding: metricsData, as: UTF8.self)
        #expect(mstatus == 200)
        #expect(metrics.contains(#"gsd_frames_total{satellite="COLUMBIA",checks="ok"} 2"#), "\(metrics)")
        #expect(metrics.contains(#"gsd_frames_total{satellite="Quetzal-1",checks="ok"} 1"#))
        #expect(metrics.contains(#"gsd_passes_total{satellite="COLUMBIA",kind="scheduled"} 1"#))
        // Measured on good frames only (failed checks are held back on purpose).
        #expect(metrics.contains("gsd_decode_latency_seconds_count 3"))
        #expect(metrics.contains("gsd_ring_dropped_bytes_total 0"))
        let status = try await DaemonHTTP.json(base + "/api/status")
        #expect(status["station"] as? String == "e2e")
        #expect(status["passes_observed"] as? Int == 2)

        // gsd status talks to it.
        let cli = try await GSDProcess.run(["status", "--url", base])
        #expect(cli.status == 0, "\(cli.stderr)")
        #expect(cli.stdout.contains("station e2e") && cli.stdout.contains("COLUMBIA (42702)  done"), "\(cli.stdout)")

        // SIGTERM: a clean exit.
        daemon.signal(SIGTERM)
        #expect(try await daemon.waitExit(timeout: .seconds(30)) == 0, "\(daemon.output)")
    }

    /// Every frame in `seen` is in `after` with the same sequence number and the same `fields`. Matched
    /// by sequence, not by position: lists are in time order, and a failed check held back for a second
    /// of signal can be stored after a later good frame, so it lands before that frame in the list.
    static func expectStillThere(_ seen: [[String: Any]], _ after: [[String: Any]], fields: [String], sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(after.count >= seen.count, sourceLocation: sourceLocation)
        var bySequence: [Int: [String: Any]] = [:]
        for frame in after {
            if let sequence = frame["sequence"] as? Int { bySequence[sequence] = frame }
        }
        for frame in seen {
            guard let sequence = frame["sequence"] as? Int, let stored = bySequence[sequence] else {
                Issue.record("a frame shown before is gone: \(frame)", sourceLocation: sourceLocation)
                continue
            }
            for field in fields {
                #expect("\(frame[field] ?? "nil")" == "\(stored[field] ?? "nil")", "frame \(sequence): \(field) changed", sourceLocation: sourceLocation)
            }
        }
    }

    /// Frames the API has shown (acknowledged: stored before they are served) survive `kill -9` in the
    /// middle of a pass; the restarted daemon closes the interrupted pass at its last frame.
    @Test func killMinusNineMidPassLosesNothingAcknowledged() async throws {
        let scratch = try Scratch()
        // us04 at a quarter of real time: about 28 s of pass with frames spread over it.
        let config = try Self.config(scratch, [("us04.wav", 42702)], speed: 0.25)
        var seen: [[String: Any]] = []
        do {
            let daemon = try DaemonProcess(arguments: ["run", "--config", config, "--listen", "127.0.0.1:0"], outputPath: scratch.file("log1"))
            defer { daemon.kill(SIGKILL) }
            let base = try await daemon.waitForURL()
            let deadline = ContinuousClock.now + .seconds(120)
            while ContinuousClock.now < deadline {
                let passes = try await DaemonHTTP.items(base + "/api/passes")
                if let p = passes.first, let id = p["id"] as? Int {
                    let frames = try await DaemonHTTP.items(base + "/api/passes/\(id)/frames")
                    if frames.count >= 2 {
                        // Still observing: the kill lands mid-pass.
                        let again = try await DaemonHTTP.json(base + "/api/passes/\(id)")
                        #expect(again["end"] == nil, "the pass ended before the kill; the test needs a longer pass")
                        seen = frames
                        break
                    }
                }
                try await Task.sleep(for: .milliseconds(100))
            }
            #expect(seen.count >= 2, "no frames seen before the deadline:\n\(daemon.output)")
            daemon.kill(SIGKILL)
        }
        // Restart on the same data folder.
        let daemon = try DaemonProcess(arguments: ["run", "--config", config, "--listen", "127.0.0.1:0"], outputPath: scratch.file("log2"))
        defer { daemon.kill(SIGKILL) }
        let base = try await daemon.waitForURL()
        var interrupted: [String: Any] = [:]
        for _ in 0..<100 {
            interrupted = try await DaemonHTTP.json(base + "/api/passes/1")
            if interrupted["end"] is String { break }
            try await Task.sleep(for: .milliseconds(100))
        }
        #expect(interrupted["end"] is String, "the restarted daemon closes the interrupted pass")
        let after = try await DaemonHTTP.items(base + "/api/passes/1/frames")
        Self.expectStillThere(seen, after, fields: ["hex", "time", "checks_ok"])
        // Closed at its last stored frame.
        #expect(interrupted["end"] as? String == after.last?["time"] as? String)
        #expect(daemon.output.contains("closed a pass left open by an earlier run"))
        daemon.signal(SIGTERM)
        #expect(try await daemon.waitExit(timeout: .seconds(30)) == 0, "\(daemon.output)")
    }

    /// SIGTERM in the middle of a pass: the daemon closes the pass itself (the next start finds nothing
    /// left open) and exits 0.
    @Test func sigtermMidPassClosesThePassCleanly() async throws {
        let scratch = try Scratch()
        let config = try Self.config(scratch, [("us04.wav", 42702)], speed: 0.25)
        do {
            let daemon = try DaemonProcess(arguments: ["run", "--config", config, "--listen", "127.0.0.1:0"], outputPath: scratch.file("log1"))
            defer { daemon.kill(SIGKILL) }
            let base = try await daemon.waitForURL()
            var observing = false
            for _ in 0..<600 {
                let status = try await DaemonHTTP.json(base + "/api/status")
                if let current = status["current_passes"] as? [[String: Any]], !current.isEmpty { observing = true; break }
                try await Task.sleep(for: .milliseconds(100))
            }
            #expect(observing)
            daemon.signal(SIGTERM)
            #expect(try await daemon.waitExit(timeout: .seconds(30)) == 0, "\(daemon.output)")
            #expect(daemon.output.contains("interrupted=true"), "\(daemon.output)")
        }
        let daemon = try DaemonProcess(arguments: ["run", "--config", config, "--listen", "127.0.0.1:0"], outputPath: scratch.file("log2"))
        defer { daemon.kill(SIGKILL) }
        let base = try await daemon.waitForURL()
        let pass = try await DaemonHTTP.json(base + "/api/passes/1")
        #expect(pass["end"] is String)
        #expect(!daemon.output.contains("closed a pass left open"))
        daemon.kill(SIGKILL)
    }

    @Test func invalidConfigurationRefusesToStartNamingTheKey() async throws {
        let scratch = try Scratch()
        let path = scratch.file("bad.yaml")
        try "station: { name: x, location: { latitude: 91, longitude: 0 } }\n".write(toFile: path, atomically: true, encoding: .utf8)
        let r = try await GSDProcess.run(["run", "--config", path])
        #expect(r.status != 0)
        #expect(r.stderr.contains("station.location.latitude: must be within -90...90 degrees"), "\(r.stderr)")
    }
}
