import Foundation
import Testing

/// Telemetry values of recordings gr-satellites prints no parse for (no reference frames, or a Debian
/// gr-satellites without the parser): `gsd replay --output json` must decode every good frame with the
/// satellite's definition, and the values must be the ones the bytes hold, checked against each other
/// (counters that step, sensors that agree between beacon types) and against physics.
@Suite struct RecordingTelemetryTests {
    /// The telemetry of each good frame of a recording, in time order.
    static func telemetry(_ recording: String, norad: Int) async throws -> [(definition: String, fields: [String: Any])] {
        let path = RecordingManifest.recordings.appendingPathComponent(recording + ".wav").path
        let r = try await GSDProcess.runDecoding(["replay", path, "--norad", String(norad), "--output", "json"])
        #expect(r.status == 0, "\(recording): \(r.stderr)")
        return try r.stdout.split(separator: "\n").map { line in
            let o = try #require(JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            let t = try #require(o["telemetry"] as? [String: Any], "\(recording): no telemetry in \(line)")
            #expect(t["error"] == nil, "\(recording): \(t["error"] ?? "")")
            return (try #require(t["definition"] as? String), try #require(t["fields"] as? [String: Any]))
        }
    }

    /// The value at a dotted path (list elements by index); a number with a unit gives its number.
    static func at(_ fields: [String: Any], _ path: String) -> Any? {
        var node: Any? = fields
        for key in path.split(separator: ".") {
            if let list = node as? [Any], let i = Int(key) {
                node = list.indices.contains(i) ? list[i] : nil
            } else {
                node = (node as? [String: Any])?[String(key)]
            }
            if let withUnit = node as? [String: Any], withUnit.count == 2, let v = withUnit["value"], withUnit["unit"] != nil { node = v }
        }
        return node
    }

    static func number(_ fields: [String: Any], _ path: String) -> Double? { (at(fields, path) as? NSNumber)?.doubleValue }
    static func numbers(_ fields: [String: Any], _ path: String) -> [Double] { (at(fields, path) as? [NSNumber])?.map(\.doubleValue) ?? [] }
    static func callsigns(_ fields: [String: Any], _ path: String) -> [String] {
        (at(fields, path) as? [[String: Any]])?.compactMap { $0["callsign"] as? String } ?? []
    }

    /// KOYO: AX.25, a CCSDS space packet, the 235-byte little-endian beacon. Three beacons 10 s apart.
    @Test func koyoBeacons() async throws {
        let frames = try await Self.telemetry("koyo", norad: 98273)
        #expect(frames.count == 3 && frames.allSatisfy { $0.definition == "koyo" })
        for (i, f) in frames.map(\.fields).enumerated() {
            #expect(Self.callsigns(f, "ax25_header.addresses") == ["GS-H20", "KOYOSC"])
            #expect(Self.number(f, "primary_header.packet_sequence_count") == Double(124 + i))
            #expect(Self.number(f, "primary_header.data_length") == 235)
            // The on-board clock steps 10 s per beacon, as the frames do in the recording.
            #expect(Self.number(f, "packet.obctime") == Double(954_251_199 + 10 * i))
            #expect(Self.number(f, "packet.beacon_flash_write_pointer") == Double(9444 + i))
            #expect(Self.number(f, "packet.boot_counter") == 14)
            // A 2S lithium battery, a 3.3 V and a 5 V rail, boards at room temperature.
            let battery = try #require(Self.number(f, "packet.battery_discharge_volt"))
            #expect(abs(battery - 8.121) < 0.002)
            #expect(abs((Self.number(f, "packet.cdh_3v3_volt") ?? 0) - 3.304) < 0.001)
            #expect(abs((Self.number(f, "packet.regulator_volt") ?? 0) - 5.046) < 0.001)
            #expect((20...30).contains(Self.number(f, "packet.cdh_temp") ?? -1))
            #expect((20...30).contains(Self.number(f, "packet.eps_temp") ?? -1))
        }
    }

    /// ESEO: a type-3 (general) beacon from IW4DUL, little-endian, filling the frame exactly.
    @Test func eseoGeneralBeacon() async throws {
        let frames = try await Self.telemetry("eseo", norad: 43792)
        let f = try #require(frames.first?.fields)
        #expect(frames.count == 1 && frames[0].definition == "eseo")
        #expect(Self.callsigns(f, "header.addresses") == ["ESEO", "IW4DUL"])
        #expect(Self.at(f, "type") as? String == "general")
        #expect(Self.number(f, "data.obd_wd_reset_count") == 0 && Self.number(f, "data.obd_error_count") == 0)
        #expect(Self.numbers(f, "data.pm_current_bp") == [106, 109, 98, 99, 101, 95])
        #expect(Self.number(f, "data.pm_voltage_mb") == 24428)
        // Body rates of a slowly turning satellite (big-endian floats would read 1e19 and 1e-30).
        let omega = Self.numbers(f, "data.acs_omega")
        #expect(omega.count == 3 && omega.allSatisfy { abs($0) < 1 } && abs(omega[2] + 0.6012) < 0.0001)
    }

    /// FloripaSat-1: an NGHam OBDH beacon from PY0EFS; the IMU feels 1 g (the recording was made on the ground).
    @Test func floripasatObdhBeacon() async throws {
        let frames = try await Self.telemetry("floripasat_1", norad: 44885)
        let f = try #require(frames.first?.fields)
        #expect(frames.count == 1 && frames[0].definition == "floripasat-1")
        #expect(Self.at(f, "id") as? String == "beacon_ngham_obdh_data")
        #expect(Self.at(f, "callsign") as? String == "0PY0EFS")
        let cells = Self.numbers(f, "payload.eps.battery_voltage")
        #expect(cells.count == 2 && cells.allSatisfy { (3.0...4.2).contains($0) } && abs(cells[0] - 3.598771) < 1e-6)
        let g = Self.numbers(f, "payload.imu_accelerometer")
        #expect(g.count == 3 && abs((g.map { $0 * $0 }.reduce(0, +)).squareRoot() - 0.966) < 0.001)
        #expect(Self.number(f, "payload.obdh_resets") == 780)
        #expect(Self.at(f, "payload.status.eps") as? Bool == true)
    }

    /// 3CAT-1: seven temperature histories (sensors 0-6) and one current-state beacon. The newest sample of
    /// each history is that sensor's reading in the current state, and the histories end at the zero padding.
    @Test func threeCat1HistoriesAgreeWithTheCurrentState() async throws {
        let frames = try await Self.telemetry("sat_3cat_1", norad: 43728)
        #expect(frames.count == 8 && frames.allSatisfy { $0.definition == "3cat-1" })
        let histories = frames.map(\.fields).filter { Self.at($0, "beacon_id") as? String == "TemperatureEvolution" }
        let current = try #require(frames.map(\.fields).first { Self.at($0, "beacon_id") as? String == "CurrentState" })
        #expect(histories.count == 7)
        let now = (0..<7).map { Self.number(current, "data.temperature.\($0).value") ?? .nan }
        #expect(now == [28.4, 27.0, 27.9, 28.0, 29.5, 27.6, 1.1])
        let voltages = (0..<7).map { Self.number(current, "data.voltage.\($0).value") ?? .nan }
        #expect(voltages.filter { (8.0...8.8).contains($0) }.count == 6, "a 2S battery bus: \(voltages)")
        var sensors = Set<Int>()
        for h in histories {
            let sensor = try #require(Self.number(h, "sensor_id").map(Int.init))
            sensors.insert(sensor)
            let samples = try #require(Self.at(h, "data") as? [Any])
            #expect(samples.count == 62)
            #expect(Self.number(h, "data.0.value") == now[sensor], "sensor \(sensor)")
            #expect(Self.number(h, "data.61.delta_t") == 173_482)
            #expect(Self.number(h, "state_of_charge") == 88)
        }
        #expect(sensors == Set(0..<7))
    }

    /// 3CAT-2: its ASCII housekeeping line, read number by number.
    @Test func threeCat2TextBeacon() async throws {
        let frames = try await Self.telemetry("sat_3cat_2", norad: 41732)
        let f = try #require(frames.first?.fields)
        #expect(frames.count == 1 && frames[0].definition == "3cat-2")
        #expect(Self.callsigns(f, "ax25_header.addresses") == ["UPC", "3CAT2"])
        #expect(Self.at(f, "mode") as? String == "nominal")
        #expect(Self.number(f, "battery_voltage") == 8.268)
        #expect(Self.number(f, "current") == 233)
        #expect(Self.number(f, "eps_temperature") == 8 && Self.number(f, "antenna_temperature") == 11)
        #expect(Self.at(f, "adcs_mode") as? String == "ss_nominal" && Self.at(f, "adcs_control") as? String == "auto")
        #expect(Self.numbers(f, "sun_vector") == [0.29, 0.24, 0.074])
        #expect(Self.numbers(f, "control_voltage") == [6.9e-9, 1.1e-9, 1.8e-8])
    }

    /// EQUiSat: a low-power packet. The five data records are 120 s apart and end a second before the
    /// preamble's time stamp; the Li-ion cells read near 4 V, the LiFePO4 cells near 3.3-3.5 V.
    @Test func equisatLowPowerPacket() async throws {
        let frames = try await Self.telemetry("equisat", norad: 43552)
        let f = try #require(frames.first?.fields)
        #expect(frames.count == 1 && frames[0].definition == "equisat")
        #expect(Self.at(f, "preamble.callsign") as? String == "WL9XZE")
        #expect(Self.at(f, "preamble.message_type") as? String == "LOW_POWER")
        #expect(Self.at(f, "preamble.satellite_state") as? String == "LOW_POWER")
        #expect(Self.number(f, "preamble.timestamp") == 44_357_882)
        #expect(Self.number(f, "current_info.boot_count") == 37)
        #expect(Self.number(f, "current_info.L1_REF") == 4041 && Self.number(f, "current_info.L2_REF") == 4004)
        #expect(Self.number(f, "current_info.LF1REF") == 3309 && Self.number(f, "current_info.LF4REF") == 3547)
        #expect(Self.number(f, "current_info.L2_SNS") == -198)
        #expect(abs((Self.number(f, "current_info.L_REF") ?? 0) - 3985.839) < 0.001)
        #expect(abs((Self.number(f, "current_info.L1_TEMP") ?? 0) + 23.0434) < 0.0001)
        let stamps = (0..<5).compactMap { Self.number(f, "data.\($0).timestamp") }
        #expect(stamps == [44_357_881, 44_357_761, 44_357_641, 44_357_521, 44_357_401])
        #expect((0..<5).allSatisfy { Self.at(f, "data.\($0).ANTENNA_DEPLOYED") as? Bool == true })
        let errors = try #require(Self.at(f, "errors") as? [[String: Any]])
        #expect(errors.count == 14)
        #expect(errors.first?["error_code"] as? String == "ECODE_READING_LOW")
        #expect(errors.first?["error_location"] as? String == "ELOC_IR_NEG_Y")
    }
}
