import TelemetryDecode
import Testing
import TestSupport

/// Synthetic CCSDS TM streams through every shape of the composable chain.
@Suite(.computeThreads) struct CCSDSDeframerTests {
    /// One chain under test and how its channel is disturbed.
    struct Case: Sendable, CustomStringConvertible {
        var name: String
        var config: CCSDSChainConfiguration
        /// Invert every channel symbol (BPSK phase ambiguity).
        var inverted = false
        /// Channel symbols dropped at the start (pair / puncturing pattern alignment).
        var dropSymbols = 0
        /// Eb/N0 of the AWGN on the channel symbols (nil: ideal hard-ish soft symbols).
        var ebN0: Double? = nil
        /// Byte errors put into each codeword before randomisation (RS must fix them).
        var byteErrors = 0
        var description: String { name }
    }

    static let cases: [Case] = {
        var list: [Case] = []
        list.append(Case(name: "RS dual I=1", config: .init(reedSolomon: .dual, frameLength: 223), byteErrors: 10))
        list.append(Case(
            name: "RS conventional I=2 shortened", config: .init(reedSolomon: .conventional, interleaveDepth: 2, frameLength: 200),
            inverted: true, byteErrors: 12))
        list.append(Case(name: "RS dual I=5", config: .init(reedSolomon: .dual, interleaveDepth: 5, frameLength: 1115), byteErrors: 30))
        list.append(Case(
            name: "no RS, FECF, no randomiser", config: .init(randomizer: false, reedSolomon: .none, frameLength: 64, hasFECF: true),
            inverted: true))
        list.append(Case(
            name: "RS + differential", config: .init(reedSolomon: .dual, frameLength: 223, precoding: .differential), inverted: true,
            byteErrors: 4))
        list.append(Case(
            name: "k7-ccsds + RS dual", config: .init(convolutional: .ccsds, reedSolomon: .dual, frameLength: 223),
            inverted: true, dropSymbols: 1, ebN0: 4.5, byteErrors: 3))
        list.append(Case(
            name: "k7-nasa + RS conventional 114 + differential (BY70-1 shape)",
            config: .init(convolutional: .nasaDSN, reedSolomon: .conventional, frameLength: 114, precoding: .differential),
            inverted: true, ebN0: 5))
        list.append(Case(
            name: "k7 punctured 3/4 + RS dual I=2",
            config: .init(convolutional: .nasaDSN, puncturing: .rate3_4, reedSolomon: .dual, interleaveDepth: 2, frameLength: 446),
            dropSymbols: 3, ebN0: 7))
        let marker = try? SyncMarker(pattern: 0x034776C7272895B0, bitCount: 64)
        list.append(Case(
            name: "64-bit marker, no randomiser, RS dual",
            config: .init(marker: marker ?? .ccsds, randomizer: false, reedSolomon: .dual, frameLength: 223, searchErrors: 8),
            byteErrors: 16))
        return list
    }()

