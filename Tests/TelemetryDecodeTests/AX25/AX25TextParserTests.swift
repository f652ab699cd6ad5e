import TelemetryDecode
import Testing
import TestSupport

@Suite(.computeThreads) struct AX25TextParserTests {
    @Test func matchesDirewolfOnAirBytes() throws {
        // What direwolf put on its KISS port for gen_packets' "N0CALL-1>APRS,WIDE1-1,WIDE2-2*:>hello"
        // (gen_packets keeps the newline, here part of the text).
        let f = try AX25TextParser.parse("N0CALL-1>APRS,WIDE1-1,WIDE2-2*:>hello\n")
        #expect(hex(f.bytes) == "82a0a4a64040e09c6086829898e2ae92888a6240e2ae92888a6440e503f03e68656c6c6f0a")
        let g = try AX25TextParser.parse("AB1CD>CQ:test <0xc0><0xdb> x\n")
        #expect(hex(g.bytes) == "86a240404040e0828462868840e103f07465737420c0db20780a")
    }

    @Test func fieldsAndRepeatedFlags() throws {
        let f = try AX25TextParser.parse("n0call-15>apzgsd,RELAY*,WIDE2-1:!info:with:colons")
        #expect(f.source == AX25Address(callsign: "N0CALL", ssid: 15, flag: true))
        #expect(f.destination == AX25Address(callsign: "APZGSD", ssid: 0, flag: true))
        #expect(f.digipeaters == [AX25Address(callsign: "RELAY", flag: true), AX25Address(callsign: "WIDE2", ssid: 1)])
        #expect(f.control == 0x03 && f.pid == 0xF0)
        #expect(f.info == Array("!info:with:colons".utf8))
        #expect(f.text == "N0CALL-15>APZGSD,RELAY*,WIDE2-1:!info:with:colons")
    }

    @Test func commandBits() throws {
        let line = "AB1CD>CQ:x"
        let both = try AX25TextParser.parse(line)
        #expect(both.destination.flag && both.source.flag)
        let command = try AX25TextParser.parse(line, commandBits: .command)
        #expect(command.destination.flag && !command.source.flag)
        let response = try AX25TextParser.parse(line, commandBits: .response)
        #expect(!response.destination.flag && response.source.flag)
        let neither = try AX25TextParser.parse(line, commandBits: .neither)
        #expect(!neither.destination.flag && !neither.source.flag)
    }

    @Test func roundTripsThroughText() throws {
        let info: [UInt8] = (0...255).map { UInt8($0) }
        let frame = AX25Frame(
            destination: AX25Address(callsign: "CQ", flag: true), source: AX25Address(callsign: "EA4GPZ", ssid: 11, flag: true),
            digipeaters: [AX25Address(callsign: "WIDE1", ssid: 1, flag: true), AX25Address(callsign: "RELAY")], info: info)
        let parsed = try AX25TextParser.parse(frame.text)
        #expect(parsed == frame)
        #expect(try AX25TextParser.info("<0X7E><0x7e>A"[...]) == [0x7E, 0x7E, 0x41])
        #expect(try AX25TextParser.parse("A>B:").info == [])
        #expect(try AX25TextParser.parse("A>B:<tag> <0").info == Array("<tag> <0".utf8))
    }

    @Test func errors() {
        #expect(throws: AX25TextError.missingSeparator(":", text: "N0CALL>CQ")) { try AX25TextParser.parse("N0CALL>CQ") }
        #expect(throws: AX25TextError.missingSeparator(">", text: "N0CALL:hi")) { try AX25TextParser.parse("N0CALL:hi") }
        #expect(throws: AX25TextError.invalidAddress("TOOLONGCALL")) { try AX25TextParser.parse("TOOLONGCALL>CQ:x") }
        #expect(throws: AX25TextError.invalidAddress("N0CALL-16")) { try AX25TextParser.parse("N0CALL-16>CQ:x") }
        #expect(throws: AX25TextError.invalidAddress("N0-CALL-1")) { try AX25TextParser.parse("N0-CALL-1>CQ:x") }
        #expect(throws: AX25TextError.invalidAddress("")) { try AX25TextParser.parse("N0CALL>CQ,,WIDE:x") }
        #expect(throws: AX25TextError.invalidAddress("")) { try AX25TextParser.parse(">CQ:x") }
        #expect(throws: AX25TextError.tooManyDigipeaters(count: 9)) {
            try AX25TextParser.parse("A>B,C1,C2,C3,C4,C5,C6,C7,C8,C9:x")
        }
        #expect(throws: AX25TextError.invalidHexEscape(offset: 2)) { try AX25TextParser.parse("A>B:ab<0xZZ>") }
        #expect(throws: AX25TextError.invalidHexEscape(offset: 0)) { try AX25TextParser.parse("A>B:<0x4") }
        #expect(AX25TextError.invalidAddress("X-99").description.contains("'X-99'"))
    }

    func hex(_ b: [UInt8]) -> String {
        b.map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined()
    }
}
