import TelemetryDecode
import Testing
import TestSupport

/// SMOG-P signalling packets: synthetic packets with bit errors, random input, and the signalling
/// packets of ATL-1's and SMOG-P's recordings.
@Suite(.computeThreads) struct SMOGPSignallingDeframerTests {
    @Test(arguments: [false, true])
    func roundTripWithBitErrors(inverted: Bool) {
        var rng = SplitMix64(seed: 51)
        var bits: [UInt8] = (0..<100).map { _ in UInt8(rng.next() & 1) }
        var expected: [[UInt8]] = []
        for (rate, mode) in [(1, 3), (5, 0), (7, 7)] {
            var packet = DeframerTestSupport.bits(SMOGPSignallingDeframer.encode(dataRate: rate, mode: mode))
            for k in 0..<30 { packet[(k * 37 + 20) % packet.count] ^= 1 }
            bits += packet + (0..<64).map { _ in UInt8(rng.next() & 1) }
            expected.append(Array(SMOGPSignallingDeframer.encode(dataRate: rate, mode: mode)[8...]))
        }
        var d = SMOGPSignallingDeframer()
        let out = DeframerTestSupport.deframe(DeframerTestSupport.softSymbols(bits, inverted: inverted), with: &d, chunk: 100)
        #expect(out.map(\.bytes) == expected)
        #expect(out.allSatisfy { $0.checkPassed && $0.bytes.count == 64 })
    }

    @Test func smog1TransmitterPattern() {
        let bits = DeframerTestSupport.bits([0x55] + SMOGPSignallingDeframer.encode(dataRate: 1, mode: 2, pattern: SMOGPSignallingDeframer.patternSMOG1) + [0x55])
        var p = SMOGPSignallingDeframer()
        #expect(DeframerTestSupport.deframe(DeframerTestSupport.softSymbols(bits), with: &p).isEmpty)
        var s1 = SMOGPSignallingDeframer(.init(smog1: true, framing: "SMOG-1 Signalling"))
        #expect(DeframerTestSupport.deframe(DeframerTestSupport.softSymbols(bits), with: &s1).count == 1)
    }

    @Test func randomInputAndWrongBody() {
        var rng = SplitMix64(seed: 53)
        var symbols = (0..<1_000_000).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
        // A correct sync followed by random bytes is not a packet either.
        symbols += DeframerTestSupport.softSymbols(DeframerTestSupport.bits(Array(SMOGPSignallingDeframer.encode(dataRate: 0, mode: 0)[0..<8])))
        symbols += (0..<600).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
        var d = SMOGPSignallingDeframer()
        #expect(DeframerTestSupport.deframe(symbols, with: &d, chunk: 4099).isEmpty)
    }

    @Test(arguments: ["atl_1", "smog_p", "smog_p_5k"])
    func referencePackets(_ base: String) throws {
        let rows = try SharedData.tsvRows("recordings/expected/\(base).frames.tsv").dropFirst()
        let expected = Set(rows.filter { $0[2] == "1k25 FSK signalling" }.map { $0[5] })
        #expect(expected.count == 1)
        var got: Set<String> = []
        for cutoff in [0.8, 0.0] {
            let symbols = try DeframerTestSupport.symbols(
                "\(base).wav", .fsk(.init(sampleRate: 48_000, baudRate: 1250, filterCutoff: cutoff)))
            var d = SMOGPSignallingDeframer()
            got.formUnion(DeframerTestSupport.split(DeframerTestSupport.deframe(symbols, with: &d, chunk: 4096)).good)
        }
        #expect(expected == got, "\(base): got \(got)")
    }
}
