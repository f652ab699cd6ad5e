import Foundation
import Logging
import TelemetryDecode

/// Observes one pass: plays its samples through the ring pipeline into the satellite's decode chains and
/// stores every frame (time, checksum verdict, look angles) before announcing it. A frame is announced
/// (live subscribers, metrics, status) only after the store acknowledged it, so whatever a client has
/// seen survives a crash.
public struct PassRunner: Sendable {
    /// What to play for a pass.
    public struct Job: Sendable {
        public var recording: DaemonConfiguration.FileRecording
        public var satellite: Satellite
        /// 1 = real time, 0 = unpaced.
        public var speed: Double
        public var angles: LookAngleProvider?

        public init(recording: DaemonConfiguration.FileRecording, satellite: Satellite, speed: Double, angles: LookAngleProvider?) {
            self.recording = recording
            self.satellite = satellite
            self.speed = speed
            self.angles = angles
        }
    }

    /// What to receive for a live pass.
    public struct LiveJob: Sendable {
        public var satellite: Satellite
        /// LOS: the stream is stopped then.
        public var end: Date
        /// Look angles (and range rate, for the Doppler correction); nil: neither.
        public var angles: LookAngleProvider?
        /// Hertz the receiver is tuned below the first transmitter's downlink.
        public var tuningOffset: Double
        /// Seconds of samples the decoders may fall behind before the newest are dropped.
        public var bufferSeconds: Double
        /// Opens the receiver tuned to a centre frequency.
        public var open: @Sendable (Double) throws -> LiveStream

        public init(
            satellite: Satellite, end: Date, angles: LookAngleProvider?, tuningOffset: Double,
            bufferSeconds: Double = DaemonConfiguration.Source.defaultBufferSeconds,
            open: @escaping @Sendable (Double) throws -> LiveStream
        ) {
            self.bufferSeconds = bufferSeconds
            self.satellite = satellite
            self.end = end
            self.angles = angles
            self.tuningOffset = tuningOffset
            self.open = open
        }
    }

    public let store: any PassStore
    public let station: String
    public let metrics: DaemonMetrics
    public let hub: LiveFrameHub
    public let state: DaemonState
    public let logger: Logger
    /// Good frames are queued here (durably) after they are stored.
    public let forwarder: SiDSForwarder?
    /// Where each pass's samples are kept as SigMF (`pass-ID.sigmf-meta`/`-data`); nil: not kept.
    public let recordingDirectory: String?
    /// Where each pass's waterfall goes (`ID.png`); nil: none drawn.
    public let waterfallDirectory: String?
    /// Decodes the telemetry of each good frame, stored with it; nil: frames are stored without.
    public let telemetry: TelemetryService?

    public init(
        store: any PassStore, station: String, metrics: DaemonMetrics, hub: LiveFrameHub, state: DaemonState, logger: Logger,
        forwarder: SiDSForwarder? = nil, recordingDirectory: String? = nil, waterfallDirectory: String? = nil,
        telemetry: TelemetryService? = nil
    ) {
        self.telemetry = telemetry
        self.forwarder = forwarder
        self.recordingDirectory = recordingDirectory
        self.waterfallDirectory = waterfallDirectory
        self.store = store
        self.station = station
        self.metrics = metrics
        self.hub = hub
        self.state = state
        self.logger = logger
    }

    /// Opens the stored pass (the id exists from here on).
    public func open(satellite: Satellite, kind: PassKind, start: Date, maxElevation: Double?) async throws -> PassRecord {
        let record = try await store.createPass(NewPass(
            station: station, norad: satellite.norad, satellite: satellite.name, kind: kind, start: start, maxElevation: maxElevation))
        await state.passOpened(.init(
            passID: record.id, norad: record.norad, satellite: record.satellite, kind: kind, start: start, frames: 0))
        metrics.passStarted(satellite: satellite.name, kind: kind)
        logger.info("pass opened", metadata: ["pass": "\(record.id)", "satellite": "\(satellite.name)", "kind": "\(kind.rawValue)"])
        return record
    }

