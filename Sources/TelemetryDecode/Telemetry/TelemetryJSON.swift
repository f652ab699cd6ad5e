/// Renders decoded telemetry as JSON text: structures as objects (fields in layout order), lists as arrays,
/// a field with a unit as {"value": …, "unit": "…"}, named states by name, times as ISO 8601 UTC, bytes as hex.
public enum TelemetryJSON {
    /// `{"definition": …, "fields": {…}, "error": … (only on error), "unused_bytes": n}`.
    public static func render(_ d: TelemetryDecoding) -> String {
        var out = "{\"definition\": " + quote(d.definition) + ", \"fields\": "
        value(d.value, into: &out)
        if let e = d.error {
            out += ", \"error\": {\"field\": " + quote(e.field) + ", \"offset\": \(e.byteOffset), \"bit_offset\": \(e.bitOffset)"
            out += ", \"message\": " + quote(e.description) + "}"
        }
        out += ", \"unused_bytes\": \(d.unusedBytes)}"
        return out
    }

    public static func value(_ v: TelemetryValue, into out: inout String) {
        switch v {
        case .unsigned(let u): out += String(u)
        case .signed(let s): out += String(s)
        case .real(let d): out += d.isFinite ? "\(d)" : "null"
        case .flag(let b): out += b ? "true" : "false"
        case .text(let s): out += quote(s)
        case .bytes(let b): out += quote(hex(b))
        case .enumerated(let raw, let name): out += name.map(quote) ?? String(raw)
        case .time(let t): out += quote(isoTime(t))
        case .absent: out += "null"
        case .list(let items):
            out += "["
            for (i, item) in items.enumerated() {
                if i > 0 { out += ", " }
                value(item, into: &out)
            }
            out += "]"
        case .structure(let nodes):
            out += "{"
            for (i, n) in nodes.enumerated() {
                if i > 0 { out += ", " }
                out += quote(n.name) + ": "
                if let unit = n.unit {
                    out += "{\"value\": "
                    value(n.value, into: &out)
                    out += ", \"unit\": " + quote(unit) + "}"
                } else {
                    value(n.value, into: &out)
                }
            }
            out += "}"
        }
    }

    static func hex(_ b: [UInt8]) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out = [UInt8]()
        out.reserveCapacity(b.count * 2)
        for x in b { out.append(digits[Int(x >> 4)]); out.append(digits[Int(x & 15)]) }
        return String(decoding: out, as: UTF8.self)
    }

    /// "YYYY-MM-DDTHH:MM:SS[.fff]Z" for seconds since 1970 (proleptic Gregorian, UTC).
    public static func isoTime(_ t: Double) -> String {
        guard t.isFinite, abs(t) < 1e13 else { return "invalid" }
        let whole = t.rounded(.down)
        let days = Int64((whole / 86_400).rounded(.down))
        let secs = Int64(whole) - days * 86_400
        let (y, m, d) = civil(days)
        func two(_ x: Int64) -> String { x < 10 ? "0\(x)" : "\(x)" }
        var s = "\(y)-\(two(m))-\(two(d))T\(two(secs / 3600)):\(two(secs / 60 % 60)):\(two(secs % 60))"
        let frac = t - whole
        if frac > 0 {
            let ms = Int64((frac * 1000).rounded())
            s += "." + String(String(ms + 1000).dropFirst())
        }
        return s + "Z"
    }

    /// Year, month, day of a day count from 1970-01-01 (days-from-civil inverse).
    static func civil(_ z0: Int64) -> (Int64, Int64, Int64) {
        let z = z0 + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (m <= 2 ? 1 : 0), m, d)
    }

    public static func quote(_ s: String) -> String {
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
