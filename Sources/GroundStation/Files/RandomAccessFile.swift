#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A regular file read with positional `pread` calls: headers are parsed at known offsets and sample
/// data streams through the caller's bounded buffer. Nothing is mapped or loaded whole.
final class RandomAccessFile {
    let path: String
    private let fd: Int32

    init(path: String) throws(SampleFileError) {
        self.path = path
        // Checked before opening: opening a FIFO with no writer would block.
        var before = stat()
        if stat(path, &before) == 0, [S_IFIFO, S_IFSOCK].contains(before.st_mode & S_IFMT) {
            throw .file(.cannotOpen(path: path, reason: "a pipe \(Self.notAStream)"))
        }
        let d = open(path, O_RDONLY | O_CLOEXEC)
        guard d >= 0 else {
            let missing = errno == ENOENT
            if path == "-" && missing { throw .file(.cannotOpen(path: path, reason: "standard input \(Self.notAStream)")) }
            throw .file(.cannotOpen(path: path, reason: ByteStreamReader.errnoText()))
        }
        var st = stat()
        if fstat(d, &st) == 0, (st.st_mode & S_IFMT) == S_IFDIR {
            close(d)
            throw .file(.isDirectory(path: path))
        }
        fd = d
    }

    deinit { close(fd) }

    static let notAStream = "is not supported: recordings are read by position (header, then data); save the stream to a file first"

    /// The current size of the file in bytes.
    func size() throws(SampleFileError) -> Int {
        var st = stat()
        guard fstat(fd, &st) == 0 else {
            throw .file(.readFailed(path: path, offset: 0, reason: ByteStreamReader.errnoText()))
        }
        return Int(st.st_size)
    }

    /// Reads up to `buffer.count` bytes at `offset`, retrying short reads and EINTR; returns fewer
    /// only at end of file.
    func read(at offset: Int, into buffer: UnsafeMutableRawBufferPointer) throws(SampleFileError) -> Int {
        guard let base = buffer.baseAddress else { return 0 }
        var done = 0
        while done < buffer.count {
            let n = pread(fd, base + done, buffer.count - done, off_t(offset + done))
            if n < 0 {
                if errno == EINTR { continue }
                throw .file(.readFailed(path: path, offset: offset + done, reason: ByteStreamReader.errnoText()))
            }
            if n == 0 { break }
            done += n
        }
        return done
    }

    /// Up to `count` bytes at `offset` as an array (for headers and small metadata only).
    func bytes(at offset: Int, count: Int) throws(SampleFileError) -> [UInt8] {
        guard count > 0 else { return [] }
        var out = [UInt8](repeating: 0, count: count)
        let n = try out.withUnsafeMutableBytes { raw in
            Result { () throws(SampleFileError) -> Int in try self.read(at: offset, into: raw) }
        }.get()
        if n < count { out.removeSubrange(n...) }
        return out
    }
}

/// A file written with plain POSIX calls; `write(at:)` patches headers once the sizes are known.
final class FileSink {
    let path: String
    private(set) var offset = 0
    private var fd: Int32

    init(path: String) throws(SampleFileError) {
        self.path = path
        let d = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard d >= 0 else {
            throw .file(.cannotOpen(path: path, reason: ByteStreamReader.errnoText()))
        }
        fd = d
    }

    deinit { if fd >= 0 { _ = posixClose(fd) } }

    var isOpen: Bool { fd >= 0 }

    func append(_ bytes: UnsafeRawBufferPointer) throws(SampleFileError) {
        try write(at: offset, bytes)
        offset += bytes.count
    }

    func append(_ bytes: [UInt8]) throws(SampleFileError) {
        try bytes.withUnsafeBytes { raw in Result { () throws(SampleFileError) in try append(raw) } }.get()
    }

    /// Writes at an absolute offset without moving the append position.
    func write(at position: Int, _ bytes: UnsafeRawBufferPointer) throws(SampleFileError) {
        guard fd >= 0 else { throw .invalidUse(path: path, reason: "file already closed") }
        guard let base = bytes.baseAddress else { return }
        var done = 0
        while done < bytes.count {
            let n = pwrite(fd, base + done, bytes.count - done, off_t(position + done))
            if n < 0 {
                if errno == EINTR { continue }
                throw .writeFailed(path: path, offset: position + done, reason: ByteStreamReader.errnoText())
            }
            done += n
        }
    }

    func write(at position: Int, _ bytes: [UInt8]) throws(SampleFileError) {
        try bytes.withUnsafeBytes { raw in Result { () throws(SampleFileError) in try write(at: position, raw) } }.get()
    }

    func close() throws(SampleFileError) {
        guard fd >= 0 else { return }
        let r = posixClose(fd)
        fd = -1
        if r != 0 { throw .writeFailed(path: path, offset: offset, reason: ByteStreamReader.errnoText()) }
    }
}

/// `close(2)`, callable from types that have their own `close` method.
@inline(__always)
func posixClose(_ fd: Int32) -> Int32 { close(fd) }

/// Little-endian field access for header parsing; callers check the length first.
extension Array where Element == UInt8 {
    func le16(_ i: Int) -> UInt16 { UInt16(self[i]) | UInt16(self[i + 1]) << 8 }
    func le32(_ i: Int) -> UInt32 {
        UInt32(self[i]) | UInt32(self[i + 1]) << 8 | UInt32(self[i + 2]) << 16 | UInt32(self[i + 3]) << 24
    }
    /// Four bytes as text for messages ("RIFF", or escaped bytes when not printable).
    func fourCC(_ i: Int) -> String {
        var s = ""
        for k in i..<Swift.min(i + 4, count) {
            let b = self[k]
            if b >= 0x20 && b < 0x7F { s.append(Character(Unicode.Scalar(b))) } else { s += "\\x" + String(b, radix: 16) }
        }
        return "\"" + s + "\""
    }
}

extension FixedWidthInteger {
    var littleEndianBytes: [UInt8] {
        withUnsafeBytes(of: self.littleEndian) { Array($0) }
    }
}