    /// Plays the job into the pass and closes it, also when cancelled (shutdown) or when decoding fails.
    /// Returns the number of frames stored.
    @discardableResult
    public func observe(_ record: PassRecord, job: Job) async throws -> Int {
        try await observe(record) { try await play(record, job: job) }
    }

    /// Receives a live pass into `record` until its LOS and closes it (as `observe(_:job:)`).
    @discardableResult
    public func observe(_ record: PassRecord, live job: LiveJob) async throws -> Int {
        try await observe(record) { try await play(record, job: job) }
    }

    private func observe(_ record: PassRecord, _ body: () async throws -> (frames: Int, lastFrame: Date)) async throws -> Int {
        var stored = 0
        var failure: (any Error)?
        var lastFrame = record.start
        do {
            (stored, lastFrame) = try await body()
        } catch {
            failure = error
        }
        // Unpaced playback ends before the signal's time span does: the pass ends at its last frame then.
        let end = max(Date(), lastFrame)
        // Closing must happen even when this task was cancelled (shutdown): a fresh task is not cancelled,
        // and GRDB refuses work for a cancelled one.
        let store = self.store
        let id = record.id
        let closed = await Task { () -> (any Error)? in
            do { try await store.closePass(id: id, end: end) } catch { return error }
            return nil
        }.value
        if let closed { logger.error("cannot close pass", metadata: ["pass": "\(id)", "error": "\(closed)"]) }
        await state.passClosed(passID: record.id)
        if let failure, !(failure is CancellationError) {
            logger.error("pass failed", metadata: ["pass": "\(record.id)", "error": "\(failure)"])
            throw failure
        }
        logger.info("pass closed", metadata: ["pass": "\(record.id)", "frames": "\(stored)", "interrupted": "\(failure != nil || Task.isCancelled)"])
        return stored
    }

    /// A recording played as a pass.
    private func play(_ record: PassRecord, job: Job) async throws -> (frames: Int, lastFrame: Date) {
        let r = job.recording
        let file = try SampleFileSource.open(path: r.path, format: r.format, rate: r.rate, iq: r.iq)
        let input: ReceiverFactory.Input =
            file.isComplex ? .complex(sampleRate: file.sampleRate, offset: r.frequencyOffset ?? 0) : .real(sampleRate: file.sampleRate)
        var receivers: [Receiver] = []
        var reasons: [String] = []
        for spec in job.satellite.transmitters {
            do {
                receivers += try ReceiverFactory.receivers(for: spec, input: input, audioCarrier: file.isComplex ? nil : r.frequencyOffset)
            } catch {
                reasons.append("\(spec.name): \(error)")
            }
        }
        if receivers.isEmpty { throw ReplayError.nothingToDecode(path: r.path, reasons: reasons) }
        let plan = Playback(
            format: file.format, sampleRate: file.sampleRate, receivers: receivers, shifter: nil,
            overrun: .block(), timeScale: job.speed > 0 ? 1 / job.speed : 1, paced: job.speed > 0,
            frequency: job.satellite.transmitters.first?.frequency, angles: job.angles, origin: "from \(r.path)")
        return try await play(record, source: PacedFileByteSource(file, speed: job.speed), plan: plan)
    }

