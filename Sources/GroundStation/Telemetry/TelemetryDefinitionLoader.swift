import Foundation
import TelemetryDecode
import Yams

/// Reads telemetry definition YAML into `TelemetryDefinition`s, checking every key and naming file and key
/// in errors. A field's `type` may name another definition, whose fields are then nested there.
struct TelemetryDefinitionLoader {
    /// Definition name → the file it came from.
    var files: [String: String] = [:]
    private var maps: [String: [String: Any]] = [:]
    private var order: [String] = []
    private var resolved: [String: [TelemetryFieldSpec]] = [:]
    private var resolving: [String] = []

    static let definitionKeys: Set<String> = ["name", "description", "endian", "min_length", "max_length", "fields", "source"]
    static let fieldKeys: Set<String> = [
        "name", "type", "bits", "endian", "unit", "length", "length_prefix", "count", "until", "max", "fields",
        "on", "cases", "default", "scale", "divisor", "offset", "polynomial", "enum", "time", "encoding", "if",
        "optional", "description", "options", "table", "value", "inline", "shift", "log10", "expression", "patterns",
    ]

    mutating func add(file path: String) throws(CatalogueError) {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw .unreadable(file: path, reason: "cannot read file")
        }
        let node: Any?
        do { node = try YAMLText.load(String(decoding: data, as: UTF8.self)) } catch {
            throw .unreadable(file: path, reason: "not valid YAML: \(error)")
        }
        guard let map = node as? [String: Any] else { throw .invalid(file: path, key: "(top level)", problem: "expected a mapping") }
        for key in map.keys where !Self.definitionKeys.contains(key) {
            throw .invalid(file: path, key: key, problem: "unknown key (known: \(Self.definitionKeys.sorted().joined(separator: ", ")))")
        }
        guard let name = map["name"] as? String, !name.isEmpty else { throw .invalid(file: path, key: "name", problem: "missing or not text") }
        if let other = files[name] { throw .invalid(file: path, key: "name", problem: "definition '\(name)' is also defined in \(other)") }
        guard map["fields"] is [Any] else { throw .invalid(file: path, key: "fields", problem: "missing or not a list") }
        files[name] = path
        maps[name] = map
        order.append(name)
    }

    mutating func definitions() throws(CatalogueError) -> [TelemetryDefinition] {
        var out: [TelemetryDefinition] = []
        for name in order {
            guard let map = maps[name], let file = files[name] else { continue }
            let fields = try resolve(name, from: file, key: "name")
            let f = Fields(map: map, file: file, prefix: "")
            let minimum = try f.optionalInt("min_length")
            let maximum = try f.optionalInt("max_length")
            out.append(TelemetryDefinition(name: name, description: try f.optionalString("description"),
                                           minimumLength: minimum, maximumLength: maximum, fields: fields))
        }
        return out
    }

    /// The fields of definition `name`, parsed once; cycles are errors.
    mutating func resolve(_ name: String, from file: String, key: String) throws(CatalogueError) -> [TelemetryFieldSpec] {
        if let done = resolved[name] { return done }
        guard let map = maps[name], let defFile = files[name] else {
            throw .invalid(file: file, key: key, problem: "unknown type '\(name)' (not a built-in type nor a definition name)")
        }
        if resolving.contains(name) {
            throw .invalid(file: file, key: key, problem: "definition '\(name)' contains itself (\((resolving + [name]).joined(separator: " → ")))")
        }
        resolving.append(name)
        defer { resolving.removeLast() }
        let endianName = (map["endian"] as? String) ?? "big"
        guard let endian = TelemetryEndian(rawValue: endianName) else {
            throw .invalid(file: defFile, key: "endian", problem: "must be 'big' or 'little', not '\(endianName)'")
        }
        let fields = try fieldList(map["fields"], file: defFile, key: "fields", endian: endian)
        resolved[name] = fields
        return fields
    }

    mutating func fieldList(_ node: Any?, file: String, key: String, endian: TelemetryEndian) throws(CatalogueError) -> [TelemetryFieldSpec] {
        guard let list = node as? [Any] else { throw .invalid(file: file, key: key, problem: "expected a list of fields") }
        var out: [TelemetryFieldSpec] = []
        for (i, item) in list.enumerated() {
            let k = "\(key)[\(i)]"
            guard let m = item as? [String: Any] else { throw .invalid(file: file, key: k, problem: "expected a mapping") }
            out.append(try field(m, file: file, key: k, endian: endian))
        }
        return out
    }

    mutating func field(_ m: [String: Any], file: String, key: String, endian: TelemetryEndian) throws(CatalogueError) -> TelemetryFieldSpec {
        let f = Fields(map: m, file: file, prefix: key + ".")
        for k in m.keys where !Self.fieldKeys.contains(k) {
            throw f.error(k, "unknown key (known: \(Self.fieldKeys.sorted().joined(separator: ", ")))")
        }
        let typeName = try f.string("type")
        let name: String
        if typeName == "padding" || typeName == "const" {
            name = (try f.optionalString("name")) ?? "_" + typeName
        } else {
            name = try f.string("name")
        }
        var kind = try self.kind(m, f: f, endian: endian)
        if m["count"] != nil || m["until"] != nil {
            kind = .array(element: kind, count: try count(f))
        }
        var conditions: [TelemetryCondition] = []
        if let cond = m["if"] {
            guard let cm = cond as? [AnyHashable: Any] else { throw f.error("if", "expected a mapping of field path to value") }
            for (p, v) in cm.sorted(by: { "\($0.key.base)" < "\($1.key.base)" }) {
                guard let value = Self.integer(v) else { throw f.error("if.\(p.base)", "expected a whole number") }
                conditions.append(TelemetryCondition(path: "\(p.base)", equals: value))
            }
        }
        let optional: Bool
        if let o = m["optional"] {
            guard let b = o as? Bool else { throw f.error("optional", "expected true or false") }
            optional = b
        } else {
            optional = false
        }
        var inline = false
        if let o = m["inline"] {
            guard let b = o as? Bool else { throw f.error("inline", "expected true or false") }
            inline = b
        }
        return TelemetryFieldSpec(name: name, kind: kind, unit: try f.optionalString("unit"),
                                  conversion: try conversion(m, f: f), condition: conditions, optional: optional, inline: inline)
    }

    func count(_ f: Fields) throws(CatalogueError) -> TelemetryCount {
        if let until = f.map["until"] {
            guard let path = until as? String else { throw f.error("until", "expected a field path") }
            let maximum = try f.optionalInt("max") ?? 64
            guard maximum > 0 else { throw f.error("max", "must be positive") }
            return .until(path, maximum: maximum)
        }
        let c = f.map["count"]
        if let n = c as? Int {
            guard n >= 0 else { throw f.error("count", "must not be negative") }
            return .fixed(n)
        }
        if let s = c as? String {
            switch s {
            case "rest": return .remaining
            case "until_zeros": return .beforeZeroPadding
            default: return .field(s)
            }
        }
        throw f.error("count", "expected a whole number, 'rest', 'until_zeros' or a field path")
    }

    func length(_ f: Fields, endian: TelemetryEndian) throws(CatalogueError) -> TelemetryLength {
        if let p = try f.optionalInt("length_prefix") {
            guard (1...32).contains(p) else { throw f.error("length_prefix", "must be 1...32 bits") }
            return .prefix(bits: p, endian: endian)
        }
        guard let l = f.map["length"] else { return .remaining }
        if let n = l as? Int {
            guard n >= 0 else { throw f.error("length", "must not be negative") }
            return .fixed(n)
        }
        if let s = l as? String { return s == "rest" ? .remaining : .field(s) }
        throw f.error("length", "expected a whole number, 'rest' or a field path")
    }

    /// The kind a field (or switch case, or named type) describes.
    mutating func kind(_ m: [String: Any], f: Fields, endian parentEndian: TelemetryEndian) throws(CatalogueError) -> TelemetryFieldKind {
        let typeName = try f.string("type")
        var endian = parentEndian
        if let e = try f.optionalString("endian") {
            guard let v = TelemetryEndian(rawValue: e) else { throw f.error("endian", "must be 'big' or 'little', not '\(e)'") }
            endian = v
        }
        func bits(_ fallback: Int?) throws(CatalogueError) -> Int {
            if let b = try f.optionalInt("bits") { return b }
            if let fallback { return fallback }
            throw f.error("bits", "missing")
        }
        func checked(_ b: Int, _ range: ClosedRange<Int>) throws(CatalogueError) -> Int {
            guard range.contains(b) else { throw f.error("bits", "must be \(range.lowerBound)...\(range.upperBound), not \(b)") }
            if endian == .little && b > 8 && b % 8 != 0 { throw f.error("bits", "a little-endian field wider than a byte needs a multiple of 8 bits, not \(b)") }
            return b
        }
        // Byte order only matters above 8 bits: bit fields read most significant bit first.
        func order(_ b: Int) -> TelemetryEndian { b <= 8 ? .big : endian }
        switch typeName {
        case "uint":
            let b = try checked(try bits(nil), 1...64)
            return .unsigned(bits: b, endian: order(b))
        case "int":
            let b = try checked(try bits(nil), 2...64)
            return .signed(bits: b, endian: order(b))
        case "float": return .float(bits: try checked(try bits(32), 32...64), endian: endian)
        case "flag": return .flag(bits: try checked(try bits(1), 1...64))
        case "padding": return .padding(bits: try checked(try bits(nil), 1...1_000_000))
        case "bytes": return .bytes(try length(f, endian: endian))
        case "string":
            let enc = try f.optionalString("encoding") ?? "ascii"
            guard let e = TelemetryTextEncoding(rawValue: enc) else {
                throw f.error("encoding", "unknown text encoding '\(enc)' (known: \(TelemetryTextEncoding.allCases.map(\.rawValue).joined(separator: ", ")))")
            }
            return .text(try length(f, endian: endian), encoding: e)
        case "struct": return .structure(try fieldList(m["fields"], file: f.file, key: f.prefix + "fields", endian: endian))
        case "none": return .nothing
        case "ascii_number": return .asciiNumber
        case "voted_bits": return .votedBits(try checked(try bits(nil), 1...64))
        case "closest":
            guard let n = try f.optionalInt("length"), n >= 1 else { throw f.error("length", "missing or not a positive number of bytes") }
            guard let list = m["patterns"] as? [Any], !list.isEmpty else {
                throw f.error("patterns", "missing or not a list of {name: NAME, value: HEX}")
            }
            var patterns: [TelemetryPattern] = []
            for (i, item) in list.enumerated() {
                guard let pm = item as? [String: Any] else { throw f.error("patterns[\(i)]", "expected {name: NAME, value: HEX}") }
                let pf = Fields(map: pm, file: f.file, prefix: f.prefix + "patterns[\(i)].")
                let name = try pf.string("name")
                guard !patterns.contains(where: { $0.name == name }) else { throw pf.error("name", "'\(name)' listed twice") }
                let hex = try pf.string("value")
                guard let bytes = Self.hexBytes(hex), bytes.count == n else {
                    throw pf.error("value", "expected \(n) bytes as hex (the field's length)")
                }
                patterns.append(TelemetryPattern(name: name, bytes: bytes))
            }
            return .closest(length: n, patterns: patterns)
        case "const":
            let hex = try f.string("value")
            guard let bytes = Self.hexBytes(hex), !bytes.isEmpty else { throw f.error("value", "expected the constant bytes as hex, not '\(hex)'") }
            return .constant(bytes)
        case "select":
            guard let list = m["options"] as? [Any], !list.isEmpty else { throw f.error("options", "missing or not a list of types") }
            var options: [TelemetryFieldKind] = []
            for (i, o) in list.enumerated() { options.append(try caseKind(o, f: f, key: "options[\(i)]", endian: endian)) }
            return .select(options)
        case "switch":
            let on = try f.string("on")
            guard let cm = m["cases"] as? [AnyHashable: Any] else { throw f.error("cases", "missing or not a mapping of value to type") }
            var cases: [TelemetryCase] = []
            for (k, v) in cm.sorted(by: { "\($0.key.base)" < "\($1.key.base)" }) {
                guard let value = Self.integer(k.base) else { throw f.error("cases.\(k.base)", "a case must be a whole number") }
                cases.append(TelemetryCase(value: value, kind: try caseKind(v, f: f, key: "cases.\(k.base)", endian: endian)))
            }
            let fallback = try m["default"].map { (v) throws(CatalogueError) in try caseKind(v, f: f, key: "default", endian: endian) }
            return .choice(on: on, cases: cases, fallback: fallback)
        default:
            if let (signed, n) = Self.sizedInteger(typeName) {
                return signed ? .signed(bits: try checked(n, 2...64), endian: order(n)) : .unsigned(bits: try checked(n, 1...64), endian: order(n))
            }
            if typeName == "float32" || typeName == "float64" {
                return .float(bits: typeName == "float32" ? 32 : 64, endian: endian)
            }
            return .structure(try resolve(typeName, from: f.file, key: f.prefix + "type"))
        }
    }

    /// A switch case: a type name, or a mapping like a field without a name.
    mutating func caseKind(_ v: Any, f: Fields, key: String, endian: TelemetryEndian) throws(CatalogueError) -> TelemetryFieldKind {
        if let s = v as? String { return try kind(["type": s], f: Fields(map: ["type": s], file: f.file, prefix: f.prefix + key + "."), endian: endian) }
        guard let m = v as? [String: Any] else { throw f.error(key, "expected a type name or a mapping") }
        return try kind(m, f: Fields(map: m, file: f.file, prefix: f.prefix + key + "."), endian: endian)
    }

    func conversion(_ m: [String: Any], f: Fields) throws(CatalogueError) -> TelemetryConversion? {
        var found: [TelemetryConversion] = []
        if m["log10"] != nil {
            // scale × log10(raw) + offset
            guard let lm = m["log10"] as? [String: Any] else { throw f.error("log10", "expected {scale: S, offset: O}") }
            let lf = Fields(map: lm, file: f.file, prefix: f.prefix + "log10.")
            found.append(.logarithmic(scale: try lf.optionalDouble("scale") ?? 1, offset: try lf.optionalDouble("offset") ?? 0))
        } else if m["scale"] != nil || m["divisor"] != nil || m["offset"] != nil || m["shift"] != nil {
            let divisor = try f.optionalDouble("divisor") ?? 1
            guard divisor != 0 else { throw f.error("divisor", "must not be 0") }
            let scale = try f.optionalDouble("scale") ?? 1, offset = try f.optionalDouble("offset") ?? 0
            if let shift = try f.optionalInt("shift") {
                guard (0...63).contains(shift) else { throw f.error("shift", "must be 0...63") }
                found.append(.shiftedLinear(bits: shift, scale: scale, divisor: divisor, offset: offset))
            } else {
                found.append(.linear(scale: scale, divisor: divisor, offset: offset))
            }
        }
        if let p = m["polynomial"] {
            guard let list = p as? [Any], !list.isEmpty else { throw f.error("polynomial", "expected a list of coefficients c0, c1, …") }
            var c: [Double] = []
            for (i, x) in list.enumerated() {
                if let d = x as? Double { c.append(d) } else if let n = x as? Int { c.append(Double(n)) } else {
                    throw f.error("polynomial[\(i)]", "expected a number")
                }
            }
            found.append(.polynomial(c))
        }
        if let e = m["enum"] {
            guard let em = e as? [AnyHashable: Any], !em.isEmpty else { throw f.error("enum", "expected a mapping of value to name") }
            var table: [Int64: String] = [:]
            for (k, v) in em {
                guard let value = Self.integer(k.base) else { throw f.error("enum.\(k.base)", "a value must be a whole number") }
                table[value] = "\(v)"
            }
            found.append(.enumeration(table))
        }
        if let tm = m["time"] as? [String: Any] {
            // {scale: S, epoch: "YYYY-MM-DD"}: raw × S seconds since that UTC midnight.
            let tf = Fields(map: tm, file: f.file, prefix: f.prefix + "time.")
            let epochText = try tf.optionalString("epoch") ?? "1970-01-01"
            guard let epoch = Self.daysSince1970(epochText) else { throw tf.error("epoch", "expected a date YYYY-MM-DD, not '\(epochText)'") }
            found.append(.scaledTime(scale: try tf.optionalDouble("scale") ?? 1, offset: Double(epoch) * 86_400))
        } else if let t = try f.optionalString("time") {
            guard t == "unix" else { throw f.error("time", "expected 'unix' (seconds since 1970 UTC) or {scale: S, epoch: YYYY-MM-DD}, not '\(t)'") }
            found.append(.unixTime)
        }
        if let t = m["table"] {
            guard let list = t as? [Any], !list.isEmpty else { throw f.error("table", "expected a list of values") }
            var values: [Double] = []
            for (i, x) in list.enumerated() {
                if let d = x as? Double { values.append(d) } else if let n = x as? Int { values.append(Double(n)) } else {
                    throw f.error("table[\(i)]", "expected a number")
                }
            }
            found.append(.table(values))
        }
        if m["expression"] != nil {
            let text = try f.string("expression")
            do { found.append(.expression(try TelemetryExpression(text))) } catch {
                throw f.error("expression", "\(error) in '\(text)'")
            }
        }
        guard found.count <= 1 else { throw f.error("(conversion)", "give only one of scale/divisor/offset, polynomial, enum, time, table, expression") }
        return found.first
    }

    /// Days from 1970-01-01 to a "YYYY-MM-DD" date (proleptic Gregorian).
    static func daysSince1970(_ s: String) -> Int? {
        let p = s.split(separator: "-").compactMap { Int($0) }
        guard p.count == 3, (1...12).contains(p[1]), (1...31).contains(p[2]) else { return nil }
        let y = p[1] <= 2 ? p[0] - 1 : p[0]
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (p[1] + 9) % 12
        let doy = (153 * mp + 2) / 5 + p[2] - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    /// Bytes of a hex string ("1ca1", spaces allowed).
    static func hexBytes(_ s: String) -> [UInt8]? {
        let digits = Array(s.utf8.filter { $0 != UInt8(ascii: " ") })
        guard digits.count % 2 == 0 else { return nil }
        var out: [UInt8] = []
        var i = 0
        while i < digits.count {
            guard let b = UInt8(String(decoding: digits[i..<i + 2], as: UTF8.self), radix: 16) else { return nil }
            out.append(b)
            i += 2
        }
        return out
    }

    /// "uint16" → (false, 16), "int8" → (true, 8).
    static func sizedInteger(_ s: String) -> (Bool, Int)? {
        if s.hasPrefix("uint"), let n = Int(s.dropFirst(4)) { return (false, n) }
        if s.hasPrefix("int"), let n = Int(s.dropFirst(3)) { return (true, n) }
        return nil
    }

    /// A whole number from YAML: an integer, or text in decimal or 0x hex.
    static func integer(_ v: Any) -> Int64? {
        if let i = v as? Int { return Int64(i) }
        if let b = v as? Bool { return b ? 1 : 0 }
        if let s = v as? String {
            if s.hasPrefix("0x") || s.hasPrefix("0X") { return Int64(s.dropFirst(2), radix: 16) }
            return Int64(s)
        }
        return nil
    }
}
