#if canImport(Glibc)
import TelemetryDecode
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Why a serial port could not be opened, configured, read or written. Every case names the device.
public enum SerialPortError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The path does not exist (ENOENT, ENODEV, ENXIO at open).
    case noSuchDevice(path: String)
    /// Not allowed to open the device (EACCES, EPERM): the user is usually missing the `dialout` group.
    case permissionDenied(path: String)
    /// Another process has the device open exclusively (EBUSY after TIOCEXCL).
    case busy(path: String)
    /// The path is not a terminal device (tcgetattr fails with ENOTTY).
    case notATerminal(path: String)
    /// The baud rate has no termios speed constant.
    case unsupportedBaudRate(path: String, baud: Int)
    /// The device went away (EIO, ENXIO, ENODEV, hang-up): unplugged, or the pty master was closed.
    case deviceGone(path: String, errno: Int32)
    /// The port was closed by this process.
    case closed(path: String)
    /// Any other system call failure.
    case system(path: String, operation: String, errno: Int32)

    public var description: String {
        switch self {
        case .noSuchDevice(let p): "serial device \(p): no such device"
        case .permissionDenied(let p): "serial device \(p): permission denied (is the user in the dialout group?)"
        case .busy(let p): "serial device \(p): busy (opened exclusively by another process)"
        case .notATerminal(let p): "serial device \(p): not a terminal device"
        case .unsupportedBaudRate(let p, let b):
            "serial device \(p): unsupported baud rate \(b) (supported: \(SerialPort.supportedBaudRates.map(String.init).joined(separator: ", ")))"
        case .deviceGone(let p, let e): "serial device \(p): device gone (\(errnoText(e)))"
        case .closed(let p): "serial device \(p): port is closed"
        case .system(let p, let op, let e): "serial device \(p): \(op) failed: \(errnoText(e))"
        }
    }
}

/// `strerror` text for an errno value.
func errnoText(_ code: Int32) -> String {
    guard let s = strerror(code) else { return "errno \(code)" }
    return String(cString: s)
}

/// A serial port in raw 8N1 mode without flow control, opened exclusively (TIOCEXCL) and without
/// becoming the controlling terminal (O_NOCTTY). Reads wait with `poll()` up to a timeout; writes
/// write everything.
///
/// One thread may read while another writes; `close()` wakes neither, so stop them first (their
/// next call throws `.closed`).
public final class SerialPort: ByteLink, @unchecked Sendable {
    public let path: String
    public let baudRate: Int
    private let fd: Locked<Int32>

    public static let supportedBaudRates = [
        1200, 2400, 4800, 9600, 19200, 38400, 57600, 115_200, 230_400,
    ]

    public var name: String { path }

    static func speed(_ baud: Int) -> speed_t? {
        switch baud {
        case 1200: speed_t(B1200)
        case 2400: speed_t(B2400)
        case 4800: speed_t(B4800)
        case 9600: speed_t(B9600)
        case 19200: speed_t(B19200)
        case 38400: speed_t(B38400)
        case 57600: speed_t(B57600)
        case 115_200: speed_t(B115200)
        case 230_400: speed_t(B230400)
        default: nil
        }
    }

    /// Opens and configures `path`: raw mode, `baudRate`, 8 data bits, no parity, one stop bit, no
    /// RTS/CTS or XON/XOFF, receiver on, modem control lines ignored (CLOCAL).
    public init(path: String, baudRate: Int = 9600) throws(SerialPortError) {
        self.path = path
        self.baudRate = baudRate
        guard let speed = Self.speed(baudRate) else { throw .unsupportedBaudRate(path: path, baud: baudRate) }
        let fd = open(path, O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC)
        if fd < 0 {
            let e = errno
            switch e {
            case ENOENT, ENODEV, ENXIO, ENOTDIR: throw .noSuchDevice(path: path)
            case EACCES, EPERM: throw .permissionDenied(path: path)
            case EBUSY: throw .busy(path: path)
            default: throw .system(path: path, operation: "open", errno: e)
            }
        }
        func fail(_ error: SerialPortError) -> SerialPortError {
            _ = modemSysClose(fd)
            return error
        }
        var tio = termios()
        if tcgetattr(fd, &tio) != 0 {
            let e = errno
            throw fail(e == ENOTTY || e == EINVAL ? .notATerminal(path: path) : .system(path: path, operation: "tcgetattr", errno: e))
        }
        if ioctl(fd, UInt(TIOCEXCL)) != 0 {
            let e = errno
            throw fail(.system(path: path, operation: "ioctl(TIOCEXCL)", errno: e))
        }
        cfmakeraw(&tio)
        tio.c_cflag &= ~(tcflag_t(CSIZE) | tcflag_t(PARENB) | tcflag_t(CSTOPB) | tcflag_t(CRTSCTS))
        tio.c_cflag |= tcflag_t(CS8) | tcflag_t(CREAD) | tcflag_t(CLOCAL)
        tio.c_iflag &= ~(tcflag_t(IXON) | tcflag_t(IXOFF) | tcflag_t(IXANY))
        // Non-canonical reads return what is there; poll() does the waiting.
        withUnsafeMutableBytes(of: &tio.c_cc) { cc in
            cc[Int(VMIN)] = 0
            cc[Int(VTIME)] = 0
        }
        if cfsetispeed(&tio, speed) != 0 || cfsetospeed(&tio, speed) != 0 {
            let e = errno
            throw fail(.system(path: path, operation: "cfsetspeed(\(baudRate))", errno: e))
        }
        if tcsetattr(fd, TCSANOW, &tio) != 0 {
            let e = errno
            throw fail(.system(path: path, operation: "tcsetattr", errno: e))
        }
        _ = tcflush(fd, TCIOFLUSH)
        self.fd = Locked(fd)
    }

