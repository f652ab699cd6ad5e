import Foundation
import GroundStation
import Testing

@Suite struct SQLitePassStoreTests {
    let t0 = Date(timeIntervalSince1970: 1_790_000_000.123)

    func frame(_ pass: Int64, _ seq: Int, ok: Bool = true, at offset: Double = 0) -> FrameRecord {
        FrameRecord(
            passID: pass, sequence: seq, time: t0.addingTimeInterval(offset + Double(seq)), bytes: [UInt8(seq), 0xC0, 0xFF, 0x00],
            framing: "AX.25 G3RUH", checksOK: ok, azimuth: 123.5, elevation: 45.25)
    }

    @Test func passesAndFramesRoundTrip() async throws {
        let scratch = try DaemonScratch()
        defer { scratch.remove() }
        let store = try SQLitePassStore(path: scratch.file("db/gsd.sqlite"))
        let p = try await store.createPass(NewPass(station: "home", norad: 42702, satellite: "COLUMBIA", kind: .scheduled, start: t0, maxElevation: 41.5))
        #expect(p.id > 0 && p.end == nil && p.frameCount == 0)
        for i in 0..<3 { try await store.appendFrame(frame(p.id, i, ok: i != 1)) }
        let frames = try await store.frames(FrameQuery(passID: p.id))
        #expect(frames == (0..<3).map { frame(p.id, $0, ok: $0 != 1) })
        #expect(try await store.pass(id: p.id)?.frameCount == 3)
        #expect(try await store.openPasses(station: "home").map(\.id) == [p.id])
        try await store.closePass(id: p.id, end: t0.addingTimeInterval(600))
        try await store.closePass(id: p.id, end: t0.addingTimeInterval(900))  // the first end is kept
        let closed = try #require(try await store.pass(id: p.id))
        #expect(closed.end == t0.addingTimeInterval(600))
        #expect(closed.maxElevation == 41.5 && closed.satellite == "COLUMBIA" && closed.kind == .scheduled && closed.start == t0)
        #expect(try await store.openPasses(station: "home").isEmpty)
        try await store.close()
    }

    @Test func duplicateFrameAndUnknownPassAreTypedErrors() async throws {
        let scratch = try DaemonScratch()
        defer { scratch.remove() }
        let store = try SQLitePassStore(path: scratch.file("gsd.sqlite"))
        let p = try await store.createPass(NewPass(station: "home", norad: 1, satellite: "A", kind: .replay, start: t0, maxElevation: nil))
        try await store.appendFrame(frame(p.id, 0))
        await #expect(throws: PassStoreError.duplicateFrame(passID: p.id, sequence: 0)) { try await store.appendFrame(frame(p.id, 0)) }
        await #expect(throws: PassStoreError.unknownPass(999)) { try await store.appendFrame(frame(999, 0)) }
        await #expect(throws: PassStoreError.unknownPass(999)) { try await store.closePass(id: 999, end: t0) }
        #expect(try await store.pass(id: 999) == nil)
        #expect(try await store.pass(id: p.id)?.frameCount == 1)
        try await store.close()
    }

    @Test func queriesFilterAndPage() async throws {
        let scratch = try DaemonScratch()
        defer { scratch.remove() }
        let store = try SQLitePassStore(path: scratch.file("gsd.sqlite"))
        var ids: [Int64] = []
        for i in 0..<5 {
            let p = try await store.createPass(NewPass(
                station: i == 4 ? "other" : "home", norad: i % 2 == 0 ? 100 : 200, satellite: i % 2 == 0 ? "EVEN" : "ODD",
                kind: .scheduled, start: t0.addingTimeInterval(Double(i) * 3600), maxElevation: nil))
            try await store.appendFrame(frame(p.id, 0, at: Double(i) * 3600))
            try await store.appendFrame(frame(p.id, 1, at: Double(i) * 3600))
            try await store.closePass(id: p.id, end: t0.addingTimeInterval(Double(i) * 3600 + 600))
            ids.append(p.id)
        }
        // Oldest first.
        #expect(try await store.passes(PassQuery()).map(\.id) == ids)
        #expect(try await store.passes(PassQuery(norad: 100)).map(\.id) == [ids[0], ids[2], ids[4]])
        #expect(try await store.passes(PassQuery(station: "other")).map(\.id) == [ids[4]])
        #expect(try await store.passes(PassQuery(since: t0.addingTimeInterval(2 * 3600), until: t0.addingTimeInterval(4 * 3600))).map(\.id) == [ids[2], ids[3]])
        #expect(try await store.passes(PassQuery(limit: 2, offset: 1)).map(\.id) == [ids[1], ids[2]])
        // Frames across passes, oldest first, by satellite and time range, paged.
        let odd = try await store.frames(FrameQuery(norad: 200))
        #expect(odd.map(\.passID) == [ids[1], ids[1], ids[3], ids[3]])
        let window = try await store.frames(FrameQuery(since: t0.addingTimeInterval(3600), until: t0.addingTimeInterval(2 * 3600 + 0.5)))
        #expect(window.map(\.passID) == [ids[1], ids[1], ids[2]])
        #expect(try await store.frames(FrameQuery(limit: 3, offset: 8)).count == 2)
        #expect(try await store.frames(FrameQuery(station: "other")).map(\.passID) == [ids[4], ids[4]])
        try await store.close()
    }

    @Test func conformsToThePassStoreContract() async throws {
        let scratch = try DaemonScratch()
        defer { scratch.remove() }
        try await runPassStoreConformance { try SQLitePassStore(path: scratch.file("conformance-\(UUID().uuidString).sqlite")) }
    }

    /// The telemetry query alone (it is also part of the conformance suite above), for a quick focused run.
    @Test func telemetryQueryListsGoodFramesWithTelemetryNewestFirst() async throws {
        let scratch = try DaemonScratch()
        defer { scratch.remove() }
        try await PassStoreConformance.telemetryQueries(try SQLitePassStore(path: scratch.file("telemetry.sqlite")))
    }

    @Test func reopenedStoreKeepsEverythingAndMigratesOnce() async throws {
        let scratch = try DaemonScratch()
        defer { scratch.remove() }
        let path = scratch.file("gsd.sqlite")
        var store = try SQLitePassStore(path: path)
        let p = try await store.createPass(NewPass(station: "home", norad: 1, satellite: "A", kind: .scheduled, start: t0, maxElevation: nil))
        for i in 0..<10 { try await store.appendFrame(frame(p.id, i)) }
        try await store.close()
        store = try SQLitePassStore(path: path)
        #expect(try await store.frames(FrameQuery(passID: p.id)).count == 10)
        #expect(try await store.openPasses(station: "home").map(\.frameCount) == [10])
        let q = try await store.createPass(NewPass(station: "home", norad: 1, satellite: "A", kind: .scheduled, start: t0, maxElevation: nil))
        #expect(q.id > p.id)
        try await store.close()
    }

    @Test func unusablePathIsABackendErrorNamingIt() {
        #expect {
            _ = try SQLitePassStore(path: "/proc/gsd-cannot-create/gsd.sqlite")
        } throws: { e in
            guard case .backend(let op, _) = e as? PassStoreError else { return false }
            return op.contains("/proc/gsd-cannot-create/gsd.sqlite")
        }
    }
}
