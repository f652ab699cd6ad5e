import Testing

@testable import TelemetryDecode

@Suite struct FailedCandidateTallyTests {
    static let transmitters = [
        TransmitterSpec(name: "9k6", modulation: .fsk, baudRate: 9600, framing: .ax25G3RUH),
        TransmitterSpec(name: "1k2", modulation: .afsk, baudRate: 1200, framing: .ax25),
    ]

    static func frame(_ transmitter: String, _ time: Double, good: Bool) -> ReceivedFrame {
        ReceivedFrame(
            frame: DecodedFrame(bytes: [1, 2, 3], framing: "AX.25", checkPassed: good, symbolPosition: 0),
            transmitter: transmitter, time: time)
    }

    /// A failed candidate counts as a damaged copy only next to a good frame of the same transmitter (128
    /// symbols: 13.3 ms at 9600 Bd, 107 ms at 1200 Bd), before or after it.
    @Test func copiesAreThoseNextToAGoodFrameOfTheSameTransmitter() {
        var t = FailedCandidateTally(transmitters: Self.transmitters)
        t.good(Self.frame("9k6", 1.000, good: true))
        t.failed(Self.frame("9k6", 1.012, good: false), nearby: [])  // copy of the frame before
        t.failed(Self.frame("9k6", 1.015, good: false), nearby: [])  // too far: 15 ms
        t.failed(Self.frame("1k2", 1.005, good: false), nearby: [])  // another transmitter
        let after = Self.frame("1k2", 2.1, good: true)
        t.failed(Self.frame("1k2", 2.0, good: false), nearby: [after])  // copy of the frame after (100 ms)
        t.failed(Self.frame("1k2", 1.98, good: false), nearby: [after])  // 120 ms: another frame
        t.failed(Self.frame("9k6", 3.0, good: false), nearby: [Self.frame("9k6", 3.001, good: false)])  // no good one
        #expect(t.damagedCopies == 2)
        #expect(t.failed == 4)
    }
}
