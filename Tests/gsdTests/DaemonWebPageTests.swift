import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// The station's web page rendered by headless Chromium against a real daemon, and live frames over SSE.
@Suite(.serialized, .timeLimit(.minutes(5))) struct DaemonWebPageTests {
    static let chromium = ["/usr/bin/chromium", "/usr/bin/chromium-browser"].first { FileManager.default.isExecutableFile(atPath: $0) }

    /// Runs headless Chromium on `url` and returns the DOM after the page's scripts ran. The page is
    /// loaded with ?live=0: an open event stream would stop Chromium's virtual time.
    static func dumpDOM(_ url: String, scratch: DaemonEndToEndTests.Scratch) async throws -> String {
        let chromium = try #require(chromium)
        let out = scratch.file("dom-\(UUID().uuidString).html")
        let p = try DaemonProcess(
            arguments: ["--headless", "--no-sandbox", "--disable-gpu", "--virtual-time-budget=5000", "--dump-dom", url],
            outputPath: out + ".log", executable: chromium)
        defer { p.kill(SIGKILL) }
        guard try await p.waitExit(timeout: .seconds(90)) != nil else { throw DaemonTestError("chromium did not finish") }
        // Chromium writes the DOM to stdout (and its diagnostics to stderr): both went to the log file.
        let text = p.output
        guard let start = text.range(of: "<html"), let end = text.range(of: "</html>", options: .backwards) else {
            throw DaemonTestError("no DOM from chromium:\n\(text.suffix(2000))")
        }
        return String(text[start.lowerBound..<end.upperBound])
    }

    @Test(.enabled(if: chromium != nil, "chromium is not installed (apt-get install chromium)"))
    func pageShowsStatusScheduleAndAPassWithItsFrames() async throws {
        let scratch = try DaemonEndToEndTests.Scratch()
        let config = try DaemonEndToEndTests.config(scratch, [("us04.wav", 42702), ("quetzal1.wav", 45598)], speed: 0, gap: 0)
        let daemon = try DaemonProcess(arguments: ["run", "--config", config, "--listen", "127.0.0.1:0"], outputPath: scratch.file("log"))
        defer { daemon.kill(SIGKILL) }
        let base = try await daemon.waitForURL()
        for _ in 0..<600 {
            if try await DaemonHTTP.json(base + "/api/schedule")["finished"] as? Bool == true { break }
            try await Task.sleep(for: .milliseconds(100))
        }
        let us04 = try await ReplayCounts.of("us04.wav", norad: 42702)
        let stored = us04.stored + 1  // and Quetzal-1's one good frame
        let dom = try await Self.dumpDOM(base + "/?live=0#pass-1", scratch: scratch)
        #expect(dom.contains("<span id=\"station\">e2e</span>"), "\(dom.prefix(3000))")
        #expect(dom.contains("receiver: file 2 recordings"), "status lists the receiver")
        #expect(dom.contains("<td id=\"framesStored\">\(stored)</td>"), "status counts \(us04.stored) + 1 stored frames")
        // Schedule: both recordings played.
        #expect(dom.components(separatedBy: "<td>done</td>").count - 1 == 2)
        // Passes table: both passes, with their frame counts.
        #expect(dom.contains("<td>COLUMBIA</td><td>42702</td><td>scheduled</td>"))
        #expect(dom.contains("<td>Quetzal-1</td><td>45598</td><td>scheduled</td>"))
        // The pass view (#pass-1): its frames, the reference ones among the good ones.
        #expect(dom.contains("<h3>Pass 1: COLUMBIA</h3>"))
        for hex in try RecordingManifest.expected("us04.wav") { #expect(dom.contains("<td class=\"hex\">\(hex)</td>"), "frame \(hex.prefix(16))") }
        // Frames by satellite and time (first page: all frames of both passes).
        #expect(dom.contains("frames 1–\(stored)"))
        #expect(dom.contains("off (?live=0)"))
    }

    /// The telemetry section: Quetzal-1 played three times, its battery voltage chosen by URL, drawn as an
    /// SVG line through one point per good frame.
    @Test(.enabled(if: chromium != nil, "chromium is not installed (apt-get install chromium)"))
    func pagePlotsAChosenTelemetryField() async throws {
        let scratch = try DaemonEndToEndTests.Scratch()
        let config = try DaemonEndToEndTests.config(
            scratch, [("quetzal1.wav", 45598), ("quetzal1.wav", 45598), ("quetzal1.wav", 45598)], speed: 0, gap: 0)
        let daemon = try DaemonProcess(arguments: ["run", "--config", config, "--listen", "127.0.0.1:0"], outputPath: scratch.file("log"))
        defer { daemon.kill(SIGKILL) }
        let base = try await daemon.waitForURL()
        for _ in 0..<600 {
            if try await DaemonHTTP.json(base + "/api/schedule")["finished"] as? Bool == true { break }
            try await Task.sleep(for: .milliseconds(100))
        }
        let series = try await DaemonHTTP.json(base + "/api/telemetry?norad=45598&field=payload.EPS.bat_voltage")
        let values = try #require(series["points"] as? [[String: Any]]).compactMap { $0["value"] as? Double }
        #expect(values.count == 3, "\(series)")
        let dom = try await Self.dumpDOM(base + "/?live=0&tm=45598&field=payload.EPS.bat_voltage", scratch: scratch)
        #expect(dom.contains("<option value=\"45598\">Quetzal-1 (45598)</option>"), "\(dom.suffix(4000))")
        #expect(dom.contains("<option value=\"payload.EPS.bat_voltage\">payload.EPS.bat_voltage [mV]</option>"))
        // The drawn SVG (not the script that draws it, which the DOM dump also holds).
        let start = try #require(dom.range(of: "<svg id=\"telemetryPlot\""), "\(dom.suffix(4000))")
        let end = try #require(dom.range(of: "</svg>", range: start.upperBound..<dom.endIndex))
        let svg = dom[start.lowerBound..<end.upperBound]
        // One vertex and one marker per value, each titled with its value.
        let polyline = try #require(svg.range(of: "<polyline").map { svg[$0.lowerBound...] }?.prefix { $0 != ">" })
        let vertices = polyline.split(separator: "points=\"").last?.prefix { $0 != "\"" }.split(separator: " ") ?? []
        #expect(vertices.count == values.count, "\(polyline)")
        #expect(svg.components(separatedBy: "<circle ").count - 1 == values.count, "\(svg)")
        for v in values { #expect(svg.contains(": \(v) mV</title>"), "a marker titled \(v) mV") }
        #expect(dom.contains("payload.EPS.bat_voltage: 3 values"))
    }

    @Test func liveFramesStreamOverServerSentEvents() async throws {
        let scratch = try DaemonEndToEndTests.Scratch()
        // The pass starts 10 s after the daemon listens, so the stream is open before the first frame even
        // when the test's threads wait behind other suites on a loaded 2-core machine (1 s was not enough).
        let config = try DaemonEndToEndTests.config(scratch, [("us04.wav", 42702)], speed: 0.5, startDelay: 10)
        let daemon = try DaemonProcess(arguments: ["run", "--config", config, "--listen", "127.0.0.1:0"], outputPath: scratch.file("log"))
        defer { daemon.kill(SIGKILL) }
        let base = try await daemon.waitForURL()
        let port = try #require(Int(base.split(separator: ":").last ?? ""))
        // Blocking reads with a 1 s receive timeout; the suite is serialized, so this holds one pool thread.
        let n = try await ReplayCounts.of("us04.wav", norad: 42702).stored
        let frames = try await DaemonHTTP.liveFrames(host: "127.0.0.1", port: port, count: n, timeout: .seconds(60))
        #expect(frames.count == n, "\(daemon.output)")
        #expect(frames.map { $0["sequence"] as? Int } == Array(0..<n))
        #expect(frames.allSatisfy { $0["norad"] as? Int == 42702 && $0["pass_id"] as? Int == 1 })
        let good = Set(frames.filter { $0["checks_ok"] as? Bool == true }.compactMap { $0["hex"] as? String })
        #expect(good == (try RecordingManifest.expected("us04.wav")))
        // Every streamed frame was already stored.
        let stored = try await DaemonHTTP.items(base + "/api/passes/1/frames")
        #expect(Set(stored.compactMap { $0["hex"] as? String }).isSuperset(of: Set(frames.compactMap { $0["hex"] as? String })))

        // A client that reconnects after frame 1.2 gets the ones it missed from the store, with their ids.
        let resumed = try await DaemonHTTP.liveFrames(host: "127.0.0.1", port: port, count: n - 3, timeout: .seconds(30), lastEventID: "1.2")
        #expect(resumed.map { $0["sequence"] as? Int } == Array(3..<n))
        #expect(resumed.map { $0["_id"] as? String } == (3..<n).map { "1.\($0)" })
        #expect(frames.map { $0["_id"] as? String } == (0..<n).map { "1.\($0)" })
        #expect(resumed.map { $0["hex"] as? String } == frames.dropFirst(3).map { $0["hex"] as? String })
        #expect(resumed.allSatisfy { $0["satellite"] as? String == "COLUMBIA" && $0["norad"] as? Int == 42702 })
        // After the last frame: nothing to replay (the stream stays open, so this waits for its timeout).
        let none = try await DaemonHTTP.liveFrames(host: "127.0.0.1", port: port, count: 1, timeout: .seconds(2), lastEventID: "1.\(n - 1)")
        #expect(none.isEmpty)
        // A malformed id is a 400 naming the expected form.
        let (status, body) = try await DaemonHTTP.get(base + "/api/live?after=1.x")
        #expect(status == 400 && String(decoding: body, as: UTF8.self).contains("PASS.SEQUENCE"))
    }
}
