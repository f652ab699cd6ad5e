/// The body of an extended-protocol (`+`) answer: the lines between the echoed command and `RPRT 0`,
/// split into `Key: value` pairs in order.
public struct HamlibResponse: Sendable, Hashable {
    public var fields: [(key: String, value: String)] {
        lines.map { line in
            guard let colon = line.firstIndex(of: ":") else { return (key: "", value: line) }
            return (
                key: String(line[..<colon]),
                value: String(line[line.index(after: colon)...]).trimmingCharacters(in: .whitespaces)
            )
        }
    }
    /// Raw lines, without the echo line and the RPRT line.
    public var lines: [String]

    public init(lines: [String]) { self.lines = lines }

    /// The value of the first field named `key` (case-insensitive).
    public func value(_ key: String) -> String? {
        fields.first { $0.key.caseInsensitiveCompare(key) == .orderedSame }?.value
    }

    /// The value of `key` as a number.
    public func number(_ key: String) -> Double? {
        value(key).flatMap { Double($0) }
    }
}

import Foundation
