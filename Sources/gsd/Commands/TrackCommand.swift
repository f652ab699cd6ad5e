import ArgumentParser
import Foundation
import GroundStation

struct TrackCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "track",
        abstract: "Track a satellite pass: point a rotator (rotctld) and correct a radio (rigctld) for Doppler.",
        discussion: """
            Without --now-for, waits for the next pass above --min-elevation (pre-positioning the rotator \
            at the rise point) and tracks it until LOS. With --now-for SECONDS, tracks from now for that \
            long whatever the elevation (for testing). The rotator is commanded only when the target has \
            moved more than --threshold degrees; the radio is retuned to f·(1 − range_rate/c) every \
            --doppler-interval seconds when the change is at least 1 Hz. One line per command sent \
            (JSON with --json); failed Hamlib commands are reported on stderr and retried, the clients \
            reconnect when a daemon comes back.
            """)

    @Option(help: "Element file: two- or three-line TLEs, or OMM JSON.")
    var tle: String

    @Option(help: "NORAD catalogue number of the satellite (needed when the file holds several).")
    var norad: Int?

    @Option(
        parsing: .unconditional,
        help: ArgumentHelp("Station as LAT,LON,ALT_M (degrees north/east, metres).", valueName: "lat,lon,alt"))
    var station: String

    @Option(help: ArgumentHelp("rotctld address.", valueName: "host:port"))
    var rotctld: String?

    @Option(help: ArgumentHelp("rigctld address.", valueName: "host:port"))
    var rigctld: String?

    @Option(help: "Nominal downlink frequency in Hz.")
    var frequency: Double?

    @Option(help: "Track from now for this many seconds instead of the next pass.")
    var nowFor: Double?

    @Option(help: "Minimum elevation in degrees for a pass.")
    var minElevation: Double = 0

    @Option(help: "Pointing error in degrees that triggers a new rotator command.")
    var threshold: Double = 2

    @Option(help: "Seconds between Doppler retunes.")
    var dopplerInterval: Double = 1

    @Option(help: "Seconds between tracking updates.")
    var updateInterval: Double = 0.5

    @Option(help: "Rotator azimuth range: 360 (0–360°) or 450 (0–450°).")
    var azimuthRange: Int = 360

    @Flag(help: "The rotator has 180° of elevation: fly north-crossing passes flipped.")
    var flip = false

    @Flag(help: "Park the rotator when done.")
    var park = false

    @Option(help: "Pretend the clock starts at this ISO 8601 UTC time (replaying a past pass; runs in real time).")
    var start: String?

    @Option(help: "Seconds allowed for each Hamlib command.")
    var timeout: Double = 2

    @Flag(help: "Accept TLE lines whose checksum digit is wrong.")
    var ignoreChecksums = false

    @Flag(help: "One JSON object per update that sent something.")
    var json = false

    func validate() throws {
        if rotctld == nil && rigctld == nil { throw ValidationError("give --rotctld, --rigctld or both") }
        if rigctld != nil && frequency == nil { throw ValidationError("--rigctld needs --frequency") }
        if let frequency, !(frequency > 0 && frequency < 1e12) { throw ValidationError("--frequency must be a positive number of Hz below 1e12") }
        if let nowFor, !(nowFor > 0 && nowFor <= 366 * 86_400) { throw ValidationError("--now-for must be positive and at most 31622400 s (366 days)") }
        if !(-90...90).contains(minElevation) { throw ValidationError("--min-elevation must be within -90...90") }
        if !(threshold >= 0 && threshold < 180) { throw ValidationError("--threshold must be within 0..<180") }
        if !(dopplerInterval >= 0 && dopplerInterval.isFinite) {
            throw ValidationError("--doppler-interval must be zero or positive")
        }
        if !(updateInterval >= 0.05 && updateInterval <= 60) {
            throw ValidationError("--update-interval must be within 0.05...60")
        }
        if azimuthRange != 360 && azimuthRange != 450 { throw ValidationError("--azimuth-range must be 360 or 450") }
        if !(timeout > 0 && timeout <= 60) { throw ValidationError("--timeout must be within 0...60 seconds") }
    }

    func run() async throws {
        guard let location = GeodeticPosition(parsing: station) else {
            throw ValidationFailure("--station '\(station)' is not LAT,LON[,ALT_M] in degrees and metres")
        }
        var sets = try ElementSetFile.load(path: tle, ignoreChecksums: ignoreChecksums)
        if let norad { sets = sets.filter { $0.elements.noradID == norad } }
        guard let set = sets.first else { throw ValidationFailure("no satellite in \(tle) matches the selection") }
        if sets.count > 1 { throw ValidationFailure("\(tle) holds \(sets.count) satellites: choose one with --norad") }

        func endpoint(_ text: String?, _ option: String) throws -> HamlibEndpoint? {
            guard let text else { return nil }
            guard let e = HamlibEndpoint(parsing: text) else {
                throw ValidationFailure("\(option) '\(text)' is not HOST:PORT")
            }
            return e
        }
        let rotator = try endpoint(rotctld, "--rotctld").map { RotatorClient(endpoint: $0, timeout: timeout) }
        let radio = try endpoint(rigctld, "--rigctld").map { RadioClient(endpoint: $0, timeout: timeout) }

        let clock: any TrackingClock
        if let start {
            guard let d = JulianDate(iso8601: start) else {
                throw ValidationFailure("--start '\(start)' is not an ISO 8601 UTC time from 1900 to 2100 like 2024-03-01T12:00:00Z")
            }
            clock = SimulatedTrackingClock(start: d.date, rate: 1)
        } else {
            clock = SystemTrackingClock()
        }

        let propagator: SGP4Propagator
        do {
            propagator = try SGP4Propagator(set.elements)
        } catch {
            throw ValidationFailure("\(set.elements.noradID): \(error)")
        }
        var config = PassTracker.Configuration(frequency: frequency ?? 0)
        config.updateInterval = updateInterval
        config.dopplerInterval = dopplerInterval
        config.threshold = threshold
        config.azimuthRange = azimuthRange == 450 ? .degrees450 : .degrees360
        config.flipCapable = flip
        config.minimumElevation = minElevation
        config.parkAtEnd = park
        config.tuneBelowMinimumElevation = nowFor != nil
        let tracker = PassTracker(
            predictor: PassPredictor(propagator: propagator, station: location, minimumElevation: minElevation),
            rotator: rotator, radio: radio, configuration: config, clock: clock)

        let json = self.json
        let printer: @Sendable (PassTracker.Event) -> Void = { e in
            for message in e.errors { printError("gsd: \(message)") }
            if e.rotatorCommand == nil && e.frequencyCommand == nil { return }
            print(Self.line(e, json: json))
            fflush(nil)
        }
        do {
            if let nowFor {
                let now = clock.now()
                let report = try await tracker.run(from: now, to: now.addingTimeInterval(nowFor), onEvent: printer)
                printError(
                    "gsd: tracked \(nowFor) s: \(report.rotatorCommands) rotator and \(report.frequencyCommands) "
                        + "radio commands, \(report.errors.count) errors")
            } else {
                guard let pass = try tracker.nextPass(after: clock.now()) else {
                    throw ValidationFailure("no pass above \(minElevation)° in the next 48 hours")
                }
                printError(
                    "gsd: next pass AOS \(pass.aos.iso8601(fractionDigits: 0)) LOS \(pass.los.iso8601(fractionDigits: 0)) "
                        + String(format: "max elevation %.1f°", pass.maxElevation))
                let report = try await tracker.run(from: clock.now(), to: pass.los.date, onEvent: printer)
                printError(
                    "gsd: pass done: \(report.rotatorCommands) rotator and \(report.frequencyCommands) radio "
                        + "commands, \(report.errors.count) errors" + (report.flipped ? ", flipped" : ""))
            }
        } catch let e as HamlibError {
            throw ValidationFailure(e.description)
        } catch let e as SGP4Error {
            throw ValidationFailure("\(set.elements.noradID): \(e)")
        }
    }

    static func line(_ e: PassTracker.Event, json: Bool) -> String {
        let time = JulianDate(e.time).iso8601(fractionDigits: 3)
        let a = e.lookAngles
        if json {
            var o = JSONLine()
            o.add("time", time)
            o.add("azimuth", (a.azimuth * 1000).rounded() / 1000)
            o.add("elevation", (a.elevation * 1000).rounded() / 1000)
            o.add("range_rate_km_s", (a.rangeRate * 1e6).rounded() / 1e6)
            if let p = e.rotatorCommand {
                o.add("rotator_azimuth", (p.azimuth * 100).rounded() / 100)
                o.add("rotator_elevation", (p.elevation * 100).rounded() / 100)
            }
            if let f = e.frequencyCommand { o.add("frequency_hz", Int64(f.rounded())) }
            return o.text
        }
        var s = time + String(format: "  az %6.2f el %6.2f  rr %+8.4f km/s", a.azimuth, a.elevation, a.rangeRate)
        if let p = e.rotatorCommand { s += String(format: "  P %.2f %.2f", p.azimuth, p.elevation) }
        if let f = e.frequencyCommand { s += String(format: "  F %.0f", f.rounded()) }
        return s
    }
}
