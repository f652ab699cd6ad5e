#if canImport(Glibc)
import TelemetryDecode
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Dispatch
import Foundation

/// An rtl_tcp server for a byte source (a cu8 recording): any rtl_tcp client (SDR++, gqrx, GNU Radio,
/// `RTLTCPClient`) connects, gets the 12-byte header and then the IQ bytes, looped or once, paced at
/// the sample rate or as fast as the client takes them. Commands are parsed and reported: a recording
/// cannot retune, so frequency and gain commands are acknowledged in the log; a sample-rate command
/// changes the pacing. Each client gets its own reader of the source (from `makeSource`), its own
/// thread, and is dropped cleanly when it disconnects; clients beyond `maximumClients` are refused.
///
/// POSIX sockets, poll() with at most 100 ms waits (so `stop()` is prompt), `MSG_NOSIGNAL` sends.
/// The threads keep the server alive: call `stop()` when done.
public final class RTLTCPServer: @unchecked Sendable {
    // @unchecked: mutable state is in `state` (a Locked); the threads only share that.

    public enum Pacing: Sendable, Hashable {
        /// Bytes go out at the sample rate (as a dongle would deliver them).
        case realtime
        /// As fast as the client reads.
        case asFastAsPossible
    }

    public struct Configuration: Sendable {
        /// Address to listen on, e.g. "127.0.0.1"; port 0 picks a free one (see `port`).
        public var host: String
        public var port: UInt16
        public var header: RTLTCPHeader
        /// Sample rate of the source (Hz), for pacing until a client sets another.
        public var sampleRate: Double
        /// Bytes per sample of the source (2 for cu8).
        public var bytesPerSample: Int
        public var pacing: Pacing
        /// Start again from the beginning at the end of the source; otherwise close the connection.
        public var loop: Bool
        /// Clients served at once; more are accepted and closed at once.
        public var maximumClients: Int
        /// Bytes per send.
        public var chunkSize: Int
        /// A client that takes nothing for this long is dropped.
        public var sendTimeout: Duration

        public init(
            host: String = "127.0.0.1", port: UInt16 = 0, header: RTLTCPHeader = .r820t, sampleRate: Double,
            bytesPerSample: Int = 2, pacing: Pacing = .asFastAsPossible, loop: Bool = false, maximumClients: Int = 1,
            chunkSize: Int = 16_384, sendTimeout: Duration = .seconds(10)
        ) {
            self.host = host
            self.port = port
            self.header = header
            self.sampleRate = sampleRate
            self.bytesPerSample = bytesPerSample
            self.pacing = pacing
            self.loop = loop
            self.maximumClients = maximumClients
            self.chunkSize = chunkSize
            self.sendTimeout = sendTimeout
        }
    }

    public enum Event: Sendable, CustomStringConvertible {
        case clientConnected(client: Int, peer: String)
        /// A command from a client and what the server did with it.
        case command(client: Int, RTLTCPCommand, action: String)
        case clientDisconnected(client: Int, bytesSent: Int, reason: String)
        case clientRefused(peer: String, reason: String)
        /// The source started again from the beginning (`loop`).
        case looped(client: Int)
        case error(client: Int?, String)

        public var description: String {
            switch self {
            case .clientConnected(let c, let p): "client \(c) connected from \(p)"
            case .command(let c, let cmd, let a): "client \(c): \(cmd): \(a)"
            case .clientDisconnected(let c, let n, let r): "client \(c) disconnected after \(n) bytes: \(r)"
            case .clientRefused(let p, let r): "refused client from \(p): \(r)"
            case .looped(let c): "client \(c): end of recording, starting again"
            case .error(let c, let m): (c.map { "client \($0): " } ?? "") + m
            }
        }
    }

    public let configuration: Configuration
    /// The port actually listened on.
    public let port: UInt16
    public var endpoint: String { "\(configuration.host):\(port)" }

    private let makeSource: @Sendable () throws -> any SampleSource
    private let onEvent: (@Sendable (Event) -> Void)?
    private let listenFD: Int32
    private let threads = DispatchGroup()

    private struct State {
        var stopping = false
        var nextClient = 1
        var active: Set<Int> = []
        var totalBytesSent = 0
        var commands: [(client: Int, command: RTLTCPCommand)] = []
    }
    private let state = Locked(State())

    /// Clients connected now.
    public var activeClients: Int { state.withLock { $0.active.count } }
    /// Bytes of IQ sent to all clients so far.
    public var bytesSent: Int { state.withLock { $0.totalBytesSent } }
    /// Every command received, in order.
    public var receivedCommands: [(client: Int, command: RTLTCPCommand)] { state.withLock { $0.commands } }

