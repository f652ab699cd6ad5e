import Foundation
import GroundStation
import Testing

@Suite(.serialized, .timeLimit(.minutes(10))) struct SiDSForwarderTests {
    static let station = SiDSStation(callsign: "EA4GPZ", latitude: 40.4168, longitude: -3.7038)
    static let t0 = Date(timeIntervalSince1970: 1_795_626_000)  // 2026-11-25T17:00:00Z

    static func report(_ i: Int) -> SiDSReport {
        SiDSReport(norad: 42702, time: t0.addingTimeInterval(Double(i) + 0.25), bytes: [0xC0, UInt8(i), 0x00, 0xFF, 0x7E],
                   azimuth: 180.26 + Double(i), elevation: 12.5)
    }

    static func configuration(_ endpoints: [URL]) -> SiDSForwarder.Configuration {
        .init(station: station, endpoints: endpoints, initialBackoff: .milliseconds(20), maximumBackoff: .milliseconds(100), requestTimeout: 5)
    }

    static func endpoint(_ port: Int) throws -> URL {
        try #require(URL(string: "http://127.0.0.1:\(port)/api/telemetry/"))
    }

    /// Polls `condition` until true; false after `seconds` (a bound against hangs, not a speed check: on a
    /// 2-core machine the forwarder's tasks can wait minutes behind the CPU-bound decoding tests).
    static func eventually(_ seconds: Double = 300, _ condition: () -> Bool) async -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if condition() { return true }
            try? await Task.sleep(for: .milliseconds(20))
        }
        return condition()
    }

    /// The endpoint is down, then answers 500, then 200: every frame arrives (accepted) exactly once,
    /// in order. Then frames queued while it fails again survive a forwarder restart and are delivered.
    @Test func downThen500Then200ThenRestartLosesNothing() async throws {
        let port = Int(try ModemTestSupport.freePort())
        let url = try Self.endpoint(port)
        let dir = try FilesTestDirectory("gsd-sids")
        let server = SiDSTestServer(port: port)

        let first = try SiDSForwarder(directory: dir.path, configuration: Self.configuration([url]))
        let run1 = Task { await first.run() }
        for i in 0..<3 { try await first.enqueue(Self.report(i)) }
        #expect(await Self.eventually { first.counters.failed >= 3 }, "attempts against a closed port fail")
        #expect(first.counters.outboxDepth == 3 && first.counters.delivered == 0)

        try await server.start()
        defer { Task { await server.stop() } }
        for i in 3..<5 { try await first.enqueue(Self.report(i)) }
        #expect(await Self.eventually { server.requests.count >= 3 }, "the server is asked")
        #expect(server.accepted.isEmpty)
        #expect(first.counters.outboxDepth == 5 && first.counters.delivered == 0, "a 500 removes nothing: \(first.counters)")

        server.answer(200)
        #expect(await Self.eventually { first.counters.outboxDepth == 0 }, "\(first.counters)")
        #expect(first.counters.delivered == 5)
        #expect(server.accepted == (0..<5).map { SiDSReportTestSupport.hex(Self.report($0).bytes) })

        // The form as SiDS servers read it.
        let sent = try #require(server.requests.last { $0.status == 200 }?.fields)
        #expect(sent == [
            "noradID": "42702", "source": "EA4GPZ", "timestamp": "2026-11-25T17:00:04.250Z", "frame": "C00400FF7E",
            "locator": "longLat", "longitude": "3.7038W", "latitude": "40.4168N", "azimuth": "184.3", "elevation": "12.5",
        ])
        #expect(server.requests.last?.contentType == "application/x-www-form-urlencoded")

        // Failing again: five more frames wait in the outbox when the forwarder stops.
        server.answer(500)
        for i in 5..<10 { try await first.enqueue(Self.report(i)) }
        #expect(await Self.eventually { server.requests.filter { $0.status == 500 }.count >= 5 })
        run1.cancel()
        await run1.value
        #expect(first.counters.outboxDepth == 5)

        let second = try SiDSForwarder(directory: dir.path, configuration: Self.configuration([url]))
        #expect(second.counters.outboxDepth == 5, "the restarted forwarder finds the queued frames")
        server.answer(200)
        let run2 = Task { await second.run() }
        #expect(await Self.eventually { second.counters.outboxDepth == 0 }, "\(second.counters)")
        run2.cancel()
        await run2.value
        #expect(second.counters.delivered == 5)
        #expect(server.accepted == (0..<10).map { SiDSReportTestSupport.hex(Self.report($0).bytes) }, "each frame accepted exactly once")
        let journal = (dir.path as NSString).appendingPathComponent(SiDSForwarder.journalName)
        #expect((try? FileManager.default.attributesOfItem(atPath: journal)[.size] as? Int) == 0, "an empty outbox leaves an empty journal")
        await server.stop()
    }

    /// One endpoint up, one down: the up one gets everything; the down one's entries wait.
    @Test func endpointsAreIndependent() async throws {
        let upPort = Int(try ModemTestSupport.freePort())
        let downPort = Int(try ModemTestSupport.freePort())  // never the same port twice
        let server = SiDSTestServer(port: upPort)
        try await server.start()
        server.answer(200)
        let dir = try FilesTestDirectory("gsd-sids")
        let forwarder = try SiDSForwarder(directory: dir.path, configuration: Self.configuration([try Self.endpoint(downPort), try Self.endpoint(upPort)]))
        let run = Task { await forwarder.run() }
        for i in 0..<4 { try await forwarder.enqueue(Self.report(i)) }
        #expect(await Self.eventually { server.accepted.count == 4 })
        // The server counts a report when it answers; the forwarder a moment later, when it reads the answer.
        #expect(await Self.eventually { forwarder.counters.failed >= 2 && forwarder.counters.delivered == 4 })
        let counters = forwarder.counters
        #expect(counters.outboxDepth == 4 && counters.delivered == 4, "\(counters)")
        #expect(counters.lastError?.contains("127.0.0.1:\(downPort)") == true, "\(counters.lastError ?? "")")
        run.cancel()
        await run.value
        await server.stop()
    }

    /// Only frames whose checks passed are shared.
    @Test func badFramesAreNotQueued() async throws {
        let dir = try FilesTestDirectory("gsd-sids")
        let forwarder = try SiDSForwarder(directory: dir.path, configuration: Self.configuration([try Self.endpoint(9)]))
        let good = FrameRecord(passID: 1, sequence: 0, time: Self.t0, bytes: [1], framing: "AX.25", checksOK: true)
        var bad = good
        bad.checksOK = false
        #expect(try await forwarder.enqueue(good, norad: 1))
        #expect(try await forwarder.enqueue(bad, norad: 1) == false)
        #expect(forwarder.counters.outboxDepth == 1)
    }

    /// Acknowledged entries are on disk at once (a second forwarder sees them without the first closing);
    /// a torn last line is dropped; a corrupt line elsewhere is an error naming the file and offset.
    @Test func journalSurvivesAndReportsDamage() async throws {
        let dir = try FilesTestDirectory("gsd-sids")
        let url = try Self.endpoint(9)
        let first = try SiDSForwarder(directory: dir.path, configuration: Self.configuration([url]))
        for i in 0..<3 { try await first.enqueue(Self.report(i)) }
        let journal = (dir.path as NSString).appendingPathComponent(SiDSForwarder.journalName)
        #expect(try SiDSForwarder(directory: dir.path, configuration: Self.configuration([url])).counters.outboxDepth == 3)

        let handle = try #require(FileHandle(forWritingAtPath: journal))
        try handle.seekToEnd()
        try handle.write(contentsOf: Data(#"{"add":{"endpoint":"http://x/","id":4,"rep"#.utf8))
        try handle.close()
        #expect(try SiDSForwarder(directory: dir.path, configuration: Self.configuration([url])).counters.outboxDepth == 3, "torn line dropped")
        let sizeAfterRepair = try #require(FileManager.default.attributesOfItem(atPath: journal)[.size] as? Int)

        var text = try String(contentsOfFile: journal, encoding: .utf8)
        let secondLine = try #require(text.firstIndex(of: "\n"))
        text.insert(contentsOf: "this is not json\n", at: text.index(after: secondLine))
        try text.write(toFile: journal, atomically: false, encoding: .utf8)
        let offset = text.utf8.distance(from: text.utf8.startIndex, to: text.index(after: secondLine))
        #expect(offset > 0 && offset < sizeAfterRepair)
        #expect {
            _ = try SiDSForwarder(directory: dir.path, configuration: Self.configuration([url]))
        } throws: { error in
            guard case SiDSOutboxError.corrupt(let path, let at, _) = error else { return false }
            return path == journal && at == offset
        }
    }

    @Test func formFieldsFollowSiDS() {
        let r = SiDSReport(norad: 7530, time: Date(timeIntervalSince1970: 1_795_626_000.0004), bytes: Array(0...15) + [0xAB],
                           azimuth: nil, elevation: -0.04)
        let fields = Dictionary(uniqueKeysWithValues: r.formFields(station: SiDSStation(callsign: "N0 CALL/P", latitude: -33.5, longitude: 151.25)).map { ($0.name, $0.value) })
        #expect(fields["timestamp"] == "2026-11-25T17:00:00.000Z")
        #expect(fields["frame"] == "000102030405060708090A0B0C0D0E0FAB")
        #expect(fields["longitude"] == "151.2500E" && fields["latitude"] == "33.5000S")
        #expect(fields["azimuth"] == nil && fields["elevation"] == "0.0")
        let body = String(decoding: r.formBody(station: SiDSStation(callsign: "N0 CALL/P", latitude: 0, longitude: 0)), as: UTF8.self)
        #expect(body.contains("source=N0%20CALL%2FP&"))
        #expect(SiDSTestServer.parseForm(body)["source"] == "N0 CALL/P")
    }
}

enum SiDSReportTestSupport {
    static func hex(_ bytes: [UInt8]) -> String { bytes.map { String(format: "%02X", $0) }.joined() }
}
