import Foundation
import NIOCore

/// Where a live-feed client left off: every /api/live event carries `id: PASS.SEQUENCE`. A client that
/// reconnects with `Last-Event-ID` (a browser's EventSource sends it by itself) or `?after=PASS.SEQUENCE`
/// first gets the stored frames it missed, then the live ones, so a dropped connection loses nothing.
struct LiveEventID: Hashable, Comparable, CustomStringConvertible {
    var passID: Int64
    var sequence: Int

    init(passID: Int64, sequence: Int) {
        self.passID = passID
        self.sequence = sequence
    }

    /// "12.3"; nil for anything else.
    init?(_ text: String) {
        let parts = text.trimmingCharacters(in: .whitespaces).split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 2, let p = Int64(parts[0]), let s = Int(parts[1]), p >= 0, s >= 0 else { return nil }
        self.init(passID: p, sequence: s)
    }

    init(_ event: LiveFrameEvent) { self.init(passID: event.passID, sequence: event.sequence) }
    init(_ frame: FrameRecord) { self.init(passID: frame.passID, sequence: frame.sequence) }

    var description: String { "\(passID).\(sequence)" }

    static func < (a: Self, b: Self) -> Bool { (a.passID, a.sequence) < (b.passID, b.sequence) }
}

enum LiveBackfill {
    /// A client away longer than this many frames gets the newest ones after its id up to this count and
    /// should page through /api/frames for the rest.
    static let limit = 1000
    private static let page = 500

    /// One Server-Sent Events message: `id`, `event: frame`, the frame as JSON.
    static func message(_ e: LiveFrameEvent, encoder: JSONEncoder) throws -> ByteBuffer {
        let data = try encoder.encode(e)
        return ByteBuffer(string: "id: \(LiveEventID(e))\nevent: frame\ndata: " + String(decoding: data, as: UTF8.self) + "\n\n")
    }

    /// This station's stored frames after `last` (later in the same pass, or in later passes), in id
    /// order, as live events. Nothing when the pass is unknown (a client of another database).
    static func events(after last: LiveEventID, store: PassStore) async throws -> [LiveFrameEvent] {
        guard let resumed = try await store.pass(id: last.passID) else { return [] }
        var passes: [Int64: PassRecord] = [resumed.id: resumed]
        var events: [LiveFrameEvent] = []
        var offset = 0
        while events.count < limit {
            // Frames are listed by time; those of the resumed pass and every later one are at or after its start.
            let frames = try await store.frames(FrameQuery(station: resumed.station, since: resumed.start, limit: page, offset: offset))
            offset += frames.count
            for frame in frames where LiveEventID(frame) > last && events.count < limit {
                if passes[frame.passID] == nil { passes[frame.passID] = try await store.pass(id: frame.passID) }
                guard let pass = passes[frame.passID] else { continue }
                events.append(LiveFrameEvent(frame, of: pass))
            }
            if frames.count < page { break }
        }
        // In id order, as the live stream sent them: a failed check is stored (and numbered) up to a
        // second after later good frames, and a client that resumes from an id must not skip one.
        return events.sorted { LiveEventID($0) < LiveEventID($1) }
    }
}
