import Foundation
import GroundStation
import Testing

/// The daemon's observing side without HTTP: a file source plays shared recordings as scheduled passes,
/// and the store ends up with their frames.
@Suite struct DaemonObservationTests {
    static func runDaemon(
        _ scratch: DaemonScratch, recordings: [(String, Int)], extra: String = "", telemetry: TelemetryService? = nil
    ) async throws -> (GroundStationDaemon, SQLitePassStore) {
        let path = try DaemonFixtures.fileConfiguration(scratch: scratch, recordings: recordings, extra: extra)
        let config = try DaemonConfigurationParser.load(path: path)
        let store = try SQLitePassStore(path: scratch.file("data/gsd.sqlite"))
        let daemon = try GroundStationDaemon(
            configuration: config, catalogue: try DaemonFixtures.catalogue, store: store, logger: DaemonFixtures.logger,
            exitAfterSchedule: true, telemetry: telemetry)
        try await daemon.run()
        return (daemon, store)
    }

    @Test func recordingsPlayedAsPassesStoreTheReferenceFrames() async throws {
        let scratch = try DaemonScratch()
        defer { scratch.remove() }
        let tle = DaemonFixtures.packageRoot.appendingPathComponent("examples/demo.tle").path
        let (daemon, store) = try await Self.runDaemon(
            scratch, recordings: [("us04.wav", 42702), ("quetzal1.wav", 45598)], extra: "tle: { files: [\(tle)] }")
        let passes = try await store.passes(PassQuery())
        #expect(passes.map(\.norad) == [42702, 45598])
        #expect(passes.map(\.satellite) == ["COLUMBIA", "Quetzal-1"])
        #expect(passes.allSatisfy { $0.end != nil && $0.kind == .scheduled && $0.station == "test-station" })
        for (p, rec) in zip(passes, ["us04.wav", "quetzal1.wav"]) {
            let frames = try await store.frames(FrameQuery(passID: p.id, limit: 1000))
            #expect(frames.count == p.frameCount)
            // Numbered in the order stored: a failed check waits for the good frames near it (a damaged
            // copy of one is not stored), so it may come after a later frame.
            #expect(frames.map(\.sequence).sorted() == Array(0..<frames.count))
            let good = Set(frames.filter(\.checksOK).map { $0.bytes.map { String(format: "%02x", $0) }.joined() })
            #expect(good == (try DaemonFixtures.expectedFrames(rec)), "\(rec)")
            #expect(frames.allSatisfy { $0.framing == "AX.25 G3RUH" })
            // Look angles from the (illustrative) elements, inside the pass they stand for.
            #expect(frames.allSatisfy { ($0.elevation ?? -99) >= 9 && ($0.azimuth ?? -1) >= 0 && ($0.azimuth ?? 999) < 360 })
            #expect(frames.allSatisfy { $0.time >= p.start && $0.time <= (p.end ?? .distantFuture) })
        }
        let schedule = await daemon.state.schedule
        #expect(schedule.map(\.state) == [.done, .done])
        #expect(schedule.map(\.passID) == passes.map(\.id))
        #expect(await daemon.state.scheduleFinished)
        let ring = await daemon.state.ringTotals
        // Both WAVs' sample data went through the ring, nothing dropped.
        #expect(ring.bytesIn > 700_000 && ring.bytesIn == ring.bytesOut && ring.bytesDropped == 0)
        let metrics = String(decoding: daemon.metrics.render(), as: UTF8.self)
        #expect(metrics.contains(#"gsd_frames_total{satellite="COLUMBIA",checks="ok"} 2"#))
        #expect(metrics.contains(#"gsd_frames_total{satellite="Quetzal-1",checks="ok"} 1"#))
        #expect(metrics.contains(#"gsd_passes_total{satellite="COLUMBIA",kind="scheduled"} 1"#))
        try await store.close()
    }

    /// With telemetry definitions, every good frame is stored with its decoded telemetry (the same JSON the
    /// CLI prints for those bytes), failed frames without; Quetzal-1's battery voltage is gr-satellites' value.
    @Test func goodFramesAreStoredWithTheirDecodedTelemetry() async throws {
        let scratch = try DaemonScratch()
        defer { scratch.remove() }
        let service = try TelemetryService.load(catalogue: DaemonFixtures.packageRoot.appendingPathComponent("catalogue").path)
        let (_, store) = try await Self.runDaemon(scratch, recordings: [("us04.wav", 42702), ("quetzal1.wav", 45598)], telemetry: service)
        let passes = try await store.passes(PassQuery())
        #expect(passes.map(\.norad) == [42702, 45598])
        for p in passes {
            let frames = try await store.frames(FrameQuery(passID: p.id, limit: 1000))
            #expect(frames.contains { $0.checksOK })
            for f in frames {
                if f.checksOK {
                    let want = try #require(service.json(norad: p.norad, frame: f.bytes), "a definition applies to \(p.satellite)")
                    #expect(f.telemetryJSON == want, "frame \(p.id).\(f.sequence)")
                } else {
                    #expect(f.telemetryJSON == nil, "a frame whose check failed is not decoded")
                }
            }
        }
        let quetzal = try #require(try await store.frames(FrameQuery(norad: 45598)).first { $0.checksOK })
        let telemetry = try #require(quetzal.telemetryJSON.flatMap(JSONValue.init(text:)))
        #expect(telemetry["error"] == nil)
        let (volts, unit) = try #require(TelemetryFieldPath("payload.EPS.bat_voltage")?.read(telemetry))
        // gr-satellites (expected/quetzal1.telemetry.txt): bat_voltage = 3982.0666, reset_counter = 17593.
        #expect(abs((volts.number ?? 0) - 3982.0666) < 1e-6 && unit == "mV", "\(volts) \(String(describing: unit))")
        #expect(TelemetryFieldPath("payload.CDHS.reset_counter")?.read(telemetry)?.value == .int(17593))
        try await store.close()
    }

