import Foundation
import Hummingbird
import TelemetryDecode

/// A SiDS telemetry server on loopback (a real Hummingbird app) whose answer the test switches
/// between 500 and 200; it records every request's form fields and the status it gave.
final class SiDSTestServer: Sendable {
    struct Request: Sendable {
        var status: Int
        var fields: [String: String]
        var contentType: String?
    }

    let port: Int
    private let status = Locked(500)
    private let log = Locked<[Request]>([])
    private let task: Locked<Task<Void, any Error>?> = Locked(nil)

    init(port: Int) { self.port = port }

    func answer(_ code: Int) { status.withLock { $0 = code } }

    var requests: [Request] { log.withLock { $0 } }
    /// The frames (hex) of requests answered 200, in arrival order.
    var accepted: [String] { requests.filter { $0.status == 200 }.compactMap { $0.fields["frame"] } }

    /// Starts listening on `port`; returns once the socket is bound.
    func start() async throws {
        let router = Router()
        router.post("/api/telemetry/") { [self] request, _ -> Response in
            var request = request
            let body = try await request.collectBody(upTo: 1 << 20)
            let fields = Self.parseForm(String(buffer: body))
            let code = status.withLock { $0 }
            log.withLock { $0.append(Request(status: code, fields: fields, contentType: request.headers[.contentType])) }
            return Response(status: .init(code: code))
        }
        let (running, signal) = AsyncStream.makeStream(of: Void.self)
        let app = Application(
            router: router, configuration: .init(address: .hostname("127.0.0.1", port: port)),
            onServerRunning: { _ in signal.yield() })
        let runner = Task { try await app.run() }
        task.withLock { $0 = runner }
        for await _ in running { break }
    }

    func stop() async {
        let runner = task.withLock { t in
            defer { t = nil }
            return t
        }
        runner?.cancel()
        _ = await runner?.result
    }

    static func parseForm(_ text: String) -> [String: String] {
        var fields: [String: String] = [:]
        for pair in text.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard parts.count == 2 else { continue }
            let key = String(parts[0]).removingPercentEncoding ?? String(parts[0])
            fields[key] = String(parts[1]).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? String(parts[1])
        }
        return fields
    }
}
