/// A catalogue file that cannot be used, naming the file and the key at fault.
public enum CatalogueError: Error, Sendable, Hashable, CustomStringConvertible {
    case unreadable(file: String, reason: String)
    case invalid(file: String, key: String, problem: String)
    case duplicateNorad(Int, first: String, second: String)
    case duplicateName(String, first: String, second: String)
    case notFound(directory: String)
    /// The folder holds no satellite file: most likely not a catalogue at all.
    case empty(directory: String)

    public var description: String {
        switch self {
        case .unreadable(let f, let r): "\(f): \(r)"
        case .invalid(let f, let k, let p): "\(f): \(k): \(p)"
        case .duplicateNorad(let n, let a, let b): "NORAD id \(n) is defined twice: \(a) and \(b)"
        case .duplicateName(let n, let a, let b): "satellite name \(n) is used twice: \(a) and \(b)"
        case .notFound(let d): "satellite catalogue not found at \(d) (use --catalogue DIR or GSD_CATALOGUE)"
        case .empty(let d): "no satellite files (*.yml) in \(d): not a satellite catalogue (use --catalogue DIR or GSD_CATALOGUE)"
        }
    }
}
