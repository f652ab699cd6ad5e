import Foundation
import GroundStation
import TelemetryDecode

#if canImport(Glibc)
import Glibc
#endif

/// Bytes from memory as a `SampleSource` (what a test server serves).
struct MemoryByteSource: SampleSource {
    let data: [UInt8]
    var position = 0

    init(_ data: [UInt8]) { self.data = data }

    mutating func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        let n = min(buffer.count, data.count - position)
        guard n > 0, let dst = buffer.baseAddress else { return 0 }
        data.withUnsafeBytes { src in
            if let s = src.baseAddress { dst.copyMemory(from: s + position, byteCount: n) }
        }
        position += n
        return n
    }
}

/// A deterministic byte pattern that does not repeat with a short period.
func rtlTestPattern(_ count: Int, seed: UInt64 = 1) -> [UInt8] {
    var x = seed &* 0x9E37_79B9_7F4A_7C15 | 1
    return (0..<count).map { _ in
        x ^= x << 13
        x ^= x >> 7
        x ^= x << 17
        return UInt8(truncatingIfNeeded: x >> 24)
    }
}

/// Collects values from other threads.
final class Collector<T: Sendable>: Sendable {
    private let items = Locked<[T]>([])
    func add(_ t: T) { items.withLock { $0.append(t) } }
    var all: [T] { items.withLock { $0 } }
}

/// Polls `condition` every 10 ms until it holds or `timeout` passes.
func waitUntil(_ timeout: Duration = .seconds(5), _ condition: () -> Bool) -> Bool {
    let end = ContinuousClock.now + timeout
    while ContinuousClock.now < end {
        if condition() { return true }
        usleep(10_000)
    }
    return condition()
}

/// Reads from `client` until `count` bytes, the end of the stream, or `timeout`.
func readBytes(_ client: RTLTCPClient, count: Int, timeout: Duration = .seconds(10)) throws -> [UInt8] {
    var out: [UInt8] = []
    out.reserveCapacity(count)
    var buffer = [UInt8](repeating: 0, count: 65_536)
    let end = ContinuousClock.now + timeout
    while out.count < count && ContinuousClock.now < end {
        let want = min(buffer.count, count - out.count)
        let n = try buffer.withUnsafeMutableBytes { try client.read(into: UnsafeMutableRawBufferPointer(rebasing: $0[0..<want])) }
        if n == 0 { break }
        out += buffer[0..<n]
    }
    return out
}

/// A plain TCP socket for tests: a raw rtl_tcp client, or a fake server. Every wait is bounded.
final class RawSocket: Sendable {
    let fd: Int32

    init(fd: Int32) { self.fd = fd }

    deinit { _ = Glibc.close(fd) }

    /// Connects to 127.0.0.1:`port` (blocking, 2 s receive/send timeouts).
    static func connect(port: UInt16) throws -> RawSocket {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw RawSocketError("socket: \(errno)") }
        let s = RawSocket(fd: fd)
        s.setTimeouts()
        var addr = loopback(port)
        let r = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard r == 0 else { throw RawSocketError("connect to port \(port): errno \(errno)") }
        return s
    }

    /// A listening socket on a free loopback port.
    static func listen() throws -> (RawSocket, UInt16) {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw RawSocketError("socket: \(errno)") }
        let s = RawSocket(fd: fd)
        var addr = loopback(0)
        let r = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard r == 0, Glibc.listen(fd, 4) == 0 else { throw RawSocketError("bind/listen: \(errno)") }
        var bound = sockaddr_in()
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &bound) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &len) } }
        return (s, UInt16(bigEndian: bound.sin_port))
    }

    /// Accepts one connection within `timeout`.
    func accept(timeout: Duration = .seconds(5)) throws -> RawSocket {
        var pfd = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        guard poll(&pfd, 1, Int32(timeout.components.seconds * 1000)) == 1 else { throw RawSocketError("accept timed out") }
        let c = Glibc.accept(fd, nil, nil)
        guard c >= 0 else { throw RawSocketError("accept: \(errno)") }
        let s = RawSocket(fd: c)
        s.setTimeouts()
        return s
    }

    func setTimeouts() {
        var tv = timeval(tv_sec: 2, tv_usec: 0)
        _ = setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        _ = setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
    }

    func send(_ bytes: [UInt8]) throws {
        let n = bytes.withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
        guard n == bytes.count else { throw RawSocketError("send: \(n), errno \(errno)") }
    }

    /// Reads exactly `count` bytes, or fewer if the peer closes or 2 s pass without data.
    func receive(_ count: Int) -> [UInt8] {
        var out: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while out.count < count {
            let want = min(buffer.count, count - out.count)
            let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, want, 0) }
            if n <= 0 { break }
            out += buffer[0..<n]
        }
        return out
    }

    private static func loopback(_ port: UInt16) -> sockaddr_in {
        var a = sockaddr_in()
        a.sin_family = sa_family_t(AF_INET)
        a.sin_port = port.bigEndian
        a.sin_addr.s_addr = inet_addr("127.0.0.1")
        return a
    }
}

struct RawSocketError: Error, CustomStringConvertible {
    var description: String
    init(_ d: String) { description = d }
}
