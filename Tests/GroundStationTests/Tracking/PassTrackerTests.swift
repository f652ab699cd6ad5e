import Foundation
import GroundStation
import Testing

/// PassTracker against Hamlib's real dummy daemons, on simulated pass times.
extension HamlibDaemonTests {
    @Suite struct PassTrackerTests {
        static let station = GeodeticPosition(latitude: 48.1351, longitude: 11.582, altitude: 520)
        static let windowStart = JulianDate(iso8601: "2024-03-01T00:00:00Z")
        static let iss = """
            ISS (ZARYA)
            1 25544U 98067A   24060.51736111  .00016717  00000+0  30200-3 0  9996
            2 25544  51.6416 165.4920 0005764  26.3570 333.7632 15.49944612441233
            """
        static let noaa19 = """
            NOAA 19
            1 33591U 09005A   24060.50000000  .00000150  00000+0  10500-3 0  9996
            2 33591  99.1700 110.5000 0013800 200.1000 159.9500 14.12700000777770
            """
        static let frequency = 437_800_000.0

        static func predictor(_ tle: String) throws -> PassPredictor {
            let sets = try TwoLineElements.parseMany(tle, checksum: .validate, source: "test")
            let set = try #require(sets.first)
            return PassPredictor(propagator: try SGP4Propagator(set), station: station, minimumElevation: 0)
        }

        /// A whole north-crossing NOAA 19 pass on a virtual clock (runs in milliseconds), 0–450° rotator:
        /// the commands follow the predicted track, stay continuous past 360°, and the Doppler retunes
        /// match f·(1 − ṙ/c) at the configured rate; the daemons end where the last commands put them.
        @Test func northCrossingPassOnVirtualClock() async throws {
            let rot = try HamlibDaemon("rotctld")
            defer { rot.stop() }
            let rig = try HamlibDaemon("rigctld")
            defer { rig.stop() }
            let predictor = try Self.predictor(Self.noaa19)
            let start = try #require(Self.windowStart)
            let passes = try predictor.passes(from: start, to: start.adding(minutes: 48 * 60))
            // A pass whose azimuth crosses north, not through the zenith.
            let pass = try #require(
                passes.first { p in
                    guard p.maxElevation < 70, p.maxElevation > 15 else { return false }
                    var prev = try? predictor.lookAngles(at: p.aos).azimuth
                    var t = p.aos
                    while t < p.los {
                        t = t.adding(minutes: 1.0 / 6)
                        guard let az = try? predictor.lookAngles(at: t).azimuth, let pr = prev else { return false }
                        if abs(az - pr) > 180 { return true }
                        prev = az
                    }
                    return false
                }, "no north-crossing NOAA 19 pass in the window")

            var config = PassTracker.Configuration(frequency: Self.frequency)
            config.azimuthRange = .degrees450
            config.threshold = 1
            config.updateInterval = 0.5
            config.dopplerInterval = 5  // the dummy rigctld takes ~40 ms per F
            let clock = SimulatedTrackingClock(start: pass.aos.date.addingTimeInterval(-30))
            let rotator = RotatorClient(endpoint: rot.endpoint)
            let radio = RadioClient(endpoint: rig.endpoint)
            let tracker = PassTracker(
                predictor: predictor, rotator: rotator, radio: radio, configuration: config, clock: clock)
            let report = try await tracker.run(from: clock.now(), to: pass.los.date)

