import Foundation
import GroundStation
import Testing

/// The behaviour every `PassStore` must have, as one reusable set of checks.
///
/// Call it from a store's own test with a factory that returns a store over an EMPTY database each
/// time it is called (the suite calls it once per group of checks and closes each store it gets):
///
///     @Test func conforms() async throws {
///         try await runPassStoreConformance { try await SQLitePassStore(path: dir.file("new-\(UUID()).db")) }
///     }
///
/// The contract these checks pin down (beyond the doc comments of `PassStore`):
/// - `createPass` returns the pass as given, with a fresh unique id, `end == nil` and `frameCount == 0`.
/// - `closePass` sets `end`; closing again keeps the first end; an unknown id throws `.unknownPass(id)`.
/// - `appendFrame` to an unknown pass throws `.unknownPass(passID)`; a second frame with the same
///   (pass, sequence) throws `.duplicateFrame(passID:sequence:)` and leaves the first one unchanged.
///   Passes have store-wide unique ids and belong to one station, so (pass, sequence) unique is
///   (station, pass, sequence) unique.
/// - `passes` filters by norad, station, `since <= start` and `start < until`, and is ordered by
///   (start, id) ascending; `frames` filters by pass, norad and station of the frame's pass,
///   `since <= time` and `time < until`, ordered by (time, passID, sequence) ascending ("newest last").
///   Both page with `limit`/`offset` over that order (pages are disjoint and concatenate to the whole).
/// - `PassRecord.frameCount` counts the stored frames of the pass.
/// - `openPasses(station:)` lists that station's passes with `end == nil`, in (start, id) order.
/// - Frame fields round-trip exactly: every byte value 0x00...0xFF, empty frames, nil and non-nil
///   look angles and telemetry JSON (non-ASCII text included), `checksOK` false. Times round-trip to
///   within half a millisecond (PostgreSQL keeps microseconds, SQLite may keep less).
/// - `pass(id:)` of an unknown id is nil, not an error.
/// - An operation of a cancelled task (the daemon shutting down) completes, or throws `CancellationError`
///   and changes nothing; it never reports a storage failure (`.backend`), which would fail the pass.
/// - `telemetry` lists the frames of passes of one NORAD id whose checks passed and that carry telemetry
///   (optionally of one station, `since <= time < until`), ordered by (time, passID, sequence) DESCENDING,
///   paged with `limit`/`offset` over that order; each with its pass, sequence, time and exact JSON text.
func runPassStoreConformance(_ makeStore: () async throws -> any PassStore) async throws {
    try await PassStoreConformance.createAndClose(try await makeStore())
    try await PassStoreConformance.unknownPasses(try await makeStore())
    try await PassStoreConformance.framesUniqueAndCounted(try await makeStore())
    try await PassStoreConformance.bytesRoundTrip(try await makeStore())
    try await PassStoreConformance.passQueries(try await makeStore())
    try await PassStoreConformance.frameQueries(try await makeStore())
    try await PassStoreConformance.openPasses(try await makeStore())
    try await PassStoreConformance.concurrentAppends(try await makeStore())
    try await PassStoreConformance.telemetryQueries(try await makeStore())
    try await PassStoreConformance.cancelledCallers(try await makeStore())
}

/// The individual checks of `runPassStoreConformance`, one function per group.
enum PassStoreConformance {
    /// 2026-11-18T12:00:00Z: a fixed origin so failures are reproducible.
    static let t0 = Date(timeIntervalSince1970: 1_795_003_200)

    static func at(_ seconds: Double) -> Date { t0.addingTimeInterval(seconds) }

    static func newPass(
        station: String = "alpha", norad: Int = 42702, satellite: String = "COLUMBIA",
        kind: PassKind = .scheduled, start: Double, maxElevation: Double? = 45.5
    ) -> NewPass {
        NewPass(station: station, norad: norad, satellite: satellite, kind: kind, start: at(start), maxElevation: maxElevation)
    }

    static func sameInstant(_ a: Date?, _ b: Date?) -> Bool {
        switch (a, b) {
        case (nil, nil): return true
        case let (x?, y?): return abs(x.timeIntervalSince(y)) < 0.0005
        default: return false
        }
    }

