import TelemetryDecode
import Testing
import TestSupport

/// UA01 (PolyITAN 2-SAU): AX.25 whose HDLC bits are G3RUH-scrambled and then NRZI-encoded twice, the
/// order gr-satellites' UA01 deframer undoes (two NRZI decoders, then the descrambler).
@Suite(.computeThreads) struct UA01DeframerTests {
    typealias S = DeframerTestSupport

    static func frame(_ info: String) -> [UInt8] {
        AX25Address(callsign: "CQ").encoded(last: false) + AX25Address(callsign: "UR0UA", ssid: 1).encoded(last: true)
            + [0x03, 0xF0] + Array(info.utf8)
    }

    /// HDLC bits of `frames` between idle flags.
    static func hdlcBits(_ frames: [[UInt8]]) -> [UInt8] {
        let flag: [UInt8] = [0, 1, 1, 1, 1, 1, 1, 0]
        var bits: [UInt8] = Array([[UInt8]](repeating: flag, count: 8).joined())
        for f in frames { HDLCFramer(preambleFlags: 4, postambleFlags: 2).encode(f, into: &bits) }
        bits += Array([[UInt8]](repeating: flag, count: 8).joined())
        return bits
    }

    /// The channel bits from the definitions, written out independently of `AX25ChannelEncoder`:
    /// s[n] = d[n] ⊕ s[n−12] ⊕ s[n−17]; each NRZI pass keeps the level on a 1 and toggles it on a 0.
    static func channelByDefinition(_ data: [UInt8]) -> [UInt8] {
        var s: [UInt8] = []
        for (n, d) in data.enumerated() {
            s.append(d ^ (n >= 12 ? s[n - 12] : 0) ^ (n >= 17 ? s[n - 17] : 0))
        }
        func nrzi(_ x: [UInt8]) -> [UInt8] {
            var level: UInt8 = 0
            return x.map { bit in
                if bit == 0 { level ^= 1 }
                return level
            }
        }
        return nrzi(nrzi(s))
    }

    @Test func encoderFollowsTheDefinitions() {
        let bits = Self.hdlcBits([Self.frame("definitions")])
        var channel = bits
        var encoder = AX25ChannelEncoder(.doubleNRZIThenG3RUH)
        encoder.process(&channel)
        #expect(channel == Self.channelByDefinition(bits))
    }

    @Test func framesDecodeInBothPolaritiesAndOnlyWithTheirOwnLineCoding() {
        let frames = (0..<5).map { Self.frame("UA01 frame \($0) " + String(repeating: "x", count: 7 * $0)) }
        let channel = Self.channelByDefinition(Self.hdlcBits(frames))
        for inverted in [false, true] {
            var d = AX25Deframer(lineCoding: .doubleNRZIThenG3RUH, framing: "UA01")
            let got = S.deframe(S.softSymbols(channel, inverted: inverted), with: &d, chunk: 61)
            #expect(got.filter(\.checkPassed).map(\.bytes) == frames, "inverted \(inverted)")
            #expect(got.allSatisfy { $0.framing == "UA01" })
        }
        var g3ruh = AX25Deframer(scrambled: true)
        #expect(S.deframe(S.softSymbols(channel), with: &g3ruh).filter(\.checkPassed).isEmpty)
    }

    @Test func aWeakWrongSymbolIsRepaired() {
        let frames = [Self.frame("one weak channel bit in UA01's coding")]
        let channel = Self.channelByDefinition(Self.hdlcBits(frames))
        // 64 idle bits and 4 opening flags, then data bit 150.
        var d = AX25Deframer(lineCoding: .doubleNRZIThenG3RUH, framing: "UA01")
        let got = S.deframe(S.softSymbols(channel, wrong: [64 + 32 + 150]), with: &d)
        #expect(got.filter(\.checkPassed).map(\.bytes) == frames)
        #expect(got.map(\.correctedSymbols) == [1])
    }

    @Test func noiseGivesNoFrames() throws {
        var rng = SplitMix64(seed: 1_042_732)
        let noise = (0..<400_000).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
        var d = try #require(ReceiverFactory.deframer(for: TransmitterSpec(name: "UA01", modulation: .bpsk, baudRate: 9600, framing: .ua01)) as? AX25Deframer)
        #expect(d.lineCoding == .doubleNRZIThenG3RUH)
        #expect(S.deframe(noise, with: &d, chunk: 4096).filter(\.checkPassed).isEmpty)
    }
}
