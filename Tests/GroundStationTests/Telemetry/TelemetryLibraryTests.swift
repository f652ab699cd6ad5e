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
        // ATL-1: its signalling transmitter has its own layout (not the data transmitters' smog-p); unknown or
        // no transmitter: every transmitter's definitions.
        let atl1 = try #require(service.catalogue.satellite(named: "ATL-1"))
        #expect(atl1.telemetryDefinitions(transmitter: "1k25 FSK signalling") == ["smog-p-signalling"])
        #expect(atl1.telemetryDefinitions(transmitter: "5k FSK long RA FEC") == ["smog-p"])
        #expect(atl1.telemetryDefinitions(transmitter: nil) == ["smog-p", "smog-p-signalling"])
        #expect(atl1.telemetryDefinitions(transmitter: "no such transmitter") == ["smog-p", "smog-p-signalling"])
        // ACRUX-1 sends AX.25 and has no layout of its own: its frames still give their header.
        let acrux = try #require(service.catalogue.satellite(named: "ACRUX-1"))
        #expect(acrux.telemetry.isEmpty)
        #expect(acrux.telemetryDefinitions(transmitter: "9k6 FSK downlink") == ["ax25"])
        #expect(acrux.telemetryDefinitions(transmitter: nil) == ["ax25"])
        let ui = try #require(hexBytes("a284aaa660626086a240404040e103f019002df7"))  // US01's beacon, its first bytes
        let d = try #require(service.decode(norad: acrux.norad, frame: ui))
        #expect(d.definition == "ax25" && d.error == nil)
        #expect(d.value.value(at: "header.addresses.1.callsign") == .text("CQ"))
        // A framing that is not AX.25 gets nothing it was not given (SMOG-P's signalling is not AX.25).
        #expect(try #require(service.catalogue.satellite(named: "SMOG-P")).telemetryDefinitions(transmitter: "no such transmitter").allSatisfy { $0 != "ax25" })
    }

    func hexBytes(_ hex: String) -> [UInt8]? {
        var out: [UInt8] = []
        var i = hex.startIndex
        while i < hex.endIndex {
            let j = hex.index(i, offsetBy: 2)
            guard let b = UInt8(hex[i..<j], radix: 16) else { return nil }
            out.append(b)
            i = j
        }
        return out
    }

    /// A signalling packet: the closest PRBS (direction) with its bit errors, and the voted rate and coding bits.
    @Test func smogPSignallingPacket() throws {
        let root = SharedFiles.packageRoot.appendingPathComponent("catalogue").path
        let service = try TelemetryService.load(catalogue: root)
        let rx = "6d08f7835d9e5982c0fd1dcaad3b5bebd493e14a04d228ddf90153d2e66c5b256531c57ce7f138612d5c033ac68890db8c8c42f3517543a08393"
        let tx = "5c2f2a5cadd532fe851ddce8bce5137ebabd9d4431513c92266cf36898daa3ba7f84863295ac8d4e668b7f7be014e23c494532e45c44f56d2d0a"
        // RX PRBS with 3 bit errors; rate 011 (5000 Bd) and coding 100 (RA 514,256) sent as bytes with a few
        // flipped bits each (majority vote).
        var frame = try #require(TelemetryLibraryTests.hexBytes(rx + "07f7ef" + "fe0110"))
        frame[0] ^= 0x01
        frame[30] ^= 0x81
        let d = try #require(service.decode(norad: 44830, transmitter: "1k25 FSK signalling", frame: frame))
        #expect(d.error == nil && d.definition == "smog-p-signalling")
        #expect(d.value.value(at: "mode.match") == .enumerated(raw: 0, name: "RX"))
        #expect(d.value.value(at: "mode.bit_errors") == .unsigned(3))
        #expect(d.value.value(at: "mode.bit_error_rate") == .real(3.0 / 464))
        #expect(d.value["rate"] == .real(5000))
        #expect(d.value["coding"] == .enumerated(raw: 4, name: "RA (514, 256)"))
        // The TX PRBS, rate 12500 Bd (100) and coding 0 (RX).
        let txFrame = try #require(TelemetryLibraryTests.hexBytes(tx + "ff0000000000"))
        let t = try #require(service.decode(norad: 47964, transmitter: "1k25 FSK signalling", frame: txFrame))
        #expect(t.value.value(at: "mode.match") == .enumerated(raw: 1, name: "TX") && t.value.value(at: "mode.bit_errors") == .unsigned(0))
        #expect(t.value["rate"] == .real(12500) && t.value["coding"] == .enumerated(raw: 0, name: "RX"))
        // A rate index past the table keeps its raw number; a short packet is not this layout.
        let oddFrame = try #require(TelemetryLibraryTests.hexBytes(rx + "ffffff000000"))
        let odd = try #require(service.decode(norad: 44832, transmitter: "1k25 FSK signalling", frame: oddFrame))
        #expect(odd.value["rate"] == .unsigned(7))
        #expect(service.decode(norad: 44832, transmitter: "1k25 FSK signalling", frame: Array(frame.prefix(40))) == nil)
    }

    static func hexBytes(_ hex: String) -> [UInt8]? {
        let u = Array(hex.utf8)
        guard u.count % 2 == 0 else { return nil }
        return stride(from: 0, to: u.count, by: 2).compactMap { UInt8(String(decoding: u[$0..<$0 + 2], as: UTF8.self), radix: 16) }
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
            (["a.yml": "name: a\nfields:\n  - {name: x, type: uint8, expression: \"sqrt(raw\"}\n"], "a.yml", "fields[0].expression"),
            (["a.yml": "name: a\nfields:\n  - {name: x, type: uint8, expression: \"raw * k\"}\n"], "a.yml", "fields[0].expression"),
            (["a.yml": "name: a\nfields:\n  - {name: x, type: voted_bits}\n"], "a.yml", "fields[0].bits"),
            (["a.yml": "name: a\nfields:\n  - {name: x, type: closest, length: 2, patterns: [{name: A, value: '00'}]}\n"], "a.yml", "fields[0].patterns[0].value"),
            (["a.yml": "name: a\nfields:\n  - {name: x, type: closest, length: 1, patterns: [{name: A, value: '00'}, {name: A, value: ff}]}\n"], "a.yml", "fields[0].patterns[1].name"),
            (["a.yml": "name: a\nfields:\n  - {name: x, type: closest, patterns: [{name: A, value: '00'}]}\n"], "a.yml", "fields[0].length"),
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
