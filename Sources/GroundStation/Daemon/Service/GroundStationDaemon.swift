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
    /// Seconds between looks at the TLE files while waiting (live sources).
    let elementsCheckInterval: Double
    private let replays: AsyncStream<ReplayRequest>
    private let replayQueue: AsyncStream<ReplayRequest>.Continuation

    public init(
        configuration: DaemonConfiguration, catalogue: SatelliteCatalogue, store: any PassStore, logger: Logger,
        exitAfterSchedule: Bool = false, telemetry: TelemetryService? = nil, elementsCheckInterval: Double = 60
    ) throws(ConfigurationError) {
        try Self.check(configuration, against: catalogue)
        self.elementsCheckInterval = max(0.1, elementsCheckInterval)
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
        if case .sdr(let s) = c.hardware.source, s.soapyArguments == nil {
            let profiles: HardwareProfileSet
            do { profiles = try HardwareProfileSet.load(directory: HardwareProfileSet.defaultDirectory()) } catch {
                throw ConfigurationError(file: c.file, key: "hardware.sdr.profile", problem: "cannot load the hardware profiles: \(error)")
            }
            guard let p = profiles.profile(id: s.profile) else {
                throw ConfigurationError(
                    file: c.file, key: "hardware.sdr.profile",
                    problem: "no profile '\(s.profile)' in hw-profiles (known: \(profiles.profiles.map(\.id).joined(separator: ", ")))")
            }
            guard p.driver != .serialKISS else {
                throw ConfigurationError(file: c.file, key: "hardware.sdr.profile", problem: "'\(s.profile)' is a serial modem, not a receiver")
            }
            if !p.sampleRates.isEmpty, !p.sampleRates.contains(where: { $0.contains(s.sampleRate) }) {
                let rates = p.sampleRates.map { $0.lower == $0.upper ? "\(Int($0.lower))" : "\(Int($0.lower))-\(Int($0.upper))" }
                throw ConfigurationError(
                    file: c.file, key: "hardware.sdr.sample_rate",
                    problem: "\(Int(s.sampleRate)) Sps is not a rate of \(p.name) (profile \(p.id): \(rates.joined(separator: ", ")))")
            }
            for name in s.gainElements.keys.sorted() {
                guard p.driver == .soapy, let element = p.soapy?.gainElements.first(where: { $0.name == name }) else {
                    let known = p.soapy?.gainElements.map(\.name).joined(separator: ", ") ?? ""
                    throw ConfigurationError(
                        file: c.file, key: "hardware.sdr.gains.\(name)",
                        problem: known.isEmpty ? "profile \(p.id) has no gain elements" : "not a gain element of \(p.id) (known: \(known))")
                }
                if let v = s.gainElements[name], !element.range.contains(v) {
                    throw ConfigurationError(
                        file: c.file, key: "hardware.sdr.gains.\(name)",
                        problem: "\(v) dB is outside \(element.range.minimum)...\(element.range.maximum) for \(p.id)")
                }
            }
        }
        if c.hardware.source.liveSampleRate != nil, c.tleFiles.isEmpty {
            throw ConfigurationError(file: c.file, key: "tle.files", problem: "a live source needs TLE files to predict passes from")
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
        return await makeSchedule(now: now, elements: &elements)
    }

    /// Predicts (live) or plans (file) the schedule from `elements`, re-read first where their files changed.
    func makeSchedule(now: Date, elements: inout ElementSets) async -> [ScheduledPass] {
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
        if case .file = configuration.hardware.source {
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
        } else {
            await cancelWhenGracefulShutdownIgnoringErrors { try await self.runLiveSchedule() }
        }
        await state.finishSchedule()
        logger.info("schedule played")
    }

    /// Live sources: predict `schedule_hours` ahead, observe each pass at its time, and predict again when
    /// the window has been played or when a TLE file changed (new elements move the passes). With
    /// `exitAfterSchedule`, one window is played.
    private func runLiveSchedule() async throws {
        var elements = ElementSets(files: configuration.tleFiles)
        while true {
            let now = Date()
            let schedule = await makeSchedule(now: now, elements: &elements)
            let horizon = now.addingTimeInterval(configuration.scheduleHours * 3600)
            logger.info("schedule ready", metadata: ["passes": "\(schedule.count)", "until": "\(horizon)"])
            var elementsChanged = false
            for p in schedule where p.state == .pending {
                // Wait for AOS, looking at the TLE files every `elementsCheckInterval` (a minute).
                while p.start.timeIntervalSinceNow > 0 {
                    try await Task.sleep(for: .seconds(min(elementsCheckInterval, p.start.timeIntervalSinceNow)))
                    if p.start.timeIntervalSinceNow > 0, (try? elements.refresh()) == true {
                        elementsChanged = true
                        break
                    }
                }
                if elementsChanged { break }
                try Task.checkCancellation()
                if p.end <= Date() {
                    await state.update(slot: p.slot) { $0.state = .failed; $0.note = "missed: LOS passed before the receiver was free" }
                    continue
                }
                await observe(p)
                try Task.checkCancellation()
            }
            if elementsChanged {
                logger.info("TLE files changed: predicting again")
                continue
            }
            if exitAfterSchedule { return }
            // Nothing left in this window: sleep to its end (TLE changes wake it up), then predict again.
            while horizon.timeIntervalSinceNow > 0 {
                try await Task.sleep(for: .seconds(min(elementsCheckInterval, horizon.timeIntervalSinceNow)))
                if (try? elements.refresh()) == true { break }
            }
        }
    }

    private func observe(_ p: ScheduledPass) async {
        guard let sat = catalogue.satellite(norad: p.norad) else { return }
        await state.update(slot: p.slot) { $0.state = .running }
        do {
            let record = try await runner.open(satellite: sat, kind: .scheduled, start: Date(), maxElevation: p.maxElevation)
            await state.update(slot: p.slot) { $0.passID = record.id }
            var elements = ElementSets(files: configuration.tleFiles)
            _ = try? elements.refresh()
            let element = elements.byNorad[p.norad]
            switch configuration.hardware.source {
            case .file(let f):
                guard let recording = p.recording else { return }
                let angles = element.flatMap {
                    try? LookAngleProvider(elements: $0, station: configuration.station.location, passStart: record.start, geometryStart: p.geometry?.aos.date)
                }
                try await runner.observe(record, job: .init(recording: recording, satellite: sat, speed: f.speed, angles: angles))
            case .rtlTCP, .sdr:
                try await observeLive(record, pass: p, satellite: sat, elements: element)
            }
            await state.update(slot: p.slot) { $0.state = Task.isCancelled ? .failed : .done; if Task.isCancelled { $0.note = "interrupted by shutdown" } }
        } catch {
            await state.update(slot: p.slot) {
                $0.state = .failed
                $0.note = "\(error)"
            }
            await state.failed("pass \(p.slot) (\(sat.name)): \(error)")
        }
    }

    /// Receives a predicted pass until LOS while the rotator follows it and the radio is retuned for Doppler.
    private func observeLive(_ record: PassRecord, pass p: ScheduledPass, satellite sat: Satellite, elements: MeanElements?) async throws {
        let station = configuration.station.location
        let angles = elements.flatMap { try? LookAngleProvider(elements: $0, station: station, passStart: record.start, geometryStart: nil) }
        let source = configuration.hardware.source
        let profiles = try? HardwareProfileSet.load(directory: HardwareProfileSet.defaultDirectory())
        let logger = self.logger
        let job = PassRunner.LiveJob(
            satellite: sat, end: p.end, angles: angles, tuningOffset: source.tuningOffset, bufferSeconds: source.bufferSeconds,
            open: { centre in
                try LiveStreamOpener.open(source, centre: centre, profiles: profiles, onEvent: { logger.warning("\($0)") })
            })
        let tracking = trackingTask(pass: p, satellite: sat, elements: elements)
        defer { tracking?.cancel() }
        try await runner.observe(record, live: job)
        // The tracker stops at LOS by itself, as the stream did.
        if let report = await tracking?.value {
            logger.info("tracking done", metadata: [
                "pass": "\(record.id)", "rotator commands": "\(report.rotatorCommands)", "radio retunes": "\(report.frequencyCommands)",
                "errors": "\(report.errors.count)"])
            if let first = report.errors.first {
                await state.failed("pass \(record.id): tracking: \(report.errors.count) command(s) failed, first: \(first)")
            }
        }
    }

    /// Points the rotator and retunes the radio (rotctld/rigctld, when configured) from now to LOS.
    private func trackingTask(pass p: ScheduledPass, satellite sat: Satellite, elements: MeanElements?) -> Task<PassTracker.Report?, Never>? {
        let hw = configuration.hardware
        guard hw.rotctld != nil || hw.rigctld != nil, let elements, let sgp4 = try? SGP4Propagator(elements),
              let frequency = sat.transmitters.lazy.compactMap(\.frequency).first
        else { return nil }
        var trackerConfiguration = PassTracker.Configuration(frequency: frequency)
        trackerConfiguration.minimumElevation = configuration.minimumElevation
        let tracker = PassTracker(
            predictor: PassPredictor(propagator: sgp4, station: configuration.station.location, minimumElevation: configuration.minimumElevation),
            rotator: hw.rotctld.map { RotatorClient(endpoint: $0) }, radio: hw.rigctld.map { RadioClient(endpoint: $0) },
            configuration: trackerConfiguration)
        let logger = self.logger
        let end = p.end
        return Task {
            do {
                return try await tracker.run(from: Date(), to: end) { event in
                    for e in event.errors { logger.warning("tracking", metadata: ["error": "\(e)"]) }
                }
            } catch {
                if !(error is CancellationError) {
                    logger.error("tracking failed", metadata: ["error": "\(error)"])
                    await self.state.failed("tracking \(sat.name): \(error)")
                }
                return nil
            }
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
