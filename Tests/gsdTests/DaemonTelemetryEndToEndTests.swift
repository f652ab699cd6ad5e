import Foundation
import Testing
import TestSupport

#if canImport(Glibc)
import Glibc
#endif

/// The real `gsd run` decoding telemetry: Quetzal-1's recording (which has a telemetry definition) played
/// as three scheduled passes, then its frames' telemetry and the /api/telemetry time series checked over
/// HTTP against gr-satellites' parse of the same frame and against `gsd telemetry decode`.
@Suite(.serialized, .timeLimit(.minutes(5))) struct DaemonTelemetryEndToEndTests {
    /// A value gr-satellites printed for the recording (`NAME = VALUE` in expected/RECORDING.telemetry.txt).
    static func grSatellites(_ recording: String, _ name: String) throws -> Double {
        let url = RecordingManifest.recordings.appendingPathComponent("expected/\(recording.dropLast(4)).telemetry.txt")
        let text = try String(contentsOf: url, encoding: .utf8)
        for line in text.split(separator: "\n") {
            let parts = line.trimmingCharacters(in: .whitespaces).components(separatedBy: " = ")
            if parts.count == 2, parts[0] == name, let v = Double(parts[1]) { return v }
        }
        throw DaemonTestError("\(url.path) has no numeric '\(name) = …' line")
    }

    /// Polls /api/schedule until every scheduled pass has been played.
    static func waitForSchedule(_ base: String, _ daemon: DaemonProcess) async throws {
        let deadline = ContinuousClock.now + .seconds(180)
        while ContinuousClock.now < deadline {
            if try await DaemonHTTP.json(base + "/api/schedule")["finished"] as? Bool == true { return }
            try await Task.sleep(for: .milliseconds(200))
        }
        throw DaemonTestError("the schedule did not finish:\n\(daemon.output.suffix(3000))")
    }

    @Test func telemetryIsStoredServedAndPlottable() async throws {
        let scratch = try DaemonEndToEndTests.Scratch()
        let recordings = [("quetzal1.wav", 45598), ("us04.wav", 42702), ("quetzal1.wav", 45598), ("quetzal1.wav", 45598)]
        let config = try DaemonEndToEndTests.config(scratch, recordings, speed: 0, gap: 0)
        let daemon = try DaemonProcess(arguments: ["run", "--config", config, "--listen", "127.0.0.1:0"], outputPath: scratch.file("log"))
        defer { daemon.kill(SIGKILL) }
        let base = try await daemon.waitForURL()
        try await Self.waitForSchedule(base, daemon)

        let passes = try await DaemonHTTP.items(base + "/api/passes")
        #expect(passes.map { $0["norad"] as? Int } == recordings.map(\.1))
        var good: [[String: Any]] = []
        for pass in passes where pass["norad"] as? Int == 45598 {
            let id = try #require(pass["id"] as? Int)
            let frames = try await DaemonHTTP.items(base + "/api/passes/\(id)/frames")
            #expect(DaemonEndToEndTests.hex(frames) == (try RecordingManifest.expected("quetzal1.wav")))
            for f in frames where f["checks_ok"] as? Bool == true { good.append(f) }
            #expect(frames.filter { $0["checks_ok"] as? Bool == false }.allSatisfy { $0["telemetry"] == nil })
        }
        #expect(good.count == 3, "one good beacon per pass:\n\(daemon.output.suffix(2000))")

        // Each good frame's telemetry is an object: the one `gsd telemetry decode` gives for its bytes, with
        // gr-satellites' values.
        let hex = try #require(good.first?["hex"] as? String)
        let cli = try await GSDProcess.run(["telemetry", "decode", "--norad", "45598", hex])
        #expect(cli.status == 0, "\(cli.stderr)")
        let decoded = try #require(try JSONSerialization.jsonObject(with: Data(cli.stdout.utf8)) as? [String: Any])
        let cliTelemetry = try #require(decoded["telemetry"] as? NSDictionary)
        let (volts, celsius) = (try Self.grSatellites("quetzal1.wav", "bat_voltage"), try Self.grSatellites("quetzal1.wav", "tmp"))
        let resets = try Self.grSatellites("quetzal1.wav", "reset_counter")
        for f in good {
            let telemetry = try #require(f["telemetry"] as? [String: Any], "\(f)")
            #expect(NSDictionary(dictionary: telemetry) == cliTelemetry)
            #expect(telemetry["error"] == nil && telemetry["definition"] as? String == "quetzal-1")
            let eps = ((telemetry["fields"] as? [String: Any])?["payload"] as? [String: Any])?["EPS"] as? [String: Any]
            let battery = eps?["bat_voltage"] as? [String: Any]
            #expect(abs((battery?["value"] as? Double ?? 0) - volts) < 1e-6, "\(String(describing: battery))")
            #expect(battery?["unit"] as? String == "mV")
            let temperature = (eps?["tmp"] as? [String: Any])?["value"] as? Double ?? 0
            #expect(abs(temperature - celsius) < 1e-6)
        }

        // The time series: one point per good frame, oldest first, with gr-satellites' value.
        let series = try await DaemonHTTP.json(base + "/api/telemetry?norad=45598&field=payload.CDHS.reset_counter")
        #expect(series["norad"] as? Int == 45598 && series["field"] as? String == "payload.CDHS.reset_counter")
        let points = try #require(series["points"] as? [[String: Any]])
        #expect(points.count == good.count)
        #expect(points.allSatisfy { Double($0["value"] as? Int ?? -1) == resets }, "\(points)")
        #expect(points.map { $0["time"] as? String } == good.map { $0["time"] as? String }, "the frames' own times")
        let times = points.compactMap { ($0["time"] as? String).flatMap(parseTime) }
        #expect(times.count == points.count && times == times.sorted())
        #expect(Set(points.compactMap { $0["pass"] as? Int }).count == 3, "one point from each pass")
        // since is inclusive, until exclusive: from the first to the last point leaves the last out.
        if let first = points.first?["time"] as? String, let last = points.last?["time"] as? String {
            let window = try await DaemonHTTP.json(base + "/api/telemetry?norad=45598&field=payload.CDHS.reset_counter&since=\(first)&until=\(last)")
            let inside = try #require(window["points"] as? [[String: Any]])
            #expect(inside.map { $0["time"] as? String } == points.dropLast().map { $0["time"] as? String })
        }
        let newest = try await DaemonHTTP.json(base + "/api/telemetry?norad=45598&field=payload.EPS.bat_voltage&limit=1")
        #expect((newest["points"] as? [[String: Any]])?.map { $0["time"] as? String } == [points.last?["time"] as? String])
        #expect(newest["more"] as? Bool == true)
        let fields = try #require(try await DaemonHTTP.json(base + "/api/telemetry/fields?norad=45598")["fields"] as? [[String: Any]])
        #expect(fields.contains { $0["path"] as? String == "payload.EPS.bat_voltage" && $0["unit"] as? String == "mV" })

        for (query, parameter) in [("field=payload.EPS.tmp", "norad"), ("norad=45598", "field"), ("norad=45598&field=a&limit=0", "limit"),
                                   ("norad=45598&field=a&since=not-a-time", "since"), ("norad=45598&field=a..b", "field")] {
            let (status, body) = try await DaemonHTTP.get(base + "/api/telemetry?" + query)
            #expect(status == 400 && String(decoding: body, as: UTF8.self).contains("query parameter \(parameter):"), "\(query)")
        }
        daemon.signal(SIGTERM)
        #expect(try await daemon.waitExit(timeout: .seconds(30)) == 0, "\(daemon.output.suffix(3000))")
    }

    /// A broken telemetry definition beside the catalogue stops `gsd run` before it starts, naming the file;
    /// a catalogue without a telemetry folder runs and stores frames without telemetry.
    @Test func telemetryDefinitionsAreCheckedAtStart() async throws {
        let scratch = try DaemonEndToEndTests.Scratch()
        let catalogue = scratch.file("catalogue")
        try FileManager.default.createDirectory(atPath: catalogue, withIntermediateDirectories: true)
        try FileManager.default.copyItem(
            atPath: DaemonEndToEndTests.packageRoot.appendingPathComponent("catalogue/satellites").path, toPath: catalogue + "/satellites")
        let config = try DaemonEndToEndTests.config(scratch, [("quetzal1.wav", 45598)], speed: 0, gap: 0)

        let plain = try await GSDProcess.run(["run", "--config", config, "--listen", "127.0.0.1:0", "--catalogue", catalogue, "--exit-after-schedule"])
        #expect(plain.status == 0, "\(plain.stderr.suffix(2000))")
        #expect(plain.stdout.contains("Quetzal-1 (scheduled): 1 good frames"), "\(plain.stdout)")
        #expect(plain.stderr.contains("frames are stored without decoded telemetry"))

        try FileManager.default.createDirectory(atPath: catalogue + "/telemetry", withIntermediateDirectories: true)
        try "name: broken\nfields:\n  - {name: x, type: no-such-type}\n".write(toFile: catalogue + "/telemetry/broken.yml", atomically: true, encoding: .utf8)
        let broken = try await GSDProcess.run(["run", "--config", config, "--listen", "127.0.0.1:0", "--catalogue", catalogue, "--exit-after-schedule"])
        #expect(broken.status != 0)
        #expect(broken.stderr.contains("broken.yml"), "\(broken.stderr.suffix(2000))")
        #expect(!broken.stdout.contains("gsd: listening"), "refused before serving")
    }

    /// `gsd run` with `storage: { postgresql: URL }` on a throwaway PostgreSQL server: the frames served over
    /// HTTP are the reference frames, they are rows of the database, and so is their telemetry.
    @Test(.enabled(if: PostgresTestServer.binDirectory != nil, "skipped: no PostgreSQL binaries (/usr/lib/postgresql/*/bin/initdb); install postgresql"))
    func postgresStorageEndToEnd() async throws {
        let server = try await Offload.run { try PostgresTestServer() }
        defer { server.stop() }
        let database = try await Offload.run { try server.createDatabase() }
        let scratch = try DaemonEndToEndTests.Scratch()
        let recordings = [("us04.wav", 42702), ("quetzal1.wav", 45598)]
        let config = try DaemonEndToEndTests.config(
            scratch, recordings, speed: 0, gap: 0, extra: "storage: { postgresql: \"\(server.url(database: database))\" }")
        let daemon = try DaemonProcess(arguments: ["run", "--config", config, "--listen", "127.0.0.1:0"], outputPath: scratch.file("log"))
        defer { daemon.kill(SIGKILL) }
        let base = try await daemon.waitForURL()
        try await Self.waitForSchedule(base, daemon)

        let passes = try await DaemonHTTP.items(base + "/api/passes")
        #expect(passes.map { $0["norad"] as? Int } == [42702, 45598], "\(daemon.output.suffix(2000))")
        var served = 0
        for (pass, recording) in zip(passes, recordings.map(\.0)) {
            let id = try #require(pass["id"] as? Int)
            let frames = try await DaemonHTTP.items(base + "/api/passes/\(id)/frames")
            served += frames.count
            #expect(DaemonEndToEndTests.hex(frames) == (try RecordingManifest.expected(recording)), "\(recording)")
            // What the database holds for this pass, read by another client (psql).
            let rows = try await Offload.run {
                try server.psql(database, "SELECT encode(bytes, 'hex') FROM gsd_frames WHERE pass_id = \(id) AND checks_ok ORDER BY sequence")
            }
            #expect(Set(rows.split(separator: "\n").map(String.init)) == (try RecordingManifest.expected(recording)))
        }
        let count = try await Offload.run { try server.psql(database, "SELECT count(*) FROM gsd_frames") }
        #expect(count == "\(served)\n")
        // Every good frame was stored with telemetry (both satellites have definitions); the battery voltage
        // read back from PostgreSQL's own JSON parser is gr-satellites' value.
        let withTelemetry = try await Offload.run {
            try server.psql(database, "SELECT count(*) FILTER (WHERE telemetry_json IS NOT NULL), count(*) FILTER (WHERE checks_ok) FROM gsd_frames")
        }
        let counts = withTelemetry.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: "|")
        #expect(counts.count == 2 && counts[0] == counts[1] && counts[0] != "0", "\(withTelemetry)")
        let volts = try await Offload.run {
            try server.psql(database, """
                SELECT f.telemetry_json::jsonb #>> '{fields,payload,EPS,bat_voltage,value}'
                FROM gsd_frames f JOIN gsd_passes p ON p.id = f.pass_id WHERE p.norad = 45598 AND f.checks_ok
                """)
        }
        let expected = try Self.grSatellites("quetzal1.wav", "bat_voltage")
        #expect(abs((Double(volts.trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0) - expected) < 1e-6, "\(volts)")
        let series = try await DaemonHTTP.json(base + "/api/telemetry?norad=45598&field=payload.EPS.bat_voltage")
        #expect((series["points"] as? [Any])?.count == 1)

        daemon.signal(SIGTERM)
        #expect(try await daemon.waitExit(timeout: .seconds(30)) == 0, "\(daemon.output.suffix(3000))")
    }
}

/// ISO 8601 with or without milliseconds.
private func parseTime(_ s: String) -> Date? {
    (try? Date.ISO8601FormatStyle(includingFractionalSeconds: true).parse(s)) ?? (try? Date.ISO8601FormatStyle().parse(s))
}
