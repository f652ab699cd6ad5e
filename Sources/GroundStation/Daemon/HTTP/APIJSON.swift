import Foundation

/// The JSON shapes of the HTTP API (documented in docs/openapi.yaml). Keys are snake_case; times are
/// ISO 8601 UTC with milliseconds.
public enum APIJSON {
    public struct Pass: Codable, Sendable, Equatable {
        public var id: Int64
        public var norad: Int
        public var satellite: String
        public var station: String
        public var kind: String
        public var start: Date
        public var end: Date?
        public var maxElevation: Double?
        public var frames: Int
        public var waterfall: String

        init(_ p: PassRecord) {
            id = p.id
            norad = p.norad
            satellite = p.satellite
            station = p.station
            kind = p.kind.rawValue
            start = p.start
            end = p.end
            maxElevation = p.maxElevation
            frames = p.frameCount
            waterfall = "/api/passes/\(p.id)/waterfall.png"
        }

        enum CodingKeys: String, CodingKey {
            case id, norad, satellite, station, kind, start, end, maxElevation = "max_elevation", frames, waterfall
        }
    }

    public struct Frame: Codable, Sendable, Equatable {
        public var passID: Int64
        public var sequence: Int
        public var time: Date
        public var hex: String
        public var length: Int
        public var checksOK: Bool
        public var framing: String
        public var azimuth: Double?
        public var elevation: Double?
        /// The decoded telemetry as a nested object (`TelemetryJSON`'s shape); absent without a definition.
        public var telemetry: JSONValue?

        init(_ f: FrameRecord) {
            passID = f.passID
            sequence = f.sequence
            time = f.time
            hex = f.bytes.map { String(format: "%02x", $0) }.joined()
            length = f.bytes.count
            checksOK = f.checksOK
            framing = f.framing
            azimuth = f.azimuth
            elevation = f.elevation
            telemetry = f.telemetryJSON.flatMap(JSONValue.init(text:))
        }

        enum CodingKeys: String, CodingKey {
            case passID = "pass_id", sequence, time, hex, length, checksOK = "checks_ok", framing, azimuth, elevation, telemetry
        }
    }

    /// `GET /api/telemetry`: one field of a satellite's telemetry over time, oldest first.
    public struct TelemetrySeries: Codable, Sendable, Equatable {
        public var norad: Int
        public var field: String
        public var points: [TelemetryPoint]
        /// True when the answer stopped at `limit` (or at the scan bound): older points may exist; ask again
        /// with `until` set to the first point's time.
        public var more: Bool
    }

    public struct TelemetryPoint: Codable, Sendable, Equatable {
        public var time: Date
        public var value: JSONValue
        public var unit: String?
        public var pass: Int64
        public var sequence: Int
    }

    /// `GET /api/telemetry/fields`: the numeric fields of a satellite's most recent telemetry.
    public struct TelemetryFields: Codable, Sendable, Equatable {
        public var norad: Int
        public var fields: [TelemetryField]
        /// How many recent frames were looked at.
        public var frames: Int
    }

    public struct TelemetryField: Codable, Sendable, Equatable {
        public var path: String
        public var unit: String?
    }

    public struct Page<Item: Codable & Sendable & Equatable>: Codable, Sendable, Equatable {
        public var items: [Item]
        public var limit: Int
        public var offset: Int
        /// Offset of the next page, nil on the last one.
        public var next: Int?
    }

    public struct ScheduleEntry: Codable, Sendable, Equatable {
        public var slot: Int
        public var norad: Int
        public var satellite: String
        public var start: Date
        public var end: Date
        public var maxElevation: Double?
        public var state: String
        public var note: String?
        public var passID: Int64?
        public var recording: String?

        init(_ p: ScheduledPass) {
            slot = p.slot
            norad = p.norad
            satellite = p.satellite
            start = p.start
            end = p.end
            maxElevation = p.maxElevation
            state = p.state.rawValue
            note = p.note
            passID = p.passID
            recording = p.recording.map { ($0.path as NSString).lastPathComponent }
        }

        enum CodingKeys: String, CodingKey {
            case slot, norad, satellite, start, end, maxElevation = "max_elevation", state, note, passID = "pass_id", recording
        }
    }

    public struct Schedule: Codable, Sendable, Equatable {
        public var passes: [ScheduleEntry]
        public var priorityRule: String
        public var problems: [String]
        public var finished: Bool

        enum CodingKeys: String, CodingKey {
            case passes, priorityRule = "priority_rule", problems, finished
        }
    }

    public struct Device: Codable, Sendable, Equatable {
        public var role: String
        public var kind: String
        public var address: String?
    }

    public struct Status: Codable, Sendable, Equatable {
        public var station: String
        public var callsign: String?
        public var version: String
        public var startedAt: Date
        public var uptimeSeconds: Double
        public var devices: [Device]
        public var ring: DaemonState.RingCounters
        public var currentPasses: [DaemonState.CurrentPass]
        public var passesObserved: Int
        public var framesStored: Int
        public var scheduleFinished: Bool
        public var liveSubscribers: Int
        public var lastError: String?

        enum CodingKeys: String, CodingKey {
            case station, callsign, version, startedAt = "started_at", uptimeSeconds = "uptime_seconds", devices, ring
            case currentPasses = "current_passes", passesObserved = "passes_observed", framesStored = "frames_stored"
            case scheduleFinished = "schedule_finished", liveSubscribers = "live_subscribers", lastError = "last_error"
        }
    }

    public struct ReplaySubmission: Codable, Sendable {
        public var path: String
        public var norad: Int
        public var format: String?
        public var rate: Double?
        public var iq: Bool?
        public var fOffset: Double?

        enum CodingKeys: String, CodingKey {
            case path, norad, format, rate, iq, fOffset = "f_offset"
        }
    }

    public struct Problem: Codable, Sendable {
        public var error: String
    }

    static let dateStyle = Date.ISO8601FormatStyle(includingFractionalSeconds: true)

    public static func encoder() -> JSONEncoder {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        e.dateEncodingStrategy = .custom { date, encoder in
            var c = encoder.singleValueContainer()
            try c.encode(dateStyle.format(date))
        }
        return e
    }

    public static func decoder() -> JSONDecoder {
        let d = JSONDecoder()
        d.dateDecodingStrategy = .custom { decoder in
            let c = try decoder.singleValueContainer()
            let s = try c.decode(String.self)
            guard let date = parseDate(s) else {
                throw DecodingError.dataCorruptedError(in: c, debugDescription: "not an ISO 8601 time: \(s)")
            }
            return date
        }
        return d
    }

    /// ISO 8601 UTC, with or without fractional seconds.
    public static func parseDate(_ s: String) -> Date? {
        if let d = try? dateStyle.parse(s) { return d }
        return try? Date.ISO8601FormatStyle().parse(s)
    }
}