            #expect(report.errors.isEmpty, "\(report.errors)")
            #expect(!report.flipped)
            let moves = report.events.filter { $0.rotatorCommand != nil }
            #expect(moves.count > 20)
            // The first command pre-positions at the rise point, 30 s before AOS.
            let first = try #require(moves.first)
            #expect(first.time < pass.aos.date)
            let aos = try predictor.lookAngles(at: pass.aos)
            let firstPoint = try #require(first.rotatorCommand)
            let firstSky = AntennaPointing(azimuthRange: .degrees450).skyDirection(of: firstPoint)
            #expect(AntennaPointing.angle(firstSky, (aos.azimuth, aos.elevation)) < 0.5)
            var previous: AntennaPointing.Position?
            var beyond360 = false
            for e in moves.dropFirst() {
                let p = try #require(e.rotatorCommand)
                let sky = AntennaPointing(azimuthRange: .degrees450).skyDirection(of: p)
                #expect(AntennaPointing.angle(sky, (e.lookAngles.azimuth, e.lookAngles.elevation)) < 1e-4)
                #expect((0...450).contains(p.azimuth))
                if let q = previous {
                    #expect(abs(p.azimuth - q.azimuth) < 20, "swing \(q) → \(p)")
                    let step = AntennaPointing.angle(
                        AntennaPointing(azimuthRange: .degrees450).skyDirection(of: q), sky)
                    #expect(step > 1 && step < 2, "step \(step)°")
                }
                beyond360 = beyond360 || p.azimuth > 360 || (previous.map { $0.azimuth > 360 } ?? false)
                previous = p
            }
            let arc = moves.compactMap(\.rotatorCommand).map(\.azimuth)
            #expect(arc.contains { $0 > 360 } || arc.contains { $0 < 90 } && arc.contains { $0 > 270 })
            #expect(beyond360 || arc.allSatisfy { $0 >= 90 }, "north crossing not kept continuous: \(arc)")

            let tunes = report.events.filter { $0.frequencyCommand != nil }
            #expect(tunes.count >= Int(pass.duration / 5) - 2)
            for (a, b) in zip(tunes, tunes.dropFirst()) {
                #expect(b.time.timeIntervalSince(a.time) >= 5 - 1e-6)
            }
            for e in tunes {
                let expected = Self.frequency * (1 - e.lookAngles.rangeRate / 299_792.458)
                #expect(abs((e.frequencyCommand ?? 0) - expected) < 1e-3)
            }
            // Approaching first (higher), receding last (lower).
            #expect((tunes.first?.frequencyCommand ?? 0) > Self.frequency + 5000)
            #expect((tunes.last?.frequencyCommand ?? .infinity) < Self.frequency - 5000)

            // What the daemons hold now.
            let lastTune = try #require(tunes.last?.frequencyCommand)
            #expect(try radio.frequency() == lastTune.rounded())
            // The rotator (which slews at ~6°/s from 0°, 0°) is on its way to the last commanded position.
            let lastMove = try #require(previous)
            func distance() throws -> Double {
                let p = try rotator.position()
                return max(abs(p.azimuth - lastMove.azimuth), abs(p.elevation - lastMove.elevation))
            }
            let d1 = try distance()
            try await Task.sleep(for: .seconds(1))
            let d2 = try distance()
            #expect(d2 < 0.05 || d1 - d2 > 3, "rotator not heading for \(lastMove): \(d1)° then \(d2)° away")
        }