    static func expectSame(_ got: PassRecord?, _ want: PassRecord, _ what: String, sourceLocation: SourceLocation = #_sourceLocation) {
        guard let got else {
            Issue.record("\(what): pass \(want.id) missing", sourceLocation: sourceLocation)
            return
        }
        var g = got, w = want
        let timesMatch = sameInstant(g.start, w.start) && sameInstant(g.end, w.end)
        g.start = w.start
        g.end = w.end
        #expect(timesMatch && g == w, "\(what): got \(got), want \(want)", sourceLocation: sourceLocation)
    }

    static func expectSame(_ got: [FrameRecord], _ want: [FrameRecord], _ what: String, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(got.count == want.count, "\(what): \(got.count) frames, want \(want.count)", sourceLocation: sourceLocation)
        for (g, w) in zip(got, want) {
            var gg = g
            let timeMatches = sameInstant(g.time, w.time)
            gg.time = w.time
            #expect(timeMatches && gg == w, "\(what): got \(g), want \(w)", sourceLocation: sourceLocation)
        }
    }

    static func frame(_ passID: Int64, _ sequence: Int, time: Double, bytes: [UInt8]? = nil, ok: Bool = true) -> FrameRecord {
        FrameRecord(
            passID: passID, sequence: sequence, time: at(time),
            bytes: bytes ?? [UInt8(truncatingIfNeeded: sequence), 0xC0, 0xFF, 0x00],
            framing: "AX.25 G3RUH", checksOK: ok, azimuth: 180.25, elevation: 12.5)
    }

    /// Runs `body` and always closes the store, also when a check throws.
    static func using(_ store: any PassStore, _ body: (any PassStore) async throws -> Void) async throws {
        do {
            try await body(store)
        } catch {
            try? await store.close()
            throw error
        }
        try await store.close()
    }

    static func createAndClose(_ store: any PassStore) async throws {
        try await using(store) { store in
            let a = try await store.createPass(newPass(start: 0))
            let b = try await store.createPass(newPass(station: "beta", norad: 25544, satellite: "ISS", kind: .replay, start: 10, maxElevation: nil))
            #expect(a.id != b.id, "pass ids must be unique")
            expectSame(a, PassRecord(id: a.id, station: "alpha", norad: 42702, satellite: "COLUMBIA", kind: .scheduled, start: at(0), end: nil, maxElevation: 45.5, frameCount: 0), "createPass result")
            expectSame(b, PassRecord(id: b.id, station: "beta", norad: 25544, satellite: "ISS", kind: .replay, start: at(10), end: nil, maxElevation: nil, frameCount: 0), "createPass result")
            expectSame(try await store.pass(id: a.id), a, "pass(id:) after create")

            try await store.closePass(id: a.id, end: at(600))
            var closed = a
            closed.end = at(600)
            expectSame(try await store.pass(id: a.id), closed, "pass after close")
            // Closing twice keeps the first end.
            try await store.closePass(id: a.id, end: at(900))
            expectSame(try await store.pass(id: a.id), closed, "pass after second close")
            // The other pass is untouched.
            expectSame(try await store.pass(id: b.id), b, "other pass after close")
        }
    }

