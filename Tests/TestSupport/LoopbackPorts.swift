import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// TCP ports on the test machine for servers the tests start (ours and real peers).
public enum LoopbackPorts {
    /// A loopback port the kernel handed out a moment ago (bind to port 0).
    public static func free() throws -> UInt16 {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw ChildProcess.Failure("socket: \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        var addr = address(0)
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let ok = withUnsafeMutablePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0 }
        }
        guard ok else { throw ChildProcess.Failure("bind to a free loopback port: \(String(cString: strerror(errno)))") }
        return UInt16(bigEndian: addr.sin_port)
    }

    /// A free port in 20000-45000 on every interface. direwolf 1.6 rejects KISS ports above 49151 (and then
    /// silently uses 8001), so not an ephemeral one.
    public static func freeBelowEphemeral() throws -> UInt16 {
        for _ in 0..<100 {
            let port = UInt16.random(in: 20000...45000)
            let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            guard fd >= 0 else { continue }
            defer { close(fd) }
            var addr = address(port)
            addr.sin_addr.s_addr = 0  // INADDR_ANY, as direwolf binds
            let ok = withUnsafePointer(to: &addr) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
            }
            if ok { return port }
        }
        throw ChildProcess.Failure("no free TCP port in 20000-45000")
    }

    /// Whether something accepts connections on 127.0.0.1:`port`.
    public static func accepts(_ port: UInt16) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var addr = address(port)
        return withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
        }
    }

    /// Waits until 127.0.0.1:`port` accepts connections; false on timeout or when `child` ends first.
    public static func waitUntilAccepting(_ port: UInt16, child: ChildProcess? = nil, timeout: Duration = .seconds(10)) -> Bool {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if accepts(port) { return true }
            if let child, !child.isRunning { return false }
            usleep(20_000)
        }
        return false
    }

    public static func address(_ port: UInt16) -> sockaddr_in {
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = port.bigEndian
        addr.sin_addr.s_addr = UInt32(0x7F00_0001).bigEndian
        return addr
    }
}
