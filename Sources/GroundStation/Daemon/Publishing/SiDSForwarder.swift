import TelemetryDecode
import Foundation
import Logging

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Forwards good frames to SiDS telemetry servers (SatNOGS DB and compatible), through a persistent
/// outbox so that an endpoint that is down loses nothing, across restarts too.
///
/// `enqueue` returns once the frame is in the outbox journal (fsync'd). `run()` delivers: one worker
/// per endpoint sends that endpoint's entries oldest first; an entry leaves the outbox only after a
/// 2xx answer. Failures (no connection, timeout, any non-2xx) back off exponentially per endpoint.
/// Delivery is at-least-once: a crash between the server's 2xx and the outbox recording it sends
/// that frame again after the restart (servers see a duplicate, never a gap).
///
///     let forwarder = try SiDSForwarder(directory: dataDir, configuration: .init(station: station, endpoints: [url]))
///     Task { await forwarder.run() }        // until cancelled
///     try await forwarder.enqueue(frame, norad: 42702)
public actor SiDSForwarder {
    public struct Configuration: Sendable {
        public var station: SiDSStation
        public var endpoints: [URL]
        /// First wait after a failure; doubles per consecutive failure up to `maximumBackoff`.
        public var initialBackoff: Duration
        public var maximumBackoff: Duration
        public var requestTimeout: TimeInterval

        public init(
            station: SiDSStation, endpoints: [URL], initialBackoff: Duration = .seconds(2),
            maximumBackoff: Duration = .seconds(300), requestTimeout: TimeInterval = 30
        ) {
            self.station = station
            self.endpoints = endpoints
            self.initialBackoff = initialBackoff
            self.maximumBackoff = maximumBackoff
            self.requestTimeout = requestTimeout
        }
    }

    /// What the daemon exports (e.g. as Prometheus gauges and counters).
    public struct Counters: Sendable, Equatable {
        /// Entries (frame x endpoint) waiting in the outbox.
        public var outboxDepth = 0
        /// Entries a server accepted (2xx) since start.
        public var delivered = 0
        /// Delivery attempts that failed since start (each retry counts).
        public var failed = 0
        /// The last failure, for status pages.
        public var lastError: String?
    }

    /// The journal's name inside the data directory.
    public static let journalName = "sids-outbox.jsonl"

    public let configuration: Configuration
    private let outbox: SiDSOutbox
    private let session: URLSession
    private let logger: Logger
    private let wakeups: [String: (stream: AsyncStream<Void>, continuation: AsyncStream<Void>.Continuation)]
    private let counterState: Locked<Counters>

    /// Opens (or creates) the outbox in `directory`; pending entries from a previous run are sent by `run()`.
    /// Entries for endpoints no longer configured stay in the journal until they are configured again.
    public init(directory: String, configuration: Configuration, logger: Logger = Logger(label: "gsd.publishing.sids")) throws {
        self.configuration = configuration
        self.logger = logger
        outbox = try SiDSOutbox(path: (directory as NSString).appendingPathComponent(Self.journalName))
        let sessionConfiguration = URLSessionConfiguration.ephemeral
        sessionConfiguration.timeoutIntervalForRequest = configuration.requestTimeout
        session = URLSession(configuration: sessionConfiguration)
        var wakeups: [String: (AsyncStream<Void>, AsyncStream<Void>.Continuation)] = [:]
        for endpoint in configuration.endpoints {
            wakeups[endpoint.absoluteString] = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
        }
        self.wakeups = wakeups
        let known = Set(configuration.endpoints.map(\.absoluteString))
        counterState = Locked(Counters(outboxDepth: outbox.pending.filter { known.contains($0.endpoint) }.count))
        if outbox.tornLinesDropped > 0 {
            logger.warning("SiDS outbox: dropped a torn last line (a write cut off by a crash, never acknowledged)")
        }
    }

    deinit {
        for wakeup in wakeups.values { wakeup.continuation.finish() }
        session.invalidateAndCancel()
    }

    /// A snapshot of the counters; cheap, callable from any thread.
    public nonisolated var counters: Counters { counterState.withLock { $0 } }

    /// Queues a frame for every endpoint; returns once it is durable in the outbox.
    public func enqueue(_ report: SiDSReport) throws {
        let endpoints = configuration.endpoints.map(\.absoluteString)
        guard !endpoints.isEmpty else { return }
        try outbox.add(report, endpoints: endpoints)
        counterState.withLock { $0.outboxDepth += endpoints.count }
        for endpoint in endpoints { wakeups[endpoint]?.continuation.yield() }
    }

    /// Queues a stored frame if its checks passed (only good frames are shared); true if queued.
    @discardableResult
    public func enqueue(_ frame: FrameRecord, norad: Int) throws -> Bool {
        guard frame.checksOK else { return false }
        try enqueue(SiDSReport(norad: norad, frame: frame))
        return true
    }

    /// Delivers until cancelled. Call once.
    public func run() async {
        await withTaskGroup(of: Void.self) { group in
            for endpoint in configuration.endpoints {
                group.addTask { await self.deliver(to: endpoint) }
            }
        }
    }

    private func deliver(to endpoint: URL) async {
        let key = endpoint.absoluteString
        var backoff = configuration.initialBackoff
        while !Task.isCancelled {
            guard let entry = outbox.next(for: key) else {
                guard let wakeup = wakeups[key] else { return }
                for await _ in wakeup.stream { break }
                continue
            }
            let body = entry.report.formBody(station: configuration.station)
            let outcome = await post(body, to: endpoint)
            if Task.isCancelled && outcome != nil { break }
            if let problem = outcome {
                counterState.withLock {
                    $0.failed += 1
                    $0.lastError = "\(key): \(problem)"
                }
                logger.info("SiDS delivery failed, will retry", metadata: ["endpoint": "\(key)", "error": "\(problem)", "retry_in": "\(backoff)"])
                try? await Task.sleep(for: backoff)
                backoff = min(backoff * 2, configuration.maximumBackoff)
                continue
            }
            backoff = configuration.initialBackoff
            do {
                try outbox.markDelivered(entry.id)
            } catch {
                // Delivered but not recorded: it may be sent again after a restart (at-least-once).
                logger.error("SiDS outbox could not record a delivery", metadata: ["error": "\(error)"])
                counterState.withLock { $0.lastError = "\(error)" }
            }
            counterState.withLock {
                $0.delivered += 1
                $0.outboxDepth -= 1
            }
        }
    }

    /// nil on a 2xx answer, else what went wrong.
    private nonisolated func post(_ body: Data, to endpoint: URL) async -> String? {
        var request = URLRequest(url: endpoint)
        request.httpMethod = "POST"
        request.setValue("application/x-www-form-urlencoded", forHTTPHeaderField: "Content-Type")
        request.setValue("gsd", forHTTPHeaderField: "User-Agent")
        request.httpBody = body
        request.timeoutInterval = configuration.requestTimeout
        // On Linux, cancelling a task that awaits URLSession's async API can deadlock (its cancel handler
        // waits on the session's queue while that queue resumes the task): the request runs in a task of
        // its own that is never cancelled and ends within the request timeout.
        let session = self.session
        let finished = request
        return await Task.detached { () -> String? in
            do {
                let (_, response) = try await session.data(for: finished)
                guard let http = response as? HTTPURLResponse else { return "not an HTTP response" }
                return (200..<300).contains(http.statusCode) ? nil : "HTTP \(http.statusCode)"
            } catch {
                return "\(error.localizedDescription)"
            }
        }.value
    }
}
