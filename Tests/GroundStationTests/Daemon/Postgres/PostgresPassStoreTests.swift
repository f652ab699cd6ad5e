import Foundation
import GroundStation
import Testing
import TestSupport

/// `PostgresPassStore` on a real throwaway PostgreSQL server per test (see `PostgresTestServer`).
@Suite(
    .serialized, .timeLimit(.minutes(5)),
    .enabled(if: PostgresTestServer.binDirectory != nil, "skipped: no PostgreSQL binaries (/usr/lib/postgresql/*/bin/initdb); install postgresql")
)
struct PostgresPassStoreTests {
    @Test func passesTheStoreConformanceSuite() async throws {
        let server = try await Offload.run { try PostgresTestServer() }
        defer { server.stop() }
        try await runPassStoreConformance { try await PostgresPassStore.open(try await Offload.run { try server.makeDatabase() }) }
    }

    /// The telemetry query alone (also part of the conformance suite above), for a quick focused run.
    @Test func telemetryQueryListsGoodFramesWithTelemetryNewestFirst() async throws {
        let server = try await Offload.run { try PostgresTestServer() }
        defer { server.stop() }
        try await PassStoreConformance.telemetryQueries(try await PostgresPassStore.open(try await Offload.run { try server.makeDatabase() }))
    }

    /// Two stations, each with its own connection pool, open the same fresh database at once (both
    /// migrate) and then write passes and frames concurrently with the same sequence numbers.
    @Test func twoStationsWriteConcurrentlyToOneDatabase() async throws {
        let server = try await Offload.run { try PostgresTestServer() }
        defer { server.stop() }
        let configuration = try await Offload.run { try server.makeDatabase() }
        async let openA = PostgresPassStore.open(configuration)
        async let openB = PostgresPassStore.open(configuration)
        let (alpha, beta) = try await (openA, openB)
        var stores: [String: PostgresPassStore] = ["alpha": alpha, "beta": beta]
        defer { for store in stores.values { Task { try? await store.close() } } }
        #expect(try server.psql(configuration.database, "SELECT count(*) FROM gsd_schema_migrations") == "1\n",
                "the schema migrated once although two stations opened it together")

        let t0 = Date(timeIntervalSince1970: 1_795_003_200)
        let passesPerStation = 3, framesPerPass = 25
        let created = try await withThrowingTaskGroup(of: [PassRecord].self) { group in
            for (station, store) in stores {
                group.addTask {
                    var mine: [PassRecord] = []
                    for p in 0..<passesPerStation {
                        let pass = try await store.createPass(NewPass(
                            station: station, norad: 40000 + p, satellite: "SAT\(p)", kind: .scheduled,
                            start: t0.addingTimeInterval(Double(600 * p)), maxElevation: 30))
                        mine.append(pass)
                        for s in 0..<framesPerPass {
                            try await store.appendFrame(FrameRecord(
                                passID: pass.id, sequence: s, time: pass.start.addingTimeInterval(Double(s)),
                                bytes: Array("\(station)/\(p)/\(s)".utf8), framing: "AX.25", checksOK: true))
                        }
                        try await store.closePass(id: pass.id, end: pass.start.addingTimeInterval(500))
                    }
                    return mine
                }
            }
            var all: [PassRecord] = []
            for try await list in group { all += list }
            return all
        }
        #expect(Set(created.map(\.id)).count == 2 * passesPerStation, "pass ids unique across stations")

