import Logging
import PostgresNIO

/// The PostgreSQL schema of a network of stations sharing one database, as numbered migrations.
///
/// Passes get database-wide ids and name their station; frames are keyed (station, pass_id, sequence)
/// and reference their pass by (station, id), so a station can never file a frame under another
/// station's pass. A trigger announces every committed frame on the `gsd_frames` channel
/// (payload `station pass_id sequence`), whoever wrote it.
enum PostgresSchema {
    static let notificationChannel = "gsd_frames"

    /// Never edit a published migration: append a new one.
    static let migrations: [[String]] = [
        [
            """
            CREATE TABLE gsd_passes (
                id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                station text NOT NULL,
                norad integer NOT NULL,
                satellite text NOT NULL,
                kind text NOT NULL CHECK (kind IN ('scheduled', 'replay')),
                start_time timestamptz NOT NULL,
                end_time timestamptz,
                max_elevation double precision,
                UNIQUE (station, id)
            )
            """,
            "CREATE INDEX gsd_passes_by_start ON gsd_passes (start_time, id)",
            "CREATE INDEX gsd_passes_by_norad ON gsd_passes (norad, start_time, id)",
            "CREATE INDEX gsd_passes_open ON gsd_passes (station, start_time, id) WHERE end_time IS NULL",
            """
            CREATE TABLE gsd_frames (
                station text NOT NULL,
                pass_id bigint NOT NULL,
                sequence integer NOT NULL CHECK (sequence >= 0),
                time timestamptz NOT NULL,
                bytes bytea NOT NULL,
                framing text NOT NULL,
                checks_ok boolean NOT NULL,
                azimuth double precision,
                elevation double precision,
                telemetry_json text,
                PRIMARY KEY (station, pass_id, sequence),
                FOREIGN KEY (station, pass_id) REFERENCES gsd_passes (station, id)
            )
            """,
            "CREATE INDEX gsd_frames_by_time ON gsd_frames (time, pass_id, sequence)",
            """
            CREATE FUNCTION gsd_notify_frame() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                PERFORM pg_notify('gsd_frames', NEW.station || ' ' || NEW.pass_id || ' ' || NEW.sequence);
                RETURN NULL;
            END
            $$
            """,
            """
            CREATE TRIGGER gsd_frames_notify AFTER INSERT ON gsd_frames
            FOR EACH ROW EXECUTE FUNCTION gsd_notify_frame()
            """,
        ]
    ]

    /// Brings the database to the latest version. Stations starting at the same time serialise on an
    /// advisory lock, so each migration runs once.
    static func migrate(_ connection: PostgresConnection, logger: Logger) async throws {
        do {
            try await PostgresPassStore.transaction(on: connection, logger: logger) { connection in
                try await connection.query("SELECT pg_advisory_xact_lock(\(advisoryLockKey))", logger: logger).drain()
                try await connection.query(
                    """
                    CREATE TABLE IF NOT EXISTS gsd_schema_migrations (
                        version integer PRIMARY KEY,
                        applied_at timestamptz NOT NULL DEFAULT now()
                    )
                    """, logger: logger
                ).drain()
                var current = 0
                for try await version in try await connection.query(
                    "SELECT coalesce(max(version), 0) FROM gsd_schema_migrations", logger: logger
                ).decode(Int.self) {
                    current = version
                }
                guard current <= migrations.count else {
                    throw PostgresSchemaError.newerThanThisProgram(database: current, known: migrations.count)
                }
                for (index, statements) in migrations.enumerated() where index + 1 > current {
                    for sql in statements {
                        try await connection.query(PostgresQuery(unsafeSQL: sql), logger: logger).drain()
                    }
                    try await connection.query("INSERT INTO gsd_schema_migrations (version) VALUES (\(index + 1))", logger: logger).drain()
                    logger.info("PostgreSQL schema migrated", metadata: ["version": "\(index + 1)"])
                }
            }
        }
    }

    /// "gsd" in ASCII: the key every gsd station locks while migrating.
    static let advisoryLockKey: Int64 = 0x67_7364
}

enum PostgresSchemaError: Error, CustomStringConvertible {
    case newerThanThisProgram(database: Int, known: Int)

    var description: String {
        switch self {
        case .newerThanThisProgram(let database, let known):
            return "database schema is version \(database), this gsd knows only up to \(known): upgrade gsd"
        }
    }
}

extension PostgresRowSequence {
    /// Reads to the end, so the statement has completed (and its connection is released).
    func drain() async throws {
        for try await _ in self {}
    }
}
