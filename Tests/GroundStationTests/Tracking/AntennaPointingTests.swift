import GroundStation
import Testing

@Suite struct AntennaPointingTests {
    typealias Track = [(azimuth: Double, elevation: Double)]

    /// Commands for a track with threshold 0 (every point sent).
    func fly(_ pointing: inout AntennaPointing, _ track: Track) -> [AntennaPointing.Position] {
        track.compactMap { pointing.command(forAzimuth: $0.azimuth, elevation: $0.elevation) }
    }

    /// A pass from 300° through north to 60°.
    let northEast: Track = stride(from: 300.0, through: 420, by: 10).map { a in
        (a.truncatingRemainder(dividingBy: 360), 40 - abs(a - 360) / 3)
    }

    @Test func range450KeepsANorthCrossingPassContinuous() {
        var p = AntennaPointing(azimuthRange: .degrees450, threshold: 0)
        p.plan(track: northEast)
        let cmds = fly(&p, northEast)
        #expect(cmds.map(\.azimuth) == Array(stride(from: 300.0, through: 420, by: 10)))
        #expect(!p.flipped)
        // Westward through north: 60° → 300° becomes 420 → 300.
        let westward = Track(northEast.reversed())
        p.plan(track: westward)
        #expect(fly(&p, westward).map(\.azimuth) == Array(stride(from: 420.0, through: 300, by: -10)))
        // A pass that does not cross north stays in 0…360.
        let east: Track = [(20, 5), (60, 30), (120, 5)]
        p.plan(track: east)
        #expect(fly(&p, east).map(\.azimuth) == [20, 60, 120])
    }

    @Test func range360SwingsAtNorthWithoutFlip() {
        var p = AntennaPointing(azimuthRange: .degrees360, threshold: 0)
        p.plan(track: northEast)
        let az = fly(&p, northEast).map(\.azimuth)
        #expect(az.allSatisfy { (0...360).contains($0) })
        #expect(az.first == 300 && az.last == 60)
        #expect(az.contains(0) || az.contains(360))  // passes through the end stop
    }

    @Test func flipModeAvoidsTheNorthCrossing() {
        var p = AntennaPointing(azimuthRange: .degrees360, flipCapable: true, threshold: 0)
        p.plan(track: northEast)
        #expect(p.flipped)
        let cmds = fly(&p, northEast)
        // az ± 180 and el 180 − el: 300…420 becomes 120…240, no swing.
        #expect(cmds.map(\.azimuth) == Array(stride(from: 120.0, through: 240, by: 10)))
        for (c, t) in zip(cmds, northEast) {
            #expect(abs(c.elevation - (180 - t.elevation)) < 1e-9)
            let sky = p.skyDirection(of: c)
            #expect(abs(sky.azimuth - t.azimuth) < 1e-9 && abs(sky.elevation - t.elevation) < 1e-9)
        }
        // A pass that does not cross north is flown normally.
        p.plan(track: [(100, 5), (150, 60), (200, 5)])
        #expect(!p.flipped)
        #expect(p.command(forAzimuth: 100, elevation: 5) == .init(azimuth: 100, elevation: 5))
    }

    @Test func thresholdUsesTheSkyAngleAcrossNorth() {
        var p = AntennaPointing(azimuthRange: .degrees450, threshold: 2)
        p.plan(track: [(359, 10), (1, 10), (10, 10)])
        #expect(p.command(forAzimuth: 359.5, elevation: 10) != nil)
        // 359.5° → 0.5° is about 1° on the sky: below the threshold.
        #expect(p.command(forAzimuth: 0.5, elevation: 10) == nil)
        #expect(p.command(forAzimuth: 359.5, elevation: 11.5) == nil)
        // 4° further east: commanded past 360 (continuous with 359.5).
        let c = p.command(forAzimuth: 3.5, elevation: 10)
        #expect(c == .init(azimuth: 363.5, elevation: 10))
        // Near the zenith a large azimuth change is a small pointing error.
        var z = AntennaPointing(azimuthRange: .degrees360, threshold: 2)
        #expect(z.command(forAzimuth: 10, elevation: 89.5) != nil)
        #expect(z.command(forAzimuth: 100, elevation: 89.5) == nil)
        #expect(abs(AntennaPointing.angle((0, 0), (90, 0)) - 90) < 1e-9)
    }

    @Test func elevationBelowHorizonIsClamped() {
        var p = AntennaPointing(threshold: 0)
        #expect(p.command(forAzimuth: -10, elevation: -5) == .init(azimuth: 350, elevation: 0))
        #expect(p.command(forAzimuth: .nan, elevation: 5) == nil)
    }
}