        // Every acknowledged frame is committed: a separate client (psql) sees all of them.
        #expect(try server.psql(configuration.database, "SELECT count(*) FROM gsd_frames") == "\(2 * passesPerStation * framesPerPass)\n")
        // Each station sees the whole network's data, and its own through the station filter.
        for (station, store) in stores {
            let all = try await store.passes(PassQuery())
            #expect(all.count == 2 * passesPerStation)
            let own = try await store.passes(PassQuery(station: station))
            #expect(own.count == passesPerStation)
            for pass in own {
                #expect(pass.frameCount == framesPerPass)
                #expect(pass.end != nil)
                let frames = try await store.frames(FrameQuery(passID: pass.id))
                #expect(frames.map(\.sequence) == Array(0..<framesPerPass))
                let p = pass.norad - 40000
                #expect(frames.map { String(decoding: $0.bytes, as: UTF8.self) } == (0..<framesPerPass).map { "\(station)/\(p)/\($0)" })
            }
            #expect(try await store.frames(FrameQuery(station: station, limit: 1000)).count == passesPerStation * framesPerPass)
            #expect(try await store.openPasses(station: station).isEmpty)
        }
        // A frame can only be filed under its own pass's station: the database enforces the pairing.
        let foreign = try #require(created.first { $0.station == "alpha" }).id
        #expect(throws: PostgresTestServer.Failure.self) {
            try server.psql(configuration.database, "INSERT INTO gsd_frames (station, pass_id, sequence, time, bytes, framing, checks_ok) VALUES ('beta', \(foreign), 999, now(), '\\x00', 'x', true)")
        }
        for store in stores.values { try await store.close() }
        stores.removeAll()
    }

    /// A live view on one station sees frames committed by another, in order, byte-exact; a station
    /// filter drops the others; frames committed before subscribing are not replayed.
    @Test func liveFramesFollowOtherStationsThroughNotify() async throws {
        let server = try await Offload.run { try PostgresTestServer() }
        defer { server.stop() }
        let configuration = try await Offload.run { try server.makeDatabase() }
        let viewer = try await PostgresPassStore.open(configuration)
        let writer = try await PostgresPassStore.open(configuration)
        do {
            let t0 = Date(timeIntervalSince1970: 1_795_003_200)
            let pass = try await writer.createPass(NewPass(station: "beta", norad: 42702, satellite: "COLUMBIA", kind: .replay, start: t0, maxElevation: nil))
            let other = try await writer.createPass(NewPass(station: "gamma", norad: 25544, satellite: "ISS", kind: .scheduled, start: t0, maxElevation: 80))
            try await writer.appendFrame(FrameRecord(passID: pass.id, sequence: 0, time: t0, bytes: [0xEE], framing: "AX.25", checksOK: true))

            let everything = try await viewer.liveFrames()
            let betaOnly = try await viewer.liveFrames(station: "beta")
            var sent: [FrameRecord] = []
            for s in 1...5 {
                let frame = FrameRecord(
                    passID: pass.id, sequence: s, time: t0.addingTimeInterval(Double(s)),
                    bytes: (0..<(s * 51)).map { UInt8(truncatingIfNeeded: $0 * s) }, framing: "AX.25", checksOK: s != 3,
                    azimuth: Double(s), elevation: nil, telemetryJSON: s == 2 ? #"{"v":2}"# : nil)
                try await writer.appendFrame(frame)
                try await writer.appendFrame(FrameRecord(passID: other.id, sequence: s, time: t0, bytes: [UInt8(s)], framing: "raw", checksOK: true))
                sent.append(frame)
            }

            var all: [PostgresLiveFrame] = []
            for try await live in everything {
                all.append(live)
                if all.count == 10 { break }
            }
            #expect(all.map(\.station) == Array(repeating: ["beta", "gamma"], count: 5).flatMap { $0 })
            #expect(all.filter { $0.station == "gamma" }.allSatisfy { $0.norad == 25544 && $0.satellite == "ISS" })

            var filtered: [PostgresLiveFrame] = []
            for try await live in betaOnly {
                filtered.append(live)
                if filtered.count == 5 { break }
            }
            #expect(filtered.map(\.station) == Array(repeating: "beta", count: 5))
            #expect(filtered.map(\.norad) == Array(repeating: 42702, count: 5))
            #expect(filtered.map(\.satellite) == Array(repeating: "COLUMBIA", count: 5))
            PassStoreConformance.expectSame(filtered.map(\.frame), sent, "live frames")
        } catch {
            try? await viewer.close()
            try? await writer.close()
            throw error
        }
        try await viewer.close()
        try await writer.close()
    }

    /// Closing the store ends a live feed that is still being iterated.
    @Test func closingTheStoreEndsLiveFeeds() async throws {
        let server = try await Offload.run { try PostgresTestServer() }
        defer { server.stop() }
        let store = try await PostgresPassStore.open(try await Offload.run { try server.makeDatabase() })
        let feed = try await store.liveFrames()
        let reader = Task {
            var n = 0
            for try await _ in feed { n += 1 }
            return n
        }
        try await store.close()
        #expect(try await reader.value == 0)
    }

    @Test func unreachableServerIsABackendErrorNamingOpen() async throws {
        let port = Int(try ModemTestSupport.freePort())
        let configuration = PostgresStoreConfiguration(host: "127.0.0.1", port: port, username: "gsd", password: "x", database: "gsd", tls: .disable)
        do {
            let store = try await PostgresPassStore.open(configuration)
            try? await store.close()
            Issue.record("open succeeded against a closed port")
        } catch let PassStoreError.backend(operation, message) {
            #expect(operation.hasPrefix("open gsd@127.0.0.1:\(port)/gsd"), "operation: \(operation)")
            #expect(!message.isEmpty)
        }
    }

    @Test func wrongPasswordIsABackendErrorWithTheServersMessage() async throws {
        let server = try await Offload.run { try PostgresTestServer() }
        defer { server.stop() }
        var configuration = try await Offload.run { try server.makeDatabase() }
        configuration.password = "not-the-password"
        do {
            let store = try await PostgresPassStore.open(configuration)
            try? await store.close()
            Issue.record("open succeeded with a wrong password")
        } catch let PassStoreError.backend(operation, message) {
            #expect(operation.hasPrefix("open"))
            #expect(message.contains("password authentication failed"), "message: \(message)")
        }
    }

    /// A server that goes away: each operation fails as `.backend` naming itself, and nothing hangs.
    @Test func lostServerMapsErrorsToTheOperation() async throws {
        let server = try await Offload.run { try PostgresTestServer() }
        defer { server.stop() }
        var configuration = try await Offload.run { try server.makeDatabase() }
        configuration.operationTimeout = .seconds(3)
        let store = try await PostgresPassStore.open(configuration)
        let pass = try await store.createPass(NewPass(station: "alpha", norad: 1, satellite: "X", kind: .scheduled, start: Date(), maxElevation: nil))
        server.stop()
        await #expect {
            try await store.appendFrame(FrameRecord(passID: pass.id, sequence: 0, time: Date(), bytes: [1], framing: "x", checksOK: true))
        } throws: { error in
            guard case PassStoreError.backend(let operation, _) = error else { return false }
            return operation == "appendFrame"
        }
        await #expect {
            _ = try await store.passes(PassQuery())
        } throws: { error in
            guard case PassStoreError.backend(let operation, _) = error else { return false }
            return operation == "passes"
        }
        try await store.close()
    }

    /// Reopening migrates nothing; a database from a newer gsd is refused with a clear message.
    @Test func migrationsRunOnceAndRefuseANewerSchema() async throws {
        let server = try await Offload.run { try PostgresTestServer() }
        defer { server.stop() }
        let configuration = try await Offload.run { try server.makeDatabase() }
        let first = try await PostgresPassStore.open(configuration)
        let pass = try await first.createPass(NewPass(station: "alpha", norad: 1, satellite: "X", kind: .scheduled, start: Date(), maxElevation: nil))
        try await first.close()
        let second = try await PostgresPassStore.open(configuration)
        #expect(try await second.pass(id: pass.id)?.satellite == "X", "data kept across reopen")
        try await second.close()
        #expect(try server.psql(configuration.database, "SELECT count(*) FROM gsd_schema_migrations") == "1\n")

        try server.psql(configuration.database, "INSERT INTO gsd_schema_migrations (version) VALUES (99)")
        do {
            let store = try await PostgresPassStore.open(configuration)
            try? await store.close()
            Issue.record("opened a schema from the future")
        } catch let PassStoreError.backend(_, message) {
            #expect(message.contains("version 99"), "message: \(message)")
        }
    }

    @Test func urlConfiguration() throws {
        let c = try PostgresStoreConfiguration(url: "postgres://gsd:p%40ss@db.example:6543/stations?sslmode=require")
        #expect(c == PostgresStoreConfiguration(host: "db.example", port: 6543, username: "gsd", password: "p@ss", database: "stations", tls: .require))
        let d = try PostgresStoreConfiguration(url: "postgresql://gsd@localhost/gsd")
        #expect(d.port == 5432 && d.password == nil && d.tls == .prefer)
        for (bad, problem) in [
            ("mysql://u@h/db", "scheme"), ("postgres://h/db", "user"), ("postgres://u:secret@h/", "database"),
            ("postgres://u@h/db?sslmode=maybe", "sslmode"), ("postgres://u@h/db?timeout=3", "timeout"),
        ] {
            #expect {
                _ = try PostgresStoreConfiguration(url: bad)
            } throws: { error in
                let text = "\(error)"
                return text.contains(problem) && !text.contains("secret")
            }
        }
    }
}
