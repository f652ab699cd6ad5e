import Foundation
import GroundStation
import Hummingbird
import HummingbirdTesting
import Testing

/// The HTTP API over a real loopback server (HummingbirdTesting `.live`), on a store filled by the daemon
/// playing us04.wav.
@Suite struct DaemonHTTPTests {
    static let token = "a-test-token-of-enough-length"

    func withDaemon(_ body: @Sendable (GroundStationDaemon, any TestClientProtocol) async throws -> Void) async throws {
        let scratch = try DaemonScratch()
        defer { scratch.remove() }
        let replayDir = scratch.file("replays")
        try FileManager.default.createDirectory(atPath: replayDir, withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: try SharedRecordings.path("quetzal1.wav"), toPath: replayDir + "/q.wav")
        try "secret".write(toFile: scratch.file("secret.wav"), atomically: true, encoding: .utf8)
        try FileManager.default.createSymbolicLink(atPath: replayDir + "/link.wav", withDestinationPath: scratch.file("secret.wav"))
        let path = try DaemonFixtures.fileConfiguration(
            scratch: scratch, recordings: [("us04.wav", 42702)],
            extra: "http: { tokens: [\(Self.token)] }\nreplay: { directory: \(replayDir) }")
        let config = try DaemonConfigurationParser.load(path: path)
        let store = try SQLitePassStore(path: config.dataDirectory + "/gsd.sqlite")
        let daemon = try GroundStationDaemon(
            configuration: config, catalogue: try DaemonFixtures.catalogue, store: store, logger: DaemonFixtures.logger)
        // Play the schedule first (the daemon keeps running afterwards for replays).
        let running = Task { try await daemon.run() }
        while !(await daemon.state.scheduleFinished) { try await Task.sleep(for: .milliseconds(50)) }
        let app = Application(
            router: DaemonHTTPServer.router(daemon: daemon, version: "test"),
            configuration: .init(address: .hostname("127.0.0.1", port: 0)))
        do {
            try await app.test(.live) { client in try await body(daemon, client) }
        } catch {
            running.cancel()
            _ = await running.result
            throw error
        }
        running.cancel()
        _ = await running.result
        try await store.close()
    }

