// stdout is a C global; print() and these calls use the stream's own lock.
#if canImport(Glibc)
@preconcurrency import Glibc
#elseif canImport(Darwin)
@preconcurrency import Darwin
#endif

/// Frames and results on stdout, with write errors reported. `print` drops them: on a full disk every
/// frame after the first full buffer was lost and gsd still exited 0. A failed write stops the command
/// with an error naming stdout; a pipe whose reader has gone still ends gsd by SIGPIPE, as usual.
enum StandardOutput {
    /// Writes `text` and a newline, then throws if the stream has failed (now or at an earlier flush).
    static func line(_ text: String) throws {
        print(text)
        try OutputStreamCheck.check(stdout, name: "stdout")
    }

    /// Writes bytes as they are (a binary KISS stream), with the same check.
    static func write(_ bytes: [UInt8]) throws {
        try OutputStreamCheck.write(bytes, to: stdout, name: "stdout")
    }

    /// Writes text as it is (no newline added), with the same check.
    static func write(_ text: String) throws {
        fputs(text, stdout)
        try OutputStreamCheck.check(stdout, name: "stdout")
    }

    /// Flushes stdout and throws if any write failed: at the end of every command, because the last
    /// buffer is only written at exit, where the C library ignores errors.
    static func finish() throws {
        try OutputStreamCheck.flush(stdout, name: "stdout")
    }
}

/// Output file a user names (--kiss-out), written with the same checks. It is opened in place, so a FIFO
/// or a device is written to; FileManager.createFile replaced whatever was at the path with a new file.
final class OutputFile {
    let path: String
    private var file: UnsafeMutablePointer<FILE>?

    init(path: String) throws {
        self.path = path
        guard let f = fopen(path, "w") else {
            throw ValidationFailure("\(path): cannot create: \(String(cString: strerror(errno)))")
        }
        file = f
    }

    deinit { if let file { fclose(file) } }

    func write(_ bytes: [UInt8]) throws {
        guard let file else { return }
        try OutputStreamCheck.write(bytes, to: file, name: path)
    }

    /// Flushes and closes, throwing if any write failed.
    func close() throws {
        guard let f = file else { return }
        file = nil
        let flushed = Result { try OutputStreamCheck.flush(f, name: path) }
        let closeFailed = fclose(f) != 0
        let code = errno
        try flushed.get()
        if closeFailed { throw OutputStreamCheck.failure(name: path, code: code) }
    }
}

enum OutputStreamCheck {
    static func write(_ bytes: [UInt8], to stream: UnsafeMutablePointer<FILE>, name: String) throws {
        _ = bytes.withUnsafeBytes { fwrite($0.baseAddress, 1, $0.count, stream) }
        try check(stream, name: name)
    }

    static func flush(_ stream: UnsafeMutablePointer<FILE>, name: String) throws {
        if fflush(stream) != 0 { throw failure(name: name, code: errno) }
        try check(stream, name: name)
    }

    /// Throws if the stream has failed, now or at an earlier buffer flush.
    static func check(_ stream: UnsafeMutablePointer<FILE>, name: String) throws {
        // errno is read at once: the failing write was the last call that could set it.
        let code = errno
        if ferror(stream) != 0 { throw failure(name: name, code: code) }
    }

    static func failure(name: String, code: Int32) -> ValidationFailure {
        let reason = code == 0 ? "write error" : String(cString: strerror(code))
        return ValidationFailure("\(name): \(reason): output is incomplete")
    }
}
