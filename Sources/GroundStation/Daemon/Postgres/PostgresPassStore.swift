import TelemetryDecode
import Foundation
import Logging
import PostgresNIO

/// `PassStore` on PostgreSQL, for a network of stations sharing one database.
///
/// Each station writes its own passes (the pass names its station) and frames are unique by
/// (station, pass, sequence). `appendFrame` returns after the frame's transaction has committed.
/// Every failure of the database or the connection surfaces as `PassStoreError.backend` naming the
/// operation. `liveFrames()` follows frames committed by any station through LISTEN/NOTIFY.
///
///     let store = try await PostgresPassStore.open(PostgresStoreConfiguration(url: "postgres://gsd:pw@db/gsd"))
///     defer { try? await store.close() }
public final class PostgresPassStore: PassStore {
    public let configuration: PostgresStoreConfiguration
    let client: PostgresClient
    let runner: Task<Void, Never>
    let logger: Logger
    let feeds = Locked<[UUID: Task<Void, Never>]>([:])

    private init(configuration: PostgresStoreConfiguration, logger: Logger) {
        self.configuration = configuration
        self.logger = logger
        let client = PostgresClient(configuration: configuration.clientConfiguration, backgroundLogger: logger)
        self.client = client
        runner = Task { await client.run() }
    }

    /// Connects and migrates the schema to the latest version (concurrent stations migrate once).
    /// Throws `PassStoreError.backend(operation: "open", ...)` when the server cannot be reached or refuses.
    public static func open(
        _ configuration: PostgresStoreConfiguration, logger: Logger = Logger(label: "gsd.storage.postgres")
    ) async throws -> PostgresPassStore {
        // Migrate on a single connection first: it fails at once when the server is unreachable,
        // where the pool would keep retrying.
        do {
            let connection = try await PostgresConnection.connect(
                configuration: try configuration.connectionConfiguration(), id: 0, logger: logger)
            do {
                try await PostgresSchema.migrate(connection, logger: logger)
            } catch {
                try? await connection.close()
                throw error
            }
            try await connection.close()
        } catch {
            throw Self.backendError("open \(configuration.username)@\(configuration.host):\(configuration.port)/\(configuration.database)", error)
        }
        return PostgresPassStore(configuration: configuration, logger: logger)
    }

    public func createPass(_ pass: NewPass) async throws -> PassRecord {
        try await run("createPass") { [self] in
            let rows = try await client.query(
                """
                INSERT INTO gsd_passes (station, norad, satellite, kind, start_time, max_elevation)
                VALUES (\(pass.station), \(pass.norad), \(pass.satellite), \(pass.kind.rawValue), \(pass.start), \(pass.maxElevation))
                RETURNING id
                """, logger: logger)
            var id: Int64?
            for try await value in rows.decode(Int64.self) { id = value }
            guard let id else { throw PostgresStoreFailure("INSERT returned no id") }
            return PassRecord(
                id: id, station: pass.station, norad: pass.norad, satellite: pass.satellite, kind: pass.kind,
                start: pass.start, end: nil, maxElevation: pass.maxElevation, frameCount: 0)
        }
    }

    public func closePass(id: Int64, end: Date) async throws {
        try await run("closePass") { [self] in
            let rows = try await client.query(
                "UPDATE gsd_passes SET end_time = coalesce(end_time, \(end)) WHERE id = \(id) RETURNING id", logger: logger)
            var found = false
            for try await _ in rows { found = true }
            if !found { throw PassStoreError.unknownPass(id) }
        }
    }

    public func appendFrame(_ frame: FrameRecord) async throws {
        try await run("appendFrame") { [self] in
            try await client.withConnection { connection in
                try await Self.transaction(on: connection, logger: logger) { connection in
                    // The station comes from the pass, so a frame is always filed under its pass's station.
                    let rows = try await connection.query(
                        """
                        INSERT INTO gsd_frames (station, pass_id, sequence, time, bytes, framing, checks_ok, azimuth, elevation, telemetry_json)
                        SELECT p.station, p.id, \(frame.sequence), \(frame.time), \(Data(frame.bytes)), \(frame.framing),
                               \(frame.checksOK), \(frame.azimuth), \(frame.elevation), \(frame.telemetryJSON)
                        FROM gsd_passes p WHERE p.id = \(frame.passID)
                        RETURNING sequence
                        """, logger: logger)
                    var inserted = false
                    for try await _ in rows { inserted = true }
                    if !inserted { throw PassStoreError.unknownPass(frame.passID) }
                }
            }
        } mapping: { error in
            if let psql = error as? PSQLError, psql.serverInfo?[.sqlState] == PostgresError.Code.uniqueViolation.raw {
                return .duplicateFrame(passID: frame.passID, sequence: frame.sequence)
            }
            return nil
        }
    }

