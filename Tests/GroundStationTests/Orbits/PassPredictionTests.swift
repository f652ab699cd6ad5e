import Foundation
import GroundStation
import Testing

/// Pass predictions checked against Skyfield's `find_events` (Fixtures/make_passes.py → passes.json).
@Suite struct PassPredictionTests {
    struct Fixture: Decodable {
        struct Station: Decodable { var latitude, longitude, altitude_m: Double }
        struct Pass: Decodable {
            var aos, tca, los: String
            var max_elevation, aos_azimuth, los_azimuth: Double
        }
        struct Satellite: Decodable {
            var norad: Int
            var name: String
            var min_elevation: Double
            var start, end: String
            var passes: [Pass]
        }
        var station: Station
        var satellites: [Satellite]
    }

    static func date(_ s: String) throws -> JulianDate {
        try #require(JulianDate(iso8601: s), "bad date \(s)")
    }

    @Test func matchesSkyfield() throws {
        let fixture = try JSONDecoder().decode(
            Fixture.self, from: Data(contentsOf: SharedFiles.orbitFixture("passes.json")))
        let tles = try TwoLineElements.load(contentsOf: SharedFiles.orbitFixture("passes.tle"))
        let station = GeodeticPosition(
            latitude: fixture.station.latitude, longitude: fixture.station.longitude,
            altitude: fixture.station.altitude_m)
        var worstTime = 0.0, worstTCA = 0.0, worstElevation = 0.0, worstAzimuth = 0.0
        for sat in fixture.satellites {
            let tle = try #require(tles.first { $0.noradID == sat.norad })
            let predictor = PassPredictor(
                propagator: try SGP4Propagator(tle), station: station, minimumElevation: sat.min_elevation)
            let mine = try predictor.passes(from: Self.date(sat.start), to: Self.date(sat.end))
                .filter { !$0.startsBeforeWindow && !$0.endsAfterWindow }
            #expect(mine.count == sat.passes.count, "\(sat.name): \(mine.count) passes vs \(sat.passes.count)")
            #expect(sat.passes.count >= 5)
            for expected in sat.passes {
                let aos = try Self.date(expected.aos)
                let found = mine.min { abs($0.aos.minutes(since: aos)) < abs($1.aos.minutes(since: aos)) }
                let pass = try #require(found, "\(sat.name): no pass near \(expected.aos)")
                let dAOS = abs(pass.aos.minutes(since: aos)) * 60
                let dLOS = abs(pass.los.minutes(since: try Self.date(expected.los))) * 60
                let dTCA = abs(pass.tca.minutes(since: try Self.date(expected.tca))) * 60
                let dEl = abs(pass.maxElevation - expected.max_elevation)
                let dAz = max(
                    abs(remainder(pass.aosAzimuth - expected.aos_azimuth, 360)),
                    abs(remainder(pass.losAzimuth - expected.los_azimuth, 360)))
                worstTime = max(worstTime, dAOS, dLOS)
                worstTCA = max(worstTCA, dTCA)
                worstElevation = max(worstElevation, dEl)
                worstAzimuth = max(worstAzimuth, dAz)
                #expect(dAOS < 2, "\(sat.name) AOS \(pass.aos) vs \(expected.aos)")
                #expect(dLOS < 2, "\(sat.name) LOS \(pass.los) vs \(expected.los)")
                #expect(dTCA < 3, "\(sat.name) TCA \(pass.tca) vs \(expected.tca)")
                #expect(dEl < 0.1, "\(sat.name) max elevation \(pass.maxElevation) vs \(expected.max_elevation)")
                #expect(dAz < 0.1, "\(sat.name) azimuths")
                #expect(pass.aos < pass.tca && pass.tca < pass.los)
            }
        }
        print(
            "passes vs skyfield: AOS/LOS within \(worstTime) s, TCA within \(worstTCA) s, "
                + "max elevation within \(worstElevation)°, azimuth within \(worstAzimuth)°")
    }

    @Test func windowCutsAreFlagged() throws {
        let tle = try TwoLineElements.load(contentsOf: SharedFiles.orbitFixture("passes.tle"))[0]
        let predictor = PassPredictor(
            propagator: try SGP4Propagator(tle), station: GeodeticPosition(latitude: 48.1351, longitude: 11.582),
            minimumElevation: 10)
        let all = try predictor.passes(from: tle.epoch, to: tle.epoch.adding(minutes: 1440))
        let first = try #require(all.first)
        // Start the window in the middle of the first pass and end it in the middle of the second.
        let second = try #require(all.dropFirst().first)
        let cut = try predictor.passes(from: first.tca, to: second.tca)
        #expect(cut.first?.startsBeforeWindow == true)
        #expect(cut.first?.aos == first.tca)
        #expect(cut.last?.endsAfterWindow == true)
        #expect(cut.count == 2)
    }

    @Test func grazingPassBetweenSamplesIsFound() throws {
        // Choose the minimum elevation just below one pass's peak: the pass is only a few seconds long,
        // far shorter than the sampling step, and must still be found.
        let tle = try TwoLineElements.load(contentsOf: SharedFiles.orbitFixture("passes.tle"))[0]
        let station = GeodeticPosition(latitude: 48.1351, longitude: 11.582, altitude: 520)
        let p = try SGP4Propagator(tle)
        let base = try PassPredictor(propagator: p, station: station, minimumElevation: 0)
            .passes(from: tle.epoch, to: tle.epoch.adding(minutes: 1440))
        let target = try #require(base.max { $0.maxElevation < $1.maxElevation })
        let grazing = PassPredictor(propagator: p, station: station, minimumElevation: target.maxElevation - 0.001)
        let found = try grazing.passes(from: tle.epoch, to: tle.epoch.adding(minutes: 1440))
        #expect(found.count == 1)
        #expect(found.first.map { $0.duration < 20 && abs($0.tca.minutes(since: target.tca)) * 60 < 1 } == true)
    }

    /// The same grazing pass with its peak between the window's first two samples (a daemon started
    /// seconds before a short high pass) or its last two: still found, not only when an interior sample
    /// happens to be a local maximum.
    @Test(arguments: [-1.0, 1.0])
    func grazingPassAtTheWindowEdgeIsFound(_ side: Double) throws {
        let tle = try TwoLineElements.load(contentsOf: SharedFiles.orbitFixture("passes.tle"))[0]
        let station = GeodeticPosition(latitude: 48.1351, longitude: 11.582, altitude: 520)
        let p = try SGP4Propagator(tle)
        let base = try PassPredictor(propagator: p, station: station, minimumElevation: 0)
            .passes(from: tle.epoch, to: tle.epoch.adding(minutes: 1440))
        let target = try #require(base.max { $0.maxElevation < $1.maxElevation })
        let grazing = PassPredictor(propagator: p, station: station, minimumElevation: target.maxElevation - 0.01)
        // The window starts (side -1) or ends (side +1) 5 s from the peak: the nearer of the first (last) two
        // samples, 31 s apart, is the window edge itself.
        let from = side < 0 ? target.tca.adding(minutes: -5.0 / 60) : target.tca.adding(minutes: -180)
        let to = side < 0 ? target.tca.adding(minutes: 180) : target.tca.adding(minutes: 5.0 / 60)
        let found = try grazing.passes(from: from, to: to)
        #expect(found.count == 1)
        #expect(found.first.map { abs($0.tca.minutes(since: target.tca)) * 60 < 1 } == true, "\(found)")
    }
}
