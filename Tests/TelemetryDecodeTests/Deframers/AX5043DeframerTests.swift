import TelemetryDecode
import Testing
import TestSupport

/// AX5043 framing: the sync word is two coded, interleaved flags; synthetic round trips with bit
/// errors; random input; CAPE-3's recording.
@Suite(.computeThreads) struct AX5043DeframerTests {
    @Test func syncWordIsCodedFlags() {
        let bits = AX5043Deframer.encode([0x55], preambleFlags: 12)
        // Somewhere in a coded run of flags the 32-bit sync word must appear exactly.
        var found = false
        var reg: UInt32 = 0
        for (i, b) in bits.enumerated() {
            reg = reg << 1 | UInt32(b)
            if i >= 31 && reg == AX5043Deframer.syncWord { found = true }
        }
        #expect(found)
    }

    static func channel(_ frames: [[UInt8]], inverted: Bool = false, flips: Int = 0, seed: UInt64 = 1) -> [UInt8] {
        var rng = SplitMix64(seed: seed)
        var bits: [UInt8] = (0..<333).map { _ in UInt8(rng.next() & 1) }
        for f in frames {
            var coded = AX5043Deframer.encode(f)
            // Spread `flips` bit errors over the frame part (away from the preamble's sync words).
            for e in 0..<flips where coded.count > 200 { coded[150 + (e * 97) % (coded.count - 200)] ^= 1 }
            bits += coded
            bits += (0..<4100).map { _ in UInt8(rng.next() & 1) }
        }
        return DeframerTestSupport.softSymbols(bits, inverted: inverted)
    }

    @Test(arguments: [false, true], [0, 12])
    func roundTrip(inverted: Bool, flips: Int) {
        var rng = SplitMix64(seed: 21)
        let frames = [10, 200, 60].map { n in (0..<n).map { _ in UInt8(truncatingIfNeeded: rng.next()) } }
        var d = AX5043Deframer()
        let out = DeframerTestSupport.deframe(Self.channel(frames, inverted: inverted, flips: flips), with: &d, chunk: 517)
        #expect(out.map(\.bytes) == frames)
        #expect(out.allSatisfy { $0.checkPassed })
    }

    @Test func randomInput() {
        var rng = SplitMix64(seed: 22)
        let symbols = (0..<300_000).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
        var d = AX5043Deframer()
        let out = DeframerTestSupport.deframe(symbols, with: &d, chunk: 4001)
        #expect(out.isEmpty)
    }

    @Test func cape3ReferenceFrame() throws {
        let expected = try RecordingFixtures.expectedFrames("cape3")
        var got: Set<String> = []
        for cutoff in [0.8, 0.0] {
            let symbols = try DeframerTestSupport.symbols(
                "cape3.wav", .fsk(.init(sampleRate: 48_000, baudRate: 1200, filterCutoff: cutoff)))
            var d = AX5043Deframer()
            got.formUnion(DeframerTestSupport.split(DeframerTestSupport.deframe(symbols, with: &d, chunk: 4096)).good)
        }
        print("cape3: \(got.count) good, \(got.intersection(expected).count) of \(expected.count) reference frames")
        #expect(expected.isSubset(of: got))
    }
}