    public func passes(_ query: PassQuery) async throws -> [PassRecord] {
        try await run("passes") { [self] in
            var sql = SQLBuilder()
            if let norad = query.norad { sql.filter("p.norad = ", norad) }
            if let station = query.station { sql.filter("p.station = ", station) }
            if let since = query.since { sql.filter("p.start_time >= ", since) }
            if let until = query.until { sql.filter("p.start_time < ", until) }
            return try await selectPasses(sql, page: (query.limit, query.offset))
        }
    }

    public func pass(id: Int64) async throws -> PassRecord? {
        try await run("pass") { [self] in
            var sql = SQLBuilder()
            sql.filter("p.id = ", id)
            return try await selectPasses(sql, page: nil).first
        }
    }

    public func openPasses(station: String) async throws -> [PassRecord] {
        try await run("openPasses") { [self] in
            var sql = SQLBuilder()
            sql.filter("p.station = ", station)
            sql.where.append("p.end_time IS NULL")
            return try await selectPasses(sql, page: nil)
        }
    }

    public func frames(_ query: FrameQuery) async throws -> [FrameRecord] {
        try await run("frames") { [self] in
            var sql = SQLBuilder()
            if let passID = query.passID { sql.filter("f.pass_id = ", passID) }
            if let norad = query.norad { sql.filter("p.norad = ", norad) }
            if let station = query.station { sql.filter("f.station = ", station) }
            if let since = query.since { sql.filter("f.time >= ", since) }
            if let until = query.until { sql.filter("f.time < ", until) }
            let text = """
                SELECT f.pass_id, f.sequence, f.time, f.bytes, f.framing, f.checks_ok, f.azimuth, f.elevation, f.telemetry_json
                FROM gsd_frames f JOIN gsd_passes p ON p.station = f.station AND p.id = f.pass_id
                \(sql.whereClause) ORDER BY f.time, f.pass_id, f.sequence \(sql.page(query.limit, query.offset))
                """
            return try await decodeFrames(client.query(PostgresQuery(unsafeSQL: text, binds: sql.binds), logger: logger))
        }
    }

    public func telemetry(_ query: TelemetryQuery) async throws -> [TelemetryRecord] {
        try await run("telemetry") { [self] in
            var sql = SQLBuilder()
            sql.filter("p.norad = ", query.norad)
            sql.where += ["f.checks_ok", "f.telemetry_json IS NOT NULL"]
            if let station = query.station { sql.filter("f.station = ", station) }
            if let since = query.since { sql.filter("f.time >= ", since) }
            if let until = query.until { sql.filter("f.time < ", until) }
            let text = """
                SELECT f.pass_id, f.sequence, f.time, f.telemetry_json
                FROM gsd_frames f JOIN gsd_passes p ON p.station = f.station AND p.id = f.pass_id
                \(sql.whereClause) ORDER BY f.time DESC, f.pass_id DESC, f.sequence DESC \(sql.page(query.limit, query.offset))
                """
            var result: [TelemetryRecord] = []
            let rows = try await client.query(PostgresQuery(unsafeSQL: text, binds: sql.binds), logger: logger)
            for try await (passID, sequence, time, json) in rows.decode((Int64, Int, Date, String).self) {
                result.append(TelemetryRecord(passID: passID, sequence: sequence, time: time, telemetryJSON: json))
            }
            return result
        }
    }

    /// Stops the live feeds and the connection pool.
    public func close() async throws {
        let running = feeds.withLock { feeds in
            defer { feeds.removeAll() }
            return Array(feeds.values)
        }
        for feed in running { feed.cancel() }
        for feed in running { await feed.value }
        await stopClient()
    }

    // MARK: - Live frames