        /// A short stretch of an ISS pass in real time: the rotator read back with `p` (the dummy slews at
        /// about 6°/s) and the radio read back with `f` follow the predicted track and Doppler.
        /// Real time: run alone (`.realTime`).
        @Test(.realTime)
        func rotatorAndRadioFollowThePassInRealTime() async throws {
            let rot = try HamlibDaemon("rotctld")
            defer { rot.stop() }
            let rig = try HamlibDaemon("rigctld")
            defer { rig.stop() }
            let predictor = try Self.predictor(Self.iss)
            let start = try #require(Self.windowStart)
            let seconds = 10.0

            // A moment in a pass, low azimuth (short pre-positioning from the dummy's 0°, 0°), well up
            // and without crossing north in the next `seconds`.
            var chosen: JulianDate?
            for pass in try predictor.passes(from: start, to: start.adding(minutes: 48 * 60)) where pass.maxElevation > 25 {
                var t = pass.aos
                while t < pass.los.adding(minutes: -seconds / 60), chosen == nil {
                    let a = try predictor.lookAngles(at: t)
                    let b = try predictor.lookAngles(at: t.adding(minutes: seconds / 60))
                    if (5...40).contains(a.azimuth), (5...40).contains(b.azimuth), a.elevation > 12, b.elevation > 12 {
                        chosen = t
                    }
                    t = t.adding(minutes: 0.25)
                }
                if chosen != nil { break }
            }
            let t0 = try #require(chosen, "no suitable ISS pass segment")
            let a0 = try predictor.lookAngles(at: t0)
            let rotator = RotatorClient(endpoint: rot.endpoint)
            let radio = RadioClient(endpoint: rig.endpoint)
            try rotator.setPosition(azimuth: a0.azimuth, elevation: a0.elevation)
            _ = try waitForRotator(rotator, azimuth: a0.azimuth, elevation: a0.elevation, tolerance: 0.05, seconds: 15)

            // Sky rates over the stretch (°/s, Hz/s), for the tolerances.
            var maxRate = 0.0, maxDf = 0.0
            var prev = a0
            for k in 1...Int(seconds) {
                let a = try predictor.lookAngles(at: t0.adding(minutes: Double(k) / 60))
                maxRate = max(maxRate, abs(remainder(a.azimuth - prev.azimuth, 360)), abs(a.elevation - prev.elevation))
                maxDf = max(maxDf, Self.frequency * abs(a.rangeRate - prev.rangeRate) / 299_792.458)
                prev = a
            }
            #expect(maxRate < 5, "the dummy (6°/s) could not keep up")

            var config = PassTracker.Configuration(frequency: Self.frequency)
            config.threshold = 0.5
            config.updateInterval = 0.25
            config.dopplerInterval = 0.5
            let clock = SimulatedTrackingClock(start: t0.date, rate: 1)
            let tracker = PassTracker(
                predictor: predictor, rotator: RotatorClient(endpoint: rot.endpoint),
                radio: RadioClient(endpoint: rig.endpoint), configuration: config, clock: clock)
            async let run = tracker.run(from: clock.now(), to: clock.now().addingTimeInterval(seconds))

            // Sample the daemons on separate connections while the tracker runs.
            // Each reading is bracketed by the clock before and after its query: on a loaded machine a
            // round trip can take longer than an update, and the reading belongs somewhere in between.
            var samples: [(rotatorTimes: [Date], az: Double, el: Double, radioTimes: [Date], f: Double)] = []
            try await Task.sleep(for: .milliseconds(700))
            while clock.now() < t0.date.addingTimeInterval(seconds - 0.3) {
                let before = clock.now()
                let p = try rotator.position()
                let middle = clock.now()
                let f = try radio.frequency()
                let after = clock.now()
                samples.append(([before, middle], p.azimuth, p.elevation, [middle, after], f))
                try await Task.sleep(for: .milliseconds(400))
            }
            let report = try await run
            #expect(report.errors.isEmpty, "\(report.errors)")
            #expect(report.rotatorCommands >= 2)
            #expect(report.frequencyCommands >= Int(seconds / 0.5) - 3)
            #expect(samples.count >= 10)

            // Pointing: within the threshold plus what the sky moves in an update and a slew step.
            let pointingTolerance = config.threshold + maxRate * (config.updateInterval + 0.5) + 0.3
            // Doppler: within what the frequency drifts between retunes, plus rounding.
            let dopplerTolerance = maxDf * (config.dopplerInterval + config.updateInterval + 0.3) + 2
            var worstPointing = 0.0, worstDoppler = 0.0
            for s in samples {
                let pointing = try s.rotatorTimes.map { t in
                    let a = try tracker.lookAngles(at: t)
                    return max(abs(s.az - a.azimuth), abs(s.el - a.elevation))
                }.min() ?? .infinity
                worstPointing = max(worstPointing, pointing)
                let doppler = try s.radioTimes.map { t in
                    let a = try tracker.lookAngles(at: t)
                    return abs(s.f - Self.frequency * (1 - a.rangeRate / 299_792.458))
                }.min() ?? .infinity
                worstDoppler = max(worstDoppler, doppler)
            }
            #expect(
                worstPointing <= pointingTolerance,
                "rotator off the track by \(worstPointing)° (allowed \(pointingTolerance)°)")
            #expect(worstDoppler <= dopplerTolerance, "radio off Doppler by \(worstDoppler) Hz (allowed \(dopplerTolerance))")
            // The radio really moved with Doppler: not left at the first tuned frequency.
            let distinct = Set(samples.map(\.f))
            #expect(distinct.count >= 5)
        }
    }
}
