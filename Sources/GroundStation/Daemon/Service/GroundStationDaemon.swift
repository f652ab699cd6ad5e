import Foundation
import Logging
import ServiceLifecycle

/// The daemon's observing side as a service: closes passes a crash left open, builds the schedule, plays
/// each pass when its time comes and decodes submitted recordings. Graceful shutdown (SIGTERM/SIGINT)
/// cancels the running pass, which is then closed cleanly (its frames so far are kept).
public final class GroundStationDaemon: Service, Sendable {
    public let configuration: DaemonConfiguration
    public let catalogue: SatelliteCatalogue
    public let store: any PassStore
    public let state: DaemonState
    public let hub: LiveFrameHub
    public let metrics: DaemonMetrics
    public let runner: PassRunner
    /// Forwards good frames to the `publishing` SiDS endpoints (nil when none are configured).
    public let forwarder: SiDSForwarder?
    let logger: Logger
    /// Return (ending the service group) once a finite schedule has been played.
    let exitAfterSchedule: Bool
    private let replays: AsyncStream<ReplayRequest>
    private let replayQueue: AsyncStream<ReplayRequest>.Continuation

    public init(
        configuration: DaemonConfiguration, catalogue: SatelliteCatalogue, store: any PassStore, logger: Logger,
        exitAfterSchedule: Bool = false, telemetry: TelemetryService? = nil
    ) throws(ConfigurationError) {
        try Self.check(configuration, against: catalogue)
        self.configuration = configuration
        self.catalogue = catalogue
        self.store = store
        self.logger = logger
        self.exitAfterSchedule = exitAfterSchedule
        state = DaemonState()
        hub = LiveFrameHub()
        metrics = DaemonMetrics()
        let endpoints = configuration.publishing.filter { $0.kind == "sids" }.compactMap { URL(string: $0.url) }
        if endpoints.isEmpty {
            forwarder = nil
        } else {
            let s = configuration.station
            do {
                try FileManager.default.createDirectory(atPath: configuration.dataDirectory, withIntermediateDirectories: true)
                forwarder = try SiDSForwarder(
                    directory: configuration.dataDirectory,
                    configuration: .init(
                        station: SiDSStation(callsign: s.callsign ?? s.name, latitude: s.location.latitude, longitude: s.location.longitude),
                        endpoints: endpoints),
                    logger: logger)
            } catch {
                throw ConfigurationError(
                    file: configuration.file, key: "publishing", problem: "cannot open the SiDS outbox in \(configuration.dataDirectory): \(error)")
            }
        }
        let dataDirectory = configuration.dataDirectory as NSString
        runner = PassRunner(
            store: store, station: configuration.station.name, metrics: metrics, hub: hub, state: state, logger: logger,
            forwarder: forwarder, recordingDirectory: configuration.recordSigMF ? dataDirectory.appendingPathComponent("sigmf") : nil,
            waterfallDirectory: dataDirectory.appendingPathComponent("waterfalls"), telemetry: telemetry)
        (replays, replayQueue) = AsyncStream.makeStream(of: ReplayRequest.self)
    }

    /// Every configured satellite must be in the catalogue, with a transmitter to decode.
    static func check(_ c: DaemonConfiguration, against catalogue: SatelliteCatalogue) throws(ConfigurationError) {
        for (i, n) in c.satellites.enumerated() {
            guard catalogue.satellite(norad: n) != nil else {
                throw ConfigurationError(file: c.file, key: "satellites[\(i)]", problem: "NORAD id \(n) is not in the satellite catalogue (see 'gsd satellites')")
            }
        }
        if case .sdr(let s) = c.hardware.source {
            throw ConfigurationError(
                file: c.file, key: "hardware.source",
                problem: "sdr (profile '\(s.profile)'): live passes from a local SDR are not wired into the daemon yet (gsd record and gsd rtl-tcp --device use the driver); use file")
        }
    }

    public func run() async throws {
        await withGracefulShutdownHandler {
            await withTaskGroup(of: Void.self) { outer in
                // The forwarder delivers until cancelled: once observing is over.
                if let forwarder = self.forwarder { outer.addTask { await forwarder.run() } }
                await withTaskGroup(of: Void.self) { group in
                    group.addTask { await self.consumeReplays() }
                    group.addTask {
                        await self.runSchedule()
                        if self.exitAfterSchedule { self.replayQueue.finish() }
                    }
                    await group.waitForAll()
                }
                outer.cancelAll()
            }
        } onGracefulShutdown: {
            self.replayQueue.finish()
        }
        hub.finishAll()
    }

    /// Queues a submitted recording; the pass exists (and is returned) before decoding starts.
    public func submit(recording: DaemonConfiguration.FileRecording) async throws -> PassRecord {
        guard let sat = catalogue.satellite(norad: recording.norad) else { throw PassStoreError.unknownPass(-1) }
        let record = try await runner.open(satellite: sat, kind: .replay, start: Date(), maxElevation: nil)
        replayQueue.yield(ReplayRequest(record: record, job: .init(recording: recording, satellite: sat, speed: 0, angles: nil)))
        return record
    }

    private func consumeReplays() async {
        await cancelWhenGracefulShutdownIgnoringErrors {
            for await r in self.replays {
                do { try await self.runner.observe(r.record, job: r.job) } catch {
                    await self.state.failed("replay pass \(r.record.id): \(error)")
                }
            }
        }
    }

