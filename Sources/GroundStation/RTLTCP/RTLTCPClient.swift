#if canImport(Glibc)
import TelemetryDecode
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An rtl_tcp client as a `SampleSource`: connects, validates the 12-byte `RTL0` header, sends
/// commands, and streams the server's cu8 IQ bytes into a `SamplePipeline` (use `.dropNewest`, as for
/// a live dongle). POSIX sockets with poll() timeouts; sends use `MSG_NOSIGNAL`.
///
/// - The connection is made in `init` (throwing a clear error if it fails or the header is wrong).
/// - Commands (`send`) are remembered: after a reconnection the latest value of each is sent again.
/// - When the server goes away: without a `ReconnectPolicy`, an orderly close ends the stream (`read`
///   returns 0) and an error throws `.connectionLost`; with one, the client reconnects (up to
///   `maximumAttempts` attempts per outage) and reports each gap to `onGap` and in `gaps`. If the
///   stream had stopped in the middle of an I/Q pair, one mid-scale byte is inserted so I and Q stay
///   paired at even stream offsets.
/// - `close()` (from any thread) ends the stream: a `read` in progress returns 0 soon.
public final class RTLTCPClient: SampleSource, @unchecked Sendable {
    // @unchecked: mutable state is in `state` (a Locked); `read` is called by one thread at a time.

    public struct ReconnectPolicy: Sendable, Hashable {
        /// Pause before each attempt.
        public var delay: Duration
        /// Attempts per outage before `read` throws `.connectionLost`.
        public var maximumAttempts: Int
        public init(delay: Duration = .seconds(1), maximumAttempts: Int = 10) {
            self.delay = delay
            self.maximumAttempts = maximumAttempts
        }
    }

    /// A stretch of time without samples: the connection was lost at `streamOffset` and came back.
    public struct Gap: Sendable, Hashable, CustomStringConvertible {
        /// Bytes delivered before the loss (where the gap sits in the stream).
        public var streamOffset: Int
        /// Time from noticing the loss to the new header.
        public var duration: Duration
        /// Connection attempts it took.
        public var attempts: Int
        /// Why the connection was lost.
        public var reason: String
        public var description: String {
            "connection lost at byte \(streamOffset) (\(reason)); reconnected after \(duration) and \(attempts) attempt(s)"
        }
    }

    public let host: String
    public let port: UInt16
    public let connectTimeout: Duration
    /// No bytes for this long counts as a lost connection (a hung server).
    public let idleTimeout: Duration
    public let reconnect: ReconnectPolicy?
    private let onGap: (@Sendable (Gap) -> Void)?

    private struct State {
        var fd: Int32 = -1
        var closed = false
        var header: RTLTCPHeader
        var bytesReceived = 0
        var sessionBytes = 0
        var padPending = false
        var gaps: [Gap] = []
        /// Latest command per command byte, in the order first set.
        var settings: [RTLTCPCommand] = []
    }
    private let state: Locked<State>

    public var endpoint: String { "\(host):\(port)" }
    /// The header of the current connection.
    public var header: RTLTCPHeader { state.withLock { $0.header } }
    /// Bytes delivered by `read` so far.
    public var bytesReceived: Int { state.withLock { $0.bytesReceived } }
    /// Every reconnection so far.
    public var gaps: [Gap] { state.withLock { $0.gaps } }
    public var reconnections: Int { state.withLock { $0.gaps.count } }

    /// Connects and reads the header, then sends `commands` (e.g. frequency, rate, gain) in order.
    public init(
        host: String, port: UInt16, commands: [RTLTCPCommand] = [], connectTimeout: Duration = .seconds(5),
        idleTimeout: Duration = .seconds(10), reconnect: ReconnectPolicy? = nil,
        onGap: (@Sendable (Gap) -> Void)? = nil
    ) throws(RTLTCPError) {
        self.host = host
        self.port = port
        self.connectTimeout = connectTimeout
        self.idleTimeout = idleTimeout
        self.reconnect = reconnect
        self.onGap = onGap
        let (fd, header) = try Self.open(host: host, port: port, timeout: connectTimeout)
        state = Locked(State(fd: fd, header: header))
        for c in commands { try send(c) }
    }

