import Foundation
import Testing
import TelemetryDecode
import TestSupport

/// AAUSAT-4: sync "OZ4CUB", Frame Size Marker, CCSDS convolutional code over a CCSDS-randomized
/// RS(255,223) conventional-basis code word (31 or 92 data bytes).
@Suite(.computeThreads) struct AAUSAT4DeframerTests {
    /// `TESTDATA` of the FEC module of Aalborg University's bbctl ground software (fec.py, also in
    /// gr-aausat): the 128 coded bytes of a short frame, produced by the university's own encoder.
    static let published = """
        8c1a48c0043fab4d3e790e2274af0a479c013770a2f889df13fefd825417b794470f240399b8562a8316f576861d7e72\
        cf74bb29fcc0b6d6a5ce3659e8ee4d412bf95b7040459400ff3528f7f792c5f70c95eaf2574767eab615e26df977fc5e\
        e837eda2eca7c601f4d568c9eca9d6f8ef015f67b98a79b2d8092fd60d2cee25
        """

    static let syncBits: [UInt8] = (0..<48).map { UInt8(AAUSAT4Deframer.syncWord >> UInt64(47 - $0) & 1) }

    static func randomBits(_ n: Int, rng: inout SplitMix64) -> [UInt8] {
        (0..<n).map { _ in UInt8(truncatingIfNeeded: rng.next() >> 63) }
    }

    /// Sync word (with bit errors at `syncErrors` positions) and the coded frame for `data`.
    static func frameBits(_ data: [UInt8], syncErrors: Int = 0) -> [UInt8] {
        var sync = syncBits
        for k in 0..<syncErrors { sync[2 + 5 * k] ^= 1 }
        return sync + DeframerTestSupport.bits(AAUSAT4Deframer.encode(data) ?? [])
    }

    static func deframe(_ symbols: [UInt8], chunk: Int = 1000) -> [DecodedFrame] {
        var d = AAUSAT4Deframer()
        var frames = DeframerTestSupport.deframe(symbols, with: &d, chunk: chunk)
        d.finish(into: &frames)
        return frames
    }

    // MARK: Facts

    @Test func syncWordAndMarkersAreThePublishedOnes() {
        // gr-satellites' sync word bit string; the AAU page's "OZ4CUB" (OZ3CUB on AAUSAT3).
        let published = "010011110101101000110100010000110101010101000010"
        #expect(Self.syncBits.map { String($0) }.joined() == published)
        #expect(String(decoding: (0..<6).map { UInt8(AAUSAT4Deframer.syncWord >> UInt64(40 - 8 * $0) & 0xFF) }, as: UTF8.self) == "OZ4CUB")
        #expect(AAUSAT4Deframer.FrameSize.short.marker == 0xA6 && AAUSAT4Deframer.FrameSize.long.marker == 0x59)
        // gr-satellites' Viterbi block lengths, and the AAU page's coded lengths ((31 + 32 + 1) · 2 = 128).
        #expect(AAUSAT4Deframer.FrameSize.allCases.map(\.codedSymbolCount) == [1020, 1996])
        #expect(AAUSAT4Deframer.FrameSize.allCases.map(\.transmittedLength) == [128, 250])
        #expect(AAUSAT4Deframer.encode([UInt8](repeating: 0, count: 30)) == nil)
    }