    /// Passes left open by a crash are closed at their last frame (or their start).
    func recoverOpenPasses() async {
        do {
            for p in try await store.openPasses(station: configuration.station.name) {
                let last = try await store.frames(FrameQuery(passID: p.id, limit: 1, offset: max(0, p.frameCount - 1))).last
                try await store.closePass(id: p.id, end: last?.time ?? p.start)
                logger.warning("closed a pass left open by an earlier run", metadata: ["pass": "\(p.id)", "frames": "\(p.frameCount)"])
            }
        } catch {
            logger.error("cannot close passes left open", metadata: ["error": "\(error)"])
            await state.failed("recovering open passes: \(error)")
        }
    }

    func makeSchedule(now: Date) async -> [ScheduledPass] {
        var elements = ElementSets(files: configuration.tleFiles)
        var problems: [String] = []
        do { try elements.refresh() } catch { problems.append(error.description) }
        let names = Dictionary(uniqueKeysWithValues: configuration.satellites.compactMap { n in catalogue.satellite(norad: n).map { (n, $0.name) } })
        let schedule: [ScheduledPass]
        switch configuration.hardware.source {
        case .file(let f):
            // Each recording stands in for the satellite's next real pass, when its elements are known.
            var geometry: [Int: SatellitePass] = [:]
            for n in Set(f.recordings.map(\.norad)) {
                guard let e = elements.byNorad[n], let sgp4 = try? SGP4Propagator(e) else { continue }
                let predictor = PassPredictor(propagator: sgp4, station: configuration.station.location, minimumElevation: configuration.minimumElevation)
                let start = JulianDate(now)
                geometry[n] = (try? predictor.passes(from: start, to: start.adding(minutes: 48 * 60)))?.first
            }
            var durations: [Double] = []
            for r in f.recordings {
                if let file = try? SampleFileSource.open(path: r.path, format: r.format, rate: r.rate, iq: r.iq),
                    let total = file.totalSamples
                {
                    durations.append(Double(total) / file.sampleRate)
                } else {
                    durations.append(60)
                    problems.append("\(r.path): cannot read its length; a 60 s slot is assumed")
                }
            }
            schedule = PassScheduler.filePlan(f, names: names, durations: durations, geometry: geometry, from: now)
        case .rtlTCP, .sdr:
            let result = PassScheduler.predict(
                elements: elements.byNorad, satellites: configuration.satellites.map { ($0, names[$0] ?? "NORAD \($0)") },
                station: configuration.station.location, minimumElevation: configuration.minimumElevation, from: now,
                hours: configuration.scheduleHours)
            problems += result.problems
            schedule = result.passes
        }
        await state.setSchedule(schedule, problems: problems)
        for p in problems { logger.warning("schedule", metadata: ["problem": "\(p)"]) }
        return schedule
    }

    private func runSchedule() async {
        await recoverOpenPasses()
        let schedule = await makeSchedule(now: Date())
        logger.info("schedule ready", metadata: ["passes": "\(schedule.count)"])
        await cancelWhenGracefulShutdownIgnoringErrors {
            for p in schedule where p.state == .pending {
                let wait = p.start.timeIntervalSinceNow
                if wait > 0 { try await Task.sleep(for: .seconds(wait)) }
                try Task.checkCancellation()
                await self.observe(p)
            }
        }
        await state.finishSchedule()
        logger.info("schedule played")
    }

    private func observe(_ p: ScheduledPass) async {
        guard let sat = catalogue.satellite(norad: p.norad) else { return }
        guard let recording = p.recording, case .file(let f) = configuration.hardware.source else {
            // Live observation (rtl_tcp) is not wired to the schedule yet: say so rather than pretend.
            await state.update(slot: p.slot) {
                $0.state = .failed
                $0.note = "live observation through \(self.configuration.hardware.source.kind) is not implemented yet"
            }
            return
        }
        await state.update(slot: p.slot) { $0.state = .running }
        do {
            let record = try await runner.open(satellite: sat, kind: .scheduled, start: Date(), maxElevation: p.maxElevation)
            await state.update(slot: p.slot) { $0.passID = record.id }
            var angles: LookAngleProvider? = nil
            var elements = ElementSets(files: configuration.tleFiles)
            _ = try? elements.refresh()
            if let e = elements.byNorad[p.norad] {
                angles = try? LookAngleProvider(elements: e, station: configuration.station.location, passStart: record.start, geometryStart: p.geometry?.aos.date)
            }
            try await runner.observe(record, job: .init(recording: recording, satellite: sat, speed: f.speed, angles: angles))
            await state.update(slot: p.slot) { $0.state = Task.isCancelled ? .failed : .done; if Task.isCancelled { $0.note = "interrupted by shutdown" } }
        } catch {
            await state.update(slot: p.slot) {
                $0.state = .failed
                $0.note = "\(error)"
            }
            await state.failed("pass \(p.slot) (\(sat.name)): \(error)")
        }
    }
}

/// Runs `body` until it finishes or a graceful shutdown cancels it; errors (cancellation) end it quietly.
func cancelWhenGracefulShutdownIgnoringErrors(_ body: @escaping @Sendable () async throws -> Void) async {
    do { try await cancelWhenGracefulShutdown(body) } catch {}
}

extension GroundStationDaemon {
    /// Where a pass's waterfall image is kept (the pass runner draws it when the pass ends).
    public func waterfallPath(passID: Int64) -> String {
        (configuration.dataDirectory as NSString).appendingPathComponent("waterfalls/\(passID).png")
    }

    /// The pass's waterfall PNG, nil until one has been computed.
    public func waterfallPNG(passID: Int64) -> [UInt8]? {
        FileManager.default.contents(atPath: waterfallPath(passID: passID)).map { [UInt8]($0) }
    }
}
