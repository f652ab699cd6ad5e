#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Why an input file could not be read. Every case names the file.
public enum FileInputError: Error, Sendable, Hashable, CustomStringConvertible {
    case cannotOpen(path: String, reason: String)
    case readFailed(path: String, offset: Int, reason: String)
    case isDirectory(path: String)

    public var description: String {
        switch self {
        case .cannotOpen(let p, let r): "\(p): cannot open: \(r)"
        case .readFailed(let p, let o, let r): "\(p): read failed at byte \(o): \(r)"
        case .isDirectory(let p): "\(p): is a directory"
        }
    }
}

/// Reads a file (or standard input for "-") in fixed-size chunks with plain POSIX calls, so any file
/// size streams through a bounded buffer.
public final class ByteStreamReader {
    public let path: String
    public private(set) var offset = 0
    private let fd: Int32
    private let ownsDescriptor: Bool
    private var buffer: [UInt8]

    /// The name used in messages: the path, or "<stdin>".
    public var displayName: String { ownsDescriptor ? path : "<stdin>" }

    public init(path: String, chunkSize: Int = 1 << 16) throws(FileInputError) {
        self.path = path
        buffer = [UInt8](repeating: 0, count: max(1, chunkSize))
        if path == "-" {
            fd = 0
            ownsDescriptor = false
            return
        }
        let d = open(path, O_RDONLY | O_CLOEXEC)
        guard d >= 0 else { throw .cannotOpen(path: path, reason: Self.errnoText()) }
        var st = stat()
        if fstat(d, &st) == 0, (st.st_mode & S_IFMT) == S_IFDIR {
            close(d)
            throw .isDirectory(path: path)
        }
        fd = d
        ownsDescriptor = true
    }

    deinit {
        if ownsDescriptor { close(fd) }
    }

    /// Calls `body` with each chunk until end of file. Interrupted reads are retried.
    public func forEachChunk(_ body: (UnsafeBufferPointer<UInt8>) throws -> Void) throws {
        while true {
            let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                throw FileInputError.readFailed(path: displayName, offset: offset, reason: Self.errnoText())
            }
            if n == 0 { return }
            try buffer.withUnsafeBufferPointer { try body(UnsafeBufferPointer(rebasing: $0[0..<n])) }
            offset += n
        }
    }

    static func errnoText() -> String { String(cString: strerror(errno)) }
}
