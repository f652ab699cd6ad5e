import Foundation
import Hummingbird

/// `GET /api/telemetry` (one field over time, for plotting) and `GET /api/telemetry/fields` (what can be
/// plotted). Fields are read in Swift from the stored telemetry JSON, so both stores answer alike; the work
/// per request is bounded by `maxScan` frames, whatever the limit and the data.
enum TelemetryAPI {
    /// Largest `limit` for a series, and the default.
    static let maxLimit = 5000
    static let defaultLimit = 1000
    /// Frames read from the store per request at most (frames without the field cost a read too).
    static let maxScan = 20_000
    /// Frames per store read.
    static let pageSize = 500
    /// Recent frames whose fields make up the field list (frames of one satellite can differ in layout).
    static let fieldFrames = 50
    /// Longest field list (a menu, not a dump).
    static let maxFields = 2000

    static func series(_ parameters: Parameters, store: any PassStore) async throws -> APIJSON.TelemetrySeries {
        let q = QueryReader(parameters)
        let norad = try requiredNorad(q)
        guard let fieldText = q.string("field") else {
            throw APIError(.badRequest, "query parameter field: required, a dotted path into the telemetry such as payload.EPS.bat_voltage (see /api/telemetry/fields)")
        }
        guard let field = TelemetryFieldPath(fieldText) else {
            throw APIError(.badRequest, "query parameter field: expected a dotted path of at most \(TelemetryFieldPath.maxLength) bytes without empty parts, found '\(fieldText.prefix(40))'")
        }
        let since = try q.date("since"), until = try q.date("until")
        let limit = try q.int("limit", 1...maxLimit) ?? defaultLimit
        let station = q.string("station")

        // Newest first until `limit` points: a plot of the last N values, whatever the range holds.
        var points: [APIJSON.TelemetryPoint] = []
        var seen = Set<String>()  // frames stored meanwhile shift the pages: each frame counts once
        var offset = 0, more = false
        scan: while true {
            let page = try await store.telemetry(TelemetryQuery(
                norad: norad, station: station, since: since, until: until, limit: pageSize, offset: offset))
            for r in page where seen.insert("\(r.passID).\(r.sequence)").inserted {
                guard let telemetry = JSONValue(text: r.telemetryJSON), let (value, unit) = field.read(telemetry) else { continue }
                points.append(.init(time: r.time, value: value, unit: unit, pass: r.passID, sequence: r.sequence))
                if points.count == limit { more = true; break scan }
            }
            offset += page.count
            if page.count < pageSize { break }
            if offset >= maxScan { more = true; break }
        }
        return APIJSON.TelemetrySeries(norad: norad, field: field.description, points: points.reversed(), more: more)
    }

    static func fields(_ parameters: Parameters, store: any PassStore) async throws -> APIJSON.TelemetryFields {
        let q = QueryReader(parameters)
        let norad = try requiredNorad(q)
        let records = try await store.telemetry(TelemetryQuery(norad: norad, station: q.string("station"), limit: fieldFrames))
        var units: [String: String?] = [:]
        var paths: [TelemetryFieldPath] = []
        for r in records {
            guard let telemetry = JSONValue(text: r.telemetryJSON) else { continue }
            for (path, unit) in TelemetryFieldPath.numericFields(of: telemetry)
            where units[path.description] == nil && paths.count < maxFields {
                units[path.description] = .some(unit)
                paths.append(path)
            }
        }
        let sorted = paths.sorted(by: TelemetryFieldPath.precedes)
        return APIJSON.TelemetryFields(
            norad: norad, fields: sorted.map { .init(path: $0.description, unit: units[$0.description] ?? nil) }, frames: records.count)
    }

    static func requiredNorad(_ q: QueryReader) throws -> Int {
        guard let norad = try q.int("norad", 1...Int(Int32.max)) else {
            throw APIError(.badRequest, "query parameter norad: required, the satellite's NORAD catalogue number")
        }
        return norad
    }
}
