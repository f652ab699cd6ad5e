/// Builds one-line JSON objects by hand: keys in the order given, strings escaped per RFC 8259.
/// The CLI prints many small objects; this keeps them ordered and avoids encoder set-up per line.
struct JSONLine {
    private var parts: [String] = []

    mutating func add(_ key: String, _ value: String) { parts.append("\(Self.quote(key)): \(Self.quote(value))") }
    mutating func add(_ key: String, _ value: Int) { parts.append("\(Self.quote(key)): \(value)") }
    mutating func add(_ key: String, _ value: Int64) { parts.append("\(Self.quote(key)): \(value)") }
    mutating func add(_ key: String, _ value: Double) { parts.append("\(Self.quote(key)): \(value)") }
    mutating func add(_ key: String, _ value: Bool) { parts.append("\(Self.quote(key)): \(value)") }
    mutating func add(_ key: String, _ values: [String]) {
        parts.append("\(Self.quote(key)): [\(values.map(Self.quote).joined(separator: ", "))]")
    }
    mutating func addNull(_ key: String) { parts.append("\(Self.quote(key)): null") }
    /// `json` must already be valid JSON (a nested object or array built by another JSONLine).
    mutating func addRaw(_ key: String, _ json: String) { parts.append("\(Self.quote(key)): \(json)") }

    var text: String { "{" + parts.joined(separator: ", ") + "}" }

    static func quote(_ s: String) -> String {
        var out = "\""
        for u in s.unicodeScalars {
            switch u {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where u.value < 0x20:
                let h = String(u.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - h.count) + h
            default: out.unicodeScalars.append(u)
            }
        }
        return out + "\""
    }
}