    static func json(_ r: TestResponse) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(buffer: r.body)) as? [String: Any])
    }

    @Test func passesFramesScheduleStatusAndMetrics() async throws {
        // What the daemon stores for us04 is what `gsd replay` counts: good frames and failed checks.
        let us04 = try await ReplaySession(ReplayOptions(
            path: try SharedRecordings.path("us04.wav"), transmitters: try IQReplayTests.transmitters(norad: 42702))).run(onFrame: { _ in })
        let (n, failed) = (us04.goodFrames + us04.failedFrames, us04.failedFrames)
        #expect(us04.goodFrames == 2 && n > 4, "\(us04)")
        try await withDaemon { daemon, client in
            try await client.execute(uri: "/api/passes", method: .get) { r in
                #expect(r.status == .ok)
                #expect(r.headers[.contentType] == "application/json")
                let items = try #require(try Self.json(r)["items"] as? [[String: Any]])
                #expect(items.count == 1)
                #expect(items[0]["norad"] as? Int == 42702)
                #expect(items[0]["satellite"] as? String == "COLUMBIA")
                #expect(items[0]["id"] as? Int == 1)
                #expect(items[0]["frames"] as? Int == n)
                #expect(items[0]["start"] is String && items[0]["end"] is String)
            }
            try await client.execute(uri: "/api/passes/1/frames", method: .get) { r in
                let items = try #require(try Self.json(r)["items"] as? [[String: Any]])
                let good = Set(items.filter { $0["checks_ok"] as? Bool == true }.compactMap { $0["hex"] as? String })
                #expect(good == (try DaemonFixtures.expectedFrames("us04.wav")))
                #expect(items.allSatisfy { $0["time"] is String && $0["framing"] as? String == "AX.25 G3RUH" })
            }
            try await client.execute(uri: "/api/frames?norad=42702&limit=3", method: .get) { r in
                let page = try Self.json(r)
                #expect((page["items"] as? [Any])?.count == 3)
                #expect(page["next"] as? Int == 3)
            }
            // The last page: short, so no next.
            try await client.execute(uri: "/api/frames?norad=42702&limit=3&offset=\(n - 2)", method: .get) { r in
                let page = try Self.json(r)
                #expect((page["items"] as? [Any])?.count == 2)
                #expect(page["next"] == nil || page["next"] is NSNull)
            }
            try await client.execute(uri: "/api/passes?norad=45598", method: .get) { r in
                let items = try Self.json(r)["items"] as? [Any]
                #expect(items?.isEmpty == true)
            }
            try await client.execute(uri: "/api/schedule", method: .get) { r in
                let s = try Self.json(r)
                let passes = try #require(s["passes"] as? [[String: Any]])
                #expect(passes.map { $0["state"] as? String } == ["done"])
                #expect((s["priority_rule"] as? String)?.contains("earlier") == true)
            }
            try await client.execute(uri: "/api/status", method: .get) { r in
                let s = try Self.json(r)
                #expect(s["station"] as? String == "test-station")
                #expect(s["frames_stored"] as? Int == n)
                #expect((s["ring"] as? [String: Any])?["bytes_dropped"] as? Int == 0)
            }
            try await client.execute(uri: "/metrics", method: .get) { r in
                let text = String(buffer: r.body)
                #expect(text.contains(#"gsd_frames_total{satellite="COLUMBIA",checks="ok"} 2"#))
                #expect(text.contains(#"gsd_frames_total{satellite="COLUMBIA",checks="failed"} \#(failed)"#))
                #expect(text.contains("gsd_ring_bytes_total "))
            }
            try await client.execute(uri: "/", method: .get) { r in
                #expect(String(buffer: r.body).contains("<title>gsd ground station</title>"))
            }
            // The runner drew the pass's waterfall when it ended; a pass that does not exist has none.
            try await client.execute(uri: "/api/passes/1/waterfall.png", method: .get) { r in
                #expect(r.status == .ok && r.headers[.contentType] == "image/png")
                #expect(Array(buffer: r.body).starts(with: [0x89, 0x50, 0x4E, 0x47]))
            }
            try await client.execute(uri: "/api/passes/77/waterfall.png", method: .get) { r in
                #expect(r.status == .notFound)
            }
            _ = daemon
        }
    }

    @Test func badRequestsGetClear4xx() async throws {
        try await withDaemon { _, client in
            let cases: [(String, HTTPResponse.Status, String)] = [
                ("/api/passes?limit=0", .badRequest, "limit"),
                ("/api/passes?limit=abc", .badRequest, "limit"),
                ("/api/passes?since=yesterday", .badRequest, "since"),
                ("/api/frames?norad=-4", .badRequest, "norad"),
                ("/api/passes/abc", .badRequest, "pass id"),
                ("/api/passes/0", .badRequest, "pass id"),
                ("/api/passes/999", .notFound, "999"),
                ("/api/passes/999/frames", .notFound, "999"),
            ]
            for (uri, status, word) in cases {
                try await client.execute(uri: uri, method: .get) { r in
                    #expect(r.status == status, "\(uri)")
                    let message = try Self.json(r)["error"] as? String
                    #expect(message?.contains(word) == true, "\(uri)")
                }
            }
        }
    }

    @Test func replaySubmissionNeedsATokenAndStaysInTheFolder() async throws {
        try await withDaemon { daemon, client in
            func submit(_ body: String, token: String? = DaemonHTTPTests.token) async throws -> TestResponse {
                var headers: HTTPFields = [.contentType: "application/json"]
                if let token { headers[.authorization] = "Bearer \(token)" }
                return try await client.execute(uri: "/api/replays", method: .post, headers: headers, body: ByteBuffer(string: body))
            }
            #expect(try await submit(#"{"path":"q.wav","norad":45598}"#, token: nil).status == .unauthorized)
            #expect(try await submit(#"{"path":"q.wav","norad":45598}"#, token: "wrong-token-wrong-token").status == .unauthorized)
            for bad in [#"{"path":"../secret.wav","norad":45598}"#, #"{"path":"link.wav","norad":45598}"#] {
                let r = try await submit(bad)
                #expect(r.status == .forbidden, "\(bad)")
            }
            #expect(try await submit(#"{"path":"/etc/passwd","norad":45598}"#).status == .badRequest)
            #expect(try await submit(#"{"path":"q.wav"}"#).status == .badRequest)
            #expect(try await submit("not json").status == .badRequest)
            #expect(try await submit(#"{"path":"q.wav","norad":1}"#).status == .unprocessableContent)
            #expect(try await submit(#"{"path":"none.wav","norad":45598}"#).status == .notFound)
            let accepted = try await submit(#"{"path":"q.wav","norad":45598}"#)
            #expect(accepted.status == .accepted)
            let pass = try Self.json(accepted)
            let id = try #require(pass["id"] as? Int)
            #expect(pass["kind"] as? String == "replay")
            #expect(accepted.headers[.location] == "/api/passes/\(id)")
            // Decoded in the background: wait for the pass to close.
            var closed: PassRecord?
            for _ in 0..<400 {
                if let p = try await daemon.store.pass(id: Int64(id)), p.end != nil { closed = p; break }
                try await Task.sleep(for: .milliseconds(50))
            }
            let p = try #require(closed, "replay pass never closed")
            let frames = try await daemon.store.frames(FrameQuery(passID: p.id))
            #expect(Set(frames.filter(\.checksOK).map { $0.bytes.map { String(format: "%02x", $0) }.joined() }) == (try DaemonFixtures.expectedFrames("quetzal1.wav")))
        }
    }

    @Test func liveFramesArriveOverServerSentEvents() async throws {
        // The hub delivers what the runner stores; an SSE client sees it as `event: frame`.
        let hub = LiveFrameHub()
        let stream = hub.subscribe()
        #expect(hub.subscriberCount == 1)
        let e = LiveFrameEvent(
            passID: 1, sequence: 0, norad: 1, satellite: "A", time: Date(timeIntervalSince1970: 0), hex: "c0ff", checksOK: true,
            framing: "x", azimuth: 1, elevation: 2)
        hub.publish(e)
        hub.finishAll()
        var got: [LiveFrameEvent] = []
        for await x in stream { got.append(x) }
        #expect(got == [e])
    }
}
