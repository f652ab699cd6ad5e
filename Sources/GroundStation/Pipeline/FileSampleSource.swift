#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads a raw sample file (cu8, cs16, ...: any byte stream) with POSIX `read`, straight into the
/// caller's buffer. The file descriptor is closed when the source is released.
public final class FileSampleSource: SampleSource {
    public let path: String
    /// Bytes read so far (the byte offset of the next read), for error context.
    public private(set) var offset = 0
    private let fd: Int32

    /// Opens `path` for reading; throws `PipelineError.cannotOpen` naming the path and the reason.
    public init(path: String) throws(PipelineError) {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw .cannotOpen(path: path, errno: errno) }
        self.path = path
        self.fd = fd
    }

    deinit { close(fd) }

    public func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        guard let base = buffer.baseAddress, buffer.count > 0 else { return 0 }
        while true {
            #if canImport(Glibc) || canImport(Musl)
            let n = Glibc.read(fd, base, buffer.count)
            #else
            let n = Darwin.read(fd, base, buffer.count)
            #endif
            if n >= 0 {
                offset += n
                return n
            }
            let e = errno
            if e == EINTR { continue }
            throw PipelineError.readFailed(path: path, offset: offset, errno: e)
        }
    }
}
