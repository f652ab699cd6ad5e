import TelemetryDecode
import Testing
import TestSupport

/// LilacSat-1 framing: synthetic round trips, random input, and the two shared recordings
/// (LilacSat-1 and BY02), whose every distinct reference chunk must be found.
@Suite(.computeThreads) struct LilacSat1DeframerTests {
    /// Channel soft symbols for `chunks` sent as consecutive packets: sync word + randomised packet,
    /// differentially precoded, convolutionally encoded (CCSDS convention), optionally inverted.
    static func channel(_ chunks: [[UInt8]], leadBits: Int = 200, inverted: Bool = false, seed: UInt64 = 1) -> [UInt8] {
        var rng = SplitMix64(seed: seed)
        var bits: [UInt8] = (0..<leadBits).map { _ in UInt8(rng.next() & 1) }
        for c in chunks {
            bits += DeframerTestSupport.bits(LilacSat1Deframer.syncWord)
            bits += DeframerTestSupport.bits(LilacSat1Deframer.packet(chunk: c, codec2: (0..<35).map { _ in UInt8(truncatingIfNeeded: rng.next()) }))
        }
        bits += (0..<200).map { _ in UInt8(rng.next() & 1) }
        // Differential precoding: sent bit = data bit XOR previous sent bit.
        var prev: UInt8 = 0
        let precoded = bits.map { b -> UInt8 in
            prev ^= b
            return prev
        }
        let hard = ConvolutionalEncoder.encodeBlock(bits: precoded, code: .ccsds, terminated: true)
        return hard.map { ($0 != 0) != inverted ? 230 : 25 }
    }

    static func randomChunk(_ rng: inout SplitMix64) -> [UInt8] {
        (0..<LilacSat1Deframer.chunkLength).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
    }

    @Test func chunkLayout() {
        #expect(LilacSat1Deframer.chunkLength == 81)
        let chunk = (0..<81).map { UInt8($0) }
        let packet = LilacSat1Deframer.packet(chunk: chunk)
        #expect(packet.count == 116)
        #expect(LilacSat1Deframer.chunk(fromPacket: packet) == chunk)
    }

    @Test(arguments: [false, true], [1, 7, 1000])
    func roundTrip(inverted: Bool, chunkSize: Int) {
        var rng = SplitMix64(seed: 42)
        let chunks = (0..<3).map { _ in Self.randomChunk(&rng) }
        let symbols = Self.channel(chunks, inverted: inverted, seed: 7)
        var d = LilacSat1Deframer()
        var frames = DeframerTestSupport.deframe(symbols, with: &d, chunk: chunkSize)
        d.finish(into: &frames)
        #expect(frames.map(\.bytes) == chunks)
        #expect(frames.allSatisfy { $0.checkPassed && $0.framing == "LilacSat-1" })
    }

