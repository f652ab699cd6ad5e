/// Where a Hamlib daemon (rotctld, rigctld) listens: `HOST:PORT`, with `[v6addr]:PORT` for IPv6 literals.
public struct HamlibEndpoint: Sendable, Hashable, CustomStringConvertible {
    public var host: String
    public var port: UInt16

    public init(host: String, port: UInt16) {
        self.host = host
        self.port = port
    }

    /// Parses `HOST:PORT` (`localhost:4533`, `127.0.0.1:4533`, `[::1]:4533`). Nil when malformed.
    public init?(parsing text: String) {
        let t = text.trimmingCharacters(in: .whitespaces)
        guard let colon = t.lastIndex(of: ":") else { return nil }
        var host = String(t[..<colon])
        let portText = t[t.index(after: colon)...]
        if host.hasPrefix("[") && host.hasSuffix("]") && host.count > 2 {
            host = String(host.dropFirst().dropLast())
        } else if host.contains(":") {
            return nil
        }
        guard !host.isEmpty, !host.contains(where: { $0.isWhitespace }),
            let port = UInt16(portText), port > 0
        else { return nil }
        self.host = host
        self.port = port
    }

    public var description: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }
}

import Foundation
