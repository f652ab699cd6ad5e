import Foundation

/// What a pass is to the daemon: one satellite observed (or one recording replayed) by one station.
public enum PassKind: String, Sendable, Codable, CaseIterable {
    /// Predicted, scheduled and observed live (or from a `file` source playing as if live).
    case scheduled
    /// A recording submitted for decoding through the API.
    case replay
}

/// A pass as stored. `end` is nil while the pass is still being observed.
public struct PassRecord: Sendable, Codable, Equatable {
    public var id: Int64
    public var station: String
    public var norad: Int
    public var satellite: String
    public var kind: PassKind
    public var start: Date
    public var end: Date?
    public var maxElevation: Double?
    public var frameCount: Int

    public init(
        id: Int64, station: String, norad: Int, satellite: String, kind: PassKind,
        start: Date, end: Date?, maxElevation: Double?, frameCount: Int
    ) {
        self.id = id
        self.station = station
        self.norad = norad
        self.satellite = satellite
        self.kind = kind
        self.start = start
        self.end = end
        self.maxElevation = maxElevation
        self.frameCount = frameCount
    }
}

/// A pass about to be opened; the store assigns its id.
public struct NewPass: Sendable, Equatable {
    public var station: String
    public var norad: Int
    public var satellite: String
    public var kind: PassKind
    public var start: Date
    public var maxElevation: Double?

    public init(station: String, norad: Int, satellite: String, kind: PassKind, start: Date, maxElevation: Double?) {
        self.station = station
        self.norad = norad
        self.satellite = satellite
        self.kind = kind
        self.start = start
        self.maxElevation = maxElevation
    }
}

/// One decoded frame of a pass. Unique by (station, passID, sequence).
public struct FrameRecord: Sendable, Codable, Equatable {
    public var passID: Int64
    /// 0, 1, 2 ... in reception order within the pass.
    public var sequence: Int
    public var time: Date
    public var bytes: [UInt8]
    public var framing: String
    public var checksOK: Bool
    /// Look angles of the satellite when the frame was received (nil for replays without a TLE).
    public var azimuth: Double?
    public var elevation: Double?
    /// Decoded telemetry values as a JSON object (text), when a definition applies.
    public var telemetryJSON: String?

    public init(
        passID: Int64, sequence: Int, time: Date, bytes: [UInt8], framing: String, checksOK: Bool,
        azimuth: Double? = nil, elevation: Double? = nil, telemetryJSON: String? = nil
    ) {
        self.passID = passID
        self.sequence = sequence
        self.time = time
        self.bytes = bytes
        self.framing = framing
        self.checksOK = checksOK
        self.azimuth = azimuth
        self.elevation = elevation
        self.telemetryJSON = telemetryJSON
    }
}

/// Filters for listing passes; every field is optional but the page.
public struct PassQuery: Sendable, Equatable {
    public var norad: Int?
    public var station: String?
    public var since: Date?
    public var until: Date?
    public var limit: Int
    public var offset: Int

    public init(norad: Int? = nil, station: String? = nil, since: Date? = nil, until: Date? = nil, limit: Int = 100, offset: Int = 0) {
        self.norad = norad
        self.station = station
        self.since = since
        self.until = until
        self.limit = limit
        self.offset = offset
    }
}

/// Filters for frames across passes (by satellite and time range), newest last.
public struct FrameQuery: Sendable, Equatable {
    public var passID: Int64?
    public var norad: Int?
    public var station: String?
    public var since: Date?
    public var until: Date?
    public var limit: Int
    public var offset: Int

    public init(passID: Int64? = nil, norad: Int? = nil, station: String? = nil, since: Date? = nil, until: Date? = nil, limit: Int = 100, offset: Int = 0) {
        self.passID = passID
        self.norad = norad
        self.station = station
        self.since = since
        self.until = until
        self.limit = limit
        self.offset = offset
    }
}

/// The decoded telemetry of one satellite over a time range: good frames (checks passed) that carry
/// telemetry, newest first, so that a page of `limit` is the most recent one.
public struct TelemetryQuery: Sendable, Equatable {
    public var norad: Int
    public var station: String?
    public var since: Date?
    public var until: Date?
    public var limit: Int
    public var offset: Int

    public init(norad: Int, station: String? = nil, since: Date? = nil, until: Date? = nil, limit: Int = 100, offset: Int = 0) {
        self.norad = norad
        self.station = station
        self.since = since
        self.until = until
        self.limit = limit
        self.offset = offset
    }
}

/// One stored frame's telemetry (without its bytes: a time series needs only the values).
public struct TelemetryRecord: Sendable, Equatable {
    public var passID: Int64
    public var sequence: Int
    public var time: Date
    public var telemetryJSON: String

    public init(passID: Int64, sequence: Int, time: Date, telemetryJSON: String) {
        self.passID = passID
        self.sequence = sequence
        self.time = time
        self.telemetryJSON = telemetryJSON
    }
}

/// Where passes and frames live: SQLite (embedded default) or PostgreSQL (a network of stations).
/// Both implementations pass the same conformance tests.
public protocol PassStore: Sendable {
    /// Opens a pass and returns it with its id.
    func createPass(_ pass: NewPass) async throws -> PassRecord
    /// Closes a pass at `end`. Closing twice keeps the first end.
    func closePass(id: Int64, end: Date) async throws
    /// Stores one frame. Returns only when the frame is durable: an acknowledged frame survives `kill -9`.
    /// A second frame with the same (station, passID, sequence) is an error (`PassStoreError.duplicateFrame`).
    func appendFrame(_ frame: FrameRecord) async throws
    func passes(_ query: PassQuery) async throws -> [PassRecord]
    func pass(id: Int64) async throws -> PassRecord?
    func frames(_ query: FrameQuery) async throws -> [FrameRecord]
    /// Telemetry of good frames of one satellite, `since <= time < until`, ordered by (time, passID, sequence)
    /// descending: newest first.
    func telemetry(_ query: TelemetryQuery) async throws -> [TelemetryRecord]
    /// Passes left open by a crash (end == nil); the daemon closes them on start.
    func openPasses(station: String) async throws -> [PassRecord]
    func close() async throws
}

public enum PassStoreError: Error, Equatable, CustomStringConvertible {
    case unknownPass(Int64)
    case duplicateFrame(passID: Int64, sequence: Int)
    /// The database refused or failed (disk full, read-only, connection lost): what, and the driver's message.
    case backend(operation: String, message: String)

    public var description: String {
        switch self {
        case .unknownPass(let id): return "no pass with id \(id)"
        case .duplicateFrame(let passID, let sequence): return "pass \(passID) already has a frame with sequence \(sequence)"
        case .backend(let operation, let message): return "storage \(operation) failed: \(message)"
        }
    }
}
