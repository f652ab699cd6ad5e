import TelemetryDecode
import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// One TCP connection to a Hamlib network daemon (rotctld, rigctld) speaking its line protocol.
///
/// Every command is sent in the extended form (`+P 10 20`), so each answer ends with an `RPRT n` line
/// and is parsed the same way. Plain POSIX sockets, non-blocking, every wait bounded by poll() and
/// `timeout`; writes use `MSG_NOSIGNAL`, so a dead daemon is an error rather than SIGPIPE.
///
/// Reconnection: the socket is opened on first use. When it breaks (daemon stopped, restarted), it is
/// dropped, and the command is retried once on a fresh one (after a short pause when the lost socket was
/// itself fresh: a daemon still starting) — all rotctld/rigctld commands used here are idempotent. While the daemon is down, each command fails
/// with `.connectionFailed` and the next one tries again. A timeout also drops the socket, so a late
/// answer can never be taken for the answer to a later command.
///
/// Thread-safe: commands are serialised by a mutex (the daemon answers in order on one connection).
public final class HamlibConnection: Sendable {
    public let endpoint: HamlibEndpoint
    /// Seconds allowed for connecting and for each command's complete answer.
    public let timeout: Double

    private struct State {
        var fd: Int32 = -1
        var buffer: [UInt8] = []
        var connections = 0

        mutating func closeSocket() {
            if fd >= 0 { _ = hamlibClose(fd) }
            fd = -1
            buffer.removeAll()
        }
    }

    private let state = Locked(State())
    /// Microseconds before retrying a command whose fresh connection was dropped.
    static let freshRetryPause: useconds_t = 200_000

    public init(endpoint: HamlibEndpoint, timeout: Double = 2) {
        self.endpoint = endpoint
        self.timeout = timeout.isFinite && timeout > 0 ? timeout : 2
    }

    deinit {
        state.withLock { $0.closeSocket() }
    }

    /// Whether a socket is currently open (it may still turn out to be dead on the next command).
    public var isConnected: Bool { state.withLock { $0.fd >= 0 } }

    /// How many times a connection has been established (1 after the first command; more after
    /// reconnections).
    public var connectionCount: Int { state.withLock { $0.connections } }

    /// Connects now instead of on the first command (no-op when connected).
    public func connect() throws(HamlibError) {
        try state.withLock { (s: inout State) throws(HamlibError) in
            if s.fd < 0 { try open(&s) }
        }
    }

    /// Closes the socket; the next command reconnects.
    public func disconnect() {
        state.withLock { $0.closeSocket() }
    }

    /// Sends `+command` and returns the fields of the answer. Throws `.commandFailed` for `RPRT -n`.
    public func execute(_ command: String) throws(HamlibError) -> HamlibResponse {
        if command.isEmpty || command.contains(where: { $0.isNewline }) {
            throw .invalidArgument("not a single-line Hamlib command: \(command.debugDescription)")
        }
        return try state.withLock { (s: inout State) throws(HamlibError) -> HamlibResponse in
            let reused = s.fd >= 0
            do throws(HamlibError) {
                return try attempt(command, &s)
            } catch {
                guard case .connectionLost = error else { throw error }
                // A reused connection may lead to a daemon restarted since; a fresh one may have reached a
                // daemon still starting, which can drop its first client. Once more, on a new connection.
                if !reused { usleep(Self.freshRetryPause) }
                return try attempt(command, &s)
            }
        }
    }

    // MARK: - I/O

    private var name: String { endpoint.description }

    private func attempt(_ command: String, _ s: inout State) throws(HamlibError) -> HamlibResponse {
        if s.fd < 0 { try open(&s) }
        let deadline = ContinuousClock.now + .milliseconds(Int((timeout * 1000).rounded(.up)))
        do throws(HamlibError) {
            try sendAll(Array("+\(command)\n".utf8), fd: s.fd, command: command, deadline: deadline)
            var lines: [String] = []
            while true {
                let line = try readLine(&s, command: command, deadline: deadline)
                if line.isEmpty { continue }
                if line.hasPrefix("RPRT") {
                    let codeText = line.dropFirst(4).trimmingCharacters(in: .whitespaces)
                    guard let code = Int(codeText) else {
                        throw HamlibError.unexpectedResponse(endpoint: name, command: command, response: line)
                    }
                    if code != 0 { throw HamlibError.commandFailed(endpoint: name, command: command, code: code) }
                    // The first line echoes the command ("set_pos: 10 20", "get_freq:").
                    return HamlibResponse(lines: Array(lines.dropFirst()))
                }
                lines.append(line)
                if lines.count > 4096 {
                    throw HamlibError.unexpectedResponse(
                        endpoint: name, command: command, response: "more than 4096 lines without RPRT")
                }
            }
        } catch {
            // A rejected command leaves the stream in step; anything else might not.
            if case .commandFailed = error {} else { s.closeSocket() }
            throw error
        }
    }

    private func remainingMilliseconds(_ deadline: ContinuousClock.Instant) -> Int32 {
        let d = ContinuousClock.now.duration(to: deadline)
        if d <= .zero { return 0 }
        return Int32(clamping: max(1, d.wholeMilliseconds))
    }

    private func sendAll(
        _ bytes: [UInt8], fd: Int32, command: String, deadline: ContinuousClock.Instant
    ) throws(HamlibError) {
        var done = 0
        while done < bytes.count {
            let n = bytes.withUnsafeBytes { raw -> Int in
                guard let base = raw.baseAddress else { return 0 }
                return hamlibSend(fd, base + done, raw.count - done)
            }
            if n > 0 {
                done += n
                continue
            }
            let e = errno
            if n < 0 && e == EINTR { continue }
            if n < 0 && (e == EAGAIN || e == EWOULDBLOCK) {
                let ms = remainingMilliseconds(deadline)
                if ms <= 0 { throw .timeout(endpoint: name, command: command, seconds: timeout) }
                var pfd = pollfd(fd: fd, events: Int16(POLLOUT), revents: 0)
                _ = poll(&pfd, 1, ms)
                continue
            }
            throw .connectionLost(endpoint: name, command: command, reason: Self.describe(errno: e))
        }
    }

