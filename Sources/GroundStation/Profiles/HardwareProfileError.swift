/// A hardware-profile file that cannot be used, naming the file and the key at fault.
public enum HardwareProfileError: Error, Sendable, Hashable, CustomStringConvertible {
    case unreadable(file: String, reason: String)
    case invalid(file: String, key: String, problem: String)
    /// Two profiles whose `match` blocks are identical: no rule could pick between them.
    case duplicateMatch(first: String, second: String)
    case notFound(directory: String)

    public var description: String {
        switch self {
        case .unreadable(let f, let r): "\(f): \(r)"
        case .invalid(let f, let k, let p): "\(f): \(k): \(p)"
        case .duplicateMatch(let a, let b): "\(b): match: identical to the match of \(a) (make one more specific)"
        case .notFound(let d): "hardware profiles not found at \(d) (use --profiles DIR or GSD_HW_PROFILES)"
        }
    }

    init(_ catalogueError: CatalogueError) {
        switch catalogueError {
        case .invalid(let f, let k, let p): self = .invalid(file: f, key: k, problem: p)
        case .unreadable(let f, let r): self = .unreadable(file: f, reason: r)
        default: self = .unreadable(file: "", reason: catalogueError.description)
        }
    }
}
