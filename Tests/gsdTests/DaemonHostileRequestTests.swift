import Foundation
import TelemetryDecode
import Testing
import TestSupport

#if canImport(Glibc)
import Glibc
#endif

/// The running daemon against malformed and hostile HTTP: thousands of requests over raw sockets, built
/// from the routes of docs/openapi.yaml with hostile parameters, headers and bodies, plus broken HTTP.
/// No answer may be a 5xx, the daemon must not die, and it must still answer normally afterwards.
@Suite(.serialized, .timeLimit(.minutes(5))) struct DaemonHostileRequestTests {
    static let token = "a-hostile-test-token-long-enough"

    @Test func hostileRequestsNeverGet5xxOrKillTheDaemon() async throws {
        let scratch = try DaemonEndToEndTests.Scratch()
        let replays = scratch.file("replays")
        try FileManager.default.createDirectory(atPath: replays, withIntermediateDirectories: true)
        try "not audio".write(toFile: replays + "/notes.txt", atomically: true, encoding: .utf8)
        let config = try DaemonEndToEndTests.config(
            scratch, [("quetzal1.wav", 45598)], speed: 4,
            extra: "http: { tokens: [\(Self.token)] }\nreplay: { directory: \(replays) }")
        let daemon = try DaemonProcess(arguments: ["run", "--config", config, "--listen", "127.0.0.1:0"], outputPath: scratch.file("log"))
        defer { daemon.kill(SIGKILL) }
        let base = try await daemon.waitForURL()
        let port = try #require(UInt16(base.split(separator: ":").last ?? ""))

        var rng = SplitMix64(seed: 0x686F_7374_696C_65)
        var statuses: [Int: Int] = [:]
        var closedWithoutAnswer = 0
        var fiveHundreds: [String] = []
        let requests = (0..<3000).map { _ in HostileRequest.make(&rng, token: Self.token) } + HostileRequest.brokenHTTP
        for request in requests {
            // Broken HTTP may leave the server waiting for the rest of a request: a short wait, then on.
            switch RawHTTP.exchange(port: port, request.bytes, timeout: request.wellFormed ? 10 : 1) {
            case .status(let code):
                statuses[code, default: 0] += 1
                if code >= 500 { fiveHundreds.append("\(code) for \(request.label)") }
            case .closed:
                closedWithoutAnswer += 1
            }
            try #require(daemon.poll() == nil, "the daemon died on \(request.label):\n\(daemon.output.suffix(3000))")
        }
        let summary = statuses.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)" }.joined(separator: ", ")
        print("hostile requests: \(requests.count) sent; answers \(summary); closed without an answer \(closedWithoutAnswer)")
        #expect(fiveHundreds.isEmpty, "\(fiveHundreds.prefix(20))")
        // Most requests reach the router and are refused there with a 4xx; a few succeed.
        #expect(statuses.filter { (400..<500).contains($0.key) }.values.reduce(0, +) > requests.count / 2, "\(summary)")
        #expect((statuses[200] ?? 0) > 0, "\(summary)")

        // Still itself: status and the stored pass answer as usual.
        let status = try await DaemonHTTP.json(base + "/api/status")
        #expect(status["station"] as? String == "e2e")
        daemon.signal(SIGTERM)
        #expect(try await daemon.waitExit(timeout: .seconds(30)) == 0, "\(daemon.output.suffix(3000))")
    }
}

/// One request as bytes, with a short label for failure messages.
struct HostileRequest {
    var label: String
    var bytes: [UInt8]
    var wellFormed = true

    static let methods = ["GET", "GET", "GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS", "TRACE", "get", "BREW"]
    static let ids = ["1", "2", "0", "-1", "abc", "999999999999999999999999", "1e3", "%00", "%2e%2e", "1.5", "", "9223372036854775807", "2147483648"]
    static let parameters = ["limit", "offset", "norad", "since", "until", "station", "after", "id", "limit[]", "", "field", "field", "norad"]
    static let values = [
        "", "-1", "0", "1", "2147483648", "99999999999999999999", "nan", "inf", "-0", "1e308", "abc", "%00", "%ff%fe",
        "%27%3B%20DROP%20TABLE%20frames%3B--", "2026-13-45T99:99:99Z", "2026-11-25T00:00:00Z", "..%2F..%2Fetc%2Fpasswd",
        String(repeating: "9", count: 5000), "%E6%97%A5%E6%9C%AC", "1.5", "1.2", "0.0", "1.-1", "%0d%0aX-Injected:%201",
        "45598", "payload.EPS.bat_voltage", "payload..EPS", ".", "a.0.b", "__proto__.constructor", String(repeating: "a.", count: 3000),
    ]
    static let authorizations = [
        nil, "Bearer ", "Bearer wrong", "Basic YWRtaW46YWRtaW4=", "bearer TOKEN", "Bearer TOKEN", "Bearer TOKENx",
        "Bearer " + String(repeating: "A", count: 20000), "TOKEN",
    ]
    static let bodies: [String] = [
        "", "{}", "null", "[]", "{\"path\": \"notes.txt\", \"norad\": 45598}", "{\"path\": \"../../etc/passwd\", \"norad\": 45598}",
        "{\"path\": \"/etc/passwd\", \"norad\": 1}", "{\"path\": \"missing.wav\", \"norad\": 45598}", "{\"path\": 5, \"norad\": \"x\"}",
        "{\"path\": \"notes.txt\", \"norad\": 45598, \"format\": \"cu8\", \"rate\": -5}", "{\"path\": \"notes.txt\", \"norad\": 99999999999}",
        String(repeating: "[", count: 5000) + String(repeating: "]", count: 5000), "{\"path\": \"\\u0000\", \"norad\": 45598}",
        String(repeating: "x", count: 100_000), "not json at all",
    ]