    public convenience init(
        endpoint: String, commands: [RTLTCPCommand] = [], connectTimeout: Duration = .seconds(5),
        idleTimeout: Duration = .seconds(10), reconnect: ReconnectPolicy? = nil,
        onGap: (@Sendable (Gap) -> Void)? = nil
    ) throws(RTLTCPError) {
        let (h, p) = try parseRTLTCPEndpoint(endpoint)
        try self.init(host: h, port: p, commands: commands, connectTimeout: connectTimeout, idleTimeout: idleTimeout,
                      reconnect: reconnect, onGap: onGap)
    }

    deinit {
        let fd = state.withLock { $0.fd }
        if fd >= 0 { _ = modemSysClose(fd) }
    }

    /// Ends the stream: a `read` in progress or later returns 0; `send` throws `.closed`.
    public func close() {
        state.withLock { s in
            s.closed = true
            if s.fd >= 0 {
                // The reading thread may be in poll() on it: wake it; the socket is closed by `read` or deinit.
                _ = shutdown(s.fd, Int32(SHUT_RDWR))
            }
        }
    }

    /// Sends a command now (if connected) and remembers it for reconnections. A send that fails on a
    /// dying connection is not an error: the reader notices the loss and the command is sent again.
    public func send(_ command: RTLTCPCommand) throws(RTLTCPError) {
        try state.withLock { s throws(RTLTCPError) in
            if s.closed { throw .closed(endpoint: endpoint) }
            if let i = s.settings.firstIndex(where: { $0.code == command.code }) {
                s.settings[i] = command
            } else {
                s.settings.append(command)
            }
            if s.fd >= 0 { _ = rtlSendAll(s.fd, command.bytes, deadline: .now + .seconds(1)) }
        }
    }

