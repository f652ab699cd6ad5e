import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore

/// The daemon's HTTP API and web page (Hummingbird). Read endpoints are open (the listener is loopback
/// unless configured otherwise); write endpoints need a bearer token from the configuration.
public enum DaemonHTTPServer {
    public static let priorityRule =
        "one receiver follows one satellite at a time: the satellite listed earlier under satellites: wins an overlap; "
        + "for equal priority the higher maximum elevation, then the earlier start; the loser is kept as skipped"

    /// Largest accepted request body.
    static let maxBody = 64 << 10

    /// The router (also used directly by tests through HummingbirdTesting).
    public static func router(daemon: GroundStationDaemon, version: String) -> Router<BasicRequestContext> {
        let router = Router(context: BasicRequestContext.self)
        let metrics = daemon.metrics
        router.add(middleware: CountingMiddleware(metrics: metrics))

        router.get("/") { _, _ in
            Response(status: .ok, headers: [.contentType: "text/html; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(string: WebPage.html)))
        }

        router.get("/api/passes") { request, _ -> Response in
            let q = QueryReader(request.uri.queryParameters)
            let query = PassQuery(
                norad: try q.int("norad", 1...Int(Int32.max)), station: q.string("station"), since: try q.date("since"),
                until: try q.date("until"), limit: try q.int("limit", 1...1000) ?? 100, offset: try q.int("offset", 0...Int(Int32.max)) ?? 0)
            let passes = try await daemon.store.passes(query)
            return try json(page(passes.map(APIJSON.Pass.init), limit: query.limit, offset: query.offset))
        }

        router.get("/api/passes/:id") { _, context -> Response in
            let id = try passID(context)
            guard let p = try await daemon.store.pass(id: id) else { throw APIError(.notFound, "no pass with id \(id)") }
            return try json(APIJSON.Pass(p))
        }

        router.get("/api/passes/:id/frames") { request, context -> Response in
            let id = try passID(context)
            guard try await daemon.store.pass(id: id) != nil else { throw APIError(.notFound, "no pass with id \(id)") }
            let q = QueryReader(request.uri.queryParameters)
            let limit = try q.int("limit", 1...1000) ?? 1000
            let offset = try q.int("offset", 0...Int(Int32.max)) ?? 0
            let frames = try await daemon.store.frames(FrameQuery(passID: id, limit: limit, offset: offset))
            return try json(page(frames.map(APIJSON.Frame.init), limit: limit, offset: offset))
        }

        router.get("/api/passes/:id/waterfall.png") { _, context -> Response in
            let id = try passID(context)
            guard try await daemon.store.pass(id: id) != nil else { throw APIError(.notFound, "no pass with id \(id)") }
            guard let png = daemon.waterfallPNG(passID: id) else {
                throw APIError(.notFound, "waterfall of pass \(id) not yet computed")
            }
            return Response(status: .ok, headers: [.contentType: "image/png"], body: .init(byteBuffer: ByteBuffer(bytes: png)))
        }

        router.get("/api/frames") { request, _ -> Response in
            let q = QueryReader(request.uri.queryParameters)
            let query = FrameQuery(
                norad: try q.int("norad", 1...Int(Int32.max)), station: q.string("station"), since: try q.date("since"),
                until: try q.date("until"), limit: try q.int("limit", 1...1000) ?? 100, offset: try q.int("offset", 0...Int(Int32.max)) ?? 0)
            let frames = try await daemon.store.frames(query)
            return try json(page(frames.map(APIJSON.Frame.init), limit: query.limit, offset: query.offset))
        }

        router.get("/api/telemetry") { request, _ -> Response in
            try json(try await TelemetryAPI.series(request.uri.queryParameters, store: daemon.store))
        }

        router.get("/api/telemetry/fields") { request, _ -> Response in
            try json(try await TelemetryAPI.fields(request.uri.queryParameters, store: daemon.store))
        }

        router.get("/api/schedule") { _, _ -> Response in
            try json(APIJSON.Schedule(
                passes: await daemon.state.schedule.map(APIJSON.ScheduleEntry.init), priorityRule: priorityRule,
                problems: await daemon.state.scheduleProblems, finished: await daemon.state.scheduleFinished))
        }

        router.get("/api/status") { _, _ -> Response in
            try json(await DaemonStatus.make(daemon, version: version))
        }

        router.get("/api/live") { request, _ -> Response in
            // Resume after the client's last event (Last-Event-ID, or ?after= for clients that cannot set it).
            let resumeText = request.headers[HTTPField.Name("Last-Event-ID")!] ?? request.uri.queryParameters.get("after")
            var last: LiveEventID?
            if let resumeText {
                guard let id = LiveEventID(resumeText) else {
                    throw APIError(.badRequest, "Last-Event-ID / after: expected PASS.SEQUENCE such as 12.3, got '\(resumeText.prefix(40))'")
                }
                last = id
            }
            // Subscribe before reading the store, so a frame stored in between is in one or the other.
            let events = daemon.hub.subscribe()
            let missed = last == nil ? [] : try await LiveBackfill.events(after: last!, store: daemon.store)
            let encoder = APIJSON.encoder()
            return Response(
                status: .ok, headers: [.contentType: "text/event-stream", .cacheControl: "no-cache"],
                body: ResponseBody { writer in
                    // A comment line first, so clients see the stream open at once.
                    try await writer.write(ByteBuffer(string: ": gsd live frames\n\n"))
                    let replayed = Set(missed.map(LiveEventID.init))
                    for e in missed { try await writer.write(try LiveBackfill.message(e, encoder: encoder)) }
                    for await e in events where !replayed.contains(LiveEventID(e)) {
                        try await writer.write(try LiveBackfill.message(e, encoder: encoder))
                    }
                    try await writer.finish(nil)
                })
        }

        router.get("/metrics") { _, _ -> Response in
            Response(
                status: .ok, headers: [.contentType: "text/plain; version=0.0.4"],
                body: .init(byteBuffer: ByteBuffer(bytes: metrics.render())))
        }

        router.post("/api/replays") { request, _ -> Response in
            try BearerToken.check(request.headers[.authorization], digests: daemon.configuration.http.tokenDigests)
            guard let dir = daemon.configuration.replayDirectory else {
                throw APIError(.forbidden, "submissions are disabled: set replay.directory in the configuration")
            }
            var request = request
            let body: ByteBuffer
            do { body = try await request.collectBody(upTo: maxBody) } catch {
                throw APIError(.contentTooLarge, "request body larger than \(maxBody) bytes")
            }
            let submission: APIJSON.ReplaySubmission
            do {
                submission = try APIJSON.decoder().decode(APIJSON.ReplaySubmission.self, from: Data(buffer: body))
            } catch {
                throw APIError(.badRequest, "body must be JSON {\"path\": \"file inside the replay folder\", \"norad\": 12345}: \(describe(error))")
            }
            let path = try ReplayPath.confine(submission.path, to: dir)
            guard daemon.catalogue.satellite(norad: submission.norad) != nil else {
                throw APIError(.unprocessableContent, "norad: \(submission.norad) is not in the satellite catalogue")
            }
            var format: SampleFormat? = nil
            if let f = submission.format {
                guard let sf = SampleFormat(name: f) else { throw APIError(.badRequest, "format: unknown sample format '\(f)'") }
                format = sf
            }
            if let r = submission.rate, !(r > 0 && r.isFinite) { throw APIError(.badRequest, "rate: must be a positive number") }
            if format != nil && submission.rate == nil { throw APIError(.badRequest, "rate: required with format") }
            let recording = DaemonConfiguration.FileRecording(
                path: path, norad: submission.norad, format: format, rate: submission.rate, iq: submission.iq ?? false,
                frequencyOffset: submission.fOffset)
            do {
                _ = try SampleFileSource.open(path: path, format: format, rate: submission.rate, iq: submission.iq ?? false)
            } catch {
                throw APIError(.unprocessableContent, "path: \(error)")
            }
            let record = try await daemon.submit(recording: recording)
            var response = try json(APIJSON.Pass(record))
            response.status = .accepted
            response.headers[.location] = "/api/passes/\(record.id)"
            return response
        }
        return router
    }

    /// The HTTP server as a service; `onRunning` gets the bound port (useful with port 0).
    public static func application(
        daemon: GroundStationDaemon, version: String, logger: Logger, onRunning: @escaping @Sendable (Int) async -> Void
    ) -> some ApplicationProtocol {
        let http = daemon.configuration.http
        return Application(
            router: router(daemon: daemon, version: version),
            configuration: .init(address: .hostname(http.host, port: http.port), serverName: "gsd"),
            onServerRunning: { channel in await onRunning(channel.localAddress?.port ?? http.port) },
            logger: logger)
    }

    static func passID(_ context: BasicRequestContext) throws -> Int64 {
        guard let text = context.parameters.get("id"), let id = Int64(text), id > 0 else {
            throw APIError(.badRequest, "pass id must be a positive whole number")
        }
        return id
    }

    static func page<T>(_ items: [T], limit: Int, offset: Int) -> APIJSON.Page<T> {
        APIJSON.Page(items: items, limit: limit, offset: offset, next: items.count == limit ? offset + limit : nil)
    }

    static func json(_ value: some Encodable) throws -> Response {
        let data = try APIJSON.encoder().encode(value)
        return Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    static func describe(_ error: any Error) -> String {
        switch error {
        case DecodingError.keyNotFound(let key, _): "missing key '\(key.stringValue)'"
        case DecodingError.typeMismatch(_, let c): "wrong type at '\(c.codingPath.map(\.stringValue).joined(separator: "."))'"
        case DecodingError.valueNotFound(_, let c): "null at '\(c.codingPath.map(\.stringValue).joined(separator: "."))'"
        case DecodingError.dataCorrupted(let c): c.codingPath.isEmpty ? "not valid JSON" : "bad value at '\(c.codingPath.map(\.stringValue).joined(separator: "."))'"
        default: "\(error)"
        }
    }
}
