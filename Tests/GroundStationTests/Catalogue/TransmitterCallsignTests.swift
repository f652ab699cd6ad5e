import Foundation
import GroundStation
import TelemetryDecode
import Testing

/// A Mobitex-NX transmitter's `callsign` key: the shipped TECHNOSAT entry has the callsign its frames
/// in the shared recording carry, and a callsign that cannot be sent is an error naming the key.
@Suite struct TransmitterCallsignTests {
    static func load(_ callsign: String) throws(CatalogueError) -> Satellite {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("gsd-callsign-\(UUID().uuidString).yml")
        defer { try? FileManager.default.removeItem(at: file) }
        try? """
            name: TESTSAT
            norad: 99999
            transmitters:
            - name: downlink
              modulation: FSK
              baud_rate: 4800
              framing: Mobitex-NX
              callsign: "\(callsign)"
            """.write(to: file, atomically: true, encoding: .utf8)
        return try SatelliteCatalogue.loadFile(file.path)
    }

    @Test func callsignIsReadAndChecked() throws {
        #expect(try Self.load("DP0TBA").transmitters.first?.callsign == "DP0TBA")
        for bad in ["", "DP0TBAX", "DP0É"] {
            do {
                _ = try Self.load(bad)
                Issue.record("callsign '\(bad)' accepted")
            } catch {
                guard case .invalid(_, let key, let problem) = error else { Issue.record("\(error)"); continue }
                #expect(key == "transmitters[0].callsign")
                #expect(problem.contains("1 to 6 printable ASCII"))
            }
        }
        let root = SharedFiles.packageRoot.appendingPathComponent("catalogue").path
        let technosat = try #require(try SatelliteCatalogue.load(directory: root).satellite(norad: 42829))
        #expect(technosat.transmitters.map(\.callsign) == ["DP0TBA"])
    }
}
