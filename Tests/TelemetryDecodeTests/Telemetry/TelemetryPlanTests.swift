import TelemetryDecode
import Testing
import TestSupport

@Suite(.computeThreads) struct TelemetryPlanTests {
    static let cspHeader: [TelemetryFieldSpec] = [
        .init(name: "priority", kind: .unsigned(bits: 2, endian: .big)),
        .init(name: "source", kind: .unsigned(bits: 5, endian: .big)),
        .init(name: "destination", kind: .unsigned(bits: 5, endian: .big)),
        .init(name: "destination_port", kind: .unsigned(bits: 6, endian: .big)),
        .init(name: "source_port", kind: .unsigned(bits: 6, endian: .big)),
        .init(name: "reserved", kind: .unsigned(bits: 3, endian: .big)),
        .init(name: "fragmentation", kind: .flag(bits: 1)),
        .init(name: "hmac", kind: .flag(bits: 1)),
        .init(name: "xtea", kind: .flag(bits: 1)),
        .init(name: "rdp", kind: .flag(bits: 1)),
        .init(name: "crc", kind: .flag(bits: 1)),
    ]

    @Test func bitFieldsAcrossByteBoundaries() throws {
        // GOMX-1 beacon header (expected/gomx_1.frames.tsv): priority 2, 1 → 10, port 30 → 0.
        let plan = try TelemetryPlan(TelemetryDefinition(name: "csp", fields: Self.cspHeader))
        let d = plan.decode([0x82, 0xA7, 0x80, 0x00])
        #expect(d.error == nil)
        #expect(d.value["priority"] == .unsigned(2))
        #expect(d.value["source"] == .unsigned(1))
        #expect(d.value["destination"] == .unsigned(10))
        #expect(d.value["destination_port"] == .unsigned(30))
        #expect(d.value["source_port"] == .unsigned(0))
        #expect(d.value["crc"] == .flag(false))
        #expect(d.unusedBytes == 0)
    }

    @Test func endiannessSignAndFloats() throws {
        let plan = try TelemetryPlan(TelemetryDefinition(name: "t", fields: [
            .init(name: "le", kind: .signed(bits: 16, endian: .little)),
            .init(name: "be", kind: .signed(bits: 16, endian: .big)),
            .init(name: "u24", kind: .unsigned(bits: 24, endian: .little)),
            .init(name: "f", kind: .float(bits: 32, endian: .big)),
            .init(name: "nibble", kind: .signed(bits: 4, endian: .big)),
        ]))
        let d = plan.decode([0xFE, 0xFF, 0xFF, 0xFE, 0x01, 0x02, 0x03, 0x40, 0x49, 0x0F, 0xDB, 0xF0])
        #expect(d.value["le"] == .signed(-2))
        #expect(d.value["be"] == .signed(-2))
        #expect(d.value["u24"] == .unsigned(0x030201))
        #expect(d.value["f"] == .real(Double(Float(bitPattern: 0x4049_0FDB))))
        #expect(d.value["nibble"] == .signed(-1))
    }

    @Test func conversionsAndUnits() throws {
        let plan = try TelemetryPlan(TelemetryDefinition(name: "t", fields: [
            .init(name: "vbatt", kind: .unsigned(bits: 16, endian: .big), unit: "V", conversion: .linear(scale: 1, divisor: 1000, offset: 0)),
            .init(name: "temp", kind: .signed(bits: 16, endian: .big), unit: "degC", conversion: .polynomial([-20, 0.5, 0.25])),
            .init(name: "mode", kind: .unsigned(bits: 8, endian: .big), conversion: .enumeration([3: "NOMINAL"])),
            .init(name: "other", kind: .unsigned(bits: 8, endian: .big), conversion: .enumeration([3: "NOMINAL"])),
            .init(name: "when", kind: .unsigned(bits: 32, endian: .big), conversion: .unixTime),
            .init(name: "panel", kind: .array(element: .signed(bits: 16, endian: .big), count: .fixed(2)), unit: "degC",
                  conversion: .linear(scale: 1, divisor: 4, offset: 0)),
        ]))
        let d = plan.decode([0x1C, 0xFC, 0x00, 0x64, 0x03, 0x07, 0x55, 0x1B, 0x0B, 0x3D, 0xFF, 0xFC, 0x00, 0x7E])
        #expect(d.error == nil)
        #expect(d.value["vbatt"] == .real(7.42))
        #expect(d.value["temp"] == .real(-20 + 50 + 2500))
        #expect(d.value["mode"] == .enumerated(raw: 3, name: "NOMINAL"))
        #expect(d.value["other"] == .enumerated(raw: 7, name: nil))
        #expect(d.value["when"] == .time(secondsSince1970: 1_427_835_709))
        #expect(d.value["panel"] == .list([.real(-1), .real(31.5)]))
        guard case .structure(let nodes) = d.value else { Issue.record("not a structure"); return }
        #expect(nodes.first?.unit == "V")
        #expect(TelemetryJSON.isoTime(1_427_835_709) == "2015-03-31T21:01:49Z")
        let raw = plan.decode([0x1C, 0xFC, 0x00, 0x64, 0x03, 0x07, 0x55, 0x1B, 0x0B, 0x3D, 0xFF, 0xFC, 0x00, 0x7E], calibrated: false)
        #expect(raw.value["vbatt"] == .unsigned(7420))
    }

