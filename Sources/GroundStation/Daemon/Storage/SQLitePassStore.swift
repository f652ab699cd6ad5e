import Foundation
import GRDB

#if canImport(Glibc)
import Glibc
#endif

/// The embedded default store: one SQLite file through GRDB, in WAL mode with `synchronous = FULL`, so a
/// frame whose `appendFrame` returned is on disk (it survives `kill -9` and power loss).
///
/// Queries follow the `PassStore` conformance contract: `since <= start/time < until`, oldest first.
/// Times are stored as seconds since 2001-01-01 (Foundation's reference date, REAL), which round-trips a
/// `Date` exactly.
public final class SQLitePassStore: PassStore {
    public let path: String
    private let pool: DatabasePool

    /// Opens (creating if needed) the database at `path` and runs the migrations.
    public init(path: String) throws(PassStoreError) {
        self.path = path
        let dir = (path as NSString).deletingLastPathComponent
        // A folder that cannot be written (read-only file system, permissions) is named with the reason,
        // not as SQLite's "unable to open database file".
        if let problem = Self.unwritable(dir.isEmpty ? "." : dir) {
            throw .backend(operation: "open \(path)", message: problem)
        }
        do {
            if !dir.isEmpty { try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true) }
            var config = Configuration()
            config.prepareDatabase { db in
                try db.execute(sql: "PRAGMA synchronous = FULL")
            }
            config.busyMode = .timeout(10)
            pool = try DatabasePool(path: path, configuration: config)
            try Self.migrator.migrate(pool)
        } catch {
            throw .backend(operation: "open \(path)", message: "\(error)")
        }
    }

    /// Why files cannot be created in `dir` (or in the nearest existing folder above it); nil when they can.
    static func unwritable(_ dir: String) -> String? {
        var existing = dir
        while !FileManager.default.fileExists(atPath: existing), existing != "/", !existing.isEmpty {
            existing = (existing as NSString).deletingLastPathComponent
        }
        if existing.isEmpty { existing = "." }
        guard access(existing, W_OK) != 0 else { return nil }
        return "folder \(existing) is not writable: \(String(cString: strerror(errno)))"
    }

    static var migrator: DatabaseMigrator {
        var m = DatabaseMigrator()
        m.registerMigration("v1: passes and frames") { db in
            try db.execute(sql: """
                CREATE TABLE passes (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    station TEXT NOT NULL,
                    norad INTEGER NOT NULL,
                    satellite TEXT NOT NULL,
                    kind TEXT NOT NULL,
                    start REAL NOT NULL,
                    "end" REAL,
                    max_elevation REAL,
                    frame_count INTEGER NOT NULL DEFAULT 0
                );
                CREATE INDEX passes_start ON passes(start);
                CREATE INDEX passes_norad ON passes(norad, start);
                CREATE TABLE frames (
                    station TEXT NOT NULL,
                    pass_id INTEGER NOT NULL REFERENCES passes(id),
                    sequence INTEGER NOT NULL,
                    time REAL NOT NULL,
                    bytes BLOB NOT NULL,
                    framing TEXT NOT NULL,
                    checks_ok INTEGER NOT NULL,
                    azimuth REAL,
                    elevation REAL,
                    telemetry TEXT,
                    PRIMARY KEY (station, pass_id, sequence)
                );
                CREATE INDEX frames_time ON frames(time);
                """)
        }
        return m
    }

    public func createPass(_ p: NewPass) async throws -> PassRecord {
        try await write("create pass") { db in
            try db.execute(
                sql: "INSERT INTO passes (station, norad, satellite, kind, start, max_elevation) VALUES (?, ?, ?, ?, ?, ?)",
                arguments: [p.station, p.norad, p.satellite, p.kind.rawValue, p.start.timeIntervalSinceReferenceDate, p.maxElevation])
            return PassRecord(
                id: db.lastInsertedRowID, station: p.station, norad: p.norad, satellite: p.satellite, kind: p.kind,
                start: p.start, end: nil, maxElevation: p.maxElevation, frameCount: 0)
        }
    }

    public func closePass(id: Int64, end: Date) async throws {
        try await write("close pass") { db in
            guard try Int.fetchOne(db, sql: "SELECT 1 FROM passes WHERE id = ?", arguments: [id]) != nil else {
                throw PassStoreError.unknownPass(id)
            }
            try db.execute(sql: #"UPDATE passes SET "end" = ? WHERE id = ? AND "end" IS NULL"#, arguments: [end.timeIntervalSinceReferenceDate, id])
        }
    }

    public func appendFrame(_ f: FrameRecord) async throws {
        try await write("append frame") { db in
            guard let station = try String.fetchOne(db, sql: "SELECT station FROM passes WHERE id = ?", arguments: [f.passID]) else {
                throw PassStoreError.unknownPass(f.passID)
            }
            do {
                try db.execute(
                    sql: """
                        INSERT INTO frames (station, pass_id, sequence, time, bytes, framing, checks_ok, azimuth, elevation, telemetry)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                        """,
                    arguments: [
                        station, f.passID, f.sequence, f.time.timeIntervalSinceReferenceDate, Data(f.bytes), f.framing,
                        f.checksOK, f.azimuth, f.elevation, f.telemetryJSON,
                    ])
            } catch let e as DatabaseError where e.extendedResultCode == .SQLITE_CONSTRAINT_PRIMARYKEY {
                throw PassStoreError.duplicateFrame(passID: f.passID, sequence: f.sequence)
            }
            try db.execute(sql: "UPDATE passes SET frame_count = frame_count + 1 WHERE id = ?", arguments: [f.passID])
        }
    }

    public func passes(_ q: PassQuery) async throws -> [PassRecord] {
        var clauses: [String] = []
        var args: [DatabaseValue] = []
        if let n = q.norad { clauses.append("norad = ?"); args.append(n.databaseValue) }
        if let s = q.station { clauses.append("station = ?"); args.append(s.databaseValue) }
        if let d = q.since { clauses.append("start >= ?"); args.append(d.timeIntervalSinceReferenceDate.databaseValue) }
        if let d = q.until { clauses.append("start < ?"); args.append(d.timeIntervalSinceReferenceDate.databaseValue) }
        let whereSQL = clauses.isEmpty ? "" : "WHERE " + clauses.joined(separator: " AND ")
        args.append(max(0, q.limit).databaseValue)
        args.append(max(0, q.offset).databaseValue)
        let sql = "SELECT * FROM passes \(whereSQL) ORDER BY start ASC, id ASC LIMIT ? OFFSET ?"
        let arguments = StatementArguments(args)
        return try await read("list passes") { db in try Row.fetchAll(db, sql: sql, arguments: arguments).map(Self.pass) }
    }

    public func pass(id: Int64) async throws -> PassRecord? {
        try await read("read pass") { db in
            try Row.fetchOne(db, sql: "SELECT * FROM passes WHERE id = ?", arguments: [id]).map(Self.pass)
        }
    }

    public func frames(_ q: FrameQuery) async throws -> [FrameRecord] {
        var clauses: [String] = []
        var args: [DatabaseValue] = []
        if let p = q.passID { clauses.append("f.pass_id = ?"); args.append(p.databaseValue) }
        if let n = q.norad { clauses.append("p.norad = ?"); args.append(n.databaseValue) }
        if let s = q.station { clauses.append("f.station = ?"); args.append(s.databaseValue) }
        if let d = q.since { clauses.append("f.time >= ?"); args.append(d.timeIntervalSinceReferenceDate.databaseValue) }
        if let d = q.until { clauses.append("f.time < ?"); args.append(d.timeIntervalSinceReferenceDate.databaseValue) }
        let whereSQL = clauses.isEmpty ? "" : "WHERE " + clauses.joined(separator: " AND ")
        args.append(max(0, q.limit).databaseValue)
        args.append(max(0, q.offset).databaseValue)
        let sql = """
            SELECT f.* FROM frames f JOIN passes p ON p.id = f.pass_id \(whereSQL)
            ORDER BY f.time ASC, f.pass_id ASC, f.sequence ASC LIMIT ? OFFSET ?
            """
        let arguments = StatementArguments(args)
        return try await read("list frames") { db in
            try Row.fetchAll(db, sql: sql, arguments: arguments).map { r in
                let blob: Data = r["bytes"]
                return FrameRecord(
                    passID: r["pass_id"], sequence: r["sequence"],
                    time: Date(timeIntervalSinceReferenceDate: r["time"]), bytes: [UInt8](blob), framing: r["framing"],
                    checksOK: r["checks_ok"], azimuth: r["azimuth"], elevation: r["elevation"], telemetryJSON: r["telemetry"])
            }
        }
    }

    public func telemetry(_ q: TelemetryQuery) async throws -> [TelemetryRecord] {
        var clauses = ["p.norad = ?", "f.checks_ok = 1", "f.telemetry IS NOT NULL"]
        var args: [DatabaseValue] = [q.norad.databaseValue]
        if let s = q.station { clauses.append("f.station = ?"); args.append(s.databaseValue) }
        if let d = q.since { clauses.append("f.time >= ?"); args.append(d.timeIntervalSinceReferenceDate.databaseValue) }
        if let d = q.until { clauses.append("f.time < ?"); args.append(d.timeIntervalSinceReferenceDate.databaseValue) }
        args.append(max(0, q.limit).databaseValue)
        args.append(max(0, q.offset).databaseValue)
        let sql = """
            SELECT f.pass_id, f.sequence, f.time, f.telemetry FROM frames f JOIN passes p ON p.id = f.pass_id
            WHERE \(clauses.joined(separator: " AND "))
            ORDER BY f.time DESC, f.pass_id DESC, f.sequence DESC LIMIT ? OFFSET ?
            """
        let arguments = StatementArguments(args)
        return try await read("list telemetry") { db in
            try Row.fetchAll(db, sql: sql, arguments: arguments).map { r in
                TelemetryRecord(
                    passID: r["pass_id"], sequence: r["sequence"], time: Date(timeIntervalSinceReferenceDate: r["time"]),
                    telemetryJSON: r["telemetry"])
            }
        }
    }

    public func openPasses(station: String) async throws -> [PassRecord] {
        try await read("list open passes") { db in
            try Row.fetchAll(db, sql: #"SELECT * FROM passes WHERE station = ? AND "end" IS NULL ORDER BY start, id"#, arguments: [station])
                .map(Self.pass)
        }
    }

    public func close() async throws {
        do { try pool.close() } catch { throw PassStoreError.backend(operation: "close", message: "\(error)") }
    }

    private static func pass(_ r: Row) -> PassRecord {
        let end: Double? = r["end"]
        let kind: String = r["kind"]
        return PassRecord(
            id: r["id"], station: r["station"], norad: r["norad"], satellite: r["satellite"],
            kind: PassKind(rawValue: kind) ?? .scheduled, start: Date(timeIntervalSinceReferenceDate: r["start"]),
            end: end.map { Date(timeIntervalSinceReferenceDate: $0) }, maxElevation: r["max_elevation"],
            frameCount: r["frame_count"])
    }

    private func write<T: Sendable>(_ what: String, _ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        do {
            return try await pool.write(body)
        } catch let e as PassStoreError {
            throw e
        } catch let e as CancellationError {
            throw e  // GRDB refuses work for a cancelled task: a shutdown, not a storage failure
        } catch {
            throw PassStoreError.backend(operation: what, message: "\(error)")
        }
    }

    private func read<T: Sendable>(_ what: String, _ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        do {
            return try await pool.read(body)
        } catch let e as CancellationError {
            throw e
        } catch {
            throw PassStoreError.backend(operation: what, message: "\(error)")
        }
    }
}