    /// The university's own coded bytes decode with no correction, and re-encoding the decoded data gives
    /// them back bit for bit (tail included): the convolutional code, the randomizer and the RS basis are
    /// the satellite's. The CCSDS dual basis would not accept them (gr-satellites' `decode_rs(False, 1)`
    /// means "not dual basis").
    @Test func publishedCodedFrameDecodesAndReencodes() throws {
        let air = Hex.bytes(Self.published)
        #expect(air.count == 128)
        let frame = try #require(AAUSAT4Deframer.decode([0xA6] + air))
        #expect(frame.checkPassed && frame.correctedSymbols == 0 && frame.bytes.count == 31)
        // The data field as bbctl lays it out: CSP length (big-endian, header not counted: here 3, one data
        // byte and the 2-byte HMAC), the 4-byte CSP header, the packet, then zero padding.
        #expect(Hex.string(frame.bytes) == "000300014e90003ed6" + String(repeating: "00", count: 22))
        let length = Int(frame.bytes[0]) << 8 | Int(frame.bytes[1])
        #expect(frame.bytes[(2 + 4 + length)...].allSatisfy { $0 == 0 })
        #expect(AAUSAT4Deframer.encode(frame.bytes) == [0xA6] + air)

        // The same bytes through the dual basis: no code word.
        var viterbi = ViterbiDecoder(code: .ccsds)
        let symbols = air.flatMap { b in (0..<8).map { (b << UInt8($0)) & 0x80 != 0 ? UInt8(255) : 0 } }
        var block = try viterbi.decodePacked(Array(symbols.prefix(1020)), termination: .zeroTail)
        CCSDSRandomizer.apply(to: &block)
        let dual = try ReedSolomonCCSDS(basis: .dual, interleave: 1, virtualFill: 192)
        #expect(throws: ReedSolomonError.self) { _ = try dual.decode(&block) }
    }

    // MARK: Streams

    /// Short and long frames with random data among random bits, sync words with 0...8 bit errors, 3 % of
    /// the coded symbols wrong (spread, strong), fed in odd-sized chunks, in both polarities.
    @Test(arguments: [false, true])
    func streamRoundTrip(inverted: Bool) {
        var rng = SplitMix64(seed: inverted ? 0xAA54 : 0x0A04)
        var bits = Self.randomBits(700, rng: &rng)
        var sent: [[UInt8]] = []
        var frameRanges: [Range<Int>] = []
        let sizes: [AAUSAT4Deframer.FrameSize] = [.short, .long, .long, .short, .long]
        for (i, size) in sizes.enumerated() {
            let data = (0..<size.dataLength).map { _ in UInt8.random(in: 0...255, using: &rng) }
            sent.append(data)
            bits += [0, 1, 0, 1, 0, 1, 0, 1] + [0, 1, 0, 1, 0, 1, 0, 1]  // end of the training sequence
            let start = bits.count + 48
            bits += Self.frameBits(data, syncErrors: [8, 0, 3, 1, 6][i])
            frameRanges.append(start..<bits.count)
            bits += Self.randomBits(300 + 97 * i, rng: &rng)
        }
        var symbols = DeframerTestSupport.softSymbols(bits, inverted: inverted)
        for r in frameRanges {
            // Every 33rd coded symbol, after the marker, arrives wrong and sure of itself.
            for i in stride(from: r.lowerBound + 8 + 5, to: r.upperBound, by: 33) { symbols[i] = 255 - symbols[i] }
        }
        let frames = Self.deframe(symbols, chunk: 777)
        #expect(frames.map(\.bytes) == sent)
        #expect(frames.allSatisfy { $0.checkPassed && $0.framing == "AAUSAT-4" })
        // Viterbi absorbs the channel errors; the code words arrive clean.
        #expect(frames.map(\.correctedSymbols) == [0, 0, 0, 0, 0])
        // Position: just after the last symbol the decoder uses (code word and zero tail).
        #expect(frames.map(\.symbolPosition) == zip(frameRanges, sizes).map { $0.lowerBound + 8 + $1.codedSymbolCount })
    }

    /// A marker 4 bits from both values is decoded both ways; 3 wrong marker bits are corrected. The stream
    /// ends before a long frame's worth of symbols: the ambiguous short frame comes out of `finish`.
    @Test func damagedMarkers() {
        var rng = SplitMix64(seed: 7)
        for size in AAUSAT4Deframer.FrameSize.allCases {
            let data = (0..<size.dataLength).map { _ in UInt8.random(in: 0...255, using: &rng) }
            for wrong in [3, 4] {
                var bits = Self.frameBits(data)
                for k in 0..<wrong { bits[48 + 2 * k] ^= 1 }
                let frames = Self.deframe(bits.map { $0 == 1 ? 230 : 25 } + [UInt8](repeating: 128, count: 100))
                #expect(frames.map(\.bytes) == [data], "\(size) with \(wrong) marker errors")
            }
        }
    }