    /// A live receiver tuned for the pass: samples until LOS (`job.end`), Doppler removed in software.
    private func play(_ record: PassRecord, job: LiveJob) async throws -> (frames: Int, lastFrame: Date) {
        let (primary, centre) = try LiveReceivers.plan(for: job.satellite, tuningOffset: job.tuningOffset)
        let stream = try job.open(centre)
        let streamStart = Date()
        let receivers: [Receiver], reasons: [String]
        do {
            (receivers, reasons) = try LiveReceivers.receivers(for: job.satellite, centre: centre, sampleRate: stream.sampleRate)
        } catch {
            stream.stop()
            throw error
        }
        for reason in reasons { logger.warning("transmitter not decoded", metadata: ["pass": "\(record.id)", "reason": "\(reason)"]) }
        let shifter = job.angles.map {
            FrequencyShifter(sampleRate: stream.sampleRate, profile: .passDoppler(
                frequency: primary, angles: $0, from: streamStart, to: job.end))
        }
        var plan = Playback(
            format: stream.format, sampleRate: stream.sampleRate, receivers: receivers, shifter: shifter,
            overrun: .dropNewest, timeScale: 1, paced: true, frequency: centre, angles: job.angles,
            origin: "live from \(stream.hardware), tuned to \(Int(centre)) Hz")
        plan.ringCapacity = SampleRing.capacity(
            holding: Int(job.bufferSeconds * stream.sampleRate) * stream.format.bytesPerSample, minimum: 1 << 20)
        logger.info("receiving", metadata: ["pass": "\(record.id)", "hardware": "\(stream.hardware)", "centre": "\(Int(centre))",
                                            "until": "\(job.end)", "receivers": "\(receivers.count)"])
        // LOS ends the stream; the decoders then flush what they hold.
        let stopper = Task {
            let wait = job.end.timeIntervalSinceNow
            if wait > 0 { try? await Task.sleep(for: .seconds(wait)) }
            stream.stop()
        }
        defer { stopper.cancel() }
        let result = try await withTaskCancellationHandler {
            try await play(record, source: stream, plan: plan)
        } onCancel: {
            stream.stop()
        }
        let drops = stream.driverDrops
        if drops > 0 { logger.warning("receiver lost samples", metadata: ["pass": "\(record.id)", "driver drops": "\(drops)"]) }
        return result
    }

    /// How a pass's samples are decoded, whatever their source.
    struct Playback {
        var format: SampleFormat
        var sampleRate: Double
        var receivers: [Receiver]
        var shifter: FrequencyShifter?
        var overrun: SampleRing.OverrunPolicy
        /// Bytes of samples between the source and the decoders (a power of two).
        var ringCapacity = 1 << 22
        /// Wall-clock seconds per second of signal (1 live, 1/speed for a paced recording).
        var timeScale: Double
        /// Whether frames arrive in (scaled) real time, so that a latency means something.
        var paced: Bool
        var frequency: Double?
        var angles: LookAngleProvider?
        var origin: String
    }

