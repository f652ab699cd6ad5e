import TelemetryDecode
import Testing
import TestSupport

@Suite(.computeThreads) struct AX25FrameTests {
    @Test func buildParseAndRender() throws {
        let frame = AX25Frame(
            destination: AX25Address("CQ")!, source: AX25Address("EA4GPZ-11")!,
            digipeaters: [AX25Address(callsign: "WIDE1", ssid: 1, flag: true), AX25Address("RELAY")!],
            info: Array("Hello\r".utf8))
        let bytes = frame.bytes
        #expect(bytes.count == 7 * 4 + 2 + 6)
        // Address extension bit only on the last address.
        #expect(bytes[6] & 1 == 0 && bytes[13] & 1 == 0 && bytes[20] & 1 == 0 && bytes[27] & 1 == 1)
        let parsed = try AX25Frame(bytes: bytes)
        #expect(parsed == frame)
        #expect(parsed.text == "EA4GPZ-11>CQ,WIDE1-1*,RELAY:Hello<0x0d>")
    }

    @Test func knownOnAirBytes() throws {
        // "CQ" and "N0CALL-1" as they appear on air, UI frame, PID 0xF0.
        let bytes: [UInt8] = [0x86, 0xA2, 0x40, 0x40, 0x40, 0x40, 0x60,
                              0x9C, 0x60, 0x86, 0x82, 0x98, 0x98, 0x63, 0x03, 0xF0, 0x41]
        let f = try AX25Frame(bytes: bytes)
        #expect(f.destination.callsign == "CQ" && f.destination.ssid == 0)
        #expect(f.source.callsign == "N0CALL" && f.source.ssid == 1)
        #expect(f.control == 0x03 && f.pid == 0xF0 && f.info == [0x41])
        #expect(f.text == "N0CALL-1>CQ:A")
    }

    @Test func sFramesHaveNoPID() throws {
        var bytes = AX25Frame(destination: AX25Address("A")!, source: AX25Address("B")!, info: []).bytes
        bytes[14] = 0x01  // RR
        bytes.removeLast()  // no PID
        let f = try AX25Frame(bytes: bytes)
        #expect(f.pid == nil && f.info.isEmpty)
    }

    @Test func malformedInputGivesTypedErrors() {
        #expect(throws: AX25Error.truncated(length: 3, needed: 15)) { try AX25Frame(bytes: [1, 2, 3]) }
        var bytes = AX25Frame(destination: AX25Address("A")!, source: AX25Address("B")!, info: [1]).bytes
        bytes[2] |= 1
        #expect(throws: AX25Error.extensionBitInCallsign(offset: 2)) { try AX25Frame(bytes: bytes) }
        var unterminated = [UInt8](repeating: 0x40, count: 30)
        unterminated[6] = 0x60
        unterminated[13] = 0x60
        #expect(throws: AX25Error.self) { try AX25Frame(bytes: unterminated) }
        var early = AX25Frame(destination: AX25Address("A")!, source: AX25Address("B")!, info: [1]).bytes
        early[6] |= 1
        #expect(throws: AX25Error.addressNotTerminated(offset: 6)) { try AX25Frame(bytes: early) }
    }

    @Test func randomBytesNeverCrash() {
        var rng = SplitMix64(seed: 17)
        for _ in 0..<20_000 {
            let bytes = (0..<Int.random(in: 0...80, using: &rng)).map { _ in UInt8.random(in: 0...255, using: &rng) }
            if let f = try? AX25Frame(bytes: bytes) { _ = f.text }
        }
    }
}
