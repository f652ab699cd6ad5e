import Foundation
import GroundStation
import Testing
import TestSupport

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Every test that starts Hamlib daemons runs inside this suite, one at a time (they block threads
/// and the tracking test runs in real time). Skipped when the daemons are not installed.
@Suite(.serialized, .enabled(if: HamlibDaemon.available, Comment(rawValue: HamlibDaemon.skipMessage)))
enum HamlibDaemonTests {}

/// A Hamlib dummy daemon (`rotctld -m 1` / `rigctld -m 1`) on a free loopback port, started by a test.
/// Output goes to /dev/null; `stop()` kills it with SIGKILL (children of Swift Testing inherit a blocked
/// signal mask, so SIGTERM would be ignored) and reaps it.
final class HamlibDaemon: @unchecked Sendable {
    // @unchecked: `child` changes only in init and stop(), which the owning test calls on one thread.
    let tool: String
    let port: UInt16
    private var child: ChildProcess?

    var endpoint: HamlibEndpoint { HamlibEndpoint(host: "127.0.0.1", port: port) }

    /// The daemon binary, if installed.
    static func path(_ tool: String) -> String? {
        let dirs = (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":").map(String.init)
            + ["/usr/bin", "/usr/local/bin", "/opt/homebrew/bin"]
        return dirs.map { "\($0)/\(tool)" }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    static var available: Bool { path("rotctld") != nil && path("rigctld") != nil }
    static let skipMessage = "Hamlib daemons rotctld/rigctld not installed (Debian: apt-get install libhamlib-utils)"

    /// Starts `tool -m 1` on a free port (or on `port`), waiting until it accepts connections.
    init(_ tool: String, port: UInt16? = nil) throws {
        guard let path = Self.path(tool) else { throw Failure(message: Self.skipMessage) }
        self.tool = tool
        var lastError = "not started"
        for _ in 0..<5 {
            let p = try port ?? LoopbackPorts.free()
            let child = try ChildProcess([path, "-m", "1", "-t", String(p), "-T", "127.0.0.1"])
            if LoopbackPorts.waitUntilAccepting(p, child: child, timeout: .seconds(3)) {
                self.port = p
                self.child = child
                return
            }
            lastError = "\(tool) did not listen on port \(p)"
            child.kill()
            if port != nil { usleep(300_000) }
        }
        throw Failure(message: lastError)
    }

    /// Kills the daemon (idempotent).
    func stop() {
        child?.kill()
        child = nil
    }

    deinit { stop() }

    /// Starts the same tool again on the same port.
    func restarted() throws -> HamlibDaemon { try HamlibDaemon(tool, port: port) }

    static func loopback(_ port: UInt16) -> sockaddr_in { LoopbackPorts.address(port) }
    static func freePort() throws -> UInt16 { try LoopbackPorts.free() }

    /// A listening socket that never answers (for timeouts); close it with `close(fd)`.
    static func silentListener() throws -> (fd: Int32, port: UInt16) {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw Failure(message: "socket failed") }
        var addr = loopback(0)
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        let ok = withUnsafeMutablePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, len) == 0 && listen(fd, 4) == 0 && getsockname(fd, $0, &len) == 0
            }
        }
        guard ok else {
            close(fd)
            throw Failure(message: "listen failed")
        }
        return (fd, UInt16(bigEndian: addr.sin_port))
    }

    struct Failure: Error, CustomStringConvertible {
        let message: String
        var description: String { message }
    }
}

/// Polls the rotator until it reports `azimuth`, `elevation` (within `tolerance`), up to `seconds`.
func waitForRotator(
    _ rotator: RotatorClient, azimuth: Double, elevation: Double, tolerance: Double = 0.05, seconds: Double = 90
) throws -> (azimuth: Double, elevation: Double) {
    let deadline = Date().addingTimeInterval(seconds)
    var p = try rotator.position()
    while abs(p.azimuth - azimuth) > tolerance || abs(p.elevation - elevation) > tolerance {
        if Date() > deadline { break }
        usleep(100_000)
        p = try rotator.position()
    }
    return p
}
