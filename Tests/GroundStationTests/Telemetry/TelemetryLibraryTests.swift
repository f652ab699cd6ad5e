import Foundation
import GroundStation
import TelemetryDecode
import Testing

@Suite struct TelemetryLibraryTests {
    /// Writes the given files into a fresh folder and loads them.
    func load(_ files: [String: String]) throws(CatalogueError) -> TelemetryLibrary {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("gsd-telemetry-\(UUID().uuidString)")
        try? FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        for (name, text) in files { try? text.write(to: dir.appendingPathComponent(name), atomically: true, encoding: .utf8) }
        return try TelemetryLibrary.load(directory: dir.path)
    }

    func error(_ files: [String: String]) -> CatalogueError? {
        do {
            _ = try load(files)
            return nil
        } catch { return error }
    }

    @Test func shippedDefinitionsAndCatalogueLoadTogether() throws {
        let root = SharedFiles.packageRoot.appendingPathComponent("catalogue").path
        let service = try TelemetryService.load(catalogue: root)
        for name in ["csp-header", "csp", "ax25-header", "ax25", "gomx-1", "gomx-3", "au03"] {
            #expect(service.library.plan(named: name) != nil, "\(name) missing")
        }
        // GOMX-1's catalogue entry points at its beacon definition.
        #expect(service.catalogue.satellite(norad: 39430)?.telemetryDefinitions(transmitter: nil) == ["gomx-1"])
        // ATL-1: its signalling transmitter has no telemetry key, so its frames get no definition (not the
        // data transmitters' smog-p layout); unknown or no transmitter: every transmitter's definitions.
        let atl1 = try #require(service.catalogue.satellite(named: "ATL-1"))
        #expect(atl1.telemetryDefinitions(transmitter: "1k25 FSK signalling") == [])
        #expect(atl1.telemetryDefinitions(transmitter: "5k FSK long RA FEC") == ["smog-p"])
        #expect(atl1.telemetryDefinitions(transmitter: nil) == ["smog-p"])
        #expect(atl1.telemetryDefinitions(transmitter: "no such transmitter") == ["smog-p"])
        #expect(service.decode(norad: atl1.norad, transmitter: "1k25 FSK signalling", frame: [UInt8](repeating: 0, count: 64)) == nil)
    }

    @Test func referencesAcrossFilesAndShorthands() throws {
        let lib = try load([
            "hdr.yml": "name: hdr\nfields:\n  - {name: kind, type: uint, bits: 4}\n  - {name: len, type: uint, bits: 4}\n",
            "pkt.yml": """
                name: pkt
                endian: little
                fields:
                  - {name: header, type: hdr}
                  - {name: volts, type: uint16, count: 2, divisor: 1000, unit: V}
                  - {name: data, type: bytes, length: header.len}
                  - name: body
                    type: switch
                    on: header.kind
                    cases:
                      1: {type: struct, fields: [{name: mode, type: uint8, enum: {0: SAFE, 1: NOMINAL}}]}
                      2: none
                """,
        ])
        let plan = try #require(lib.plan(named: "pkt"))
        let d = plan.decode([0x12, 0xFC, 0x1C, 0x10, 0x27, 0xAA, 0xBB, 0x01])
        #expect(d.error == nil)
        #expect(d.value.value(at: "volts.0") == .real(7.42))
        #expect(d.value.value(at: "volts.1") == .real(10))
        #expect(d.value["data"] == .bytes([0xAA, 0xBB]))
        #expect(d.value.value(at: "body.mode") == .enumerated(raw: 1, name: "NOMINAL"))
        #expect(TelemetryJSON.render(d).contains("\"volts\": {\"value\": [7.42, 10.0], \"unit\": \"V\"}"))
    }

