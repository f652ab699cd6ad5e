import PropertyBased
import TelemetryDecode
import Testing

/// Framer → NRZI → G3RUH scrambler → descrambler → NRZI decoder → deframer, on random frames.
@Suite struct HDLCChainTests {
    /// The transmit side: frames to on-air levels.
    static func transmit(_ frames: [[UInt8]], scrambled: Bool, leadingNoise: [UInt8] = []) -> [UInt8] {
        var bits = leadingNoise
        let framer = HDLCFramer(preambleFlags: 3, postambleFlags: 2)
        for f in frames { framer.encode(f, into: &bits) }
        var nrzi = NRZIEncoder()
        nrzi.process(&bits)
        if scrambled {
            var s = G3RUHScrambler()
            s.process(&bits)
        }
        return bits
    }

    /// The receive side, fed in chunks of `chunk` bits.
    static func receive(_ levels: [UInt8], scrambled: Bool, chunk: Int) -> [HDLCFrame] {
        var d = G3RUHDescrambler()
        var nrzi = NRZIDecoder()
        var deframer = HDLCDeframer(configuration: .init(minimumBytes: 3, maximumBytes: 600))
        var frames: [HDLCFrame] = []
        var i = 0
        while i < levels.count {
            var piece = Array(levels[i..<min(i + chunk, levels.count)])
            if scrambled { d.process(&piece) }
            nrzi.process(&piece)
            deframer.process(piece, into: &frames)
            i += chunk
        }
        return frames
    }

    static func randomFrames(_ rng: inout SplitMix64, count: Int) -> [[UInt8]] {
        (0..<count).map { _ in
            (0..<Int.random(in: 1...300, using: &rng)).map { _ in UInt8.random(in: 0...255, using: &rng) }
        }
    }

    @Test(arguments: [false, true])
    func roundTripIdenticalForAnyChunking(scrambled: Bool) {
        var rng = SplitMix64(seed: scrambled ? 11 : 12)
        let frames = Self.randomFrames(&rng, count: 40)
        let noise = (0..<200).map { _ in UInt8.random(in: 0...1, using: &rng) }
        let levels = Self.transmit(frames, scrambled: scrambled, leadingNoise: noise)
        let whole = Self.receive(levels, scrambled: scrambled, chunk: levels.count)
        #expect(whole.filter { $0.verdict == .good }.map(\.bytes) == frames)
        for chunk in [1, 7, 8, 1000] {
            #expect(Self.receive(levels, scrambled: scrambled, chunk: chunk) == whole, "chunk \(chunk)")
        }
    }

    @Test func propertyRoundTrip() async {
        await propertyCheck(count: 100, input: Gen.uint8().array(of: 1...120).array(of: 1...5)) { frames in
            let levels = Self.transmit(frames, scrambled: true)
            let got = Self.receive(levels, scrambled: true, chunk: 13)
            #expect(got.filter { $0.verdict == .good }.map(\.bytes) == frames)
        }
    }

    @Test func everySingleBitFlipIsRejected() {
        var rng = SplitMix64(seed: 3)
        let frame = (0..<40).map { _ in UInt8.random(in: 0...255, using: &rng) }
        var bits: [UInt8] = []
        HDLCFramer(preambleFlags: 2, postambleFlags: 2).encode(frame, into: &bits)
        // Flip each bit between the opening and closing flags (unscrambled, no NRZI: pure HDLC).
        for i in 16..<(bits.count - 16) {
            var flipped = bits
            flipped[i] ^= 1
            var deframer = HDLCDeframer(configuration: .init(minimumBytes: 3))
            var out: [HDLCFrame] = []
            deframer.process(flipped, into: &out)
            #expect(!out.contains { $0.verdict == .good && $0.bytes == frame }, "flip at \(i) passed")
            #expect(!out.contains { $0.verdict == .good }, "flip at \(i) produced a good frame")
        }
    }