    /// Binds, listens and starts accepting. `makeSource` is called for every client (and again at the
    /// end of the source when looping) and must return a fresh reader from the start.
    public init(
        configuration: Configuration, onEvent: (@Sendable (Event) -> Void)? = nil,
        makeSource: @escaping @Sendable () throws -> any SampleSource
    ) throws(RTLTCPError) {
        guard configuration.sampleRate > 0, configuration.sampleRate.isFinite, configuration.bytesPerSample > 0,
              configuration.chunkSize > 0, configuration.maximumClients > 0
        else {
            throw .listenFailed(endpoint: "\(configuration.host):\(configuration.port)", operation: "configuration", errno: EINVAL)
        }
        self.configuration = configuration
        self.makeSource = makeSource
        self.onEvent = onEvent
        (listenFD, port) = try Self.listenSocket(host: configuration.host, port: configuration.port)
        threads.enter()
        let acceptor = Thread { [self] in
            acceptLoop()
            threads.leave()
        }
        acceptor.name = "gsd-rtltcp-accept"
        acceptor.start()
    }

    /// A server for a recording opened with `SampleFileSource.open` (re-opened per client and per loop).
    public convenience init(
        recording path: String, format: SampleFormat? = nil, rate: Double? = nil, iq: Bool = false,
        configuration: Configuration? = nil, onEvent: (@Sendable (Event) -> Void)? = nil
    ) throws {
        let probe = try SampleFileSource.open(path: path, format: format, rate: rate, iq: iq)
        var c = configuration ?? Configuration(sampleRate: probe.sampleRate)
        c.sampleRate = probe.sampleRate
        c.bytesPerSample = probe.format.bytesPerSample
        try self.init(configuration: c, onEvent: onEvent) {
            SampleFileByteSource(try SampleFileSource.open(path: path, format: format, rate: rate, iq: iq))
        }
    }

    deinit {
        stop(timeout: .seconds(5))
        _ = modemSysClose(listenFD)
    }

    /// Stops accepting, disconnects every client and waits (at most `timeout`) for the threads; true if
    /// they all ended.
    @discardableResult
    public func stop(timeout: Duration = .seconds(5)) -> Bool {
        let first = state.withLock { s -> Bool in
            defer { s.stopping = true }
            return !s.stopping
        }
        if first { _ = shutdown(listenFD, Int32(SHUT_RDWR)) }
        let ms = milliseconds(timeout)
        return threads.wait(timeout: .now() + .milliseconds(ms)) == .success
    }

    private var stopping: Bool { state.withLock { $0.stopping } }

    private func emit(_ e: Event) { onEvent?(e) }

    // MARK: listening

    static func listenSocket(host: String, port: UInt16) throws(RTLTCPError) -> (Int32, UInt16) {
        let endpoint = "\(host):\(port)"
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV
        var list: UnsafeMutablePointer<addrinfo>? = nil
        let rc = getaddrinfo(host, String(port), &hints, &list)
        guard rc == 0, let ai = list else {
            throw .listenFailed(endpoint: endpoint, operation: "resolve (\(gai_strerror(rc).map { String(cString: $0) } ?? "\(rc)"))", errno: 0)
        }
        defer { freeaddrinfo(list) }
        let fd = socket(ai.pointee.ai_family, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        if fd < 0 { throw .listenFailed(endpoint: endpoint, operation: "socket", errno: errno) }
        var one: Int32 = 1
        _ = setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        if rtlBind(fd, ai.pointee.ai_addr, ai.pointee.ai_addrlen) != 0 {
            let e = errno
            _ = modemSysClose(fd)
            throw .listenFailed(endpoint: endpoint, operation: "bind", errno: e)
        }
        if rtlListen(fd, 8) != 0 {
            let e = errno
            _ = modemSysClose(fd)
            throw .listenFailed(endpoint: endpoint, operation: "listen", errno: e)
        }
        _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
        var storage = sockaddr_storage()
        var len = socklen_t(MemoryLayout<sockaddr_storage>.size)
        let actual = withUnsafeMutablePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { sa -> UInt16 in
                guard getsockname(fd, sa, &len) == 0 else { return port }
                return Self.port(of: sa)
            }
        }
        return (fd, actual)
    }

    static func port(of sa: UnsafePointer<sockaddr>) -> UInt16 {
        switch Int32(sa.pointee.sa_family) {
        case AF_INET:
            return sa.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { UInt16(bigEndian: $0.pointee.sin_port) }
        case AF_INET6:
            return sa.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { UInt16(bigEndian: $0.pointee.sin6_port) }
        default:
            return 0
        }
    }

