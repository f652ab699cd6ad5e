import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A plain HTTP/1.1 client over a blocking socket with deadlines, for tests against our own servers.
/// Not URLSession: on Linux, cancelling a task that awaits URLSession's async API can deadlock the
/// concurrency runtime (seen: a whole test run stuck), and Swift Testing cancels tasks on time limits.
public enum LoopbackHTTP {
    public struct Response: Sendable {
        public var status: Int
        public var headers: [String: String]
        public var body: Data
    }

    /// GET `url` (http://127.0.0.1:PORT/...), reading until the server closes (Connection: close).
    public static func get(_ url: String, headers: [String: String] = [:], timeout: Int = 10) throws -> Response {
        guard let u = URL(string: url), u.scheme == "http", let host = u.host, let port = u.port.map(UInt16.init) else {
            throw ChildProcess.Failure("not an http://HOST:PORT URL: \(url)")
        }
        var target = u.path.isEmpty ? "/" : u.path
        if let q = u.query { target += "?" + q }
        let extra = headers.map { "\($0.key): \($0.value)\r\n" }.joined()
        let request = "GET \(target) HTTP/1.1\r\nHost: \(host):\(port)\r\nConnection: close\r\n\(extra)\r\n"
        let raw = try exchange(host: host, port: port, Array(request.utf8), timeout: timeout)
        return try parse(raw, url: url)
    }

    /// Sends `request` on a new connection and reads until the server closes or `timeout` seconds pass
    /// without data (or, with `statusLineOnly`, until the first line is in: streams never close).
    public static func exchange(
        host: String = "127.0.0.1", port: UInt16, _ request: [UInt8], timeout: Int, statusLineOnly: Bool = false
    ) throws -> [UInt8] {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw ChildProcess.Failure("socket: \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        var tv = timeval(tv_sec: timeout, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        var addr = LoopbackPorts.address(port)
        if host != "127.0.0.1" { inet_pton(AF_INET, host, &addr.sin_addr) }
        let connected = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
        }
        guard connected else { throw ChildProcess.Failure("cannot connect to \(host):\(port): \(String(cString: strerror(errno)))") }
        var sent = 0
        while sent < request.count {
            let n = request.withUnsafeBytes { send(fd, $0.baseAddress! + sent, $0.count - sent, Int32(MSG_NOSIGNAL)) }
            if n <= 0 { break }  // the server may stop reading a request it refused
            sent += n
        }
        var received: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while !(statusLineOnly && received.contains(10)) {
            let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n <= 0 { break }  // closed, reset, or no data within the timeout
            received += buffer[0..<n]
        }
        return received
    }

    /// Status line, headers and body (chunked transfer decoded) of one response.
    public static func parse(_ raw: [UInt8], url: String = "") throws -> Response {
        let separator: [UInt8] = [13, 10, 13, 10]
        guard let end = (0..<max(0, raw.count - 3)).first(where: { Array(raw[$0..<$0 + 4]) == separator }) else {
            throw ChildProcess.Failure("\(url): no complete HTTP response (\(raw.count) bytes)")
        }
        let head = String(decoding: raw[..<end], as: UTF8.self).components(separatedBy: "\r\n")
        let statusLine = head.first?.split(separator: " ") ?? []
        guard statusLine.count >= 2, statusLine[0].hasPrefix("HTTP/"), let status = Int(statusLine[1]) else {
            throw ChildProcess.Failure("\(url): not an HTTP status line: \(head.first ?? "")")
        }
        var headers: [String: String] = [:]
        for line in head.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        var body = Array(raw[(end + 4)...])
        if headers["transfer-encoding"]?.lowercased() == "chunked" { body = dechunk(body) }
        return Response(status: status, headers: headers, body: Data(body))
    }

    static func dechunk(_ bytes: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        var i = 0
        while i < bytes.count {
            guard let lineEnd = (i..<max(i, bytes.count - 1)).first(where: { bytes[$0] == 13 && bytes[$0 + 1] == 10 }) else { break }
            let sizeText = String(decoding: bytes[i..<lineEnd], as: UTF8.self).split(separator: ";").first ?? ""
            guard let size = Int(sizeText.trimmingCharacters(in: .whitespaces), radix: 16), size > 0 else { break }
            let start = lineEnd + 2
            out += bytes[start..<min(bytes.count, start + size)]
            i = start + size + 2
        }
        return out
    }
}
