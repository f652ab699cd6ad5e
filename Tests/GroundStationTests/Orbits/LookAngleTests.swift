import Foundation
import GroundStation
import Testing

@Suite struct LookAngleTests {
    @Test func greenwichSiderealTimeMatchesVallado() {
        // Vallado, Fundamentals of Astrodynamics, example 3-5: 1992-08-20 12:14 UT1 → GMST 152.578787810°.
        let jd = JulianDate(year: 1992, month: 8, day: 20, hour: 12, minute: 14)
        let gmst = EarthFrames.greenwichSiderealAngle(jd) * 180 / .pi
        #expect(abs(gmst - 152.578787810) < 1e-6)
    }

    @Test func julianDates() {
        #expect(JulianDate(year: 2000, month: 1, day: 1, hour: 12).value == 2_451_545.0)
        #expect(JulianDate(year: 2024, dayOfYear: 60.5).iso8601() == "2024-02-29T12:00:00.000Z")
        // Whole parts on noon (integer JD) and midnight (.5) boundaries, and carries into the next day.
        #expect(JulianDate(whole: 2_460_370.0, fraction: 0).iso8601() == "2024-02-29T12:00:00.000Z")
        #expect(JulianDate(whole: 2_460_369.5, fraction: 0.25).iso8601() == "2024-02-29T06:00:00.000Z")
        #expect(JulianDate(whole: 2_460_370.0, fraction: 0.75).iso8601() == "2024-03-01T06:00:00.000Z")
        #expect(JulianDate(whole: 2_460_370.0, fraction: 0.4999999999).iso8601() == "2024-03-01T00:00:00.000Z")
        #expect(JulianDate(year: 2024, dayOfYear: 60.5).adding(minutes: 90).iso8601(fractionDigits: 0) == "2024-02-29T13:30:00Z")
        let d = JulianDate(iso8601: "2024-03-01T02:33:44.785Z")
        #expect(d?.iso8601() == "2024-03-01T02:33:44.785Z")
        #expect(JulianDate(iso8601: "2024-13-01T00:00:00Z") == nil)
        let date = Date(timeIntervalSince1970: 1_700_000_000.25)
        #expect(abs(JulianDate(date).date.timeIntervalSince(date)) < 1e-5)
    }

    @Test func satelliteOverheadIsAtZenith() {
        let station = GeodeticPosition(latitude: 52.0, longitude: -3.0, altitude: 100)
        let observer = LookAngles.Observer(station)
        // 500 km straight up along the ellipsoid normal.
        let up = SIMD3(cos(52.0 * .pi / 180) * cos(-3.0 * .pi / 180), cos(52.0 * .pi / 180) * sin(-3.0 * .pi / 180),
            sin(52.0 * .pi / 180))
        let sat = EarthFrames.FixedState(position: observer.position + 500 * up, velocity: 7 * SIMD3(0, 0, 1))
        let look = observer.lookAngles(to: sat)
        #expect(abs(look.elevation - 90) < 1e-9)
        #expect(abs(look.range - 500) < 1e-9)
        // Moving up and away: receding; moving down: approaching.
        let rising = observer.lookAngles(to: .init(position: sat.position, velocity: up))
        let falling = observer.lookAngles(to: .init(position: sat.position, velocity: -up))
        #expect(abs(rising.rangeRate - 1) < 1e-12)
        #expect(abs(falling.rangeRate + 1) < 1e-12)
    }

    @Test func azimuthsOnTheEquator() {
        let observer = LookAngles.Observer(GeodeticPosition(latitude: 0, longitude: 0))
        let r = GeodeticPosition.equatorialRadius
        let north = observer.lookAngles(to: .init(position: SIMD3(r + 300, 0, 1000), velocity: .zero))
        let east = observer.lookAngles(to: .init(position: SIMD3(r + 300, 1000, 0), velocity: .zero))
        let west = observer.lookAngles(to: .init(position: SIMD3(r + 300, -1000, 0), velocity: .zero))
        #expect(abs(north.azimuth - 0) < 1e-9)
        #expect(abs(east.azimuth - 90) < 1e-9)
        #expect(abs(west.azimuth - 270) < 1e-9)
        #expect(abs(east.elevation - atan2(300, 1000) * 180 / .pi) < 1e-9)
    }

    @Test func stationToECEF() {
        // WGS-84: a point on the equator at the prime meridian, and the north pole.
        let eq = GeodeticPosition(latitude: 0, longitude: 0, altitude: 1000).ecef
        #expect(abs(eq.x - 6379.137) < 1e-9 && abs(eq.y) < 1e-9 && abs(eq.z) < 1e-9)
        let pole = GeodeticPosition(latitude: 90, longitude: 0).ecef
        #expect(abs(pole.z - 6356.752314245) < 1e-6)
        #expect(GeodeticPosition(parsing: "48.1351,11.582,520") == GeodeticPosition(latitude: 48.1351, longitude: 11.582, altitude: 520))
        #expect(GeodeticPosition(parsing: "91,0") == nil)
    }

    @Test func rangeRateIsNegativeBeforeTCAAndPositiveAfter() throws {
        let tle = try TwoLineElements.load(contentsOf: SharedFiles.orbitFixture("passes.tle"))[0]
        let predictor = PassPredictor(
            propagator: try SGP4Propagator(tle), station: GeodeticPosition(latitude: 48.1351, longitude: 11.582, altitude: 520),
            minimumElevation: 10)
        let pass = try #require(try predictor.passes(from: tle.epoch, to: tle.epoch.adding(minutes: 1440)).first)
        let before = try predictor.lookAngles(at: pass.tca.adding(minutes: -1))
        let at = try predictor.lookAngles(at: pass.tca)
        let after = try predictor.lookAngles(at: pass.tca.adding(minutes: 1))
        #expect(before.rangeRate < 0)
        #expect(after.rangeRate > 0)
        #expect(abs(at.rangeRate) < 0.5)  // near zero at closest approach (max elevation ≈ min range)
        #expect(at.elevation >= before.elevation && at.elevation >= after.elevation)
        #expect(abs(at.elevation - pass.maxElevation) < 1e-9)
    }
}