    @Test func shortFrameKeepsDecodedFieldsAndNamesTheFieldAndOffset() throws {
        let plan = try TelemetryPlan(TelemetryDefinition(name: "t", fields: [
            .init(name: "header", kind: .structure(Self.cspHeader)),
            .init(name: "beacon", kind: .structure([
                .init(name: "eps", kind: .structure([
                    .init(name: "boot", kind: .unsigned(bits: 16, endian: .big)),
                    .init(name: "vbatt", kind: .array(element: .unsigned(bits: 16, endian: .big), count: .fixed(3))),
                ])),
            ])),
        ]))
        let d = plan.decode([0x82, 0xA7, 0x80, 0x00, 0x00, 0x05, 0x01, 0x02, 0x03])
        let e = try #require(d.error)
        #expect(e.field == "beacon.eps.vbatt[1]")
        #expect(e.byteOffset == 8)
        #expect(e.description.contains("byte 8"))
        #expect(d.value["header"]?["destination"] == .unsigned(10))
    }

    @Test func switchesAndMissingCases() throws {
        let plan = try TelemetryPlan(TelemetryDefinition(name: "t", fields: [
            .init(name: "header", kind: .structure([.init(name: "type", kind: .unsigned(bits: 8, endian: .big))])),
            .init(name: "body", kind: .choice(on: "header.type", cases: [
                TelemetryCase(value: 1, kind: .structure([.init(name: "a", kind: .unsigned(bits: 8, endian: .big))])),
                TelemetryCase(value: 2, kind: .nothing),
            ], fallback: nil)),
        ]))
        #expect(plan.decode([1, 9]).value["body"]?["a"] == .unsigned(9))
        #expect(plan.decode([2]).value["body"] == .absent)
        let e = try #require(plan.decode([7, 1]).error)
        #expect(e.field == "body")
        #expect(e.problem.contains("no case for value 7"))
    }