    @Test func garbageYieldsNoGoodFramesAndNoCrash() {
        // A 16-bit FCS passes one random candidate in 65536, so keep the garbage short enough that
        // a chance pass is unlikely; millions of bits would eventually produce one legitimately.
        var rng = SplitMix64(seed: 99)
        let garbage = (0..<300_000).map { _ in UInt8.random(in: 0...1, using: &rng) }
        var deframer = HDLCDeframer(configuration: .ax25)
        var out: [HDLCFrame] = []
        deframer.process(garbage, into: &out)
        #expect(!out.contains { $0.verdict == .good })
        #expect(deframer.statistics.good == 0)
        // Random bits contain flags often enough that bad candidates were really examined.
        #expect(deframer.statistics.badFCS + deframer.statistics.misaligned > 0)
    }

    @Test func chanceFCSPassesOnLongGarbageStayNearTheTheoreticalRate() {
        var rng = SplitMix64(seed: 1234)
        var deframer = HDLCDeframer(configuration: .init(minimumBytes: 3, maximumBytes: 64))
        var out: [HDLCFrame] = []
        var bits = [UInt8](repeating: 0, count: 1 << 16)
        for _ in 0..<64 {
            for i in bits.indices { bits[i] = UInt8(truncatingIfNeeded: rng.next() & 1) }
            deframer.process(bits, into: &out)
        }
        let s = deframer.statistics
        let checked = s.good + s.badFCS
        #expect(checked > 500)
        // Expected passes = checked / 65536; allow a generous factor for small counts.
        #expect(Double(s.good) <= Double(checked) / 65536 * 10 + 3)
    }

    @Test func abortDropsTheFrameInProgress() {
        let frame: [UInt8] = Array(0..<30)
        var bits: [UInt8] = []
        HDLCFramer(preambleFlags: 1, postambleFlags: 1).encode(frame, into: &bits)
        // Cut the frame with seven ones, then send a closing flag: nothing good may come out.
        var aborted = Array(bits[0..<100]) + [1, 1, 1, 1, 1, 1, 1, 1] + [0, 1, 1, 1, 1, 1, 1, 0]
        var deframer = HDLCDeframer(configuration: .init(minimumBytes: 3))
        var out: [HDLCFrame] = []
        deframer.process(aborted, into: &out)
        #expect(out.isEmpty)
        #expect(deframer.statistics.aborts == 1)
        // The same deframer then finds the next intact frame.
        aborted = bits
        deframer.process(aborted, into: &out)
        #expect(out.map(\.bytes) == [frame])
    }

    @Test func oversizeFramesAreDroppedAndCounted() {
        let big = [UInt8](repeating: 0x55, count: 400)
        var bits = HDLCFramer().encode(big)
        bits += HDLCFramer().encode([1, 2, 3])
        var deframer = HDLCDeframer(configuration: .init(minimumBytes: 3, maximumBytes: 100))
        var out: [HDLCFrame] = []
        deframer.process(bits, into: &out)
        #expect(deframer.statistics.oversize == 1)
        #expect(out.map(\.bytes) == [[1, 2, 3]])
    }

    @Test func sharedFlagZeroBetweenFrames() {
        // 0111111011111 10: two flags sharing one zero, then a frame.
        var bits = HDLCFramer(preambleFlags: 1, postambleFlags: 1).encode([0xAA, 0xBB])
        let second = HDLCFramer(preambleFlags: 0, postambleFlags: 1).encode([0xCC, 0xDD])
        bits += second
        var deframer = HDLCDeframer(configuration: .init(minimumBytes: 3))
        var out: [HDLCFrame] = []
        deframer.process(bits, into: &out)
        #expect(out.map(\.bytes) == [[0xAA, 0xBB], [0xCC, 0xDD]])
    }

    @Test func descramblerResynchronisesAfterStartMidStream() {
        var rng = SplitMix64(seed: 5)
        let frames = Self.randomFrames(&rng, count: 3)
        let levels = Self.transmit(frames, scrambled: true, leadingNoise: [UInt8](repeating: 1, count: 500))
        // Start receiving 123 bits in: the descrambler's state is wrong for 17 bits, then right.
        let got = Self.receive(Array(levels[123...]), scrambled: true, chunk: 64)
        #expect(got.filter { $0.verdict == .good }.map(\.bytes) == frames)
    }
}
