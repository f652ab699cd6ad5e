import Testing

@testable import TelemetryDecode

@Suite struct FailedCandidateTallyTests {
    static let transmitters = [
        TransmitterSpec(name: "9k6", modulation: .fsk, baudRate: 9600, framing: .ax25G3RUH),
        TransmitterSpec(name: "1k2", modulation: .afsk, baudRate: 1200, framing: .ax25),
    ]

    static func frame(_ transmitter: String, _ time: Double, good: Bool = false) -> ReceivedFrame {
        ReceivedFrame(
            frame: DecodedFrame(bytes: [1, 2, 3], framing: "AX.25", checkPassed: good, symbolPosition: 0),
            transmitter: transmitter, time: time)
    }

    /// A failed candidate counts as a damaged copy only next to a good frame of the same transmitter (128
    /// symbols: 13.3 ms at 9600 Bd, 107 ms at 1200 Bd), before or after it, in whatever order they come.
    @Test func copiesAreThoseNextToAGoodFrameOfTheSameTransmitter() {
        var t = FailedCandidateTally(transmitters: Self.transmitters)
        t.good(Self.frame("9k6", 1.000, good: true))
        t.failed(Self.frame("9k6", 1.012))  // copy of the frame before
        t.failed(Self.frame("9k6", 1.015))  // too far: 15 ms
        t.failed(Self.frame("1k2", 1.005))  // another transmitter
        t.failed(Self.frame("1k2", 2.0))  // copy of the good frame that comes after it (100 ms)
        t.failed(Self.frame("1k2", 1.98))  // 120 ms: another frame
        // Returned: the failures decided, not the copies.
        let first = t.settle(upTo: 1.9)
        #expect(first.map { [$0.transmitter: $0.time] } == [["9k6": 1.015], ["1k2": 1.005]])
        #expect(t.damagedCopies == 1 && t.failed == 2)  // the 1k2 candidates near 2 s are still held
        #expect(t.undecided == 2)
        t.good(Self.frame("1k2", 2.1, good: true))
        t.failed(Self.frame("9k6", 3.0))
        t.failed(Self.frame("9k6", 3.001))  // neither has a good frame
        let rest = t.settleAll()
        #expect(rest.map(\.time) == [1.98, 3.0, 3.001])
        #expect(t.damagedCopies == 2)
        #expect(t.failed == 5)
        #expect(t.undecided == 0)
    }
}