    @Test func referencesMustNameEarlierIntegerFields() {
        #expect(throws: TelemetryPlanError.self) {
            try TelemetryPlan(TelemetryDefinition(name: "t", fields: [
                .init(name: "data", kind: .bytes(.field("len"))),
                .init(name: "len", kind: .unsigned(bits: 8, endian: .big)),
            ]))
        }
        #expect(throws: TelemetryPlanError.self) {
            try TelemetryPlan(TelemetryDefinition(name: "t", fields: [.init(name: "x", kind: .unsigned(bits: 12, endian: .little))]))
        }
    }

    /// Found by FuzzTelemetry: a list whose count names no field, inside a structure, crashed the compiler
    /// (its scope bookkeeping was left one short) instead of being refused.
    @Test func listCountNamingNoFieldIsRefusedNotACrash() throws {
        let error = #expect(throws: TelemetryPlanError.self) {
            try TelemetryPlan(TelemetryDefinition(name: "t", fields: [
                .init(name: "outer", kind: .structure([
                    .init(name: "items", kind: .array(element: .unsigned(bits: 8, endian: .big), count: .field("n"))),
                ])),
            ]))
        }
        #expect(error?.field == "outer.items")
        #expect(error?.problem.contains("'n' names no integer field") == true)
        // The same list after its count field compiles and decodes.
        let plan = try TelemetryPlan(TelemetryDefinition(name: "t", fields: [
            .init(name: "n", kind: .unsigned(bits: 8, endian: .big)),
            .init(name: "outer", kind: .structure([
                .init(name: "items", kind: .array(element: .unsigned(bits: 8, endian: .big), count: .field("n"))),
            ])),
        ]))
        let d = plan.decode([2, 7, 9, 1])
        #expect(d.error == nil && d.unusedBytes == 1)
    }

    @Test func ax25AddressesUntilTheExtensionBit() throws {
        let address: [TelemetryFieldSpec] = [
            .init(name: "callsign", kind: .text(.fixed(6), encoding: .ax25)),
            .init(name: "ssid", kind: .structure([
                .init(name: "ch", kind: .flag(bits: 1)), .init(name: "r", kind: .padding(bits: 2)),
                .init(name: "ssid", kind: .unsigned(bits: 4, endian: .big)), .init(name: "extension", kind: .flag(bits: 1)),
            ])),
        ]
        let plan = try TelemetryPlan(TelemetryDefinition(name: "ax25", fields: [
            .init(name: "addresses", kind: .array(element: .structure(address), count: .until("ssid.extension", maximum: 10))),
            .init(name: "control", kind: .unsigned(bits: 8, endian: .big)),
        ]))
        // CQ-0 ← N0CALL-7, control 0x03.
        let frame: [UInt8] = [0x86, 0xA2, 0x40, 0x40, 0x40, 0x40, 0x60, 0x9C, 0x60, 0x86, 0x82, 0x98, 0x98, 0x6F, 0x03]
        let d = plan.decode(frame)
        #expect(d.error == nil)
        #expect(d.value.value(at: "addresses.0.callsign") == .text("CQ"))
        #expect(d.value.value(at: "addresses.1.callsign") == .text("N0CALL"))
        #expect(d.value.value(at: "addresses.1.ssid.ssid") == .unsigned(7))
        #expect(d.value["control"] == .unsigned(3))
    }

    /// A text beacon's space-separated numbers (3CAT-2's line): integers, signed, with exponents; an integer
    /// selects a switch case like a binary one; conversions apply; NUL padding after the line is left over.
    @Test func asciiNumbersReadASpaceSeparatedLine() throws {
        let plan = try TelemetryPlan(TelemetryDefinition(name: "t", fields: [
            .init(name: "mode", kind: .asciiNumber, conversion: .enumeration([3: "nominal"])),
            .init(name: "vbat", kind: .asciiNumber, unit: "V", conversion: .linear(scale: 1, divisor: 1000, offset: 0)),
            .init(name: "temp", kind: .asciiNumber),
            .init(name: "adcs", kind: .asciiNumber),
            .init(name: "vector", kind: .choice(on: "adcs", cases: [
                TelemetryCase(value: 1, kind: .array(element: .asciiNumber, count: .fixed(2))),
            ], fallback: nil)),
        ]))
        let line = Array("3 8268  -15\t1 7.4e-02 -1.8E-08\r\n".utf8) + [0, 0]
        let d = plan.decode(line)
        #expect(d.error == nil)
        #expect(d.value["mode"] == .enumerated(raw: 3, name: "nominal"))
        #expect(d.value["vbat"] == .real(8.268))
        #expect(d.value["temp"] == .signed(-15))
        #expect(d.value["vector"] == .list([.real(0.074), .real(-1.8e-8)]))
        #expect(d.unusedBytes == 4, "CR LF and the NULs after the last number")
        #expect(plan.decode(line, calibrated: false).value["vbat"] == .signed(8268))
    }

    @Test func asciiNumberThatIsNotOneIsAnErrorNamingIt() throws {
        let plan = try TelemetryPlan(TelemetryDefinition(name: "t", fields: [
            .init(name: "a", kind: .asciiNumber), .init(name: "b", kind: .asciiNumber),
        ]))
        let bad = try #require(plan.decode(Array("12 4x".utf8)).error)
        #expect(bad.field == "b" && bad.bitOffset == 24 && bad.problem.contains("'4x'"))
        let short = try #require(plan.decode(Array("12   ".utf8)).error)
        #expect(short.field == "b" && short.problem.contains("end of the frame"))
        // Words Swift's Double() would take are not numbers in a beacon.
        #expect(plan.decode(Array("1 nan".utf8)).error?.field == "b")
        #expect(plan.decode(Array("1 0x1p3".utf8)).error?.field == "b")
        // The encoder writes what the decoder reads.
        let value = TelemetryValue.structure([TelemetryNode(name: "a", value: .signed(-7)), TelemetryNode(name: "b", value: .real(2.5e-9))])
        #expect(plan.decode(try TelemetryEncoder.encode(value, plan: plan), calibrated: false).value == value)
    }

    /// A list in a frame zero-padded to a fixed size (3CAT-1's sensor histories) ends where only zeros are left.
    @Test func listBeforeZeroPaddingStopsAtThePadding() throws {
        let plan = try TelemetryPlan(TelemetryDefinition(name: "t", fields: [
            .init(name: "kind", kind: .unsigned(bits: 8, endian: .big)),
            .init(name: "samples", kind: .array(element: .structure([
                .init(name: "dt", kind: .unsigned(bits: 8, endian: .big)),
                .init(name: "v", kind: .unsigned(bits: 16, endian: .big)),
            ]), count: .beforeZeroPadding)),
        ]))
        let d = plan.decode([7, 1, 0, 5, 2, 0, 0, 0, 0, 0, 0, 0])
        #expect(d.error == nil)
        #expect(d.value.value(at: "samples.1.dt") == .unsigned(2))
        if case .list(let items)? = d.value["samples"] { #expect(items.count == 2) } else { Issue.record("no list: \(d.value)") }
        #expect(d.unusedBytes == 5)
        // A zero inside the list does not end it; a frame of padding only gives an empty list.
        if case .list(let items)? = plan.decode([7, 0, 0, 0, 3, 0, 9, 0, 0]).value["samples"] { #expect(items.count == 2) }
        #expect(plan.decode([7, 0, 0, 0, 0]).value["samples"] == .list([]))
    }
}