    private func readLine(
        _ s: inout State, command: String, deadline: ContinuousClock.Instant
    ) throws(HamlibError) -> String {
        while true {
            if let nl = s.buffer.firstIndex(of: UInt8(ascii: "\n")) {
                var lineBytes = s.buffer[..<nl]
                if lineBytes.last == UInt8(ascii: "\r") { lineBytes = lineBytes.dropLast() }
                let line = String(decoding: lineBytes, as: UTF8.self)
                s.buffer.removeSubrange(...nl)
                return line
            }
            if s.buffer.count > 65536 {
                throw .unexpectedResponse(endpoint: name, command: command, response: "line longer than 64 KiB")
            }
            let ms = remainingMilliseconds(deadline)
            if ms <= 0 { throw .timeout(endpoint: name, command: command, seconds: timeout) }
            var pfd = pollfd(fd: s.fd, events: Int16(POLLIN), revents: 0)
            let r = poll(&pfd, 1, ms)
            if r < 0 {
                let e = errno
                if e == EINTR { continue }
                throw .connectionLost(endpoint: name, command: command, reason: Self.describe(errno: e))
            }
            if r == 0 { throw .timeout(endpoint: name, command: command, seconds: timeout) }
            var chunk = [UInt8](repeating: 0, count: 4096)
            let n = chunk.withUnsafeMutableBytes { recv(s.fd, $0.baseAddress, $0.count, 0) }
            if n > 0 {
                s.buffer.append(contentsOf: chunk[0..<n])
                continue
            }
            if n == 0 {
                throw .connectionLost(endpoint: name, command: command, reason: "closed by the daemon")
            }
            let e = errno
            if e == EINTR || e == EAGAIN || e == EWOULDBLOCK { continue }
            throw .connectionLost(endpoint: name, command: command, reason: Self.describe(errno: e))
        }
    }

    /// Resolves the endpoint and connects (non-blocking connect bounded by `timeout`), trying each
    /// address in turn.
    private func open(_ s: inout State) throws(HamlibError) {
        s.closeSocket()
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        #if canImport(Glibc) || canImport(Musl)
            let streamType = Int32(SOCK_STREAM.rawValue)
        #else
            let streamType = SOCK_STREAM
        #endif
        hints.ai_socktype = streamType
        hints.ai_protocol = Int32(IPPROTO_TCP)
        hints.ai_flags = AI_NUMERICSERV
        var list: UnsafeMutablePointer<addrinfo>? = nil
        let rc = getaddrinfo(endpoint.host, String(endpoint.port), &hints, &list)
        if rc != 0 {
            let message = gai_strerror(rc).map { String(cString: $0) } ?? "error \(rc)"
            throw .connectionFailed(endpoint: name, reason: "cannot resolve \(endpoint.host): \(message)")
        }
        defer { freeaddrinfo(list) }
        let deadline = ContinuousClock.now + .milliseconds(Int((timeout * 1000).rounded(.up)))
        var reason = "no addresses"
        var cursor = list
        while let ai = cursor {
            cursor = ai.pointee.ai_next
            let fd = socket(ai.pointee.ai_family, streamType, 0)
            if fd < 0 {
                reason = Self.describe(errno: errno)
                continue
            }
            _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
            _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
            var one: Int32 = 1
            _ = setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
            #if canImport(Darwin)
                _ = setsockopt(fd, SOL_SOCKET, SO_NOSIGPIPE, &one, socklen_t(MemoryLayout<Int32>.size))
            #endif
            var ok = hamlibConnect(fd, ai.pointee.ai_addr, ai.pointee.ai_addrlen) == 0
            var e = errno
            if !ok && e == EINPROGRESS {
                var pfd = pollfd(fd: fd, events: Int16(POLLOUT), revents: 0)
                var r: Int32
                repeat {
                    r = poll(&pfd, 1, remainingMilliseconds(deadline))
                } while r < 0 && errno == EINTR
                if r == 0 {
                    e = ETIMEDOUT
                } else {
                    var soError: Int32 = 0
                    var len = socklen_t(MemoryLayout<Int32>.size)
                    _ = getsockopt(fd, SOL_SOCKET, SO_ERROR, &soError, &len)
                    ok = r > 0 && soError == 0
                    e = soError != 0 ? soError : errno
                }
            }
            if ok {
                s.fd = fd
                s.buffer.removeAll()
                s.connections += 1
                return
            }
            _ = hamlibClose(fd)
            reason = Self.describe(errno: e)
        }
        throw .connectionFailed(endpoint: name, reason: reason)
    }

    private static func describe(errno e: Int32) -> String {
        String(cString: strerror(e))
    }
}

@inline(__always) private func hamlibConnect(
    _ fd: Int32, _ addr: UnsafePointer<sockaddr>?, _ len: socklen_t
) -> Int32 {
    connect(fd, addr, len)
}

@inline(__always) private func hamlibClose(_ fd: Int32) -> Int32 {
    close(fd)
}

@inline(__always) private func hamlibSend(_ fd: Int32, _ p: UnsafeRawPointer, _ n: Int) -> Int {
    #if canImport(Glibc) || canImport(Musl)
        send(fd, p, n, Int32(MSG_NOSIGNAL))
    #else
        send(fd, p, n, 0)
    #endif
}