    /// A stream of `count` frames for `config`: transfer frames (SCID 0x2AB, VCID 5, counters n),
    /// byte errors, RS parity, randomised, marker, NRZ-M, convolutional code, puncturing, inversion,
    /// soft symbols. Returns the symbols and the frames' bytes.
    static func stream(_ c: Case, count: Int, seed: UInt64, corruptFrame: Int? = nil) throws -> (symbols: [UInt8], frames: [[UInt8]]) {
        var rng = SplitMix64(seed: seed)
        let cfg = c.config
        var bits = CCSDSFixtures.randomBits(91, &rng)
        var frames: [[UInt8]] = []
        let rs = cfg.reedSolomon == .none ? nil : try ReedSolomonCCSDS(
            basis: cfg.reedSolomon == .dual ? .dual : .conventional, interleave: cfg.interleaveDepth, virtualFill: cfg.virtualFill)
        for n in 0..<count {
            let header = TransferFrame.PrimaryHeader(
                spacecraftID: 0x2AB, virtualChannelID: 5, masterChannelFrameCount: UInt8(n), virtualChannelFrameCount: UInt8(n + 100))
            let dataLength = cfg.frameLength - 6 - (cfg.hasFECF ? 2 : 0)
            let frame = try TransferFrame.encode(
                header: header, dataField: CCSDSFixtures.randomBytes(dataLength, &rng), hasFECF: cfg.hasFECF)
            #expect(frame.count == cfg.frameLength)
            frames.append(frame)
            var coded = try rs?.encode(frame) ?? frame
            let errors = n == corruptFrame ? 20 * cfg.interleaveDepth : c.byteErrors
            var positions = Array(0..<coded.count)
            positions.shuffle(using: &rng)
            for p in positions.prefix(errors) { coded[p] ^= UInt8.random(in: 1...255, using: &rng) }
            if cfg.randomizer { CCSDSRandomizer.apply(to: &coded) }
            bits += cfg.marker.bits + SyncMarkerSearch.unpack(coded)
        }
        bits += CCSDSFixtures.randomBits(300, &rng)
        if cfg.precoding == .differential {
            var level: UInt8 = 0
            for i in bits.indices {
                level ^= bits[i]
                bits[i] = level
            }
        }
        var hard = bits
        if let code = cfg.convolutional {
            hard = cfg.puncturing.puncture(ConvolutionalEncoder.encodeBlock(bits: bits, code: code, terminated: false))
        }
        if c.inverted { hard = hard.map { $0 ^ 1 } }
        hard.removeFirst(c.dropSymbols)
        let rate = cfg.convolutional == nil ? 1.0 : Double(cfg.puncturing.period) / Double(cfg.puncturing.transmittedPerPeriod)
        let symbols = c.ebN0.map { ViterbiTestSignal.awgn(hard, ebN0: $0, rate: rate, rng: &rng) } ?? CCSDSFixtures.soft(hard, &rng)
        return (symbols, frames)
    }

    static func decode(_ config: CCSDSChainConfiguration, _ symbols: [UInt8], chunk: Int) throws -> (frames: [CCSDSDeframer.Frame], deframer: CCSDSDeframer) {
        var deframer = try CCSDSDeframer(config)
        var out: [CCSDSDeframer.Frame] = []
        symbols.withUnsafeBufferPointer { all in
            var i = 0
            let step = chunk == 0 ? all.count : chunk
            while i < all.count {
                deframer.process(UnsafeBufferPointer(rebasing: all[i..<min(i + step, all.count)]), into: &out)
                i += step
            }
        }
        _ = deframer.finish(into: &out)
        return (out, deframer)
    }