    /// Symbols flipped on the channel are corrected and counted: 4 % of them still give the chunks,
    /// with the count of corrected symbols; at 20 % the check refuses the packets.
    @Test(arguments: [(0.04, true), (0.2, false)])
    func symbolErrors(rate: Double, decodes: Bool) {
        var rng = SplitMix64(seed: 11)
        let chunks = (0..<3).map { _ in Self.randomChunk(&rng) }
        var symbols = Self.channel(chunks, seed: 9)
        var flipped = Set<Int>()
        for i in symbols.indices where Double(rng.next() >> 11) / Double(1 << 53) < rate {
            symbols[i] = 255 - symbols[i]
            flipped.insert(i)
        }
        var d = LilacSat1Deframer()
        var frames = DeframerTestSupport.deframe(symbols, with: &d, chunk: 1000)
        d.finish(into: &frames)
        if decodes {
            #expect(frames.map(\.bytes) == chunks)
            // Each packet's 1856 symbols had about 4 % flipped (74): the count reported is the flips in it.
            for f in frames { #expect((40...120).contains(f.correctedSymbols), "\(f.correctedSymbols)") }
        } else {
            #expect(frames.isEmpty)
        }
    }

    @Test func lastPacketNeedsFlush() {
        var rng = SplitMix64(seed: 5)
        let chunks = [Self.randomChunk(&rng)]
        var symbols = Self.channel(chunks, seed: 3)
        symbols.removeLast(2 * 200 + 12 - 10)  // cut the trailer: the packet ends 5 bits before the end
        var d = LilacSat1Deframer()
        var frames = DeframerTestSupport.deframe(symbols, with: &d)
        #expect(frames.isEmpty)
        d.finish(into: &frames)
        #expect(frames.map(\.bytes) == chunks)
    }

    /// Random soft symbols: sync look-alikes (≤ 4 of 32 bits wrong, about once per 100 000 bits) do
    /// occur, but the packets behind them fail the code check (about one symbol in six disagrees
    /// with the decided path), so no chunk comes out.
    @Test func randomInput() {
        var rng = SplitMix64(seed: 99)
        let symbols = (0..<2_000_000).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
        var d = LilacSat1Deframer()
        var frames = DeframerTestSupport.deframe(symbols, with: &d, chunk: 4093)
        d.finish(into: &frames)
        #expect(frames.isEmpty)
        // Without the check the same input gives look-alike chunks, a sixth of their symbols corrected.
        var open = LilacSat1Deframer(.init(maxSymbolErrorRate: 0.5))
        var noise = DeframerTestSupport.deframe(symbols, with: &open, chunk: 4093)
        open.finish(into: &noise)
        #expect(noise.count >= 3)
        for f in noise { #expect((0.13...0.22).contains(Double(f.correctedSymbols) / 1856), "\(f.correctedSymbols) of 1856") }
        var empty = LilacSat1Deframer()
        var none: [DecodedFrame] = []
        [UInt8]().withUnsafeBufferPointer { empty.process($0, into: &none) }
        empty.finish(into: &none)
        #expect(none.isEmpty)
    }

    static func decodeRecording(_ file: String) throws -> Set<String> {
        var samples = try RecordingFixtures.samples(file)
        samples.append(contentsOf: repeatElement(0, count: 12_000))
        var demod = BPSKDemodulator(.init(sampleRate: 48_000, baudRate: 9600, carrier: 12_000))
        var d = LilacSat1Deframer()
        var symbols: [UInt8] = []
        var frames: [DecodedFrame] = []
        var i = 0
        while i < samples.count {
            let n = min(4096, samples.count - i)
            symbols.removeAll(keepingCapacity: true)
            samples.withUnsafeBufferPointer { demod.process(UnsafeBufferPointer(rebasing: $0[i..<(i + n)]), into: &symbols) }
            symbols.withUnsafeBufferPointer { d.process($0, into: &frames) }
            i += n
        }
        d.finish(into: &frames)
        let worst = frames.map(\.correctedSymbols).max() ?? 0
        print("\(file): \(frames.count) chunks, corrected symbols per packet at most \(worst) of 1856")
        return Set(frames.map { Hex.string($0.bytes) })
    }

    /// The reference chunks have no checksum, and gr-satellites 4.4 also outputs corrupted chunks:
    /// bit-error variants of the same packet from a weak stretch (LilacSat-1: nine variants of a
    /// `c0c0586e7a0c…` chunk, two noise-like ones) and, for BY02, nine variants of the last packet
    /// (`0810e5e600aaaa…`) whose tails differ, decoded from the end of the signal and the zero padding of
    /// its padded runs, a 1-bit variant of `0810dedf…` and a noise-like chunk. The code check refuses
    /// them (noise-level corrections); every other reference chunk must be found.
    static let minimumFound = ["lilacsat1": 29, "by02": 7]

    @Test(arguments: ["lilacsat1", "by02"])
    func recordingReferenceChunks(_ base: String) throws {
        let got = try Self.decodeRecording(base + ".wav")
        let expected = try RecordingFixtures.expectedFrames(base)
        let found = expected.intersection(got).count
        print("\(base): \(got.count) distinct chunks, \(found) of \(expected.count) reference chunks")
        #expect(found >= Self.minimumFound[base] ?? expected.count)
        withKnownIssue("corrupted reference chunks (no checksum in the format) are not reproduced") {
            #expect(expected.isSubset(of: got))
        }
    }
}