    static func make(_ rng: inout SplitMix64, token: String) -> HostileRequest {
        func pick<T>(_ a: [T]) -> T { a[Int.random(in: 0..<a.count, using: &rng)] }
        let id = pick(ids)
        let paths = [
            "/", "/api/passes", "/api/passes/\(id)", "/api/passes/\(id)/frames", "/api/passes/\(id)/waterfall.png", "/api/frames",
            "/api/schedule", "/api/status", "/api/live", "/metrics", "/api/replays", "/api/replays", "/api/replays",
            "/api/../api/status", "//api//passes", "/api/passes/\(id)/../../status", "/%2e%2e/%2e%2e/etc/passwd",
            "/api/" + String(repeating: "a/", count: 2000), "/api/passes/\(id)/frames/extra", "/nonexistent",
            "/api/telemetry", "/api/telemetry", "/api/telemetry?norad=45598&field=payload.EPS.bat_voltage",
            "/api/telemetry/fields", "/api/telemetry/fields?norad=45598", "/api/telemetry/extra",
        ]
        var target = pick(paths)
        let count = Int.random(in: 0...3, using: &rng)
        if count > 0 {
            target += (target.contains("?") ? "&" : "?") + (0..<count).map { _ in "\(pick(parameters))=\(pick(values))" }.joined(separator: "&")
        }
        let method = target.hasPrefix("/api/replays") ? pick(["POST", "POST", "POST", "GET", "PUT"]) : pick(methods)
        var headers = ["Host: 127.0.0.1"]
        if let auth = pick(authorizations) { headers.append("Authorization: " + auth.replacingOccurrences(of: "TOKEN", with: token)) }
        if target.hasPrefix("/api/live") || Int.random(in: 0..<8, using: &rng) == 0 { headers.append("Last-Event-ID: " + pick(values)) }
        if Int.random(in: 0..<10, using: &rng) == 0 { headers.append("Accept: " + pick(["*/*", "text/event-stream", "\u{7f}\u{1}", ""])) }
        let body = method == "POST" || method == "PUT" || Int.random(in: 0..<10, using: &rng) == 0 ? pick(bodies) : ""
        if !body.isEmpty || method == "POST" {
            headers.append("Content-Type: " + pick(["application/json", "text/plain", "application/json; charset=utf-16", "multipart/form-data"]))
            headers.append("Content-Length: \(body.utf8.count)")
        }
        headers.append("Connection: close")
        let text = "\(method) \(target) HTTP/1.1\r\n" + headers.joined(separator: "\r\n") + "\r\n\r\n" + body
        return HostileRequest(label: "\(method) \(target.prefix(120))", bytes: Array(text.utf8))
    }

    /// HTTP that is not HTTP: the server may answer 4xx or close, never 5xx, never die.
    static let brokenHTTP: [HostileRequest] = {
        var r: [HostileRequest] = []
        func add(_ label: String, _ text: String) { r.append(HostileRequest(label: label, bytes: Array(text.utf8), wellFormed: false)) }
        add("no version", "GET /api/status\r\n\r\n")
        add("bare newline", "GET /api/status HTTP/1.1\n\n")
        add("header without colon", "GET /api/status HTTP/1.1\r\nHost 127.0.0.1\r\n\r\n")
        add("HTTP/9.9", "GET /api/status HTTP/9.9\r\nHost: x\r\n\r\n")
        add("huge header", "GET /api/status HTTP/1.1\r\nHost: x\r\nX-Big: " + String(repeating: "b", count: 200_000) + "\r\n\r\n")
        add("10000 headers", "GET /api/status HTTP/1.1\r\n" + (0..<10000).map { "X-\($0): y\r\n" }.joined() + "\r\n")
        add("bad chunked", "POST /api/replays HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nabc\r\n0\r\n\r\n")
        add("both lengths", "POST /api/replays HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n")
        add("negative length", "POST /api/replays HTTP/1.1\r\nHost: x\r\nContent-Length: -5\r\n\r\n")
        add("NUL in target", "GET /api/sta\u{0}tus HTTP/1.1\r\nHost: x\r\n\r\n")
        add("absolute URI", "GET http://evil.example/api/status HTTP/1.1\r\nHost: x\r\n\r\n")
        add("CONNECT", "CONNECT 127.0.0.1:22 HTTP/1.1\r\nHost: x\r\n\r\n")
        add("pipelined", "GET /api/status HTTP/1.1\r\nHost: x\r\n\r\nGET /api/passes?limit=-1 HTTP/1.1\r\nHost: x\r\n\r\n")
        var rng = SplitMix64(seed: 7)
        for i in 0..<40 {
            let bytes = (0..<Int.random(in: 1...2000, using: &rng)).map { _ in UInt8.random(in: 0...255, using: &rng) }
            r.append(HostileRequest(label: "random bytes #\(i)", bytes: bytes, wellFormed: false))
        }
        return r
    }()
}

/// One request on its own connection; the status of the first response line, or `.closed`.
enum RawHTTP {
    enum Outcome { case status(Int), closed }

    static func exchange(port: UInt16, _ request: [UInt8], timeout: Int) -> Outcome {
        guard let raw = try? LoopbackHTTP.exchange(port: port, request, timeout: timeout, statusLineOnly: true) else { return .closed }
        let line = String(decoding: raw.prefix { $0 != 0x0D && $0 != 0x0A }, as: UTF8.self).split(separator: " ")
        guard line.count >= 2, line[0].hasPrefix("HTTP/"), let code = Int(line[1]) else { return .closed }
        return .status(code)
    }
}