    /// Connects (bounded by `timeout`) and reads and validates the header.
    static func open(host: String, port: UInt16, timeout: Duration) throws(RTLTCPError) -> (Int32, RTLTCPHeader) {
        let endpoint = "\(host):\(port)"
        let fd: Int32
        do {
            fd = try KISSTCPClient.connect(host: host, port: port, timeout: timeout)
        } catch {
            // KISSTCPError's text starts with "KISS TCP host:port: "; keep only the reason.
            var reason = error.description
            if let r = reason.range(of: "\(endpoint): ") { reason = String(reason[r.upperBound...]) }
            throw .connectFailed(endpoint: endpoint, reason: reason)
        }
        var got: [UInt8] = []
        let deadline = ContinuousClock.now + timeout
        var buffer = [UInt8](repeating: 0, count: RTLTCPHeader.size)
        while got.count < RTLTCPHeader.size {
            let ms = milliseconds(ContinuousClock.now.duration(to: deadline))
            if ms <= 0 {
                _ = modemSysClose(fd)
                throw .incompleteHeader(endpoint: endpoint, bytes: got, reason: "no header within \(timeout)")
            }
            var pfd = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            let r = poll(&pfd, 1, Int32(clamping: ms))
            if r < 0 && errno == EINTR { continue }
            if r <= 0 { continue }
            let want = RTLTCPHeader.size - got.count
            let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, want, 0) }
            if n > 0 {
                got += buffer[0..<n]
                // Say what is wrong as soon as the magic is wrong.
                let k = min(got.count, 4)
                if Array(got[0..<k]) != Array(RTLTCPHeader.magic[0..<k]) {
                    // Collect what else is already there (up to 12 bytes) for the message.
                    let more = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, RTLTCPHeader.size - got.count, Int32(MSG_DONTWAIT)) }
                    if more > 0 { got += buffer[0..<more] }
                    _ = modemSysClose(fd)
                    throw .badHeader(endpoint: endpoint, bytes: got)
                }
                continue
            }
            let e = errno
            if n < 0 && (e == EINTR || e == EAGAIN || e == EWOULDBLOCK) { continue }
            _ = modemSysClose(fd)
            throw .incompleteHeader(endpoint: endpoint, bytes: got, reason: n == 0 ? "server closed the connection" : errnoText(e))
        }
        guard let header = RTLTCPHeader(bytes: got) else {
            _ = modemSysClose(fd)
            throw .badHeader(endpoint: endpoint, bytes: got)
        }
        return (fd, header)
    }

    // MARK: SampleSource

    public func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        guard let base = buffer.baseAddress, buffer.count > 0 else { return 0 }
        var lastData = ContinuousClock.now
        while true {
            let (fd, closed, pad) = state.withLock { s -> (Int32, Bool, Bool) in
                if s.closed && s.fd >= 0 {
                    _ = modemSysClose(s.fd)
                    s.fd = -1
                }
                let pad = s.padPending
                if pad && !s.closed {
                    s.padPending = false
                    s.bytesReceived += 1
                }
                return (s.fd, s.closed, pad)
            }
            if closed { return 0 }
            if pad {
                base.storeBytes(of: 127, as: UInt8.self)
                return 1
            }
            if fd < 0 {
                try reconnectAfterLoss(reason: "not connected")
                lastData = .now
                continue
            }
            var pfd = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            let r = poll(&pfd, 1, 100)
            if r < 0 {
                let e = errno
                if e == EINTR { continue }
                throw RTLTCPError.system(endpoint: endpoint, operation: "poll", errno: e)
            }
            if r == 0 {
                if ContinuousClock.now - lastData > idleTimeout {
                    if try lost(fd, reason: "no data for \(idleTimeout)", orderly: false) { return 0 }
                    lastData = .now
                }
                continue
            }
            let n = recv(fd, base, buffer.count, Int32(MSG_DONTWAIT))
            if n > 0 {
                state.withLock { s in
                    s.bytesReceived += n
                    s.sessionBytes += n
                }
                return n
            }
            let e = errno
            if n < 0 && (e == EINTR || e == EAGAIN || e == EWOULDBLOCK) { continue }
            if state.withLock({ $0.closed }) { continue }  // close() shut the socket down
            let reason = n == 0 ? "server closed the connection" : errnoText(e)
            if try lost(fd, reason: reason, orderly: n == 0) { return 0 }
            lastData = .now
        }
    }

    /// Drops the socket after a loss. Returns true when the stream ends cleanly (no reconnection and an
    /// orderly close); throws when there is no reconnection and the loss was an error; otherwise
    /// reconnects (or throws after the policy's attempts) and returns false.
    private func lost(_ fd: Int32, reason: String, orderly: Bool) throws(RTLTCPError) -> Bool {
        state.withLock { s in
            if s.fd == fd {
                _ = modemSysClose(fd)
                s.fd = -1
            }
        }
        guard reconnect != nil else {
            if orderly { return true }
            throw .connectionLost(endpoint: endpoint, reason: reason, attempts: 0)
        }
        try reconnectAfterLoss(reason: reason)
        return false
    }

    private func reconnectAfterLoss(reason: String) throws(RTLTCPError) {
        guard let policy = reconnect else { throw .connectionLost(endpoint: endpoint, reason: reason, attempts: 0) }
        let start = ContinuousClock.now
        var lastError = reason
        var attempt = 0
        while attempt < policy.maximumAttempts {
            attempt += 1
            if rtlSleep(policy.delay, stop: { state.withLock { $0.closed } }) { return }
            do {
                let (fd, header) = try Self.open(host: host, port: port, timeout: connectTimeout)
                let gap = state.withLock { s -> Gap? in
                    if s.closed {
                        _ = modemSysClose(fd)
                        return nil
                    }
                    s.fd = fd
                    s.header = header
                    if s.sessionBytes % 2 != 0 { s.padPending = true }
                    s.sessionBytes = 0
                    for c in s.settings { _ = rtlSendAll(fd, c.bytes, deadline: .now + .seconds(1)) }
                    let g = Gap(streamOffset: s.bytesReceived, duration: .now - start, attempts: attempt, reason: reason)
                    s.gaps.append(g)
                    return g
                }
                if let gap { onGap?(gap) }
                return
            } catch {
                lastError = error.description
            }
        }
        throw .connectionLost(endpoint: endpoint, reason: "\(reason); last attempt: \(lastError)", attempts: attempt)
    }
}
