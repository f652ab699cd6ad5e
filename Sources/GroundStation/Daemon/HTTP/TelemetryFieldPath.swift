/// A dotted path to one field of stored telemetry, e.g. `payload.EPS.bat_voltage` or
/// `payload.EPS.ina260.0.voltage` (list items by index).
///
/// Stored telemetry has `TelemetryJSON`'s shape, `{"definition": …, "fields": {…}, "error": …}`; paths start
/// inside `fields`. A field with a unit is `{"value": v, "unit": u}` there: the path names the field, and
/// reading it gives the value and the unit. Frames whose decoding ended in an error are not read: their
/// values may come from a layout that did not fit.
public struct TelemetryFieldPath: Sendable, Equatable, CustomStringConvertible {
    public let segments: [String]

    /// Longest accepted path text (deep enough for any definition, short enough to refuse garbage).
    public static let maxLength = 256

    /// Nil when `text` is empty, too long, or has an empty segment ("a..b", ".a", "a.").
    public init?(_ text: String) {
        guard !text.isEmpty, text.utf8.count <= Self.maxLength else { return nil }
        let parts = text.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        guard !parts.contains(where: \.isEmpty) else { return nil }
        segments = parts
    }

    init(segments: [String]) { self.segments = segments }

    public var description: String { segments.joined(separator: ".") }

    /// The field's value and unit in one frame's telemetry; nil when the frame lacks it, its decoding
    /// failed, or the path ends at a structure or list rather than a value.
    public func read(_ telemetry: JSONValue) -> (value: JSONValue, unit: String?)? {
        guard telemetry["error"] == nil, let fields = telemetry["fields"] else { return nil }
        var (node, unit) = Self.unwrap(fields, unit: nil)
        for s in segments {
            guard let next = node[s] else { return nil }
            (node, unit) = Self.unwrap(next, unit: unit)
        }
        switch node {
        case .object, .array, .null: return nil
        default: return (node, unit)
        }
    }

    /// `{"value": v, "unit": "…"}` (a field with a unit; a list with a unit has the list as its value) is
    /// looked through: the unit applies to v and, for a list, to each item.
    static func unwrap(_ node: JSONValue, unit: String?) -> (JSONValue, String?) {
        guard case .object(let members) = node, members.count == 2, case .string(let u)? = members["unit"],
              let value = members["value"]
        else { return (node, unit) }
        return (value, u)
    }

    /// Every path of one frame's telemetry that ends at a number, with its unit, in a stable order (object
    /// members by name, list items by index). At most `limit` paths (a huge list would make a useless menu).
    public static func numericFields(of telemetry: JSONValue, limit: Int = 2000) -> [(path: TelemetryFieldPath, unit: String?)] {
        guard telemetry["error"] == nil, let fields = telemetry["fields"] else { return [] }
        var out: [(TelemetryFieldPath, String?)] = []
        func walk(_ wrapped: JSONValue, _ prefix: [String], _ inherited: String?) {
            guard out.count < limit else { return }
            let (node, unit) = unwrap(wrapped, unit: inherited)
            switch node {
            case .object(let members):
                // A member name with a dot could not be addressed by a path: left out.
                for (key, value) in members.sorted(by: { $0.key < $1.key }) where !key.isEmpty && !key.contains(".") {
                    walk(value, prefix + [key], unit)
                }
            case .array(let items):
                for (i, item) in items.enumerated() { walk(item, prefix + [String(i)], unit) }
            default:
                if node.isNumber, !prefix.isEmpty { out.append((TelemetryFieldPath(segments: prefix), unit)) }
            }
        }
        walk(fields, [], nil)
        return out
    }

    /// Orders paths segment by segment, list indexes by number (`adc.2` before `adc.10`).
    public static func precedes(_ a: TelemetryFieldPath, _ b: TelemetryFieldPath) -> Bool {
        for (x, y) in zip(a.segments, b.segments) where x != y {
            if let i = Int(x), let j = Int(y) { return i < j }
            return x < y
        }
        return a.segments.count < b.segments.count
    }
}