    deinit {
        fd.withLock { fd in
            if fd >= 0 { _ = modemSysClose(fd) }
            fd = -1
        }
    }

    private func descriptor() throws(SerialPortError) -> Int32 {
        let d = fd.withLock { $0 }
        if d < 0 { throw .closed(path: path) }
        return d
    }

    private func isGone(_ e: Int32) -> Bool { e == EIO || e == ENXIO || e == ENODEV || e == EBADF }

    /// Waits up to `timeout` for data and returns what is available (at most `maxBytes`); an empty
    /// array means the timeout passed. Throws `.deviceGone` when the device disappears.
    public func read(maxBytes: Int = 4096, timeout: Duration) throws(SerialPortError) -> [UInt8] {
        let fd = try descriptor()
        var pfd = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        let deadline = ContinuousClock.now + timeout
        while true {
            let remaining = ContinuousClock.now.duration(to: deadline)
            let ms = max(0, milliseconds(remaining))
            let r = poll(&pfd, 1, Int32(clamping: ms))
            if r < 0 {
                let e = errno
                if e == EINTR { continue }
                throw .system(path: path, operation: "poll", errno: e)
            }
            if r == 0 { return [] }
            if pfd.revents & Int16(POLLNVAL) != 0 { throw .closed(path: path) }
            var buffer = [UInt8](repeating: 0, count: max(1, maxBytes))
            let n = buffer.withUnsafeMutableBytes { modemSysRead(fd, $0.baseAddress, $0.count) }
            if n > 0 { return Array(buffer[0..<n]) }
            if n == 0 {
                // Readable with nothing to read: the other side hung up.
                if pfd.revents & Int16(POLLHUP | POLLERR) != 0 { throw .deviceGone(path: path, errno: EIO) }
                return []
            }
            let e = errno
            if e == EINTR || e == EAGAIN || e == EWOULDBLOCK {
                if ContinuousClock.now >= deadline { return [] }
                continue
            }
            if isGone(e) { throw .deviceGone(path: path, errno: e) }
            throw .system(path: path, operation: "read", errno: e)
        }
    }

    /// Writes all of `bytes`, waiting with poll() while the output buffer is full, for at most `timeout`.
    public func write(_ bytes: [UInt8], timeout: Duration = .seconds(10)) throws(SerialPortError) {
        let fd = try descriptor()
        var done = 0
        let deadline = ContinuousClock.now + timeout
        while done < bytes.count {
            let n = bytes.withUnsafeBytes { modemSysWrite(fd, $0.baseAddress! + done, $0.count - done) }
            if n > 0 {
                done += n
                continue
            }
            let e = n < 0 ? errno : EAGAIN
            if e == EINTR { continue }
            if e == EAGAIN || e == EWOULDBLOCK {
                let remaining = milliseconds(ContinuousClock.now.duration(to: deadline))
                if remaining <= 0 { throw .system(path: path, operation: "write (timed out)", errno: ETIMEDOUT) }
                var pfd = pollfd(fd: fd, events: Int16(POLLOUT), revents: 0)
                _ = poll(&pfd, 1, Int32(clamping: remaining))
                if pfd.revents & Int16(POLLERR | POLLHUP) != 0 { throw .deviceGone(path: path, errno: EIO) }
                continue
            }
            if isGone(e) { throw .deviceGone(path: path, errno: e) }
            throw .system(path: path, operation: "write", errno: e)
        }
    }

    /// Waits until everything written has been transmitted.
    public func drain() throws(SerialPortError) {
        let fd = try descriptor()
        if tcdrain(fd) != 0 {
            let e = errno
            if isGone(e) { throw .deviceGone(path: path, errno: e) }
            throw .system(path: path, operation: "tcdrain", errno: e)
        }
    }

    public func close() {
        fd.withLock { fd in
            if fd >= 0 { _ = modemSysClose(fd) }
            fd = -1
        }
    }

    // ByteLink
    public func readBytes(maxBytes: Int, timeout: Duration) throws -> [UInt8] {
        try read(maxBytes: maxBytes, timeout: timeout)
    }

    public func writeBytes(_ bytes: [UInt8], timeout: Duration) throws {
        try write(bytes, timeout: timeout)
    }
}

/// Whole milliseconds in `d`, rounded up so a short positive wait is not a busy loop.
func milliseconds(_ d: Duration) -> Int {
    let (s, atto) = d.components
    if s < 0 || (s == 0 && atto <= 0) { return 0 }
    let ms = s * 1000 + (atto + 999_999_999_999_999) / 1_000_000_000_000_000
    return Int(clamping: ms)
}

// File-scope wrappers: inside types whose methods are named read/write/close, these reach libc.
@inline(__always) func modemSysClose(_ fd: Int32) -> Int32 { close(fd) }
@inline(__always) func modemSysRead(_ fd: Int32, _ p: UnsafeMutableRawPointer?, _ n: Int) -> Int { read(fd, p, n) }
@inline(__always) func modemSysWrite(_ fd: Int32, _ p: UnsafeRawPointer?, _ n: Int) -> Int { write(fd, p, n) }
