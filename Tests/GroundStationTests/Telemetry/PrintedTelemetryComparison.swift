import Foundation
import TelemetryDecode

/// Compares a gsd value tree with gr-satellites' printed container, field by field, and lists every difference.
/// `names` maps gr-satellites field names to gsd's where they differ (the name mapping of the comparison).
struct PrintedTelemetryComparison {
    var names: [String: String] = [:]
    /// gsd field names that gr-satellites is known not to print.
    var gsdOnly: Set<String> = []

    func differences(_ gsd: TelemetryValue, _ printed: PrintedNode, path: String = "") -> [String] {
        switch printed {
        case .container(let children):
            guard case .structure(let nodes) = gsd else { return ["\(path): gr-satellites has a container, gsd has \(gsd)"] }
            var out: [String] = []
            var used = Set<String>()
            for (name, child) in children {
                let gsdName = names[name] ?? name
                used.insert(gsdName)
                let p = path.isEmpty ? name : path + "." + name
                guard let node = nodes.first(where: { $0.name == gsdName }) else {
                    out.append("\(p): missing in gsd")
                    continue
                }
                out += differences(node.value, child, path: p)
            }
            for n in nodes where !used.contains(n.name) && !gsdOnly.contains(n.name) { out.append("\(path).\(n.name): gsd has a field gr-satellites does not print") }
            return out
        case .list(let items):
            guard case .list(let values) = gsd else { return ["\(path): gr-satellites has a list, gsd has \(gsd)"] }
            guard items.count == values.count else { return ["\(path): \(items.count) elements in gr-satellites, \(values.count) in gsd"] }
            var out: [String] = []
            for (i, (item, value)) in zip(items, values).enumerated() { out += differences(value, item, path: "\(path)[\(i)]") }
            return out
        case .scalar(let printedText):
            let text = GrSatellitesContainerText.withoutLogNoise(printedText)
            return scalar(text.trimmingCharacters(in: .whitespaces), gsd).map { ["\(path): gr-satellites \(text), gsd \(gsd) (\($0))"] } ?? []
        }
    }

    /// Nil when equal, else why not.
    func scalar(_ t: String, _ v: TelemetryValue) -> String? {
        if t == "None" { return v == .absent ? nil : "expected absent" }
        if t == "True" || t == "False" { return v == .flag(t == "True") ? nil : "flag differs" }
        if t.hasPrefix("(enum) ") {
            let parts = t.dropFirst(7).split(separator: " ")
            guard let rawText = parts.last, let raw = Int64(rawText) else { return "unreadable enum" }
            let name = parts.dropLast().joined(separator: " ")
            guard case .enumerated(let r, let n) = v, r == raw else { return "enum value differs" }
            return (name == "(unknown)" ? n == nil : n == name) ? nil : "enum name differs"
        }
        if t.hasPrefix("b'") || t.hasPrefix("b\"") {
            let literal = t.range(of: " (total ").map { String(t[..<$0.lowerBound]) } ?? t
            guard let bytes = GrSatellitesContainerText.pythonBytes(literal) else { return "unreadable bytes literal" }
            switch v {
            case .bytes(let b): return b == bytes ? nil : "bytes differ"
            case .text(let s): return Array(s.utf8) == bytes ? nil : "text differs"
            default: return "expected bytes"
            }
        }
        if t.hasPrefix("u'") || t.hasPrefix("'") || t.hasPrefix("u\"") {
            let literal = t.range(of: " (total ").map { String(t[..<$0.lowerBound]) } ?? t
            guard let s = GrSatellitesContainerText.pythonString(literal) else { return "unreadable string literal" }
            guard case .text(let g) = v else { return "expected text" }
            return g == s ? nil : "text differs"
        }
        if t.count >= 19, t.dropFirst(4).first == "-", t.dropFirst(10).first == " " {
            guard case .time(let seconds) = v else { return "expected a time" }
            return Self.pythonDatetime(seconds) == t ? nil : "time differs (\(Self.pythonDatetime(seconds)))"
        }
        if t.hasPrefix("0x"), let x = UInt64(t.dropFirst(2), radix: 16) {
            return v.integer.map { UInt64(bitPattern: $0) == x } == true ? nil : "hex value differs"
        }
        if let i = Int64(t) {
            if case .unsigned(let u) = v { return u == UInt64(bitPattern: i) && i >= 0 ? nil : "integer differs" }
            return v.integer == i ? nil : "integer differs"
        }
        if let d = Double(t) {
            guard let g = v.number else { return "expected a number" }
            if d.isNaN { return g.isNaN ? nil : "expected NaN" }
            if d.isInfinite { return g == d ? nil : "expected \(d)" }
            // Python prints the shortest repr of a double; calibration order may differ in the last bits.
            return abs(g - d) <= 1e-9 * max(1, abs(d)) ? nil : "number differs"
        }
        // construct prints an enum inside a list by its name alone.
        if case .enumerated(_, let name) = v, name == t { return nil }
        return "unrecognised printed value"
    }

    /// Python's `str(datetime.utcfromtimestamp(t))`: "YYYY-MM-DD HH:MM:SS" plus ".ffffff" when not whole.
    static func pythonDatetime(_ t: Double) -> String {
        let whole = t.rounded(.down)
        var s = TelemetryJSON.isoTime(whole).replacingOccurrences(of: "T", with: " ").replacingOccurrences(of: "Z", with: "")
        let micro = Int64(((t - whole) * 1_000_000).rounded())
        if micro > 0 { s += "." + String(String(micro + 1_000_000).dropFirst()) }
        return s
    }
}