    static func describe(_ sa: UnsafePointer<sockaddr>, _ len: socklen_t) -> String {
        var host = [CChar](repeating: 0, count: Int(NI_MAXHOST))
        guard getnameinfo(sa, len, &host, socklen_t(host.count), nil, 0, NI_NUMERICHOST) == 0 else { return "?" }
        let h = String(decoding: host.prefix(while: { $0 != 0 }).map { UInt8(bitPattern: $0) }, as: UTF8.self)
        return "\(h):\(port(of: sa))"
    }

    private func acceptLoop() {
        while !stopping {
            var pfd = pollfd(fd: listenFD, events: Int16(POLLIN), revents: 0)
            let r = poll(&pfd, 1, 100)
            if r <= 0 { continue }
            var storage = sockaddr_storage()
            var len = socklen_t(MemoryLayout<sockaddr_storage>.size)
            let (fd, peer) = withUnsafeMutablePointer(to: &storage) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { sa -> (Int32, String) in
                    let fd = rtlAccept(listenFD, sa, &len)
                    return (fd, fd >= 0 ? Self.describe(sa, len) : "")
                }
            }
            if fd < 0 { continue }  // EAGAIN (another wakeup), EINTR, or shut down
            _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
            _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
            var one: Int32 = 1
            _ = setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
            let id = state.withLock { s -> Int? in
                guard !s.stopping, s.active.count < configuration.maximumClients else { return nil }
                let id = s.nextClient
                s.nextClient += 1
                s.active.insert(id)
                return id
            }
            guard let id else {
                _ = modemSysClose(fd)
                emit(.clientRefused(peer: peer, reason: "\(configuration.maximumClients) client(s) already connected"))
                continue
            }
            emit(.clientConnected(client: id, peer: peer))
            threads.enter()
            let t = Thread { [self] in
                let (sent, reason) = serve(fd: fd, client: id)
                state.withLock { _ = $0.active.remove(id) }
                emit(.clientDisconnected(client: id, bytesSent: sent, reason: reason))
                threads.leave()
            }
            t.name = "gsd-rtltcp-client-\(id)"
            t.start()
        }
    }

    // MARK: one client

    /// Ends a client's connection with a FIN rather than a reset: closing a socket whose receive buffer
    /// holds unread bytes (a command the client sent as the recording ended) makes the kernel send RST,
    /// and the client may then lose the last IQ bytes and see "connection reset" instead of the end.
    /// So: stop sending, read what the client still sends (up to a second) and hand it to `received`,
    /// then close.
    static func closeGracefully(_ fd: Int32, received: (ArraySlice<UInt8>) -> Void = { _ in }) {
        _ = shutdown(fd, Int32(SHUT_WR))
        var scratch = [UInt8](repeating: 0, count: 4096)
        let deadline = ContinuousClock.now + .seconds(1)
        while ContinuousClock.now < deadline {
            var pfd = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            let r = poll(&pfd, 1, 100)
            if r < 0 && errno == EINTR { continue }
            if r <= 0 { break }  // nothing more within 100 ms, or an error
            let n = scratch.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, Int32(MSG_DONTWAIT)) }
            if n == 0 { break }  // the client closed too
            if n > 0 { received(scratch[0..<n]) }
            if n < 0 && errno != EINTR && errno != EAGAIN && errno != EWOULDBLOCK { break }
        }
        _ = modemSysClose(fd)
    }

    /// Serves one client until it goes, the source ends (not looping), or the server stops, then closes
    /// the connection. Returns the IQ bytes sent and why it ended.
    private func serve(fd: Int32, client: Int) -> (Int, String) {
        let c = configuration
        var rate = c.sampleRate
        var paceStart = ContinuousClock.now
        var pacedBytes = 0  // sent since paceStart
        var parser = RTLTCPCommandParser()
        func receive(_ bytes: ArraySlice<UInt8>) {
            for cmd in parser.feed(bytes) {
                let action = apply(cmd, rate: &rate)
                if cmd.kind == .sampleRate {
                    paceStart = .now
                    pacedBytes = 0
                }
                state.withLock { $0.commands.append((client, cmd)) }
                emit(.command(client: client, cmd, action: action))
            }
        }
        // Commands that arrive as the connection closes are still acknowledged: with fast pacing a short
        // recording can be sent whole before a loaded client's first command comes in.
        defer { Self.closeGracefully(fd, received: receive) }
        if let e = rtlSendAll(fd, c.header.bytes, deadline: .now + c.sendTimeout) {
            return (0, "sending the header failed: \(errnoText(e))")
        }
        var source: any SampleSource
        do {
            source = try makeSource()
        } catch {
            emit(.error(client: client, "cannot open the source: \(error)"))
            return (0, "cannot open the source")
        }
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: c.chunkSize, alignment: 16)
        defer { buffer.deallocate() }
        guard let bufferBase = buffer.baseAddress else { return (0, "no buffer") }
        var start = 0, end = 0  // pending bytes in `buffer`
        var ended = false
        var sent = 0
        var lastProgress = ContinuousClock.now
        var inbox = [UInt8](repeating: 0, count: 512)

        while true {
            if stopping { return (sent, "server stopping") }
            if start == end && !ended {
                do {
                    var n = try source.read(into: buffer)
                    if n <= 0 && c.loop {
                        source = try makeSource()
                        emit(.looped(client: client))
                        n = try source.read(into: buffer)
                    }
                    if n <= 0 {
                        ended = true
                    } else {
                        start = 0
                        end = n
                    }
                } catch {
                    emit(.error(client: client, "reading the source failed: \(error)"))
                    return (sent, "source error")
                }
            }
            if ended && start == end { return (sent, "end of recording") }

            // How much may go out now.
            var allowed = end - start
            var waitMs = 100
            if c.pacing == .realtime {
                let bytesPerSecond = rate * Double(c.bytesPerSample)
                let elapsed = ContinuousClock.now - paceStart
                let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
                let due = Int(seconds * bytesPerSecond) - pacedBytes
                let step = min(end - start, 4096)
                if due < step {
                    allowed = 0
                    let wait = Double(step - due) / bytesPerSecond
                    waitMs = max(1, min(100, Int((wait * 1000).rounded(.up))))
                } else {
                    allowed = min(allowed, due)
                }
            }
            var pfd = pollfd(fd: fd, events: Int16(POLLIN) | (allowed > 0 ? Int16(POLLOUT) : 0), revents: 0)
            let r = poll(&pfd, 1, Int32(waitMs))
            if r < 0 {
                if errno == EINTR { continue }
                return (sent, "poll failed: \(errnoText(errno))")
            }
            if r == 0 {
                if allowed > 0 && ContinuousClock.now - lastProgress > c.sendTimeout {
                    return (sent, "client took nothing for \(c.sendTimeout)")
                }
                continue
            }
            if pfd.revents & Int16(POLLIN | POLLHUP | POLLERR) != 0 {
                let n = inbox.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, Int32(MSG_DONTWAIT)) }
                if n == 0 { return (sent, "client closed the connection") }
                if n < 0 {
                    let e = errno
                    if e != EINTR && e != EAGAIN && e != EWOULDBLOCK { return (sent, "client connection failed: \(errnoText(e))") }
                } else {
                    receive(inbox[0..<n])
                }
            }
            if allowed > 0 && pfd.revents & Int16(POLLOUT) != 0 {
                let n = send(fd, bufferBase + start, allowed, Int32(MSG_NOSIGNAL) | Int32(MSG_DONTWAIT))
                if n > 0 {
                    start += n
                    sent += n
                    pacedBytes += n
                    lastProgress = .now
                    state.withLock { $0.totalBytesSent += n }
                } else if n < 0 {
                    let e = errno
                    if e != EINTR && e != EAGAIN && e != EWOULDBLOCK {
                        return (sent, "client went away: \(errnoText(e))")
                    }
                }
            }
        }
    }

    /// What a recording does with a command; a sample rate changes the pacing.
    private func apply(_ cmd: RTLTCPCommand, rate: inout Double) -> String {
        switch cmd.kind {
        case .frequency:
            return "acknowledged; a recording cannot retune"
        case .sampleRate:
            guard cmd.value > 0 else { return "ignored (rate 0)" }
            rate = Double(cmd.value)
            let recorded = configuration.sampleRate
            if configuration.pacing == .realtime {
                return "pacing at \(cmd.value) Hz" + (rate == recorded ? "" : " (the recording is \(Int(recorded)) Hz; samples are not resampled)")
            }
            return "acknowledged (sending as fast as possible; the recording is \(Int(recorded)) Hz)"
        case nil:
            return "unknown command, ignored"
        default:
            return "acknowledged; no effect on a recording"
        }
    }
}

// File-scope wrappers: inside the server type these names are not shadowed by its members.
@inline(__always) private func rtlBind(_ fd: Int32, _ a: UnsafePointer<sockaddr>?, _ l: socklen_t) -> Int32 { bind(fd, a, l) }
@inline(__always) private func rtlListen(_ fd: Int32, _ backlog: Int32) -> Int32 { listen(fd, backlog) }
@inline(__always) private func rtlAccept(_ fd: Int32, _ a: UnsafeMutablePointer<sockaddr>?, _ l: UnsafeMutablePointer<socklen_t>?) -> Int32 {
    accept(fd, a, l)
}
