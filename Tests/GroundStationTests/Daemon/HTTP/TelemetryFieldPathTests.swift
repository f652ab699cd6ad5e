import Foundation
import GroundStation
import Testing

/// Stored telemetry JSON as a value (JSONValue) and read by path (TelemetryFieldPath).
@Suite struct TelemetryFieldPathTests {
    static let stored = #"""
        {"definition": "t", "fields": {"mode": "SAFE", "ok": false, "count": 18446744073709551615, "delta": -3,
         "eps": {"v": {"value": 7.42, "unit": "V"}, "cells": {"value": [3.7, 3.72], "unit": "V"},
                 "panels": [{"temp": {"value": -1.5, "unit": "degC"}}, {"temp": {"value": 20, "unit": "degC"}}]},
         "raw": "00ff", "empty": null, "a.b": 1}, "unused_bytes": 0}
        """#

    @Test func jsonValueKeepsTypesAndRoundTrips() throws {
        let v = try #require(JSONValue(text: Self.stored))
        #expect(v["fields"]?["ok"] == .bool(false), "false stays a boolean, not 0")
        #expect(v["fields"]?["count"] == .uint(UInt64.max), "a 64-bit counter is not rounded through Double")
        #expect(v["fields"]?["delta"] == .int(-3))
        #expect(v["fields"]?["eps"]?["v"]?["value"] == .double(7.42))
        #expect(v["fields"]?["empty"] == .null)
        #expect(v["fields"]?["eps"]?["panels"]?["1"]?["temp"]?["value"] == .int(20))
        #expect(v["fields"]?["eps"]?["panels"]?["2"] == nil && v["fields"]?["mode"]?["x"] == nil)
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let text = String(decoding: try encoder.encode(v), as: UTF8.self)
        #expect(text.contains(#""ok":false"#) && text.contains(#""count":18446744073709551615"#) && text.contains(#""empty":null"#), "\(text)")
        #expect(JSONValue(text: text) == v)
        #expect(JSONValue(text: "not json") == nil && JSONValue(text: "") == nil)
    }

    @Test func pathsReadValuesWithUnits() throws {
        let v = try #require(JSONValue(text: Self.stored))
        func read(_ p: String) -> (JSONValue, String?)? { TelemetryFieldPath(p)?.read(v).map { ($0.value, $0.unit) } }
        #expect(read("eps.v").map { $0.0 == .double(7.42) && $0.1 == "V" } == true)
        #expect(read("eps.cells.1").map { $0.0 == .double(3.72) && $0.1 == "V" } == true, "a list with a unit: items carry it")
        #expect(read("eps.panels.0.temp").map { $0.0 == .double(-1.5) && $0.1 == "degC" } == true)
        #expect(read("mode").map { $0.0 == .string("SAFE") && $0.1 == nil } == true)
        #expect(read("delta").map { $0.0 == .int(-3) } == true)
        for absent in ["eps", "eps.cells", "eps.panels", "empty", "nothing", "eps.v.value.x", "eps.cells.2", "eps.panels.-1.temp"] {
            #expect(read(absent) == nil, "\(absent)")
        }
        // A frame whose decoding failed is not read, even where a value was decoded before the error.
        let failed = try #require(JSONValue(text: #"{"definition": "t", "fields": {"v": 1}, "error": {"field": "w", "offset": 3}}"#))
        #expect(TelemetryFieldPath("v")?.read(failed) == nil)
    }

    @Test func malformedPathsAreRefused() {
        for bad in ["", ".", "a.", ".a", "a..b", String(repeating: "a", count: TelemetryFieldPath.maxLength + 1)] {
            #expect(TelemetryFieldPath(bad) == nil, "'\(bad.prefix(20))'")
        }
        #expect(TelemetryFieldPath("payload.EPS.ina260.0.voltage")?.segments == ["payload", "EPS", "ina260", "0", "voltage"])
    }

    @Test func numericFieldsAreListedInPathOrder() throws {
        let v = try #require(JSONValue(text: Self.stored))
        let fields = TelemetryFieldPath.numericFields(of: v)
        #expect(fields.map(\.path.description) == ["count", "delta", "eps.cells.0", "eps.cells.1", "eps.panels.0.temp", "eps.panels.1.temp", "eps.v"])
        #expect(fields.map(\.unit) == [nil, nil, "V", "V", "degC", "degC", "V"])
        #expect(TelemetryFieldPath.numericFields(of: v, limit: 3).count == 3)
        let a = try #require(TelemetryFieldPath("adc.2")), b = try #require(TelemetryFieldPath("adc.10"))
        #expect(TelemetryFieldPath.precedes(a, b) && !TelemetryFieldPath.precedes(b, a))
    }

    /// Live subscribers get the telemetry nested, as /api/passes/{id}/frames does.
    @Test func liveEventsCarryTelemetryAsAnObject() throws {
        let pass = PassRecord(
            id: 3, station: "s", norad: 45598, satellite: "Quetzal-1", kind: .scheduled, start: Date(), end: nil, maxElevation: nil, frameCount: 0)
        let frame = FrameRecord(passID: 3, sequence: 1, time: Date(), bytes: [1, 2], framing: "AX.25", checksOK: true, telemetryJSON: Self.stored)
        let data = try APIJSON.encoder().encode(LiveFrameEvent(frame, of: pass))
        let o = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let telemetry = try #require(o["telemetry"] as? [String: Any], "\(String(decoding: data, as: UTF8.self))")
        #expect(telemetry["definition"] as? String == "t")
        #expect(((telemetry["fields"] as? [String: Any])?["eps"] as? [String: Any])?["v"] is [String: Any])
        let plain = try APIJSON.encoder().encode(LiveFrameEvent(FrameRecord(passID: 3, sequence: 2, time: Date(), bytes: [], framing: "x", checksOK: false), of: pass))
        #expect(!String(decoding: plain, as: UTF8.self).contains("telemetry"))
    }
}
