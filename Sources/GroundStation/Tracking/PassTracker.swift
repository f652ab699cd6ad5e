import Foundation

/// Runs a pass: points the rotator along the predicted track and retunes the radio for Doppler.
///
/// Every `updateInterval` seconds of the injected clock it computes the look angles and
/// - asks `AntennaPointing` whether the rotator must move (error above the threshold) and sends `P`;
/// - asks `DopplerCorrection` whether the radio must be retuned (every `dopplerInterval` seconds, only
///   for a change of at least 1 Hz) and sends `F`.
/// Before the satellite rises above `minimumElevation` the rotator is sent once to where it will rise
/// (pre-positioning); the pass is planned from the predicted track so that a 0–450° or flip-capable
/// rotator needs no swing through its end stop mid-pass.
///
/// A failed Hamlib command does not end the run: it is reported in the event and retried on the next
/// update (the clients reconnect by themselves). Either client may be absent.
public struct PassTracker: Sendable {
    public struct Configuration: Sendable, Hashable {
        /// Nominal downlink frequency in hertz.
        public var frequency: Double
        /// Seconds between pointing updates (the tracker's tick).
        public var updateInterval: Double = 0.5
        /// Seconds between Doppler retunes.
        public var dopplerInterval: Double = 1
        /// Degrees the target must move before the rotator is commanded again.
        public var threshold: Double = 2
        public var azimuthRange: AntennaPointing.AzimuthRange = .degrees360
        public var flipCapable = false
        /// Degrees; below it the rotator waits at the rise point (or stays put after the pass).
        public var minimumElevation: Double = 0
        /// Park the rotator at the end.
        public var parkAtEnd = false
        /// Retune for Doppler also while the satellite is below `minimumElevation` (for test runs);
        /// otherwise the radio is tuned only during the pass and the tracker sleeps until the rise.
        public var tuneBelowMinimumElevation = false

        public init(frequency: Double) {
            self.frequency = frequency
        }
    }

    /// What happened at one update where something was sent or failed.
    public struct Event: Sendable {
        public var time: Date
        public var lookAngles: LookAngles
        /// Position sent to the rotator (rotator frame), if any.
        public var rotatorCommand: AntennaPointing.Position?
        /// Frequency sent to the radio (hertz, before rounding to 1 Hz), if any.
        public var frequencyCommand: Double?
        /// Failed commands, as messages.
        public var errors: [String] = []
    }

    public struct Report: Sendable {
        public var events: [Event] = []
        public var updates = 0
        public var rotatorCommands: Int { events.count(where: { $0.rotatorCommand != nil }) }
        public var frequencyCommands: Int { events.count(where: { $0.frequencyCommand != nil }) }
        public var errors: [String] { events.flatMap(\.errors) }
        /// Whether the flipped pointing was used.
        public var flipped = false
    }

    public let predictor: PassPredictor
    public let rotator: RotatorClient?
    public let radio: RadioClient?
    public var configuration: Configuration
    public let clock: any TrackingClock

    public init(
        predictor: PassPredictor, rotator: RotatorClient?, radio: RadioClient?, configuration: Configuration,
        clock: any TrackingClock = SystemTrackingClock()
    ) {
        self.predictor = predictor
        self.rotator = rotator
        self.radio = radio
        self.configuration = configuration
        self.clock = clock
    }

    /// Look angles at a date.
    public func lookAngles(at date: Date) throws(SGP4Error) -> LookAngles {
        try predictor.lookAngles(at: JulianDate(date))
    }

    /// The next pass (above `minimumElevation`) that has not ended at `date`, searching `hours` ahead.
    public func nextPass(after date: Date, hours: Double = 48) throws(SGP4Error) -> SatellitePass? {
        let start = JulianDate(date)
        let predictor = PassPredictor(
            propagator: self.predictor.propagator, station: self.predictor.observer.location,
            minimumElevation: configuration.minimumElevation)
        return try predictor.passes(from: start, to: start.adding(minutes: hours * 60)).first { $0.los > start }
    }

    /// Tracks the next pass: pre-positions the rotator now, waits for AOS and tracks until LOS.
    public func trackNextPass(onEvent: (@Sendable (Event) -> Void)? = nil) async throws -> (SatellitePass, Report)? {
        let now = clock.now()
        guard let pass = try nextPass(after: now) else { return nil }
        let report = try await run(from: now, to: pass.los.date, onEvent: onEvent)
        return (pass, report)
    }