    static func unknownPasses(_ store: any PassStore) async throws {
        try await using(store) { store in
            let a = try await store.createPass(newPass(start: 0))
            let missing = a.id + 1_000_000
            #expect(try await store.pass(id: missing) == nil)
            await #expect(throws: PassStoreError.unknownPass(missing)) {
                try await store.closePass(id: missing, end: at(1))
            }
            await #expect(throws: PassStoreError.unknownPass(missing)) {
                try await store.appendFrame(frame(missing, 0, time: 1))
            }
            #expect(try await store.frames(FrameQuery(passID: missing)).isEmpty)
            #expect(try await store.frames(FrameQuery()).isEmpty, "a refused frame must not be stored")
        }
    }

    static func framesUniqueAndCounted(_ store: any PassStore) async throws {
        try await using(store) { store in
            let a = try await store.createPass(newPass(start: 0))
            let b = try await store.createPass(newPass(station: "beta", start: 0))
            let first = frame(a.id, 0, time: 1, bytes: [1, 2, 3])
            try await store.appendFrame(first)
            try await store.appendFrame(frame(a.id, 1, time: 2))
            await #expect(throws: PassStoreError.duplicateFrame(passID: a.id, sequence: 0)) {
                try await store.appendFrame(frame(a.id, 0, time: 3, bytes: [9, 9]))
            }
            // The same sequence in another pass (and station) is a different frame.
            try await store.appendFrame(frame(b.id, 0, time: 1))
            let stored = try await store.frames(FrameQuery(passID: a.id))
            expectSame(stored, [first, frame(a.id, 1, time: 2)], "frames after a refused duplicate")
            #expect(try await store.pass(id: a.id)?.frameCount == 2)
            #expect(try await store.pass(id: b.id)?.frameCount == 1)
            let listed = try await store.passes(PassQuery())
            #expect(listed.map(\.frameCount) == [2, 1], "frameCount in passes(): \(listed)")
            // A closed pass keeps its frames and count.
            try await store.closePass(id: a.id, end: at(100))
            #expect(try await store.pass(id: a.id)?.frameCount == 2)
        }
    }

    static func bytesRoundTrip(_ store: any PassStore) async throws {
        try await using(store) { store in
            let p = try await store.createPass(newPass(start: 0))
            let all = (0...255).map { UInt8($0) }
            let frames = [
                FrameRecord(passID: p.id, sequence: 0, time: at(1.001), bytes: all, framing: "AX.25", checksOK: true,
                            azimuth: 359.999, elevation: -0.5, telemetryJSON: #"{"battery_v":7.42,"mode":"SAFE"}"#),
                FrameRecord(passID: p.id, sequence: 1, time: at(2.5), bytes: [], framing: "", checksOK: false),
                FrameRecord(passID: p.id, sequence: 2, time: at(3.25), bytes: Array(all.reversed()) + [0, 0, 0],
                            framing: "CCSDS TM (RS 255,223)", checksOK: false, azimuth: 0, elevation: 90,
                            telemetryJSON: #"{"name":"Ørsted ☀︎ \"quoted\"\n"}"#),
                FrameRecord(passID: p.id, sequence: 3, time: at(4), bytes: [0x00], framing: "raw", checksOK: true,
                            azimuth: nil, elevation: 30, telemetryJSON: "{}"),
            ]
            for f in frames { try await store.appendFrame(f) }
            expectSame(try await store.frames(FrameQuery(passID: p.id)), frames, "frame round trip")
            let single = try await store.frames(FrameQuery(passID: p.id, limit: 1))
            #expect(single.first?.bytes == all, "every byte value 0x00...0xFF round-trips")
            #expect(try await store.frames(FrameQuery(passID: p.id, limit: 1, offset: 1)).first?.bytes == [],
                    "an empty frame stays empty (not nil, not a zero byte)")
        }
    }

    static func passQueries(_ store: any PassStore) async throws {
        try await using(store) { store in
            // Seven passes, created out of time order, two with the same start (the id breaks the tie).
            let plan: [(String, Int, Double)] = [
                ("alpha", 42702, 300), ("beta", 42702, 100), ("alpha", 25544, 200), ("beta", 25544, 200),
                ("alpha", 42702, 0), ("gamma", 40967, 500), ("alpha", 42702, 400),
            ]
            var created: [PassRecord] = []
            for (station, norad, start) in plan {
                created.append(try await store.createPass(newPass(station: station, norad: norad, satellite: "SAT\(norad)", start: start)))
            }
            let ordered = created.sorted { ($0.start, $0.id) < ($1.start, $1.id) }
            func ids(_ list: [PassRecord]) -> [Int64] { list.map(\.id) }

            let all = try await store.passes(PassQuery())
            #expect(ids(all) == ids(ordered), "passes() ordered by (start, id)")
            for (g, w) in zip(all, ordered) { expectSame(g, w, "passes() record") }

            #expect(ids(try await store.passes(PassQuery(norad: 42702))) == ids(ordered.filter { $0.norad == 42702 }))
            #expect(ids(try await store.passes(PassQuery(station: "alpha"))) == ids(ordered.filter { $0.station == "alpha" }))
            #expect(ids(try await store.passes(PassQuery(norad: 25544, station: "beta"))) == ids(ordered.filter { $0.norad == 25544 && $0.station == "beta" }))
            #expect(try await store.passes(PassQuery(norad: 99999)).isEmpty)
            #expect(try await store.passes(PassQuery(station: "nowhere")).isEmpty)
            // since is inclusive, until exclusive.
            #expect(ids(try await store.passes(PassQuery(since: at(200), until: at(400)))) == ids(ordered.filter { $0.start >= at(200) && $0.start < at(400) }))
            #expect(ids(try await store.passes(PassQuery(since: at(400)))) == ids(ordered.filter { $0.start >= at(400) }))
            #expect(ids(try await store.passes(PassQuery(until: at(100)))) == ids(ordered.filter { $0.start < at(100) }))
            #expect(ids(try await store.passes(PassQuery(norad: 42702, since: at(100), until: at(400)))) == ids(ordered.filter { $0.norad == 42702 && $0.start >= at(100) && $0.start < at(400) }))

            // Pages of 3: disjoint, in order, and together the whole list; past the end is empty.
            var paged: [PassRecord] = []
            for offset in stride(from: 0, to: 9, by: 3) {
                let page = try await store.passes(PassQuery(limit: 3, offset: offset))
                #expect(page.count == min(3, max(0, ordered.count - offset)), "page at offset \(offset)")
                paged += page
            }
            #expect(ids(paged) == ids(ordered), "pages concatenate to the whole list")
            #expect(try await store.passes(PassQuery(limit: 10, offset: 7)).isEmpty)
            #expect(ids(try await store.passes(PassQuery(station: "alpha", limit: 2, offset: 1))) == Array(ids(ordered.filter { $0.station == "alpha" })[1..<3]))
            // Asking twice gives the same order (stable).
            #expect(ids(try await store.passes(PassQuery(limit: 4, offset: 2))) == ids(try await store.passes(PassQuery(limit: 4, offset: 2))))
        }
    }

    static func frameQueries(_ store: any PassStore) async throws {
        try await using(store) { store in
            let a = try await store.createPass(newPass(station: "alpha", norad: 42702, start: 0))
            let b = try await store.createPass(newPass(station: "beta", norad: 42702, start: 5))
            let c = try await store.createPass(newPass(station: "alpha", norad: 25544, start: 10))
            // Interleaved times across passes, including equal times (pass id, then sequence break ties).
            var all: [FrameRecord] = []
            for i in 0..<6 {
                all.append(frame(a.id, i, time: Double(10 * i)))
                all.append(frame(b.id, i, time: Double(10 * i + 5)))
                all.append(frame(c.id, i, time: Double(20 * i)))
            }
            for f in all.shuffledDeterministically() { try await store.appendFrame(f) }
            let ordered = all.sorted { ($0.time, $0.passID, $0.sequence) < ($1.time, $1.passID, $1.sequence) }
            func keys(_ list: [FrameRecord]) -> [String] { list.map { "\($0.passID)/\($0.sequence)" } }

            let everything = try await store.frames(FrameQuery())
            #expect(keys(everything) == keys(ordered), "frames() ordered by (time, passID, sequence)")
            expectSame(everything, ordered, "frames() records")
            #expect(keys(try await store.frames(FrameQuery(passID: b.id))) == keys(ordered.filter { $0.passID == b.id }))
            #expect(keys(try await store.frames(FrameQuery(norad: 42702))) == keys(ordered.filter { $0.passID != c.id }))
            #expect(keys(try await store.frames(FrameQuery(station: "alpha"))) == keys(ordered.filter { $0.passID != b.id }))
            #expect(keys(try await store.frames(FrameQuery(norad: 42702, station: "alpha"))) == keys(ordered.filter { $0.passID == a.id }))
            #expect(keys(try await store.frames(FrameQuery(norad: 99999))).isEmpty)
            #expect(keys(try await store.frames(FrameQuery(since: at(20), until: at(45)))) == keys(ordered.filter { $0.time >= at(20) && $0.time < at(45) }))
            #expect(keys(try await store.frames(FrameQuery(norad: 42702, since: at(30)))) == keys(ordered.filter { $0.passID != c.id && $0.time >= at(30) }))
            #expect(keys(try await store.frames(FrameQuery(until: at(10)))) == keys(ordered.filter { $0.time < at(10) }))

            var paged: [FrameRecord] = []
            for offset in stride(from: 0, to: 20, by: 4) {
                paged += try await store.frames(FrameQuery(limit: 4, offset: offset))
            }
            #expect(keys(paged) == keys(ordered), "frame pages concatenate to the whole list")
            #expect(try await store.frames(FrameQuery(limit: 5, offset: ordered.count)).isEmpty)
            let sliceA = ordered.filter { $0.passID == a.id }
            #expect(keys(try await store.frames(FrameQuery(passID: a.id, limit: 2, offset: 3))) == keys(Array(sliceA[3..<5])))
        }
    }

    static func telemetryQueries(_ store: any PassStore) async throws {
        try await using(store) { store in
            let a = try await store.createPass(newPass(station: "alpha", norad: 45598, satellite: "Quetzal-1", start: 0))
            let b = try await store.createPass(newPass(station: "beta", norad: 45598, satellite: "Quetzal-1", start: 5))
            let other = try await store.createPass(newPass(station: "alpha", norad: 42702, start: 0))
            func json(_ pass: Int64, _ s: Int) -> String { #"{"definition": "q", "fields": {"v": \#(Int(pass) * 100 + s)}}"# }
            // Per pass 8 frames: s = 2 failed its check, s = 5 carries no telemetry; the others are listed.
            var frames: [FrameRecord] = []
            for s in 0..<8 {
                for (pass, time) in [(a.id, Double(10 * s)), (b.id, Double(10 * s + 5)), (other.id, Double(10 * s))] {
                    var f = frame(pass, s, time: s == 7 ? 30 : time, ok: s != 2)  // s == 7 at 30: ties broken by pass, sequence
                    f.telemetryJSON = s == 5 ? nil : json(pass, s)
                    frames.append(f)
                }
            }
            for f in frames.shuffledDeterministically() { try await store.appendFrame(f) }
            let pass = [a.id: a, b.id: b, other.id: other]
            let wanted = frames
                .filter { pass[$0.passID]?.norad == 45598 && $0.checksOK && $0.telemetryJSON != nil }
                .sorted { ($0.time, $0.passID, $0.sequence) > ($1.time, $1.passID, $1.sequence) }
            func keys(_ list: [FrameRecord]) -> [String] { list.map { "\($0.passID)/\($0.sequence)" } }
            func keys(_ list: [TelemetryRecord]) -> [String] { list.map { "\($0.passID)/\($0.sequence)" } }

            let all = try await store.telemetry(TelemetryQuery(norad: 45598, limit: 1000))
            #expect(keys(all) == keys(wanted), "newest first, good frames with telemetry of NORAD 45598 only")
            #expect(all.count == 12, "2 passes × 8 frames, less the failed checks (s = 2) and those without telemetry (s = 5)")
            for (g, w) in zip(all, wanted) {
                #expect(g.telemetryJSON == w.telemetryJSON && sameInstant(g.time, w.time), "\(g) vs \(w)")
            }
            #expect(keys(try await store.telemetry(TelemetryQuery(norad: 45598, station: "beta", limit: 1000))) == keys(wanted.filter { $0.passID == b.id }))
            #expect(keys(try await store.telemetry(TelemetryQuery(norad: 42702, station: "beta"))).isEmpty)
            #expect(keys(try await store.telemetry(TelemetryQuery(norad: 42702, limit: 1000))) == keys(
                frames.filter { $0.passID == other.id && $0.checksOK && $0.telemetryJSON != nil }
                    .sorted { ($0.time, $0.sequence) > ($1.time, $1.sequence) }))
            #expect(try await store.telemetry(TelemetryQuery(norad: 99999)).isEmpty)
            // since is inclusive, until exclusive (30 is the time of two frames of pass a).
            #expect(keys(try await store.telemetry(TelemetryQuery(norad: 45598, since: at(30), until: at(45), limit: 1000)))
                == keys(wanted.filter { $0.time >= at(30) && $0.time < at(45) }))
            #expect(keys(try await store.telemetry(TelemetryQuery(norad: 45598, until: at(30), limit: 1000)))
                == keys(wanted.filter { $0.time < at(30) }))
            // Pages of 3 over the same order concatenate to the whole.
            var paged: [TelemetryRecord] = []
            for offset in stride(from: 0, to: 12, by: 3) {
                paged += try await store.telemetry(TelemetryQuery(norad: 45598, limit: 3, offset: offset))
            }
            #expect(keys(paged) == keys(wanted))
            #expect(keys(try await store.telemetry(TelemetryQuery(norad: 45598, limit: 2))) == keys(Array(wanted.prefix(2))), "the newest two")
        }
    }

    static func openPasses(_ store: any PassStore) async throws {
        try await using(store) { store in
            let a1 = try await store.createPass(newPass(station: "alpha", start: 100))
            let a2 = try await store.createPass(newPass(station: "alpha", start: 0))
            let a3 = try await store.createPass(newPass(station: "alpha", start: 200))
            let b1 = try await store.createPass(newPass(station: "beta", start: 50))
            try await store.closePass(id: a3.id, end: at(300))
            let open = try await store.openPasses(station: "alpha")
            #expect(open.map(\.id) == [a2.id, a1.id], "alpha's open passes in start order: \(open)")
            for p in open { #expect(p.end == nil) }
            #expect(try await store.openPasses(station: "beta").map(\.id) == [b1.id])
            #expect(try await store.openPasses(station: "nowhere").isEmpty)
            try await store.closePass(id: a1.id, end: at(400))
            try await store.closePass(id: a2.id, end: at(400))
            #expect(try await store.openPasses(station: "alpha").isEmpty)
        }
    }

    /// Calls from a cancelled task: each completes or throws `CancellationError` (then nothing changed).
    static func cancelledCallers(_ store: any PassStore) async throws {
        try await using(store) { store in
            let a = try await store.createPass(newPass(start: 0))
            let outcome = await Task { () -> (append: (any Error)?, close: (any Error)?) in
                withUnsafeCurrentTask { $0?.cancel() }
                var append: (any Error)?, close: (any Error)?
                do { try await store.appendFrame(frame(a.id, 0, time: 1)) } catch { append = error }
                do { try await store.closePass(id: a.id, end: at(10)) } catch { close = error }
                return (append, close)
            }.value
            let frames = try await store.frames(FrameQuery(passID: a.id))
            if let error = outcome.append {
                #expect(error is CancellationError, "append in a cancelled task threw \(error)")
                #expect(frames.isEmpty, "an append that threw must not store the frame")
            } else {
                expectSame(frames, [frame(a.id, 0, time: 1)], "append in a cancelled task")
            }
            let pass = try await store.pass(id: a.id)
            if let error = outcome.close {
                #expect(error is CancellationError, "closePass in a cancelled task threw \(error)")
                #expect(pass?.end == nil, "a close that threw must not close the pass")
            } else {
                #expect(sameInstant(pass?.end, at(10)), "closePass in a cancelled task")
            }
        }
    }

    /// Many frames appended at once (as the daemon's frame consumer and an API replay might): all kept.
    static func concurrentAppends(_ store: any PassStore) async throws {
        try await using(store) { store in
            let a = try await store.createPass(newPass(station: "alpha", start: 0))
            let b = try await store.createPass(newPass(station: "beta", start: 0))
            try await withThrowingTaskGroup(of: Void.self) { group in
                for i in 0..<40 {
                    let passID = i % 2 == 0 ? a.id : b.id
                    group.addTask { try await store.appendFrame(frame(passID, i / 2, time: Double(i))) }
                }
                try await group.waitForAll()
            }
            #expect(try await store.pass(id: a.id)?.frameCount == 20)
            #expect(try await store.pass(id: b.id)?.frameCount == 20)
            #expect(try await store.frames(FrameQuery(passID: a.id)).map(\.sequence) == Array(0..<20))
            #expect(try await store.frames(FrameQuery(station: "beta")).map(\.sequence) == Array(0..<20))
        }
    }
}

