import Foundation
import GroundStation
import Testing

/// Finding a satellite by name: its own name first, a shared alternative name is an error that lists
/// the candidates, and two files with the same name do not load.
@Suite struct SatelliteLookupTests {
    /// A catalogue folder with one file per (file name, contents).
    static func catalogue(_ files: [String: String]) throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("gsd-lookup-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        for (name, text) in files { try text.write(to: dir.appendingPathComponent(name), atomically: true, encoding: .utf8) }
        return dir.path
    }

    static func satellite(_ name: String, norad: Int, alternatives: [String]) -> String {
        """
        name: \(name)
        alternative_names: [\(alternatives.joined(separator: ", "))]
        norad: \(norad)
        transmitters:
        - name: downlink
          modulation: FSK
          baud_rate: 9600
          framing: AX.25 G3RUH
        """
    }

    @Test func ownNameFirstSharedAlternativeNameIsAmbiguous() throws {
        let dir = try Self.catalogue([
            "a.yml": Self.satellite("ALPHA", norad: 90001, alternatives: ["RS8S", "BETA"]),
            "b.yml": Self.satellite("BETA", norad: 90002, alternatives: ["RS8S"]),
        ])
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let cat = try SatelliteCatalogue.load(directory: dir)
        // BETA is ALPHA's alternative name too, but it is BETA's own name.
        #expect(try cat.find(name: "beta", norad: nil, directory: dir).norad == 90002)
        #expect(cat.satellite(named: "Alpha")?.norad == 90001)
        #expect(cat.satellite(named: "rs8s") == nil)
        #expect(cat.satellites(named: "rs8s").map(\.norad).sorted() == [90001, 90002])
        #expect(throws: SatelliteLookupError.ambiguous("rs8s", candidates: ["ALPHA (NORAD 90001)", "BETA (NORAD 90002)"])) {
            try cat.find(name: "rs8s", norad: nil, directory: dir)
        }
        #expect(try cat.find(name: nil, norad: 90001, directory: dir).name == "ALPHA")
        #expect(throws: SatelliteLookupError.unknownName("GAMMA", directory: dir)) { try cat.find(name: "GAMMA", norad: nil, directory: dir) }
        #expect(throws: SatelliteLookupError.unknownNorad(90003, directory: dir)) { try cat.find(name: nil, norad: 90003, directory: dir) }
        #expect(SatelliteLookupError.unknownNorad(90003, directory: dir).description.contains("NORAD id 90003"))
        // An unknown name falls back to the NORAD id when one is given too.
        #expect(try cat.find(name: "GAMMA", norad: 90001, directory: dir).name == "ALPHA")
        #expect(throws: SatelliteLookupError.nothingGiven) { try cat.find(name: nil, norad: nil, directory: dir) }
    }

    @Test func aFolderWithoutSatelliteFilesIsNotACatalogue() throws {
        let dir = try Self.catalogue(["notes.txt": "not a satellite"])
        defer { try? FileManager.default.removeItem(atPath: dir) }
        #expect(throws: CatalogueError.empty(directory: dir)) { try SatelliteCatalogue.load(directory: dir) }
    }

    @Test func twoFilesWithOneNameDoNotLoad() throws {
        let dir = try Self.catalogue([
            "a.yml": Self.satellite("ALPHA", norad: 90001, alternatives: []),
            "b.yml": Self.satellite("alpha", norad: 90002, alternatives: []),
        ])
        defer { try? FileManager.default.removeItem(atPath: dir) }
        #expect(throws: CatalogueError.duplicateName("alpha", first: dir + "/a.yml", second: dir + "/b.yml")) {
            try SatelliteCatalogue.load(directory: dir)
        }
    }

    /// The shipped catalogue has such a shared name (gr-satellites' data): RS8S is both RESHUCUBE's and Tanusha-3's.
    @Test func shippedCatalogueSharedNameIsNotResolvedSilently() throws {
        let root = SharedFiles.packageRoot.appendingPathComponent("catalogue").path
        let cat = try SatelliteCatalogue.load(directory: root)
        #expect(Set(cat.satellites(named: "RS8S").map(\.name)) == ["RESHUCUBE", "Tanusha-3"])
        #expect(cat.satellite(named: "Tanusha-3") != nil)
    }
}