    /// A failed candidate next to a good frame of its transmitter is a damaged copy of a frame another
    /// chain received intact: the daemon counts it and stores only the real failed checks, the same
    /// counts as `gsd replay` gives for the recording (lucky_7 is the shared one with copies).
    @Test func damagedCopiesOfGoodFramesAreCountedNotStored() async throws {
        let scratch = try DaemonScratch()
        defer { scratch.remove() }
        let replay = try ReplaySession(ReplayOptions(
            path: try SharedRecordings.path("lucky_7.wav"), transmitters: try IQReplayTests.transmitters(norad: 44406)))
        let summary = try await replay.run(onFrame: { _ in })
        #expect(summary.damagedCopies > 0 && summary.failedFrames > 0, "\(summary)")
        let (daemon, store) = try await Self.runDaemon(scratch, recordings: [("lucky_7.wav", 44406)])
        let frames = try await store.frames(FrameQuery(passID: 1, limit: 1000))
        let good = frames.filter(\.checksOK)
        #expect(Set(good.map { $0.bytes.map { String(format: "%02x", $0) }.joined() }) == (try DaemonFixtures.expectedFrames("lucky_7.wav")))
        #expect(good.count == summary.goodFrames)
        #expect(frames.count - good.count == summary.failedFrames)
        #expect(frames.map(\.sequence).sorted() == Array(0..<frames.count))
        let metrics = String(decoding: daemon.metrics.render(), as: UTF8.self)
        #expect(metrics.contains(#"gsd_frames_damaged_copies_total{satellite="Lucky-7"} \#(summary.damagedCopies)"#), "\(metrics)")
        #expect(metrics.contains(#"gsd_frames_total{satellite="Lucky-7",checks="failed"} \#(summary.failedFrames)"#))
        try await store.close()
    }

    @Test func passesLeftOpenByACrashAreClosedAtTheirLastFrame() async throws {
        let scratch = try DaemonScratch()
        defer { scratch.remove() }
        let dbPath = scratch.file("data/gsd.sqlite")
        let t0 = Date(timeIntervalSince1970: 1_790_000_000)
        do {
            let store = try SQLitePassStore(path: dbPath)
            let p = try await store.createPass(NewPass(station: "test-station", norad: 45598, satellite: "Quetzal-1", kind: .scheduled, start: t0, maxElevation: nil))
            for i in 0..<3 {
                try await store.appendFrame(FrameRecord(passID: p.id, sequence: i, time: t0.addingTimeInterval(Double(i)), bytes: [1], framing: "x", checksOK: true))
            }
            try await store.close()
        }
        let (_, store) = try await Self.runDaemon(scratch, recordings: [("quetzal1.wav", 45598)])
        let crashed = try #require(try await store.pass(id: 1))
        #expect(crashed.end == t0.addingTimeInterval(2))
        #expect(crashed.frameCount == 3)
        #expect(try await store.openPasses(station: "test-station").isEmpty)
        try await store.close()
    }

    @Test func goodFramesAreQueuedDurablyForSiDS() async throws {
        let scratch = try DaemonScratch()
        defer { scratch.remove() }
        // Port 9 on loopback refuses: frames stay in the outbox journal.
        let (daemon, store) = try await Self.runDaemon(
            scratch, recordings: [("us04.wav", 42702)], extra: "publishing: [{ kind: sids, url: 'http://127.0.0.1:9/telemetry' }]")
        #expect(daemon.forwarder != nil)
        let journal = try String(contentsOfFile: scratch.file("data/sids-outbox.jsonl"), encoding: .utf8).lowercased()
        for hex in try DaemonFixtures.expectedFrames("us04.wav") { #expect(journal.contains(hex), "\(hex.prefix(16))") }
        try await store.close()
    }

    @Test func satelliteOutsideTheCatalogueIsRefusedByKey() throws {
        let scratch = try DaemonScratch()
        defer { scratch.remove() }
        let path = try DaemonFixtures.fileConfiguration(scratch: scratch, recordings: [("quetzal1.wav", 45598)])
        var config = try DaemonConfigurationParser.load(path: path)
        config.satellites.append(99_999_999)
        let store = try SQLitePassStore(path: scratch.file("gsd.sqlite"))
        #expect(throws: ConfigurationError(file: path, key: "satellites[1]", problem: "NORAD id 99999999 is not in the satellite catalogue (see 'gsd satellites')")) {
            _ = try GroundStationDaemon(configuration: config, catalogue: try DaemonFixtures.catalogue, store: store, logger: DaemonFixtures.logger)
        }
    }
}
