import Foundation
import GroundStation
import Testing

@Suite struct OMMTests {
    @Test func decodesCelesTrakJSONLikeTheTLE() throws {
        let omms = try OMM.load(contentsOf: SharedFiles.orbitFixture("passes_omm.json"))
        let tles = try TwoLineElements.load(contentsOf: SharedFiles.orbitFixture("passes.tle"))
        #expect(omms.count == 2)
        for omm in omms {
            let tle = try #require(tles.first { $0.noradID == omm.noradCatalogueID })
            let a = try omm.meanElements(), b = tle.meanElements
            #expect(a.noradID == b.noradID)
            #expect(a.name == b.name)
            #expect(abs(a.epoch.minutes(since: b.epoch)) < 1e-6)
            #expect(a.inclination == b.inclination)
            #expect(a.rightAscension == b.rightAscension)
            #expect(a.eccentricity == b.eccentricity)
            #expect(a.argumentOfPerigee == b.argumentOfPerigee)
            #expect(a.meanAnomaly == b.meanAnomaly)
            #expect(a.meanMotion == b.meanMotion)
            #expect(abs(a.bstar - b.bstar) < 1e-15)
            #expect(abs(a.meanMotionDot - b.meanMotionDot) < 1e-15)

            let pa = try SGP4Propagator(a), pb = try SGP4Propagator(b)
            for minutes in stride(from: -1440.0, through: 2880, by: 360) {
                let date = b.epoch.adding(minutes: minutes)
                let sa = try pa.propagate(to: date), sb = try pb.propagate(to: date)
                let dr = sa.position - sb.position, dv = sa.velocity - sb.velocity
                #expect((dr * dr).sum().squareRoot() < 1e-4, "\(omm.noradCatalogueID) at \(minutes) min")
                #expect((dv * dv).sum().squareRoot() < 1e-7)
            }
        }
        #expect(omms[0].objectID == "1998-067A")
        #expect(omms[1].revolutionAtEpoch == 77777)
        #expect(try omms[0].epochDate().iso8601(fractionDigits: 6) == "2024-02-29T12:24:59.999904Z")
    }

    @Test func singleObjectAndErrors() throws {
        let one = """
            {"OBJECT_NAME": "X", "NORAD_CAT_ID": 99999, "EPOCH": "2024-01-01T00:00:00", "MEAN_MOTION": 15.0,
             "ECCENTRICITY": 0.001, "INCLINATION": 51.6, "RA_OF_ASC_NODE": 10, "ARG_OF_PERICENTER": 20,
             "MEAN_ANOMALY": 30, "BSTAR": 0.0001}
            """
        let omms = try OMM.decode(Data(one.utf8))
        #expect(omms.count == 1)
        #expect(try omms[0].meanElements().epoch.iso8601() == "2024-01-01T00:00:00.000Z")

        #expect(throws: OMMError.self) { try OMM.decode(Data("[{\"OBJECT_NAME\": \"X\"}]".utf8)) }
        let badEpoch = one.replacingOccurrences(of: "2024-01-01T00:00:00", with: "yesterday")
        let bad = try OMM.decode(Data(badEpoch.utf8))
        #expect(throws: OMMError.invalidEpoch(noradID: 99999, text: "yesterday")) { try bad[0].meanElements() }
    }
}
