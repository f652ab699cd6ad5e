import Foundation
import GroundStation
import Hummingbird
import HummingbirdTesting
import Testing

/// `GET /api/telemetry`, `/api/telemetry/fields` and the `telemetry` of served frames, over a real loopback
/// server, on a store holding Quetzal-1 beacons whose battery byte was varied (decoded by the real
/// definitions, as the daemon stores them).
@Suite struct DaemonTelemetryHTTPTests {
    /// Quetzal-1's beacon from quetzal1.wav; byte 48 is EPS.bat_voltage (mV = raw × 7.9681 + 2492.0319).
    static let beacon: [UInt8] = {
        let hex = "404040404040604040404040406103f002026600515545545a414c31030c1b0000000153965353000000000044b95302bb0995000f09da53e103afde00eddd00020000004400000000101f1f668c83800080008000252315b61314242514b3110c0000000f000003cd0000000a183c1e32461e0101013c041e1e01051e010301030055564720612047756174656d616c612c205349207365207075646f"
        var bytes: [UInt8] = []
        var i = hex.startIndex
        while i < hex.endIndex {
            let j = hex.index(i, offsetBy: 2)
            bytes.append(UInt8(hex[i..<j], radix: 16) ?? 0)
            i = j
        }
        return bytes
    }()
    static let batteryOffset = 48
    static let t0 = Date(timeIntervalSince1970: 1_795_003_200)
    static func volts(_ raw: UInt8) -> Double { Double(raw) * 7.9681 + 2492.0319 }

    /// Equal to the definition's calibration, up to rounding.
    static func same(_ got: [Double?], _ want: [Double]) -> Bool {
        got.count == want.count && zip(got, want).allSatisfy { g, w in g.map { abs($0 - w) < 1e-9 } ?? false }
    }

    /// Two passes of Quetzal-1 (frames 10 s apart, battery byte 100 + n for frame n), with a failed frame, a
    /// truncated one, and a COLUMBIA pass beside them.
    func withServer(_ body: @Sendable (any TestClientProtocol) async throws -> Void) async throws {
        let scratch = try DaemonScratch()
        defer { scratch.remove() }
        let config = try DaemonConfigurationParser.load(
            path: try DaemonFixtures.fileConfiguration(scratch: scratch, recordings: [("quetzal1.wav", 45598)]))
        let service = try TelemetryService.load(catalogue: DaemonFixtures.packageRoot.appendingPathComponent("catalogue").path)
        let store = try SQLitePassStore(path: scratch.file("gsd.sqlite"))
        let daemon = try GroundStationDaemon(
            configuration: config, catalogue: try DaemonFixtures.catalogue, store: store, logger: DaemonFixtures.logger)
        var n = 0
        for start in [0.0, 100.0] {
            let pass = try await store.createPass(NewPass(
                station: "s", norad: 45598, satellite: "Quetzal-1", kind: .scheduled, start: Self.t0.addingTimeInterval(start), maxElevation: 40))
            for sequence in 0..<5 {
                var bytes = Self.beacon
                bytes[Self.batteryOffset] = UInt8(100 + n)
                try await store.appendFrame(FrameRecord(
                    passID: pass.id, sequence: sequence, time: Self.t0.addingTimeInterval(start + Double(10 * sequence)), bytes: bytes,
                    framing: "AX.25 G3RUH", checksOK: true, telemetryJSON: service.json(norad: 45598, frame: bytes)))
                n += 1
            }
            // A frame whose check failed (not decoded, as the daemon does) and one too short for the beacon.
            try await store.appendFrame(FrameRecord(
                passID: pass.id, sequence: 5, time: Self.t0.addingTimeInterval(start + 51), bytes: Self.beacon, framing: "AX.25 G3RUH", checksOK: false))
            let short = Array(Self.beacon.prefix(10))
            try await store.appendFrame(FrameRecord(
                passID: pass.id, sequence: 6, time: Self.t0.addingTimeInterval(start + 52), bytes: short, framing: "AX.25 G3RUH", checksOK: true,
                telemetryJSON: service.json(norad: 45598, frame: short)))
        }
        let other = try await store.createPass(NewPass(station: "s", norad: 42702, satellite: "COLUMBIA", kind: .scheduled, start: Self.t0, maxElevation: 40))
        try await store.appendFrame(FrameRecord(
            passID: other.id, sequence: 0, time: Self.t0.addingTimeInterval(1), bytes: Self.beacon, framing: "AX.25 G3RUH", checksOK: true,
            telemetryJSON: service.json(norad: 45598, frame: Self.beacon)))
        let app = Application(
            router: DaemonHTTPServer.router(daemon: daemon, version: "test"), configuration: .init(address: .hostname("127.0.0.1", port: 0)))
        do {
            try await app.test(.live) { client in try await body(client) }
        } catch {
            try? await store.close()
            throw error
        }
        try await store.close()
    }

