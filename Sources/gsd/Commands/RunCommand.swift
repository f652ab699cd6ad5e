import ArgumentParser
import Foundation
import GroundStation
import Logging
import ServiceLifecycle

#if canImport(Glibc)
import Glibc
#endif

struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run the ground-station daemon: schedule passes, decode them, store frames, serve the HTTP API.",
        discussion: """
            Reads one YAML configuration (see examples/station.yaml; examples/demo.yaml runs without hardware). \
            An invalid configuration stops the daemon before it starts, naming the key. Logs go to stderr; \
            the line 'gsd: listening on http://HOST:PORT/' goes to stdout once the API is up. SIGTERM or \
            SIGINT shut down gracefully: the running pass is closed with the frames stored so far.
            """)

    @Option(help: "Configuration file (YAML).")
    var config: String

    @Option(help: "HTTP listen address HOST:PORT (overrides http.listen; port 0 picks a free port).")
    var listen: String?

    @Option(help: "Data folder (overrides data_dir).")
    var dataDir: String?

    @Flag(help: "Exit once every pass of a file source's schedule has been played (demos, tests).")
    var exitAfterSchedule = false

    @Option(help: "Satellite catalogue folder (default: the one shipped with gsd).")
    var catalogue: String?

    @Option(help: "Log level: trace, debug, info, notice, warning, error, critical.")
    var logLevel: String = "info"

    func run() async throws {
        guard let level = Logger.Level(rawValue: logLevel) else { throw ValidationError("--log-level must be one of trace, debug, info, notice, warning, error, critical") }
        LoggingSystem.bootstrap { label in
            var h = StreamLogHandler.standardError(label: label)
            h.logLevel = level
            return h
        }
        var logger = Logger(label: "gsd")
        logger.logLevel = level

        let configuration: DaemonConfiguration
        do {
            configuration = try DaemonConfigurationParser.load(
                path: config, overrides: .init(listen: listen, dataDirectory: dataDir))
        } catch {
            throw ValidationFailure("invalid configuration: \(error.description)")
        }
        let cat: SatelliteCatalogue
        let telemetry: TelemetryService?
        do {
            cat = try SatelliteCatalogue.load(directory: SatelliteCatalogue.defaultDirectory(explicit: catalogue))
            // Decoded telemetry is stored with each good frame; a catalogue without definitions stores none.
            telemetry = try TelemetryService.loadIfPresent(catalogue: cat, directory: catalogue)
        } catch {
            throw ValidationFailure(error.description)
        }
        if telemetry == nil { logger.notice("no telemetry definitions beside the catalogue: frames are stored without decoded telemetry") }
        let store: any PassStore
        switch configuration.storage {
        case .sqlite(let path):
            do { store = try SQLitePassStore(path: path) } catch { throw ValidationFailure(error.description) }
        case .postgresql(let url):
            do {
                store = try await PostgresPassStore.open(try PostgresStoreConfiguration(url: url), logger: logger)
            } catch {
                throw ValidationFailure("\(configuration.file): storage.postgresql: \(error)")
            }
        }
        let daemon: GroundStationDaemon
        do {
            daemon = try GroundStationDaemon(
                configuration: configuration, catalogue: cat, store: store, logger: logger, exitAfterSchedule: exitAfterSchedule,
                telemetry: telemetry)
        } catch {
            try? await store.close()
            throw ValidationFailure("invalid configuration: \(error.description)")
        }
        let host = configuration.http.host
        let app = DaemonHTTPServer.application(daemon: daemon, version: GSDVersion.string, logger: logger) { port in
            let shown = host.contains(":") ? "[\(host)]" : host
            print("gsd: listening on http://\(shown):\(port)/")
            fflush(nil)
        }
        logger.info("starting", metadata: [
            "station": "\(configuration.station.name)", "source": "\(configuration.hardware.source.kind)",
            "data_dir": "\(configuration.dataDirectory)",
        ])
        let group = ServiceGroup(
            configuration: .init(
                services: [
                    .init(service: app),
                    .init(service: daemon, successTerminationBehavior: exitAfterSchedule ? .gracefullyShutdownGroup : .ignore),
                ],
                gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        do {
            try await group.run()
        } catch {
            try? await store.close()
            throw ValidationFailure("daemon stopped: \(error)")
        }
        if exitAfterSchedule {
            // What the schedule produced, for demos: one line per pass.
            for p in (try? await store.passes(PassQuery(station: configuration.station.name, limit: 1000))) ?? [] {
                let frames = (try? await store.frames(FrameQuery(passID: p.id, limit: 100_000))) ?? []
                let good = frames.filter(\.checksOK).count
                print("gsd: pass \(p.id) \(p.satellite) (\(p.kind.rawValue)): \(good) good frames, \(frames.count - good) failed checks")
            }
        }
        try? await store.close()
        logger.info("stopped")
    }
}
