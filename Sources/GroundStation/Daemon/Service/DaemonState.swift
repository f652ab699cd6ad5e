import Foundation
import TelemetryDecode

/// What the daemon is doing, for `/api/status`, `/api/schedule` and `gsd status`.
public actor DaemonState {
    public struct CurrentPass: Sendable, Codable, Equatable {
        public var passID: Int64
        public var norad: Int
        public var satellite: String
        public var kind: PassKind
        public var start: Date
        public var frames: Int

        enum CodingKeys: String, CodingKey {
            case passID = "pass_id", norad, satellite, kind, start, frames
        }
    }

    public struct RingCounters: Sendable, Codable, Equatable {
        public var bytesIn = 0
        public var bytesOut = 0
        public var bytesDropped = 0
        public var dropEvents = 0
        public var highWaterMark = 0

        enum CodingKeys: String, CodingKey {
            case bytesIn = "bytes_in", bytesOut = "bytes_out", bytesDropped = "bytes_dropped", dropEvents = "drop_events"
            case highWaterMark = "high_water_mark"
        }
    }

    public let startedAt = Date()
    public private(set) var schedule: [ScheduledPass] = []
    public private(set) var current: [Int64: CurrentPass] = [:]
    /// Totals over finished passes plus the running ones' latest figures.
    public private(set) var ringTotals = RingCounters()
    private var runningRings: [Int64: RingCounters] = [:]
    public private(set) var passesObserved = 0
    public private(set) var framesStored = 0
    public private(set) var scheduleProblems: [String] = []
    public private(set) var lastError: String?
    /// True once every pass of a finite (file) schedule has been played.
    public private(set) var scheduleFinished = false

    public init() {}

    public func setSchedule(_ s: [ScheduledPass], problems: [String] = []) {
        schedule = s
        scheduleProblems = problems
    }

    public func update(slot: Int, _ change: (inout ScheduledPass) -> Void) {
        guard let i = schedule.firstIndex(where: { $0.slot == slot }) else { return }
        change(&schedule[i])
    }

    public func passOpened(_ p: CurrentPass) { current[p.passID] = p }

    public func frameStored(passID: Int64) {
        framesStored += 1
        current[passID]?.frames += 1
    }

    public func ring(passID: Int64, _ s: SampleRing.Statistics) -> (bytesIn: Int, dropped: Int, dropEvents: Int) {
        let old = runningRings[passID] ?? RingCounters()
        let new = RingCounters(
            bytesIn: s.bytesIn, bytesOut: s.bytesOut, bytesDropped: s.bytesDropped, dropEvents: s.dropEvents,
            highWaterMark: s.highWaterMark)
        runningRings[passID] = new
        ringTotals.bytesIn += new.bytesIn - old.bytesIn
        ringTotals.bytesOut += new.bytesOut - old.bytesOut
        ringTotals.bytesDropped += new.bytesDropped - old.bytesDropped
        ringTotals.dropEvents += new.dropEvents - old.dropEvents
        ringTotals.highWaterMark = max(ringTotals.highWaterMark, new.highWaterMark)
        return (new.bytesIn - old.bytesIn, new.bytesDropped - old.bytesDropped, new.dropEvents - old.dropEvents)
    }

    public func passClosed(passID: Int64) {
        current[passID] = nil
        runningRings[passID] = nil
        passesObserved += 1
    }

    public func failed(_ message: String) { lastError = message }
    public func finishSchedule() { scheduleFinished = true }
}