    /// Frames committed from now on by any station sharing the database (or only by `station`),
    /// in commit order. Returns once the server listens, so no frame committed after the call is missed.
    /// The stream ends when the consumer stops iterating or the store is closed; it fails with
    /// `PassStoreError.backend(operation: "liveFrames", ...)` when the connection is lost.
    public func liveFrames(station: String? = nil) async throws -> AsyncThrowingStream<PostgresLiveFrame, any Error> {
        let (stream, continuation) = AsyncThrowingStream.makeStream(of: PostgresLiveFrame.self)
        let key = UUID()
        let ready = ReadySignal()
        let client = self.client, logger = self.logger
        let task = Task {
            do {
                try await client.withConnection { connection in
                    try await connection.listen(on: PostgresSchema.notificationChannel) { notifications in
                        ready.signal(nil)
                        for try await notification in notifications {
                            guard let (frameStation, passID, sequence) = Self.parseNotification(notification.payload) else {
                                logger.warning("unexpected notification payload", metadata: ["payload": "\(notification.payload)"])
                                continue
                            }
                            if let station, station != frameStation { continue }
                            if let live = try await Self.fetchLiveFrame(client, station: frameStation, passID: passID, sequence: sequence, logger: logger) {
                                continuation.yield(live)
                            }
                        }
                    }
                }
                ready.signal(CancellationError())
                continuation.finish()
            } catch {
                let mapped = Self.backendError("liveFrames", error)
                ready.signal(mapped)
                continuation.finish(throwing: Task.isCancelled ? nil : mapped)
            }
        }
        feeds.withLock { $0[key] = task }
        continuation.onTermination = { [weak self] _ in
            task.cancel()
            _ = self?.feeds.withLock { $0.removeValue(forKey: key) }
        }
        do {
            try await ready.wait()
        } catch {
            task.cancel()
            throw error
        }
        return stream
    }

    static func parseNotification(_ payload: String) -> (String, Int64, Int)? {
        // "station pass_id sequence"; the station name may itself contain spaces.
        let parts = payload.split(separator: " ")
        guard parts.count >= 3, let sequence = Int(parts[parts.count - 1]), let passID = Int64(parts[parts.count - 2]) else { return nil }
        return (parts.dropLast(2).joined(separator: " "), passID, sequence)
    }

    static func fetchLiveFrame(_ client: PostgresClient, station: String, passID: Int64, sequence: Int, logger: Logger) async throws -> PostgresLiveFrame? {
        let rows = try await client.query(
            """
            SELECT f.pass_id, f.sequence, f.time, f.bytes, f.framing, f.checks_ok, f.azimuth, f.elevation, f.telemetry_json,
                   p.norad, p.satellite
            FROM gsd_frames f JOIN gsd_passes p ON p.station = f.station AND p.id = f.pass_id
            WHERE f.station = \(station) AND f.pass_id = \(passID) AND f.sequence = \(sequence)
            """, logger: logger)
        var found: PostgresLiveFrame?
        for try await (passID, sequence, time, bytes, framing, ok, azimuth, elevation, json, norad, satellite) in rows.decode(
            (Int64, Int, Date, Data, String, Bool, Double?, Double?, String?, Int, String).self)
        {
            let frame = FrameRecord(
                passID: passID, sequence: sequence, time: time, bytes: [UInt8](bytes), framing: framing, checksOK: ok,
                azimuth: azimuth, elevation: elevation, telemetryJSON: json)
            found = PostgresLiveFrame(station: station, norad: norad, satellite: satellite, frame: frame)
        }
        return found
    }

    // MARK: - Plumbing

    /// Runs one store operation within the operation timeout, mapping every error that is not
    /// already a `PassStoreError`.
    private func run<T: Sendable>(
        _ operation: String, _ body: @escaping @Sendable () async throws -> T,
        mapping: (any Error) -> PassStoreError? = { _ in nil }
    ) async throws -> T {
        let timeout = configuration.operationTimeout
        do {
            return try await withThrowingTaskGroup(of: T.self) { group in
                group.addTask { try await body() }
                group.addTask {
                    try await Task.sleep(for: timeout)
                    throw PostgresStoreFailure("no answer from the server within \(timeout)")
                }
                defer { group.cancelAll() }
                guard let first = try await group.next() else { throw CancellationError() }
                return first
            }
        } catch let error as PassStoreError {
            throw error
        } catch let error as CancellationError {
            throw error  // a shutdown, not a storage failure
        } catch {
            if let specific = mapping(error) { throw specific }
            throw Self.backendError(operation, error)
        }
    }

    static func backendError(_ operation: String, _ error: any Error) -> PassStoreError {
        if let error = error as? PassStoreError { return error }
        return .backend(operation: operation, message: describe(error))
    }

    /// PSQLError's own description hides the server's message; this one shows it (never the binds).
    static func describe(_ error: any Error) -> String {
        if let psql = error as? PSQLError {
            if let info = psql.serverInfo, let message = info[.message] {
                return "\(message) (SQLSTATE \(info[.sqlState] ?? "?"))"
            }
            if let underlying = psql.underlying { return "\(psql.code): \(underlying)" }
            return "\(psql.code)"
        }
        return String(describing: error)
    }

