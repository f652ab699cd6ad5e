/// A decoded value: a number, text, bytes, or a nested structure or list.
public indirect enum TelemetryValue: Sendable, Hashable {
    case unsigned(UInt64)
    case signed(Int64)
    case real(Double)
    case flag(Bool)
    case text(String)
    case bytes([UInt8])
    case enumerated(raw: Int64, name: String?)
    case time(secondsSince1970: Double)
    case structure([TelemetryNode])
    case list([TelemetryValue])
    /// A field that was not decoded: a `nothing` case, a false condition or an optional field that did not fit.
    case absent

    /// The value as a whole number, when it is one.
    public var integer: Int64? {
        switch self {
        case .unsigned(let u): Int64(exactly: u)
        case .signed(let s): s
        case .flag(let b): b ? 1 : 0
        case .enumerated(let r, _): r
        case .real(let d): d.rounded() == d && abs(d) < 9.2e18 ? Int64(d) : nil
        default: nil
        }
    }

    /// The value as a number, when it is one.
    public var number: Double? {
        switch self {
        case .unsigned(let u): Double(u)
        case .signed(let s): Double(s)
        case .real(let d): d
        case .flag(let b): b ? 1 : 0
        case .enumerated(let r, _): Double(r)
        case .time(let t): t
        default: nil
        }
    }

    /// The named child of a structure.
    public subscript(_ name: String) -> TelemetryValue? {
        guard case .structure(let nodes) = self else { return nil }
        return nodes.first { $0.name == name }?.value
    }

    /// A child by dotted path ("csp_header.source"); list elements by index ("temp.1").
    public func value(at path: String) -> TelemetryValue? {
        var v: TelemetryValue? = self
        for part in path.split(separator: ".") {
            switch v {
            case .structure: v = v?[String(part)]
            case .list(let items):
                guard let i = Int(part), items.indices.contains(i) else { return nil }
                v = items[i]
            default: return nil
            }
        }
        return v
    }
}

/// A named field of a decoded structure, with the unit of its value.
public struct TelemetryNode: Sendable, Hashable {
    public var name: String
    public var value: TelemetryValue
    public var unit: String?

    public init(name: String, value: TelemetryValue, unit: String? = nil) {
        self.name = name
        self.value = value
        self.unit = unit
    }
}
