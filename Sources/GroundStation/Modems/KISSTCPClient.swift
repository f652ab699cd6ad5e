#if canImport(Glibc)
import TelemetryDecode
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Why a KISS-over-TCP connection failed. Every case names the `host:port`.
public enum KISSTCPError: Error, Sendable, Hashable, CustomStringConvertible {
    case invalidAddress(String)
    case resolveFailed(endpoint: String, message: String)
    case connectFailed(endpoint: String, errno: Int32)
    case connectTimedOut(endpoint: String)
    /// The peer closed the connection (or it was reset) and reconnection is off or gave up.
    case connectionLost(endpoint: String, errno: Int32?)
    case writeTimedOut(endpoint: String)
    case closed(endpoint: String)
    case system(endpoint: String, operation: String, errno: Int32)

    public var description: String {
        switch self {
        case .invalidAddress(let s): "invalid KISS TCP address '\(s)' (expected HOST:PORT)"
        case .resolveFailed(let ep, let m): "KISS TCP \(ep): cannot resolve host: \(m)"
        case .connectFailed(let ep, let e): "KISS TCP \(ep): connect failed: \(errnoText(e))"
        case .connectTimedOut(let ep): "KISS TCP \(ep): connect timed out"
        case .connectionLost(let ep, let e):
            "KISS TCP \(ep): connection lost" + (e.map { " (\(errnoText($0)))" } ?? " (closed by peer)")
        case .writeTimedOut(let ep): "KISS TCP \(ep): write timed out"
        case .closed(let ep): "KISS TCP \(ep): connection is closed"
        case .system(let ep, let op, let e): "KISS TCP \(ep): \(op) failed: \(errnoText(e))"
        }
    }
}

/// A KISS-over-TCP client for software TNCs (direwolf, soundmodem, UZ7HO; usually port 8001).
/// POSIX sockets with poll() timeouts; writes use `MSG_NOSIGNAL` so a dead peer is an error, not SIGPIPE.
///
/// With a `ReconnectPolicy`, a lost connection is re-established inside `readBytes`/`writeBytes`
/// (reads return empty until it is back) and `session` counts the reconnections.
public final class KISSTCPClient: ByteLink, @unchecked Sendable {
    public struct ReconnectPolicy: Sendable, Hashable {
        /// Pause between attempts.
        public var delay: Duration
        /// Give up (and throw `.connectionLost`) after this many failed attempts in a row; nil = never.
        public var maximumAttempts: Int?
        public init(delay: Duration = .seconds(1), maximumAttempts: Int? = nil) {
            self.delay = delay
            self.maximumAttempts = maximumAttempts
        }
    }

    public let host: String
    public let port: UInt16
    public let connectTimeout: Duration
    public let reconnect: ReconnectPolicy?

    private struct State {
        var fd: Int32 = -1
        var closed = false
        var session = 0
        var failedAttempts = 0
        var nextAttempt: ContinuousClock.Instant? = nil
    }
    private let state = Locked(State())

    public var name: String { "\(host):\(port)" }
    public var session: Int { state.withLock { $0.session } }

    /// Splits "HOST:PORT" ("[v6]:PORT" for IPv6 literals).
    public static func parseEndpoint(_ text: String) throws(KISSTCPError) -> (host: String, port: UInt16) {
        guard let colon = text.lastIndex(of: ":") else { throw .invalidAddress(text) }
        var host = String(text[..<colon])
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        guard !host.isEmpty, let port = UInt16(text[text.index(after: colon)...]), port > 0 else {
            throw .invalidAddress(text)
        }
        return (host, port)
    }

    /// Connects now (throwing if that fails); `reconnect` governs later losses.
    public init(
        host: String, port: UInt16, connectTimeout: Duration = .seconds(5), reconnect: ReconnectPolicy? = nil
    ) throws(KISSTCPError) {
        self.host = host
        self.port = port
        self.connectTimeout = connectTimeout
        self.reconnect = reconnect
        let fd = try Self.connect(host: host, port: port, timeout: connectTimeout)
        state.withLock { $0.fd = fd }
    }

