import Foundation

/// Why an OMM could not be read.
public enum OMMError: Error, Sendable, Hashable, CustomStringConvertible {
    case invalidJSON(String)
    case invalidEpoch(noradID: Int, text: String)
    case unreadable(path: String, reason: String)

    public var description: String {
        switch self {
        case .invalidJSON(let m): "OMM JSON: \(m)"
        case .invalidEpoch(let id, let text): "OMM \(id): EPOCH \"\(text)\" is not YYYY-MM-DDTHH:MM:SS[.ffffff]"
        case .unreadable(let path, let reason): "\(path): cannot read: \(reason)"
        }
    }

    static func describe(_ e: DecodingError) -> String {
        func path(_ c: DecodingError.Context) -> String {
            c.codingPath.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
        }
        switch e {
        case .keyNotFound(let key, let c): return "missing \(key.stringValue) at \(path(c))"
        case .typeMismatch(_, let c), .valueNotFound(_, let c), .dataCorrupted(let c):
            return "\(c.debugDescription) at \(path(c))"
        @unknown default: return "\(e)"
        }
    }
}