    // MARK: Failures

    @Test func randomSymbolsGiveNoGoodFrames() {
        var rng = SplitMix64(seed: 0x4F5A_3443)
        let symbols = (0..<200_000).map { _ in UInt8.random(in: 0...255, using: &rng) }
        let frames = Self.deframe(symbols, chunk: 4096)
        #expect(frames.filter(\.checkPassed).isEmpty)
        // Nor failed ones: noise does not come within 2 bits of the sync word.
        #expect(frames.isEmpty)
    }

    /// A long frame whose middle is wiped out: reported as failed after an exact sync word, not at all
    /// after a sync word with 3 errors, never as good.
    @Test func damagedFrameIsNotReportedGood() {
        var rng = SplitMix64(seed: 99)
        let data = (0..<92).map { _ in UInt8.random(in: 0...255, using: &rng) }
        for syncErrors in [0, 3] {
            let bits = Self.randomBits(200, rng: &rng) + Self.frameBits(data, syncErrors: syncErrors) + Self.randomBits(200, rng: &rng)
            var symbols = DeframerTestSupport.softSymbols(bits)
            for i in (200 + 48 + 600)..<(200 + 48 + 1100) { symbols[i] = UInt8.random(in: 0...255, using: &rng) }
            let frames = Self.deframe(symbols)
            #expect(frames.filter(\.checkPassed).isEmpty)
            #expect(frames.count == (syncErrors == 0 ? 1 : 0))
            #expect(frames.allSatisfy { $0.bytes.count == 92 })
        }
    }
}

extension AAUSAT4DeframerTests {
    /// BPSK-like soft symbols over white Gaussian noise (128 ± 64 nominal) at `ebN0` dB, rate 1/2.
    static func awgn(_ bits: [UInt8], ebN0: Double, rng: inout SplitMix64) -> [UInt8] {
        let sigma = (1.0 / pow(10, ebN0 / 10)).squareRoot()
        return bits.map { b in
            let u1 = (Double(rng.next() >> 11) + 1) / Double(1 << 53)
            let u2 = Double(rng.next() >> 11) / Double(1 << 53)
            let n = (-2 * log(u1)).squareRoot() * cos(2 * Double.pi * u2)
            return UInt8(max(0, min(255, (128 + 64 * ((b != 0 ? 1.0 : -1.0) + sigma * n)).rounded())))
        }
    }

    /// Long frames near the decoding threshold (Eb/N0 1 dB): every frame that comes out is the one sent, and some need
    /// more corrections than hard Reed-Solomon decoding can make (the soft-erasure retry).
    @Test func noisyFramesDecodeCorrectlyOrNotAtAll() {
        var rng = SplitMix64(seed: 3)
        var decoded = 0, beyondHard = 0, wrong = 0
        for _ in 0..<30 {
            let data = (0..<92).map { _ in UInt8.random(in: 0...255, using: &rng) }
            let bits = Self.frameBits(data)
            var symbols = Self.awgn(bits, ebN0: 1.0, rng: &rng)
            // Clean sync word: this is about the frame after it.
            for i in 0..<48 { symbols[i] = bits[i] == 1 ? 192 : 64 }
            for f in Self.deframe(symbols + [UInt8](repeating: 128, count: 100)) where f.checkPassed {
                if f.bytes == data { decoded += 1 } else { wrong += 1 }
                if f.correctedSymbols > 16 { beyondHard += 1 }
            }
        }
        #expect(wrong == 0)
        #expect(decoded >= 18, "\(decoded) of 30 decoded")
        // Measured at 1 dB: 21 of 30, 4 of them beyond hard decoding (0.75 dB: 17 and 4).
        #expect(beyondHard >= 2, "\(beyondHard) frames needed erasures")
    }
}