extension Array {
    /// A fixed permutation (so stores see frames out of order, the same way each run).
    fileprivate func shuffledDeterministically() -> [Element] {
        var g = SplitMixGenerator(seed: 7)
        return shuffled(using: &g)
    }
}

private struct SplitMixGenerator: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE5_E589
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// The suite checked against the contract written as the plainest possible store (an actor over
/// arrays), so that a failure on a real store points at the store, not at the suite.
@Suite struct PassStoreConformanceSelfTests {
    @Test func referenceModelPassesTheSuite() async throws {
        try await runPassStoreConformance { ReferencePassStore() }
    }

    @Test func suiteCatchesAStoreThatAcceptsDuplicates() async throws {
        await withKnownIssue("a store that keeps duplicate frames must fail the suite") {
            try await runPassStoreConformance { ReferencePassStore(acceptsDuplicates: true) }
        }
    }
}

/// The contract of `runPassStoreConformance`, executable. Test-only; the real stores are SQLite and PostgreSQL.
private actor ReferencePassStore: PassStore {
    let acceptsDuplicates: Bool
    var passList: [PassRecord] = []
    var frameList: [(station: String, norad: Int, frame: FrameRecord)] = []

    init(acceptsDuplicates: Bool = false) { self.acceptsDuplicates = acceptsDuplicates }

    func createPass(_ pass: NewPass) -> PassRecord {
        let record = PassRecord(
            id: Int64(passList.count + 1), station: pass.station, norad: pass.norad, satellite: pass.satellite,
            kind: pass.kind, start: pass.start, end: nil, maxElevation: pass.maxElevation, frameCount: 0)
        passList.append(record)
        return record
    }

    func closePass(id: Int64, end: Date) throws {
        guard let i = passList.firstIndex(where: { $0.id == id }) else { throw PassStoreError.unknownPass(id) }
        if passList[i].end == nil { passList[i].end = end }
    }

    func appendFrame(_ frame: FrameRecord) throws {
        guard let i = passList.firstIndex(where: { $0.id == frame.passID }) else { throw PassStoreError.unknownPass(frame.passID) }
        if !acceptsDuplicates, frameList.contains(where: { $0.frame.passID == frame.passID && $0.frame.sequence == frame.sequence }) {
            throw PassStoreError.duplicateFrame(passID: frame.passID, sequence: frame.sequence)
        }
        frameList.append((passList[i].station, passList[i].norad, frame))
        passList[i].frameCount += 1
    }

    func passes(_ q: PassQuery) -> [PassRecord] {
        let hits = passList
            .filter { p in
                (q.norad.map { p.norad == $0 } ?? true) && (q.station.map { p.station == $0 } ?? true)
                    && (q.since.map { p.start >= $0 } ?? true) && (q.until.map { p.start < $0 } ?? true)
            }
            .sorted { ($0.start, $0.id) < ($1.start, $1.id) }
        return Array(hits.dropFirst(q.offset).prefix(q.limit))
    }

    func pass(id: Int64) -> PassRecord? { passList.first { $0.id == id } }

    func frames(_ q: FrameQuery) -> [FrameRecord] {
        let hits = frameList
            .filter { e in
                (q.passID.map { e.frame.passID == $0 } ?? true) && (q.norad.map { e.norad == $0 } ?? true)
                    && (q.station.map { e.station == $0 } ?? true)
                    && (q.since.map { e.frame.time >= $0 } ?? true) && (q.until.map { e.frame.time < $0 } ?? true)
            }
            .map(\.frame)
            .sorted { ($0.time, $0.passID, $0.sequence) < ($1.time, $1.passID, $1.sequence) }
        return Array(hits.dropFirst(q.offset).prefix(q.limit))
    }

    func telemetry(_ q: TelemetryQuery) -> [TelemetryRecord] {
        let hits = frameList
            .filter { e in
                e.norad == q.norad && e.frame.checksOK && e.frame.telemetryJSON != nil && (q.station.map { e.station == $0 } ?? true)
                    && (q.since.map { e.frame.time >= $0 } ?? true) && (q.until.map { e.frame.time < $0 } ?? true)
            }
            .map(\.frame)
            .sorted { ($0.time, $0.passID, $0.sequence) > ($1.time, $1.passID, $1.sequence) }
            .map { TelemetryRecord(passID: $0.passID, sequence: $0.sequence, time: $0.time, telemetryJSON: $0.telemetryJSON ?? "") }
        return Array(hits.dropFirst(q.offset).prefix(q.limit))
    }

    func openPasses(station: String) -> [PassRecord] {
        passList.filter { $0.station == station && $0.end == nil }.sorted { ($0.start, $0.id) < ($1.start, $1.id) }
    }

    func close() {}
}
