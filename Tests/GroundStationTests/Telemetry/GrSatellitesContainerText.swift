import Foundation

/// gr-satellites' printed telemetry (Python `construct` containers, as in
/// `shared/recordings/expected/<rec>.telemetry.txt`) read back into a tree the comparison test can walk.
indirect enum PrintedNode: Equatable {
    case container([(String, PrintedNode)])
    case list([PrintedNode])
    /// The text after "name = ", unparsed.
    case scalar(String)

    static func == (a: PrintedNode, b: PrintedNode) -> Bool {
        switch (a, b) {
        case (.container(let x), .container(let y)): x.count == y.count && zip(x, y).allSatisfy { $0.0 == $1.0 && $0.1 == $1.1 }
        case (.list(let x), .list(let y)): x == y
        case (.scalar(let x), .scalar(let y)): x == y
        default: false
        }
    }
}

enum GrSatellitesContainerText {
    /// Every top-level `Container:` tree in the text, in order.
    static func parse(_ text: String) -> [PrintedNode] {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        var out: [PrintedNode] = []
        var i = 0
        while i < lines.count {
            if lines[i].hasPrefix("Container:") {
                i += 1
                out.append(.container(children(lines, &i, indent: 4)))
            } else {
                i += 1
            }
        }
        return out
    }

    static func indentOf(_ line: String) -> Int { line.prefix { $0 == " " }.count }

    /// `name = value` lines at exactly `indent`, with nested containers/lists below them.
    static func children(_ lines: [String], _ i: inout Int, indent: Int) -> [(String, PrintedNode)] {
        var out: [(String, PrintedNode)] = []
        while i < lines.count, indentOf(lines[i]) == indent, !lines[i].trimmingCharacters(in: .whitespaces).isEmpty {
            let body = lines[i].dropFirst(indent)
            guard let eq = body.range(of: " = ") else { break }
            let name = String(body[..<eq.lowerBound])
            let value = String(body[eq.upperBound...])
            i += 1
            out.append((name, node(value, lines, &i, indent: indent + 4)))
        }
        return out
    }

    static func node(_ value: String, _ lines: [String], _ i: inout Int, indent: Int) -> PrintedNode {
        let v = value.trimmingCharacters(in: .whitespaces)
        if v == "Container:" { return .container(children(lines, &i, indent: indent)) }
        if v == "ListContainer:" {
            var items: [PrintedNode] = []
            while i < lines.count, indentOf(lines[i]) == indent, !lines[i].trimmingCharacters(in: .whitespaces).isEmpty {
                let item = String(lines[i].dropFirst(indent))
                i += 1
                items.append(node(item, lines, &i, indent: indent + 4))
            }
            return .list(items)
        }
        return .scalar(value)
    }

    /// GNU Radio blocks whose log lines can be glued to a printed value (stdout and the logger interleave in
    /// telemetry.txt, e.g. "0xB869172Edecode_rs :debug: Reed-Solomon decode corrected 0 bytes …").
    static let loggingBlocks = ["decode_rs", "correlate_access_code_tag_bb", "correlate_access_code_tag_ff"]

    /// The value without a glued GNU Radio log message.
    static func withoutLogNoise(_ value: String) -> String {
        for block in loggingBlocks {
            if let r = value.range(of: block + " :") { return String(value[..<r.lowerBound]) }
        }
        return value
    }

    /// The bytes of a Python bytes literal `b'..'` / `b".."` (escapes \xNN, \n, \r, \t, \\, \', \").
    static func pythonBytes(_ literal: String) -> [UInt8]? {
        var s = Substring(literal)
        guard s.hasPrefix("b'") || s.hasPrefix("b\"") else { return nil }
        let quote = s.dropFirst().first!
        s = s.dropFirst(2)
        guard let end = s.lastIndex(of: quote) else { return nil }
        let body = Array(s[..<end].utf8)
        var out: [UInt8] = []
        var k = 0
        while k < body.count {
            let c = body[k]
            if c != UInt8(ascii: "\\") { out.append(c); k += 1; continue }
            guard k + 1 < body.count else { return nil }
            let e = body[k + 1]
            switch e {
            case UInt8(ascii: "x"):
                guard k + 3 < body.count, let b = UInt8(String(decoding: body[k + 2...k + 3], as: UTF8.self), radix: 16) else { return nil }
                out.append(b)
                k += 4
                continue
            case UInt8(ascii: "n"): out.append(10)
            case UInt8(ascii: "r"): out.append(13)
            case UInt8(ascii: "t"): out.append(9)
            default: out.append(e)
            }
            k += 2
        }
        return out
    }

    /// The text of a Python str literal `u'..'` or `'..'`.
    static func pythonString(_ literal: String) -> String? {
        var s = Substring(literal)
        if s.hasPrefix("u") { s = s.dropFirst() }
        guard let q = s.first, q == "'" || q == "\"" else { return nil }
        s = s.dropFirst()
        guard let end = s.lastIndex(of: q) else { return nil }
        return String(s[..<end]).replacingOccurrences(of: "\\'", with: "'").replacingOccurrences(of: "\\\\", with: "\\")
    }
}