    static func json(_ r: TestResponse) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(buffer: r.body)) as? [String: Any], "\(String(buffer: r.body))")
    }

    @Test func seriesHasOnePointPerGoodDecodedFrameInTimeOrder() async throws {
        try await withServer { client in
            try await client.execute(uri: "/api/telemetry?norad=45598&field=payload.EPS.bat_voltage", method: .get) { r in
                #expect(r.status == .ok)
                let o = try Self.json(r)
                #expect(o["norad"] as? Int == 45598 && o["field"] as? String == "payload.EPS.bat_voltage" && o["more"] as? Bool == false)
                let points = try #require(o["points"] as? [[String: Any]])
                // 10 good beacons; the failed frame, the short one and COLUMBIA's are not points.
                #expect(Self.same(points.map { $0["value"] as? Double }, (0..<10).map { Self.volts(UInt8(100 + $0)) }), "\(points)")
                #expect(points.allSatisfy { $0["unit"] as? String == "mV" })
                #expect(points.map { $0["pass"] as? Int } == [1, 1, 1, 1, 1, 2, 2, 2, 2, 2])
                #expect(points.map { $0["sequence"] as? Int } == [0, 1, 2, 3, 4, 0, 1, 2, 3, 4])
                let times = points.compactMap { ($0["time"] as? String).flatMap(APIJSON.parseDate) }
                #expect(times == [0, 10, 20, 30, 40, 100, 110, 120, 130, 140].map { Self.t0.addingTimeInterval($0) })
            }
            // since inclusive, until exclusive; a limit keeps the newest points (and says there are more).
            try await client.execute(
                uri: "/api/telemetry?norad=45598&field=payload.EPS.bat_voltage&since=2026-11-18T12:00:20Z&until=2026-11-18T12:01:40.000Z", method: .get
            ) { r in
                let points = try #require(try Self.json(r)["points"] as? [[String: Any]])
                #expect(Self.same(points.map { $0["value"] as? Double }, (2..<5).map { Self.volts(UInt8(100 + $0)) }), "\(points)")
            }
            try await client.execute(uri: "/api/telemetry?norad=45598&field=payload.EPS.bat_voltage&limit=3", method: .get) { r in
                let o = try Self.json(r)
                let points = try #require(o["points"] as? [[String: Any]])
                #expect(Self.same(points.map { $0["value"] as? Double }, (7..<10).map { Self.volts(UInt8(100 + $0)) }), "\(points)")
                #expect(o["more"] as? Bool == true)
            }
            // A field without a unit, list items by index; a path that is not there gives no points.
            try await client.execute(uri: "/api/telemetry?norad=45598&field=payload.CDHS.reset_counter&limit=1", method: .get) { r in
                let point = try #require((try Self.json(r)["points"] as? [[String: Any]])?.first)
                #expect(point["value"] as? Int == 17593 && point["unit"] == nil)
            }
            try await client.execute(uri: "/api/telemetry?norad=45598&field=payload.EPS.ina260.2.voltage&limit=1", method: .get) { r in
                let point = try #require((try Self.json(r)["points"] as? [[String: Any]])?.first)
                #expect(point["unit"] as? String == "V" && point["value"] is Double)
            }
            for missing in ["payload.EPS.nothing", "payload.EPS", "payload.EPS.ina260.9.voltage"] {
                try await client.execute(uri: "/api/telemetry?norad=45598&field=\(missing)", method: .get) { r in
                    let o = try Self.json(r)
                    #expect(r.status == .ok && (o["points"] as? [Any])?.isEmpty == true, "\(missing)")
                }
            }
        }
    }

    @Test func fieldsListTheNumericPathsWithUnits() async throws {
        try await withServer { client in
            try await client.execute(uri: "/api/telemetry/fields?norad=45598", method: .get) { r in
                #expect(r.status == .ok)
                let o = try Self.json(r)
                #expect(o["norad"] as? Int == 45598)
                let fields = try #require(o["fields"] as? [[String: Any]])
                let paths = fields.compactMap { $0["path"] as? String }
                #expect(fields.first { $0["path"] as? String == "payload.EPS.bat_voltage" }?["unit"] as? String == "mV")
                #expect(paths.contains("payload.CDHS.reset_counter") && paths.contains("payload.EPS.ina260.0.current"))
                #expect(!paths.contains("payload.identifier"), "bytes are not plottable")
                #expect(!paths.contains { $0.hasPrefix("payload.EPS.fault_flags") }, "flags are not numbers")
                #expect(Set(paths).count == paths.count)
                // List items in numeric order.
                let adc = paths.filter { $0.hasPrefix("payload.ADCS.adc.") }
                #expect(adc == (0..<12).map { "payload.ADCS.adc.\($0)" })
            }
            try await client.execute(uri: "/api/telemetry/fields?norad=99999", method: .get) { r in
                let o = try Self.json(r)
                #expect(r.status == .ok && (o["fields"] as? [Any])?.isEmpty == true)
            }
        }
    }

    @Test func framesCarryTheirTelemetryAsAnObject() async throws {
        try await withServer { client in
            try await client.execute(uri: "/api/passes/1/frames", method: .get) { r in
                let items = try #require(try Self.json(r)["items"] as? [[String: Any]])
                #expect(items.count == 7)
                let first = try #require(items.first?["telemetry"] as? [String: Any])
                #expect(first["definition"] as? String == "quetzal-1")
                let payload = (first["fields"] as? [String: Any])?["payload"] as? [String: Any]
                let battery = (payload?["EPS"] as? [String: Any])?["bat_voltage"] as? [String: Any]
                #expect(Self.same([battery?["value"] as? Double], [Self.volts(100)]) && battery?["unit"] as? String == "mV", "\(first)")
                #expect(items[5]["telemetry"] == nil, "the failed frame has none")
                // The short frame keeps its bytes and says why it did not decode.
                #expect(items[6]["length"] as? Int == 10)
                let error = (items[6]["telemetry"] as? [String: Any])?["error"] as? [String: Any]
                #expect(error?["message"] is String && error?["field"] is String, "\(items[6])")
            }
        }
    }

    @Test func badParametersAre400NamingTheParameter() async throws {
        try await withServer { client in
            let cases: [(String, String)] = [
                ("/api/telemetry?field=a.b", "norad"), ("/api/telemetry?norad=45598", "field"), ("/api/telemetry?norad=x&field=a", "norad"),
                ("/api/telemetry?norad=0&field=a", "norad"), ("/api/telemetry?norad=45598&field=a..b", "field"),
                ("/api/telemetry?norad=45598&field=.a", "field"), ("/api/telemetry?norad=45598&field=" + String(repeating: "a", count: 300), "field"),
                ("/api/telemetry?norad=45598&field=a&since=yesterday", "since"), ("/api/telemetry?norad=45598&field=a&until=2026-13-01T00:00:00Z", "until"),
                ("/api/telemetry?norad=45598&field=a&limit=0", "limit"), ("/api/telemetry?norad=45598&field=a&limit=5001", "limit"),
                ("/api/telemetry?norad=45598&field=a&limit=-1", "limit"), ("/api/telemetry/fields", "norad"), ("/api/telemetry/fields?norad=abc", "norad"),
            ]
            for (uri, parameter) in cases {
                try await client.execute(uri: uri, method: .get) { r in
                    #expect(r.status == .badRequest, "\(uri)")
                    let message = try Self.json(r)["error"] as? String ?? ""
                    #expect(message.contains("query parameter \(parameter):"), "\(uri): \(message)")
                }
            }
        }
    }
}
