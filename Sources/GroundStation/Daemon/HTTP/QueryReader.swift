import Foundation
import Hummingbird

/// Validated query parameters: a bad value is a 400 naming the parameter.
struct QueryReader {
    let parameters: Parameters

    init(_ p: Parameters) { parameters = p }

    func string(_ name: String) -> String? {
        guard let v = parameters.get(name), !v.isEmpty else { return nil }
        return v
    }

    func int(_ name: String, _ range: ClosedRange<Int>) throws -> Int? {
        guard let text = string(name) else { return nil }
        guard let v = Int(text), range.contains(v) else {
            throw APIError(.badRequest, "query parameter \(name): expected a whole number in \(range.lowerBound)...\(range.upperBound), found '\(text)'")
        }
        return v
    }

    func date(_ name: String) throws -> Date? {
        guard let text = string(name) else { return nil }
        guard let d = APIJSON.parseDate(text) else {
            throw APIError(.badRequest, "query parameter \(name): expected an ISO 8601 UTC time like 2026-01-31T12:00:00Z, found '\(text)'")
        }
        return d
    }
}
