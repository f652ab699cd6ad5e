import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A throwaway PostgreSQL server for one test: initdb in a fresh temporary folder, listening on a free
/// loopback port with scram-sha-256 password authentication, fsync off; `stop()` (also from deinit)
/// shuts it down and removes the folder. Runs the server as user `postgres` when we are root.
/// Shared by the store tests (GroundStationTests) and the daemon's end-to-end tests (gsdTests).
public final class PostgresTestServer: @unchecked Sendable {
    public static let binDirectory: String? = {
        let base = "/usr/lib/postgresql"
        let versions = (try? FileManager.default.contentsOfDirectory(atPath: base)) ?? []
        let sorted = versions.compactMap { Int($0) }.sorted(by: >)
        for v in sorted where FileManager.default.isExecutableFile(atPath: "\(base)/\(v)/bin/initdb") {
            return "\(base)/\(v)/bin"
        }
        return nil
    }()

    /// Why the tests skip, when they must: nil when a server can be started.
    public static var unavailableReason: String? {
        binDirectory == nil ? "no PostgreSQL binaries (/usr/lib/postgresql/*/bin/initdb): install the postgresql package" : nil
    }

    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    public let directory: String
    public private(set) var port: Int
    public let password = "gsd-test-\(UInt32.random(in: 0...UInt32.max))"
    private let bin: String
    private let asPostgres: Bool
    private var running = false
    private var databaseCounter = 0
    private let lock = NSLock()

    public init() throws {
        guard let bin = Self.binDirectory else { throw Failure(description: Self.unavailableReason ?? "") }
        self.bin = bin
        asPostgres = geteuid() == 0
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("gsd-pg-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        port = Int(try LoopbackPorts.free())
        do {
            if asPostgres {
                try FileManager.default.setAttributes([.ownerAccountName: "postgres"], ofItemAtPath: directory)
            }
            let pwfile = directory + "/pwfile"
            try password.write(toFile: pwfile, atomically: false, encoding: .utf8)
            if asPostgres { try FileManager.default.setAttributes([.ownerAccountName: "postgres"], ofItemAtPath: pwfile) }
            try runTool(
                "initdb", ["-D", directory + "/data", "-U", "postgres", "--pwfile=" + pwfile, "--auth-local=trust",
                           "--auth-host=scram-sha-256", "--no-sync", "-E", "UTF8", "--locale=C.UTF-8"])
            try startServer()
            running = true
        } catch {
            try? FileManager.default.removeItem(atPath: directory)
            throw error
        }
    }

    /// pg_ctl start on `port`; another port when something else took this one between our probe and
    /// the server's bind (a few tries, then the last failure).
    private func startServer() throws {
        for attempt in 1...4 {
            do {
                try runTool(
                    "pg_ctl", ["-D", directory + "/data", "-l", directory + "/log", "-w", "-t", "60", "-o",
                               "-p \(port) -k \(directory) -c listen_addresses=127.0.0.1 -c fsync=off", "start"])
                return
            } catch let failure as Failure where attempt < 4 && failure.description.contains("Address already in use") {
                port = Int(try LoopbackPorts.free())
            }
        }
    }

    deinit { stop() }

    public func stop() {
        let wasRunning = lock.withLock {
            defer { running = false }
            return running
        }
        if wasRunning {
            _ = try? runTool("pg_ctl", ["-D", directory + "/data", "-m", "fast", "-w", "stop"])
        }
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// Creates an empty database and returns its name.
    public func createDatabase() throws -> String {
        let name = lock.withLock {
            databaseCounter += 1
            return "gsd_test_\(databaseCounter)"
        }
        try runTool("psql", ["-h", directory, "-p", "\(port)", "-U", "postgres", "-d", "postgres", "-v", "ON_ERROR_STOP=1", "-c", "CREATE DATABASE \(name)"])
        return name
    }

    /// The URL a client (such as `gsd run`'s `storage.postgresql`) connects with: password auth over TCP.
    public func url(database: String) -> String {
        let secret = password.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? password
        return "postgres://postgres:\(secret)@127.0.0.1:\(port)/\(database)?sslmode=disable"
    }

    /// Runs SQL through psql over the local socket; its output.
    @discardableResult
    public func psql(_ database: String, _ sql: String) throws -> String {
        try runTool("psql", ["-h", directory, "-p", "\(port)", "-U", "postgres", "-d", database, "-v", "ON_ERROR_STOP=1", "-At", "-c", sql])
    }

    /// Runs a PostgreSQL tool to completion (from /, as postgres when root); its output, or an error with it.
    @discardableResult
    private func runTool(_ tool: String, _ arguments: [String]) throws -> String {
        let output = directory + "/\(tool)-\(UUID().uuidString).out"
        let command = [bin + "/" + tool] + arguments
        let argv = asPostgres
            ? ["/bin/sh", "-c", "cd / && exec \"$@\"", "sh", "runuser", "-u", "postgres", "--"] + command
            : ["/bin/sh", "-c", "cd / && exec \"$@\"", "sh"] + command
        let child = try ChildProcess(argv, output: output)
        let status = child.wait(timeout: .seconds(120))
        let text = Self.log(output)
        try? FileManager.default.removeItem(atPath: output)
        if status == nil { child.kill() }
        guard status == 0 else {
            let serverLog = Self.log(directory + "/log")
            throw Failure(description: "\(tool) \(arguments.joined(separator: " ")) failed (\(status.map { "exit \($0)" } ?? "timeout")): \(text)\nserver log: \(serverLog.suffix(2000))")
        }
        return text
    }

    private static func log(_ path: String) -> String {
        (try? String(contentsOfFile: path, encoding: .isoLatin1)) ?? "(no output)"
    }
}