    /// BEGIN, body, COMMIT (awaited: the commit has happened when this returns); ROLLBACK on failure,
    /// rethrowing the body's own error.
    static func transaction<T>(
        on connection: PostgresConnection, logger: Logger, _ body: (PostgresConnection) async throws -> sending T
    ) async throws -> sending T {
        try await connection.query("BEGIN", logger: logger).drain()
        let value: T
        do {
            value = try await body(connection)
        } catch {
            try? await connection.query("ROLLBACK", logger: logger).drain()
            throw error
        }
        try await connection.query("COMMIT", logger: logger).drain()
        return value
    }

    private func selectPasses(_ sql: SQLBuilder, page: (limit: Int, offset: Int)?) async throws -> [PassRecord] {
        let text = """
            SELECT p.id, p.station, p.norad, p.satellite, p.kind, p.start_time, p.end_time, p.max_elevation,
                   (SELECT count(*) FROM gsd_frames f WHERE f.station = p.station AND f.pass_id = p.id)
            FROM gsd_passes p \(sql.whereClause) ORDER BY p.start_time, p.id \(page.map { sql.page($0.limit, $0.offset) } ?? "")
            """
        var result: [PassRecord] = []
        let rows = try await client.query(PostgresQuery(unsafeSQL: text, binds: sql.binds), logger: logger)
        for try await (id, station, norad, satellite, kind, start, end, maxElevation, count) in rows.decode(
            (Int64, String, Int, String, String, Date, Date?, Double?, Int).self)
        {
            guard let passKind = PassKind(rawValue: kind) else {
                throw PostgresStoreFailure("pass \(id) has unknown kind \(kind)")
            }
            result.append(PassRecord(
                id: id, station: station, norad: norad, satellite: satellite, kind: passKind,
                start: start, end: end, maxElevation: maxElevation, frameCount: count))
        }
        return result
    }

    private func decodeFrames(_ rows: PostgresRowSequence) async throws -> [FrameRecord] {
        var result: [FrameRecord] = []
        for try await (passID, sequence, time, bytes, framing, ok, azimuth, elevation, json) in rows.decode(
            (Int64, Int, Date, Data, String, Bool, Double?, Double?, String?).self)
        {
            result.append(FrameRecord(
                passID: passID, sequence: sequence, time: time, bytes: [UInt8](bytes), framing: framing, checksOK: ok,
                azimuth: azimuth, elevation: elevation, telemetryJSON: json))
        }
        return result
    }

    private func stopClient() async {
        runner.cancel()
        await runner.value
    }
}

/// A frame as announced to live views: who received it, for which satellite.
public struct PostgresLiveFrame: Sendable, Equatable {
    public var station: String
    public var norad: Int
    public var satellite: String
    public var frame: FrameRecord
}

/// A result the store did not expect from the server (reported as `PassStoreError.backend`).
struct PostgresStoreFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// WHERE clauses with numbered binds, for queries whose filters are all optional.
struct SQLBuilder {
    var `where`: [String] = []
    var binds = PostgresBindings()

    mutating func filter<Value: PostgresNonThrowingEncodable>(_ condition: String, _ value: Value) {
        binds.append(value)
        `where`.append("\(condition)$\(binds.count)")
    }

    var whereClause: String { `where`.isEmpty ? "" : "WHERE " + `where`.joined(separator: " AND ") }

    /// LIMIT/OFFSET as literals: both are integers clamped here, never text.
    func page(_ limit: Int, _ offset: Int) -> String { "LIMIT \(max(0, limit)) OFFSET \(max(0, offset))" }
}

/// Resumed once: when the feed's LISTEN is in place, or with the error that prevented it.
final class ReadySignal: Sendable {
    private let state = Locked<(done: Bool, error: (any Error)?, waiter: CheckedContinuation<Void, any Error>?)>((false, nil, nil))

    func signal(_ error: (any Error)?) {
        let waiter: CheckedContinuation<Void, any Error>? = state.withLock { s in
            if s.done { return nil }
            s.done = true
            s.error = error
            defer { s.waiter = nil }
            return s.waiter
        }
        if let waiter {
            if let error { waiter.resume(throwing: error) } else { waiter.resume() }
        }
    }

    func wait() async throws {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            let result: (any Error)?? = state.withLock { s in
                if s.done { return .some(s.error) }
                s.waiter = continuation
                return .none
            }
            switch result {
            case .none: break
            case .some(nil): continuation.resume()
            case .some(let error?): continuation.resume(throwing: error)
            }
        }
    }
}
