import Foundation
import TestSupport

#if canImport(Glibc)
import Glibc
#endif

/// A `gsd run` child for end-to-end tests: output (stdout and stderr) appended to a file, always killed
/// in `deinit`.
final class DaemonProcess: Sendable {
    let child: ChildProcess
    let outputPath: String

    init(arguments: [String], outputPath: String, executable: String = GSDProcess.executable.path) throws {
        self.outputPath = outputPath
        child = try ChildProcess([executable] + arguments, stdout: .append(outputPath))
    }

    deinit { child.kill() }

    var pid: pid_t { child.pid }
    var output: String { (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? "" }

    /// The base URL from the daemon's "listening on" line.
    func waitForURL(timeout: Duration = .seconds(60)) async throws -> String {
        let deadline = ContinuousClock.now + timeout
        // The output is read before the clock: a test starved past the deadline still finds the line.
        while true {
            for line in output.split(separator: "\n") where line.hasPrefix("gsd: listening on ") {
                return String(line.dropFirst("gsd: listening on ".count).dropLast())  // without the final "/"
            }
            if poll() != nil { throw DaemonTestError("gsd run exited early:\n\(output)") }
            if ContinuousClock.now >= deadline { break }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw DaemonTestError("gsd run did not start listening within \(timeout):\n\(output)")
    }

    /// The exit status (128 + signal when killed by one) once the child has exited.
    @discardableResult
    func poll() -> Int32? { child.poll()?.status }

    func waitExit(timeout: Duration) async throws -> Int32? { await child.termination(within: timeout)?.status }

    func signal(_ sig: Int32) { child.signal(sig) }

    /// SIGKILL and reap (the only signal tests use to end a daemon abruptly).
    func kill(_ sig: Int32) {
        if sig == SIGKILL { child.kill() } else { child.signal(sig) }
    }
}

struct DaemonTestError: Error, CustomStringConvertible {
    let description: String
    init(_ d: String) { description = d }
}

/// Small JSON-over-HTTP client for the daemon's API.
enum DaemonHTTP {
    /// Not URLSession (see LoopbackHTTP): a blocking request with a 10 s deadline.
    static func get(_ url: String) async throws -> (Int, Data) {
        let r = try await Offload.run { try LoopbackHTTP.get(url) }
        return (r.status, r.body)
    }

    static func json(_ url: String) async throws -> [String: Any] {
        let (status, data) = try await get(url)
        guard status == 200, let o = try JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw DaemonTestError("\(url): HTTP \(status): \(String(decoding: data, as: UTF8.self))")
        }
        return o
    }

    /// Reads a Server-Sent Events stream until `count` `event: frame` data lines arrived or `timeout`.
    /// `lastEventID` resumes after that event; each frame's `id:` line is put under "_id".
    static func liveFrames(
        host: String, port: Int, count: Int, timeout: Duration, lastEventID: String? = nil
    ) async throws -> [[String: Any]] {
        let frames = try await Offload.run {
            try JSONSerialization.data(withJSONObject: try liveFramesBlocking(host: host, port: port, count: count, timeout: timeout, lastEventID: lastEventID))
        }
        return try JSONSerialization.jsonObject(with: frames) as? [[String: Any]] ?? []
    }

    private static func liveFramesBlocking(
        host: String, port: Int, count: Int, timeout: Duration, lastEventID: String?
    ) throws -> [[String: Any]] {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw DaemonTestError("socket failed") }
        defer { close(fd) }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = in_port_t(UInt16(port).bigEndian)
        inet_pton(AF_INET, host, &addr.sin_addr)
        let ok = withUnsafePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
        guard ok == 0 else { throw DaemonTestError("cannot connect to \(host):\(port)") }
        var tv = timeval(tv_sec: 1, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        let resume = lastEventID.map { "Last-Event-ID: \($0)\r\n" } ?? ""
        let request = Array("GET /api/live HTTP/1.1\r\nHost: \(host)\r\nAccept: text/event-stream\r\n\(resume)\r\n".utf8)
        _ = request.withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
        var text = ""
        var frames: [[String: Any]] = []
        let deadline = ContinuousClock.now + timeout
        var buffer = [UInt8](repeating: 0, count: 4096)
        while frames.count < count && ContinuousClock.now < deadline {
            let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n == 0 { break }
            if n < 0 { continue }  // timeout tick
            text += String(decoding: buffer[0..<n], as: UTF8.self)
            var id: String?
            frames = []
            // By scalars: a Character split would keep a chunk header's "\r\n" glued to the line after it.
            for line in text.unicodeScalars.split(separator: "\n").map(String.init) {
                if line.hasPrefix("id: ") { id = String(line.dropFirst(4)) }
                guard line.hasPrefix("data: "),
                      var frame = try? JSONSerialization.jsonObject(with: Data(line.dropFirst(6).utf8)) as? [String: Any]
                else { continue }
                frame["_id"] = id
                frames.append(frame)
            }
        }
        return frames
    }

    static func items(_ url: String) async throws -> [[String: Any]] {
        try await json(url)["items"] as? [[String: Any]] ?? []
    }
}