    /// Tracks from `start` (normally now) to `end` on the clock.
    public func run(from start: Date, to end: Date, onEvent: (@Sendable (Event) -> Void)? = nil) async throws
        -> Report
    {
        let tick = max(0.01, configuration.updateInterval.isFinite ? configuration.updateInterval : 0.5)
        // Fail fast when a daemon is unreachable at the start.
        try rotator?.connection.connect()
        try radio?.connection.connect()

        // Plan the pointing from the predicted track above the minimum elevation.
        var pointing = AntennaPointing(
            azimuthRange: configuration.azimuthRange, flipCapable: configuration.flipCapable,
            threshold: configuration.threshold)
        var track: [(azimuth: Double, elevation: Double)] = []
        var firstVisible: (date: Date, angles: LookAngles)?
        let span = end.timeIntervalSince(start)
        // One sample a second, at most 20,000 (clamped as a Double: a huge span must not overflow Int).
        let samples = Int(max(1, min(20_000, span.rounded(.up))))
        for k in 0...samples {
            let t = start.addingTimeInterval(span * Double(k) / Double(samples))
            let a = try lookAngles(at: t)
            if a.elevation >= configuration.minimumElevation {
                if firstVisible == nil { firstVisible = (t, a) }
                track.append((a.azimuth, a.elevation))
            } else if !track.isEmpty {
                break  // plan one pass: the first visible stretch
            }
        }
        pointing.plan(track: track)

        var doppler = DopplerCorrection(
            nominalFrequency: configuration.frequency, interval: configuration.dopplerInterval)
        var report = Report()
        report.flipped = pointing.flipped
        var prepositioned = false
        var k = 0
        while true {
            try Task.checkCancellation()
            let now = clock.now()
            if now >= end { break }
            let angles = try lookAngles(at: now)
            var event = Event(time: now, lookAngles: angles)
            report.updates += 1

            if let rotator {
                var target: (azimuth: Double, elevation: Double)?
                if angles.elevation >= configuration.minimumElevation {
                    target = (angles.azimuth, angles.elevation)
                } else if !prepositioned, let first = firstVisible, first.date > now {
                    target = (first.angles.azimuth, max(0, first.angles.elevation))
                    prepositioned = true
                }
                if let target, let p = pointing.command(forAzimuth: target.azimuth, elevation: target.elevation) {
                    do {
                        try rotator.setPosition(azimuth: p.azimuth, elevation: p.elevation)
                        event.rotatorCommand = p
                    } catch {
                        event.errors.append("rotator: \(error)")
                        pointing.reset()  // resend on the next update
                    }
                }
            }
            // Doppler is timed on the tick grid, so clock jitter does not turn a 0.5 s rate into 0.75 s.
            let gridTime = max(Double(k) * tick, 0)
            let visible = angles.elevation >= configuration.minimumElevation
            if let radio, visible || configuration.tuneBelowMinimumElevation,
                let f = doppler.retune(at: gridTime, rangeRate: angles.rangeRate)
            {
                do {
                    try radio.setFrequency(f)
                    event.frequencyCommand = f
                } catch {
                    event.errors.append("radio: \(error)")
                    doppler.reset()
                }
            }
            if event.rotatorCommand != nil || event.frequencyCommand != nil || !event.errors.isEmpty {
                report.events.append(event)
                onEvent?(event)
            }

            // Next tick on the grid start + k·tick; while waiting for the rise, sleep until it.
            k += 1
            var next = start.addingTimeInterval(Double(k) * tick)
            if next <= now {
                k = Int((now.timeIntervalSince(start) / tick).rounded(.down)) + 1
                next = start.addingTimeInterval(Double(k) * tick)
            }
            if radio == nil || !configuration.tuneBelowMinimumElevation, !visible, let first = firstVisible,
                first.date > next
            {
                next = first.date
                k = Int((next.timeIntervalSince(start) / tick).rounded(.down))
            }
            try await clock.sleep(until: min(next, end))
        }
        if configuration.parkAtEnd, let rotator {
            try rotator.park()
        }
        return report
    }
}