    public convenience init(
        endpoint: String, connectTimeout: Duration = .seconds(5), reconnect: ReconnectPolicy? = nil
    ) throws(KISSTCPError) {
        let (h, p) = try Self.parseEndpoint(endpoint)
        try self.init(host: h, port: p, connectTimeout: connectTimeout, reconnect: reconnect)
    }

    deinit { close() }

    public func close() {
        state.withLock { s in
            if s.fd >= 0 { _ = modemSysClose(s.fd) }
            s.fd = -1
            s.closed = true
        }
    }

    /// Resolves and connects with a non-blocking connect bounded by `timeout`; tries each address.
    static func connect(host: String, port: UInt16, timeout: Duration) throws(KISSTCPError) -> Int32 {
        let endpoint = "\(host):\(port)"
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        hints.ai_protocol = Int32(IPPROTO_TCP)
        var list: UnsafeMutablePointer<addrinfo>? = nil
        let rc = getaddrinfo(host, String(port), &hints, &list)
        if rc != 0 {
            let message = gai_strerror(rc).map { String(cString: $0) } ?? "error \(rc)"
            throw .resolveFailed(endpoint: endpoint, message: message)
        }
        defer { freeaddrinfo(list) }
        var lastError: KISSTCPError = .resolveFailed(endpoint: endpoint, message: "no addresses")
        var cursor = list
        let deadline = ContinuousClock.now + timeout
        while let ai = cursor {
            cursor = ai.pointee.ai_next
            let fd = socket(ai.pointee.ai_family, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
            if fd < 0 {
                lastError = .system(endpoint: endpoint, operation: "socket", errno: errno)
                continue
            }
            let flags = fcntl(fd, F_GETFL)
            _ = fcntl(fd, F_SETFL, flags | O_NONBLOCK)
            var one: Int32 = 1
            _ = setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
            if posixConnect(fd, ai.pointee.ai_addr, ai.pointee.ai_addrlen) == 0 { return fd }
            var e = errno
            if e == EINPROGRESS {
                var pfd = pollfd(fd: fd, events: Int16(POLLOUT), revents: 0)
                var r: Int32
                repeat {
                    r = poll(&pfd, 1, Int32(clamping: milliseconds(ContinuousClock.now.duration(to: deadline))))
                } while r < 0 && errno == EINTR
                if r == 0 {
                    _ = modemSysClose(fd)
                    lastError = .connectTimedOut(endpoint: endpoint)
                    continue
                }
                var soError: Int32 = 0
                var len = socklen_t(MemoryLayout<Int32>.size)
                _ = getsockopt(fd, SOL_SOCKET, SO_ERROR, &soError, &len)
                if r > 0 && soError == 0 { return fd }
                e = soError != 0 ? soError : errno
            }
            _ = modemSysClose(fd)
            lastError = .connectFailed(endpoint: endpoint, errno: e)
        }
        throw lastError
    }

    /// The connected socket, reconnecting first if the policy allows and it is time. Nil: not
    /// connected yet (a read returns empty); throws when closed or the policy gave up.
    private func socketForIO() throws(KISSTCPError) -> Int32? {
        let (fd, closed) = state.withLock { ($0.fd, $0.closed) }
        if closed { throw .closed(endpoint: name) }
        if fd >= 0 { return fd }
        guard let policy = reconnect else { throw .connectionLost(endpoint: name, errno: nil) }
        let due = state.withLock { s -> Bool in
            guard let next = s.nextAttempt else { return true }
            return ContinuousClock.now >= next
        }
        if !due { return nil }
        let newFD: Int32
        do {
            newFD = try Self.connect(host: host, port: port, timeout: connectTimeout)
        } catch {
            let giveUp = state.withLock { s -> Bool in
                s.failedAttempts += 1
                s.nextAttempt = ContinuousClock.now + policy.delay
                if let max = policy.maximumAttempts { return s.failedAttempts >= max }
                return false
            }
            if giveUp { throw .connectionLost(endpoint: name, errno: nil) }
            return nil
        }
        return try state.withLock { s throws(KISSTCPError) -> Int32 in
            if s.closed {
                _ = modemSysClose(newFD)
                throw .closed(endpoint: name)
            }
            if s.fd >= 0 {
                // Another thread (reader or writer) reconnected first: use its connection.
                _ = modemSysClose(newFD)
                return s.fd
            }
            s.fd = newFD
            s.session += 1
            s.failedAttempts = 0
            s.nextAttempt = nil
            return newFD
        }
    }

    /// Drops the socket after a failure; with a policy the next I/O reconnects after its delay.
    private func lost(_ fd: Int32, errno e: Int32?) throws(KISSTCPError) {
        state.withLock { s in
            if s.fd == fd {
                _ = modemSysClose(fd)
                s.fd = -1
                s.nextAttempt = ContinuousClock.now + (reconnect?.delay ?? .zero)
            }
        }
        if reconnect == nil { throw .connectionLost(endpoint: name, errno: e) }
    }

    /// Waits up to `timeout` for bytes; empty on timeout (or while reconnecting).
    public func read(maxBytes: Int = 4096, timeout: Duration) throws(KISSTCPError) -> [UInt8] {
        let deadline = ContinuousClock.now + timeout
        while true {
            guard let fd = try socketForIO() else {
                // Not connected: wait a little (bounded by the deadline) before the next attempt.
                let remaining = ContinuousClock.now.duration(to: deadline)
                if remaining <= .zero { return [] }
                let pause = min(remaining, reconnect?.delay ?? .milliseconds(100))
                var ts = timespec(tv_sec: Int(pause.components.seconds), tv_nsec: Int(pause.components.attoseconds / 1_000_000_000))
                _ = nanosleep(&ts, nil)
                if ContinuousClock.now >= deadline { return [] }
                continue
            }
            var pfd = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            let r = poll(&pfd, 1, Int32(clamping: milliseconds(ContinuousClock.now.duration(to: deadline))))
            if r < 0 {
                let e = errno
                if e == EINTR { continue }
                throw .system(endpoint: name, operation: "poll", errno: e)
            }
            if r == 0 { return [] }
            var buffer = [UInt8](repeating: 0, count: max(1, maxBytes))
            let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n > 0 { return Array(buffer[0..<n]) }
            let e: Int32? = n == 0 ? nil : errno
            if let e, e == EINTR || e == EAGAIN || e == EWOULDBLOCK { continue }
            if let e, e == EBADF { throw .closed(endpoint: name) }
            try lost(fd, errno: e)
            if ContinuousClock.now >= deadline { return [] }
        }
    }

    /// Sends all of `bytes` with `MSG_NOSIGNAL`, waiting with poll() for room, at most `timeout`.
    public func write(_ bytes: [UInt8], timeout: Duration = .seconds(10)) throws(KISSTCPError) {
        let deadline = ContinuousClock.now + timeout
        var fd: Int32
        while true {
            if let f = try socketForIO() {
                fd = f
                break
            }
            if ContinuousClock.now >= deadline { throw .writeTimedOut(endpoint: name) }
            var ts = timespec(tv_sec: 0, tv_nsec: 50_000_000)
            _ = nanosleep(&ts, nil)
        }
        var done = 0
        while done < bytes.count {
            let n = bytes.withUnsafeBytes { send(fd, $0.baseAddress! + done, $0.count - done, Int32(MSG_NOSIGNAL)) }
            if n > 0 {
                done += n
                continue
            }
            let e = errno
            if e == EINTR { continue }
            if e == EAGAIN || e == EWOULDBLOCK {
                let ms = milliseconds(ContinuousClock.now.duration(to: deadline))
                if ms <= 0 { throw .writeTimedOut(endpoint: name) }
                var pfd = pollfd(fd: fd, events: Int16(POLLOUT), revents: 0)
                _ = poll(&pfd, 1, Int32(clamping: ms))
                continue
            }
            if e == EBADF { throw .closed(endpoint: name) }
            // A frame half-sent on a dead connection is lost: report it even when reconnecting.
            try? lost(fd, errno: e)
            throw .connectionLost(endpoint: name, errno: e)
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

@inline(__always) private func posixConnect(_ fd: Int32, _ addr: UnsafePointer<sockaddr>?, _ len: socklen_t) -> Int32 {
    connect(fd, addr, len)
}