    @Test func errorsNameFileAndKey() {
        let cases: [(files: [String: String], file: String, key: String)] = [
            (["a.yml": "name: a\nfields:\n  - {name: x, type: uint, bits: 65}\n"], "a.yml", "fields[0].bits"),
            (["a.yml": "name: a\nfields:\n  - {name: x, type: uint8, colour: red}\n"], "a.yml", "fields[0].colour"),
            (["a.yml": "name: a\nfields:\n  - {name: x, type: nosuch}\n"], "a.yml", "fields[0].type"),
            (["a.yml": "name: a\nfields:\n  - {name: x, type: b}\n", "b.yml": "name: b\nfields:\n  - {name: y, type: a}\n"], "b.yml", "fields[0].type"),
            (["a.yml": "name: a\nfields:\n  - {type: uint8}\n"], "a.yml", "fields[0].name"),
            (["a.yml": "name: a\nendian: middle\nfields: []\n"], "a.yml", "endian"),
            (["a.yml": "name: a\nfields:\n  - {name: x, type: int, endian: little, bits: 12}\n"], "a.yml", "fields[0].bits"),
            (["a.yml": "name: a\nfields:\n  - {name: x, type: bytes, length: later}\n  - {name: later, type: uint8}\n"], "a.yml", "fields"),
            (["a.yml": "name: a\nfields:\n  - {name: x, type: switch, on: y, cases: {one: uint8}}\n"], "a.yml", "fields[0].cases.one"),
            (["a.yml": "name: a\nfields:\n  - {name: x, type: uint8, scale: 2, enum: {1: A}}\n"], "a.yml", "fields[0].(conversion)"),
        ]
        for c in cases {
            guard case .invalid(let file, let key, let problem)? = error(c.files) else {
                Issue.record("expected an invalid-definition error for \(c.files)")
                continue
            }
            #expect(file.hasSuffix("/" + c.file), "\(problem)")
            #expect(key == c.key, "\(file): \(key): \(problem)")
        }
        guard case .unreadable(let file, _)? = error(["bad.yml": "name: [unclosed\n"]) else {
            Issue.record("bad YAML accepted")
            return
        }
        #expect(file.hasSuffix("bad.yml"))
    }

    @Test func catalogueTelemetryKeyMustNameADefinition() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("gsd-cat-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("satellites"), withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("telemetry"), withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        try """
            name: TESTSAT
            norad: 99999
            transmitters:
            - name: downlink
              modulation: FSK
              baud_rate: 9600
              framing: AX.25 G3RUH
              telemetry: [nosuch]
            """.write(to: dir.appendingPathComponent("satellites/TESTSAT.yml"), atomically: true, encoding: .utf8)
        try "name: other\nfields:\n  - {name: x, type: uint8}\n".write(to: dir.appendingPathComponent("telemetry/other.yml"), atomically: true, encoding: .utf8)
        do {
            _ = try TelemetryService.load(catalogue: dir.path)
            Issue.record("unknown telemetry definition accepted")
        } catch {
            guard case .invalid(let file, let key, let problem) = error else { Issue.record("\(error)"); return }
            #expect(file.hasSuffix("TESTSAT.yml"))
            #expect(key == "transmitters[0].telemetry")
            #expect(problem.contains("nosuch"))
        }
    }

    @Test func frameThatDoesNotFitKeepsItsBytesAndNamesFieldAndOffset() throws {
        let root = SharedFiles.packageRoot.appendingPathComponent("catalogue").path
        let service = try TelemetryService.load(catalogue: root)
        // GOMX-3 beacon type 0 from node 1 port 30 cut inside the EPS block.
        let frame: [UInt8] = [0x82, 0xA7, 0x80, 0x00, 0x00, 0x55, 0x1B, 0x0B, 0x3D, 0x16]
        let d = try #require(service.decode(norad: 40949, frame: frame))
        let e = try #require(d.error)
        #expect(e.field == "beacon.eps.vboost[0]")
        #expect(e.byteOffset == 9)
        #expect(d.value.value(at: "csp_header.destination_port") == .unsigned(30))
        let json = try #require(service.json(norad: 40949, frame: frame))
        #expect(json.contains("\"error\": {\"field\": \"beacon.eps.vboost[0]\", \"offset\": 9"))
    }
}