    @Test(arguments: cases)
    func decodesEveryFrame(_ c: Case) throws {
        let (symbols, frames) = try Self.stream(c, count: 4, seed: 7)
        var reference: [[UInt8]]? = nil
        for chunk in [0, 7, 1] {
            let (out, deframer) = try Self.decode(c.config, symbols, chunk: chunk)
            let good = out.filter(\.checkPassed)
            #expect(good.map(\.bytes) == frames, "\(c) chunk \(chunk): \(good.count) of \(frames.count) frames, statistics \(deframer.statistics)")
            for (n, f) in good.enumerated() {
                let t = try #require(f.transferFrame, "\(c): \(String(describing: f.parseError))")
                #expect(t.header.spacecraftID == 0x2AB)
                #expect(t.header.virtualChannelID == 5)
                #expect(t.header.masterChannelFrameCount == UInt8(n))
                #expect(t.header.virtualChannelFrameCount == UInt8(n + 100))
                #expect(f.fecfVerdict == (c.config.hasFECF ? .good : .absent))
                #expect(f.inverted == (c.inverted && c.config.precoding == .none))
                if c.config.reedSolomon != .none && c.config.convolutional == nil {
                    #expect(f.correctedSymbols == c.byteErrors)
                }
            }
            #expect(deframer.statistics.framesPassed == frames.count)
            // Failures can only be marker look-alikes: in the random data of the first frame (the grid is
            // not confirmed yet, so the search goes on) or in the bits of a wrong Viterbi alignment.
            #expect(out.filter { !$0.checkPassed }.allSatisfy { $0.acquisition == .search })
            #expect(deframer.statistics.reedSolomonFailures <= 3)
            // The output does not depend on the chunking.
            if let reference { #expect(good.map(\.bytes) == reference) } else { reference = good.map(\.bytes) }
        }
    }

    @Test(arguments: [cases[0], cases[2], cases[5]])
    func uncorrectableFrameIsCountedNotPassed(_ c: Case) throws {
        let (symbols, frames) = try Self.stream(c, count: 4, seed: 11, corruptFrame: 1)
        let (out, deframer) = try Self.decode(c.config, symbols, chunk: 0)
        let good = out.filter(\.checkPassed)
        #expect(good.map(\.bytes) == [frames[0], frames[2], frames[3]])
        // The corrupted frame sits on the confirmed grid; other failures are marker look-alikes in data.
        let bad = out.filter { !$0.checkPassed && $0.acquisition == .grid }
        #expect(bad.count == 1)
        #expect(bad.first?.failure == .reedSolomon(.uncorrectable))
        #expect(bad.first?.reedSolomonPassed == false)
        #expect(bad.first?.correctedSymbols == 0)
        #expect(deframer.statistics.reedSolomonFailures >= 1)
        #expect(deframer.statistics.framesPassed == 3)
    }

    @Test func weakWrongBytesAreErasedBeyondHardCorrection() throws {
        var c = Self.cases[0]  // RS dual I=1, soft symbols
        c.byteErrors = 0
        var (symbols, frames) = try Self.stream(c, count: 2, seed: 12)
        // 24 bytes of the first codeword wrong (16 is the hard limit), each through one barely-decided
        // symbol: 91 filler bits and the 32-bit marker come first.
        for byte in stride(from: 3, to: 255, by: 10).prefix(24) {
            let i = 91 + 32 + 8 * byte + 4
            symbols[i] = symbols[i] >= 128 ? 118 : 138
        }
        let good = try Self.decode(c.config, symbols, chunk: 0).frames.filter(\.checkPassed)
        #expect(good.map(\.bytes) == frames)
        #expect(good.first?.correctedSymbols == 24)
    }

    @Test func interleavedCodewordsGetSoftErasuresOneByOne() throws {
        var c = try #require(Self.cases.first { $0.name == "RS dual I=5" })
        c.byteErrors = 0
        var (symbols, frames) = try Self.stream(c, count: 2, seed: 14)
        // Codeword 2 of the first frame (bytes 2, 7, 12, …): 24 bytes wrong through one barely-decided
        // symbol each; codeword 0: 5 bytes wrong through sure symbols (hard decoding's share).
        for j in stride(from: 3, to: 223, by: 9).prefix(24) {
            let i = 91 + 32 + 8 * (5 * j + 2) + 6
            symbols[i] = symbols[i] >= 128 ? 118 : 138
        }
        for j in [10, 50, 90, 130, 170] {
            let i = 91 + 32 + 8 * (5 * j) + 1
            symbols[i] = 255 - symbols[i]
        }
        let good = try Self.decode(c.config, symbols, chunk: 0).frames.filter(\.checkPassed)
        #expect(good.map(\.bytes) == frames)
        #expect(good.first?.correctedSymbols == 29)
        // The same 24 errors through sure symbols: the first frame fails, the second still decodes.
        for j in stride(from: 3, to: 223, by: 9).prefix(24) {
            let i = 91 + 32 + 8 * (5 * j + 2) + 6
            symbols[i] = symbols[i] >= 128 ? 235 : 20
        }
        #expect(try Self.decode(c.config, symbols, chunk: 0).frames.filter(\.checkPassed).map(\.bytes) == [frames[1]])
    }

    @Test func badFECFIsAFailure() throws {
        let c = Self.cases[3]  // no RS, FECF
        var (symbols, frames) = try Self.stream(c, count: 3, seed: 3)
        // Flip one data bit of the second frame: 91 filler bits, then marker + 64 bytes per frame.
        let bit = 91 + (32 + 64 * 8) + 32 + 100
        symbols[bit] = 255 - symbols[bit]
        let (out, deframer) = try Self.decode(c.config, symbols, chunk: 0)
        #expect(out.count == 3)
        #expect(out.filter(\.checkPassed).map(\.bytes) == [frames[0], frames[2]])
        if case .fecf? = out[1].failure {} else { Issue.record("expected a FECF failure, got \(String(describing: out[1].failure))") }
        #expect(deframer.statistics.fecfFailures == 1)
    }

    @Test func noiseAloneGivesNoGoodFrames() throws {
        var rng = SplitMix64(seed: 99)
        let noise = CCSDSFixtures.soft(CCSDSFixtures.randomBits(200_000, &rng), &rng)
        for config in [CCSDSChainConfiguration(), CCSDSChainConfiguration(convolutional: .ccsds)] {
            let (out, _) = try Self.decode(config, noise, chunk: 4096)
            #expect(out.filter(\.checkPassed).isEmpty)
        }
    }

    @Test func truncatedStreamIsReported() throws {
        let c = Self.cases[0]
        let (symbols, frames) = try Self.stream(c, count: 2, seed: 5)
        // Cut inside the second frame.
        let cut = 91 + (32 + 255 * 8) + 32 + 800
        var deframer = try CCSDSDeframer(c.config)
        var out: [CCSDSDeframer.Frame] = []
        symbols.prefix(cut).withUnsafeBufferPointer { deframer.process($0, into: &out) }
        let errors = deframer.finish(into: &out)
        #expect(out.filter(\.checkPassed).map(\.bytes) == [frames[0]])
        #expect(errors.count == 1)
        if case .truncated? = errors.first {} else { Issue.record("expected .truncated, got \(errors)") }
    }

    @Test func deframerProtocolOutput() throws {
        let c = Self.cases[5]
        let (symbols, frames) = try Self.stream(c, count: 3, seed: 8)
        var deframer: any Deframer = try CCSDSDeframer(c.config)
        var out: [DecodedFrame] = []
        symbols.withUnsafeBufferPointer { deframer.process($0, into: &out) }
        let good = out.filter(\.checkPassed)
        #expect(good.map(\.bytes) == frames)
        #expect(good.allSatisfy { $0.framing == "CCSDS Concatenated" })
        // Positions are channel symbols (two per bit at rate 1/2), increasing.
        #expect(zip(good, good.dropFirst()).allSatisfy { $1.symbolPosition - $0.symbolPosition == 2 * (32 + 8 * 255) })
        #expect((good.last?.symbolPosition ?? 0) <= symbols.count)
    }

    // MARK: Configuration

    @Test func catalogueMapping() throws {
        let by701 = try CCSDSChainConfiguration(transmitter: TransmitterSpec(
            name: "9k6", modulation: .bpsk, baudRate: 9600, framing: .ccsdsConcatenated, precoding: "differential",
            rsBasis: "conventional", frameSize: 114))
        #expect(by701.convolutional == .ccsds)
        #expect(by701.reedSolomon == .conventional)
        #expect(by701.precoding == .differential)
        #expect(by701.randomizer)
        #expect(by701.codedFrameLength == 146)
        #expect(by701.virtualFill == 109)

        let rsOnly = try CCSDSChainConfiguration(transmitter: TransmitterSpec(
            name: "x", modulation: .fsk, baudRate: 4800, framing: .ccsdsReedSolomon, rsInterleaving: 5, frameSize: 1115))
        #expect(rsOnly.convolutional == nil)
        #expect(rsOnly.reedSolomon == .dual)
        #expect(rsOnly.interleaveDepth == 5)
        #expect(rsOnly.codedFrameLength == 1115 + 160)

        let nasa = try CCSDSChainConfiguration(transmitter: TransmitterSpec(
            name: "y", modulation: .bpsk, baudRate: 1200, framing: .ccsdsConcatenated, convolutional: "NASA-DSN", scrambler: "none"))
        #expect(nasa.convolutional == (try ConvolutionalCode(g1: 0o133, g2: 0o171, invertsFirst: true)))
        #expect(!nasa.randomizer)

        #expect(throws: CCSDSError.self) {
            try CCSDSChainConfiguration(transmitter: TransmitterSpec(
                name: "z", modulation: .bpsk, baudRate: 1200, framing: .ccsdsReedSolomon, rsBasis: "triple"))
        }
        #expect(throws: CCSDSError.self) {
            try CCSDSChainConfiguration(transmitter: TransmitterSpec(name: "z", modulation: .bpsk, baudRate: 1200, framing: .ax25))
        }
        let deframer = try ReceiverFactory.deframer(for: TransmitterSpec(
            name: "ks", modulation: .fsk, baudRate: 20_000, framing: .ccsdsConcatenated, rsBasis: "dual", frameSize: 223))
        #expect(deframer is CCSDSDeframer)
    }

    @Test func invalidConfigurationsThrow() {
        #expect(throws: CCSDSError.self) { try CCSDSDeframer(.init(reedSolomon: .dual, frameLength: 224)) }
        #expect(throws: CCSDSError.self) { try CCSDSDeframer(.init(reedSolomon: .dual, interleaveDepth: 2, frameLength: 223)) }
        #expect(throws: CCSDSError.self) { try CCSDSDeframer(.init(reedSolomon: .dual, interleaveDepth: 6, frameLength: 6 * 223)) }
        #expect(throws: CCSDSError.self) { try CCSDSDeframer(.init(reedSolomon: .none, frameLength: 0)) }
        #expect(throws: CCSDSError.self) { try CCSDSDeframer(.init(searchErrors: 20)) }
        #expect(throws: CCSDSError.self) { try CCSDSChainConfiguration.convolutionalCode(named: "k9") }
        #expect(throws: CCSDSError.self) { try CCSDSChainConfiguration.puncturing(named: "4/5") }
    }
}

