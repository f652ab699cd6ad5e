import TelemetryDecode
import Testing
import TestSupport

/// TT-64 framing: synthetic round trips with byte errors, random input, and AT03's recording.
@Suite(.computeThreads) struct TT64DeframerTests {
    static func channel(_ frames: [[UInt8]], inverted: Bool = false, errorsPerBlock: Int = 0, seed: UInt64 = 1) -> [UInt8] {
        var rng = SplitMix64(seed: seed)
        var bits: [UInt8] = (0..<300).map { _ in UInt8(rng.next() & 1) }
        for f in frames {
            var block = TT64Deframer.encodeBlock(f)
            for e in 0..<errorsPerBlock { block[(e * 7 + 3) % block.count] ^= 0x5A }
            bits += (0..<16).reversed().map { UInt8((TT64Deframer.syncWord >> UInt16($0)) & 1) }
            bits += DeframerTestSupport.bits(block)
            bits += (0..<40).map { _ in UInt8(rng.next() & 1) }
        }
        return DeframerTestSupport.softSymbols(bits, inverted: inverted)
    }

    @Test func crcAndLayout() {
        #expect(TT64Deframer.crc16ARC(Array("123456789".utf8)) == 0xBB3D)
        let frame = (0..<46).map { UInt8($0 * 3) }
        let block = TT64Deframer.encodeBlock(frame)
        #expect(block.count == 64)
        let body = TT64Deframer.decodeBlock(block)
        #expect(body?.bytes == frame && body?.checkPassed == true)
    }

    @Test(arguments: [false, true], [0, 8])
    func roundTrip(inverted: Bool, errors: Int) {
        var rng = SplitMix64(seed: 11)
        let frames = (0..<3).map { _ in (0..<46).map { _ in UInt8(truncatingIfNeeded: rng.next()) } }
        var d = TT64Deframer()
        let out = DeframerTestSupport.deframe(Self.channel(frames, inverted: inverted, errorsPerBlock: errors), with: &d, chunk: 333)
        #expect(out.filter(\.checkPassed).map(\.bytes) == frames)
        #expect(out.filter(\.checkPassed).allSatisfy { $0.correctedSymbols == errors })
    }

    @Test func tooManyErrorsIsNeverGood() {
        var rng = SplitMix64(seed: 12)
        let frames = [(0..<46).map { _ in UInt8(truncatingIfNeeded: rng.next()) }]
        var d = TT64Deframer()
        let out = DeframerTestSupport.deframe(Self.channel(frames, errorsPerBlock: 12), with: &d)
        #expect(!out.contains { $0.checkPassed && $0.bytes != frames[0] })
    }

    @Test func weakWrongBytesBeyondHardCorrectionAreErased() {
        let frame = (0..<46).map { UInt8(truncatingIfNeeded: $0 * 5 + 1) }
        let bits = (0..<16).reversed().map { UInt8((TT64Deframer.syncWord >> UInt16($0)) & 1) }
            + DeframerTestSupport.bits(TT64Deframer.encodeBlock(frame)) + [0, 1, 0, 1]
        // 10 bytes wrong (8 is the hard limit), each through one barely-decided bit.
        let wrong = stride(from: 1, to: 64, by: 6).prefix(10).map { 16 + 8 * $0 + 2 }
        var d = TT64Deframer()
        let out = DeframerTestSupport.deframe(DeframerTestSupport.softSymbols(bits, wrong: wrong), with: &d)
        #expect(out.filter(\.checkPassed).map(\.bytes) == [frame])
        #expect(out.first?.correctedSymbols == 10)
        var sure = TT64Deframer()
        let refused = DeframerTestSupport.deframe(DeframerTestSupport.softSymbols(bits, wrong: wrong, sure: true), with: &sure)
        #expect(refused.filter(\.checkPassed).isEmpty)
    }

    @Test func randomInput() {
        var rng = SplitMix64(seed: 13)
        let symbols = (0..<500_000).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
        var d = TT64Deframer()
        let out = DeframerTestSupport.deframe(symbols, with: &d, chunk: 4099)
        #expect(out.filter(\.checkPassed).isEmpty)
    }

    @Test func at03ReferenceFrame() throws {
        let expected = try RecordingFixtures.expectedFrames("at03")
        var got: Set<String> = []
        for cutoff in [0.8, 0.0] {
            let symbols = try DeframerTestSupport.symbols(
                "at03.wav", .fsk(.init(sampleRate: 48_000, baudRate: 9600, filterCutoff: cutoff)))
            var d = TT64Deframer()
            got.formUnion(DeframerTestSupport.split(DeframerTestSupport.deframe(symbols, with: &d, chunk: 4096)).good)
        }
        print("at03: \(got.count) good, \(got.intersection(expected).count) of \(expected.count) reference frames")
        #expect(expected.isSubset(of: got))
    }
}