    private func play<Source: SampleSource>(_ record: PassRecord, source: Source, plan: Playback) async throws -> (frames: Int, lastFrame: Date) {
        let chain = ReceiverDecodeChain(format: plan.format, sampleRate: plan.sampleRate, bank: ReceiverBank(plan.receivers), shifter: plan.shifter)
        let tap = PassTap(
            format: plan.format, sampleRate: plan.sampleRate,
            recordingBase: recordingDirectory.map { ($0 as NSString).appendingPathComponent("pass-\(record.id)") },
            frequency: plan.frequency, start: Date(),
            description: "gsd pass \(record.id): \(record.satellite) (NORAD \(record.norad)) at \(station), \(plan.origin)")
        let pipeline = try SamplePipeline<ReceivedFrame>(
            source: tap.tapping(source), chain: chain,
            configuration: .init(ringCapacity: plan.ringCapacity, overrun: plan.overrun, name: "gsd-pass-\(record.id)"))
        let playStart = Date()
        let clockStart = ContinuousClock.now
        let timeScale = plan.timeScale
        var merger = FrameMerger()
        var sequence = 0
        var lastFrame = record.start
        func reportRing() async {
            metrics.ring(delta: await state.ring(passID: record.id, pipeline.statistics))
        }
        // Failed candidates wait until the good frames near them are in: a damaged copy of a frame that
        // another chain received intact is counted, not stored as a failed check.
        var tally = FailedCandidateTally(transmitters: plan.receivers.map(\.spec))
        func keepFrame(_ f: ReceivedFrame) async throws {
            let time = playStart.addingTimeInterval(f.time * timeScale)
            let look = plan.angles?.angles(at: time)
            let frame = FrameRecord(
                passID: record.id, sequence: sequence, time: time, bytes: f.frame.bytes, framing: f.frame.framing,
                checksOK: f.frame.checkPassed, azimuth: look?.azimuth, elevation: look?.elevation,
                telemetryJSON: f.frame.checkPassed
                    ? telemetry?.json(norad: record.norad, transmitter: f.transmitter, frame: f.frame.bytes) : nil)
            do {
                try await store.appendFrame(frame)
            } catch {
                // A store failing while the pass is cancelled (shutdown) failed because of it.
                if error is CancellationError || Task.isCancelled { throw CancellationError() }
                // Not acknowledged, so not announced; decoding goes on, and the next frame tries
                // again (a disk that filled up may have room again).
                metrics.frameNotStored(satellite: record.satellite)
                logger.error("frame not stored", metadata: ["pass": "\(record.id)", "error": "\(error)"])
                await state.failed("pass \(record.id): a frame was decoded but not stored: \(error)")
                return
            }
            tap.stored(frame, signalTime: f.time)
            sequence += 1
            lastFrame = max(lastFrame, time)
            // Failed checks are held back on purpose (above), so only good frames measure the latency.
            let latency: Duration? = plan.paced && f.frame.checkPassed
                ? (ContinuousClock.now - clockStart) - .seconds(f.time * timeScale) : nil
            metrics.frame(satellite: record.satellite, checksOK: f.frame.checkPassed, latency: latency)
            await state.frameStored(passID: record.id)
            await reportRing()
            if let forwarder {
                do { try await forwarder.enqueue(frame, norad: record.norad) } catch {
                    logger.error("cannot queue frame for SiDS", metadata: ["pass": "\(record.id)", "error": "\(error)"])
                }
            }
            hub.publish(LiveFrameEvent(frame, of: record))
        }
        do {
            try await withTaskCancellationHandler {
                for try await f in pipeline.outputs {
                    if f.frame.checkPassed {
                        tally.good(f)
                        if merger.accept(f) { try await keepFrame(f) }
                    } else {
                        tally.failed(f)
                    }
                    // The chains' frames of one block come together; a second of signal is ample.
                    for failed in tally.settle(upTo: f.time - 1) { try await keepFrame(failed) }
                }
                for failed in tally.settleAll() { try await keepFrame(failed) }
            } onCancel: {
                pipeline.cancel()
            }
        } catch {
            pipeline.cancel()
            await pipeline.waitUntilStopped()
            await reportRing()
            await keep(tap, record: record)
            if tally.undecided > 0 {
                logger.warning("failed candidates not stored", metadata: ["pass": "\(record.id)", "count": "\(tally.undecided)",
                                                                            "why": "the pass ended before they were checked against good frames"])
            }
            throw error
        }
        await pipeline.waitUntilStopped()
        await reportRing()
        await keep(tap, record: record)
        if tally.damagedCopies > 0 {
            metrics.damagedCopies(satellite: record.satellite, count: tally.damagedCopies)
            logger.info("damaged copies of good frames not stored", metadata: ["pass": "\(record.id)", "count": "\(tally.damagedCopies)"])
        }
        if Task.isCancelled { throw CancellationError() }
        return (sequence, lastFrame)
    }

    /// Finishes the pass's SigMF recording and waterfall (also when the pass ended in an error, so what
    /// was received is kept); a failure is reported, the pass goes on.
    private func keep(_ tap: PassTap, record: PassRecord) async {
        let outcome = tap.finish(
            waterfallPath: waterfallDirectory.map { ($0 as NSString).appendingPathComponent("\(record.id).png") },
            title: "\(record.satellite) (\(record.norad)) pass \(record.id)")
        if let path = outcome.recording { logger.info("pass recorded", metadata: ["pass": "\(record.id)", "sigmf": "\(path)"]) }
        for problem in [outcome.recordingError.map { "SigMF recording of pass \(record.id) failed: \($0)" },
                        outcome.waterfallError.map { "waterfall of pass \(record.id) failed: \($0)" }].compactMap({ $0 }) {
            logger.error("\(problem)")
            await state.failed(problem)
        }
    }
}