extension CCSDSDeframerTests {
    /// Concatenated coding near the threshold (30 frames): where Reed-Solomon fails on the Viterbi output, a
    /// max-log-MAP pass over the frame's code symbols says which bytes to erase. Frames with more corrected
    /// bytes than hard decoding can fix (16 per codeword, counted over all codewords) prove the retry works;
    /// nothing but the frames sent comes out. Measured: BY70-1 shape at 1 dB 19 frames, 4 of them beyond
    /// hard decoding; punctured 3/4 with I = 2 at 2.5 dB 13 frames, 2 beyond.
    @Test(arguments: [
        ("k7-nasa + RS conventional 114 + differential (BY70-1 shape)", 1.0, 15, 2),
        ("k7 punctured 3/4 + RS dual I=2", 2.5, 10, 1),
    ])
    func softErasuresAfterViterbi(name: String, ebN0: Double, minimum: Int, beyondHard: Int) throws {
        var c = try #require(Self.cases.first { $0.name == name })
        c.byteErrors = 0
        c.ebN0 = ebN0
        let (symbols, frames) = try Self.stream(c, count: 30, seed: 21)
        let good = try Self.decode(c.config, symbols, chunk: 4096).frames.filter(\.checkPassed)
        #expect(good.allSatisfy { frames.contains($0.bytes) })
        #expect(good.count >= minimum)
        #expect(good.filter { $0.correctedSymbols > 16 * c.config.interleaveDepth }.count >= beyondHard)
    }
}
