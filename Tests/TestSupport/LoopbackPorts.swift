import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// TCP ports on the test machine for servers the tests start (ours and real peers).
public enum LoopbackPorts {
    /// A free TCP port (bindable on every interface) for a server a test starts, never one handed out
    /// before in this process. Drawn from 20000 up to below the kernel's ephemeral range (and at most
    /// 45000: direwolf 1.6 rejects KISS ports above 49151 and then silently uses 8001): a port from the
    /// ephemeral range can be taken between our probe and the server's bind by any outgoing connection,
    /// which once made a throwaway PostgreSQL server fail with "Address already in use".
    public static func free() throws -> UInt16 {
        let upper = min(45000, ephemeralLowerBound() - 1)
        for _ in 0..<200 {
            let port = UInt16(Int.random(in: 20000...max(20001, upper)))
            guard claim(port) else { continue }
            if bindable(port) { return port }
        }
        throw ChildProcess.Failure("no free TCP port in 20000-\(upper)")
    }

    // NSLock, not Synchronization.Mutex: TSan cannot see the Mutex's futex and would report the set.
    private static let lock = NSLock()
    nonisolated(unsafe) private static var handedOut = Set<UInt16>()

    private static func claim(_ port: UInt16) -> Bool {
        lock.withLock { handedOut.insert(port).inserted }
    }

    private static func bindable(_ port: UInt16) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var addr = address(port)
        addr.sin_addr.s_addr = 0  // INADDR_ANY, as direwolf binds
        return withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
        }
    }

    /// The first port of /proc/sys/net/ipv4/ip_local_port_range (Linux's default 32768 when unreadable).
    private static func ephemeralLowerBound() -> Int {
        let text = (try? String(contentsOfFile: "/proc/sys/net/ipv4/ip_local_port_range", encoding: .utf8)) ?? ""
        return text.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" }).first.flatMap { Int($0) } ?? 32768
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
