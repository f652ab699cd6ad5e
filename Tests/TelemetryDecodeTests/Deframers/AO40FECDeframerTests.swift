import TelemetryDecode
import Testing
import TestSupport

/// AO-40 FEC deframer on synthetic frames from ``AO40FECEncoder``.
@Suite(.computeThreads) struct AO40FECDeframerTests {
    static let formats: [AO40FECFormat] = [
        .long, .short, AO40FECFormat(length: .long, crc16ARC: true), AO40FECFormat(length: .short, crc16ARC: true),
    ]

    static func payload(_ format: AO40FECFormat, seed: UInt64) -> [UInt8] {
        var rng = SplitMix64(seed: seed)
        return (0..<AO40FECEncoder.payloadLength(format)).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
    }

    /// A stream of noise, frame A, noise, frame B, noise; AWGN over all of it and `flips` hard errors
    /// spread over each frame. Returns the symbols and the two frames' data bytes.
    static func stream(
        _ format: AO40FECFormat, seed: UInt64, ebN0: Double = 5, flipsPerFrame: Int = 0, inverted: Bool = false
    ) throws -> (symbols: [UInt8], data: [[UInt8]]) {
        var rng = SplitMix64(seed: seed)
        let a = payload(format, seed: seed &+ 1), b = payload(format, seed: seed &+ 2)
        var hard = ViterbiTestSignal.randomBits(1_234, rng: &rng)
        hard += try AO40FECEncoder.channelBits(a, format: format)
        hard += ViterbiTestSignal.randomBits(357, rng: &rng)
        hard += try AO40FECEncoder.channelBits(b, format: format)
        hard += ViterbiTestSignal.randomBits(999, rng: &rng)
        var soft = ViterbiTestSignal.awgn(hard, ebN0: ebN0, rng: &rng)
        for start in [1_234, 1_234 + format.frameSymbols + 357] {
            for _ in 0..<flipsPerFrame {
                let i = start + Int(rng.next() % UInt64(format.frameSymbols))
                soft[i] = 255 - soft[i]
            }
        }
        if inverted { soft = soft.map { 255 - $0 } }
        return (soft, [try AO40FECEncoder.dataBytes(a, format: format), try AO40FECEncoder.dataBytes(b, format: format)])
    }

    @Test("format geometry", arguments: formats)
    func geometry(_ format: AO40FECFormat) {
        #expect(format.columns == format.syncVector.count)
        #expect(format.leadingPad + format.encodedSymbols <= format.frameSymbols)
        #expect((format.encodedSymbols / 2 - 6) == format.encodedBytes * 8)
        let positions = format.encodedSymbolPositions.map(Int.init)
        var seen = Set(positions)
        #expect(seen.count == positions.count)
        for c in 0..<format.columns { seen.insert(format.rows * c) }
        #expect(seen.count == positions.count + format.columns)  // sync positions are not data positions
        #expect(seen.allSatisfy { (0..<format.frameSymbols).contains($0) })
    }

    @Test("clean round trip through the frame decoder", arguments: formats)
    func frameDecoderRoundTrip(_ format: AO40FECFormat) throws {
        let p = Self.payload(format, seed: 7)
        let bits = try AO40FECEncoder.channelBits(p, format: format)
        #expect(bits.count == format.frameSymbols)
        for c in 0..<format.columns { #expect(bits[format.rows * c] == format.syncVector[c]) }
        var d = try AO40FECFrameDecoder(format: format)
        let body = try d.decode(DeframerTestSupport.softSymbols(bits))
        #expect(body.checkPassed)
        #expect(body.correctedSymbols == 0)
        #expect(body.viterbiCorrectedSymbols == 0)
        #expect(body.bytes == (try AO40FECEncoder.dataBytes(p, format: format)))
        let flipped = try d.decode(DeframerTestSupport.softSymbols(bits, inverted: true), inverted: true)
        #expect(flipped.bytes == body.bytes && flipped.checkPassed)
    }

    @Test("noisy stream, both polarities, chunks 1 / 7 / whole", arguments: [AO40FECFormat.long, .short])
    func noisyStream(_ format: AO40FECFormat) throws {
        for inverted in [false, true] {
            let (symbols, data) = try Self.stream(format, seed: inverted ? 11 : 12, ebN0: 4.5, flipsPerFrame: 60, inverted: inverted)
            for chunk in [1, 7, symbols.count] {
                var d = AO40FECDeframer(AO40FECDeframer.Configuration(format: format))
                let frames = DeframerTestSupport.deframe(symbols, with: &d, chunk: chunk)
                let good = frames.filter(\.checkPassed)
                #expect(good.map(\.bytes) == data, "inverted \(inverted), chunk \(chunk): \(d.statistics)")
                #expect(frames.allSatisfy { $0.framing == format.framing })
                #expect(d.statistics.framesPassed == 2)
                #expect(d.statistics.invertedSyncHits == (inverted ? d.statistics.syncHits : 0))
                #expect(d.statistics.viterbiCorrectedSymbols >= 120)
                #expect(good.first?.symbolPosition == 1_234 + format.frameSymbols)
            }
        }
    }

    @Test("inverted polarity is refused when detection is off")
    func noInversionDetection() throws {
        let (symbols, _) = try Self.stream(.short, seed: 3, inverted: true)
        var d = AO40FECDeframer(AO40FECDeframer.Configuration(format: .short, detectInverted: false))
        let frames = DeframerTestSupport.deframe(symbols, with: &d)
        #expect(frames.filter(\.checkPassed).isEmpty)
    }

    @Test("sync vector with errors: accepted up to the threshold")
    func syncErrors() throws {
        let format = AO40FECFormat.long
        var bits = try AO40FECEncoder.channelBits(Self.payload(format, seed: 5), format: format)
        for c in [1, 9, 17, 25, 33, 41, 49, 57] { bits[format.rows * c] ^= 1 }  // 8 sync errors
        var d = AO40FECDeframer(length: .long)
        let frames = DeframerTestSupport.deframe(DeframerTestSupport.softSymbols(bits), with: &d)
        #expect(frames.filter(\.checkPassed).count == 1)
        bits[format.rows * 3] ^= 1  // 9
        var strict = AO40FECDeframer(length: .long)
        #expect(DeframerTestSupport.deframe(DeframerTestSupport.softSymbols(bits), with: &strict).isEmpty)
    }

    @Test("CRC-16/ARC variants: a frame whose CRC does not match is not good", arguments: [AO40FECFormat.Length.long, .short])
    func crcFailure(_ length: AO40FECFormat.Length) throws {
        let plain = AO40FECFormat(length: length)
        var data = Self.payload(plain, seed: 9)
        data[data.count - 1] ^= 0x5A
        let bits = try AO40FECEncoder.channelBits(data, format: plain)
        var d = AO40FECDeframer(length: length, crc16ARC: true)
        let frames = DeframerTestSupport.deframe(DeframerTestSupport.softSymbols(bits), with: &d)
        #expect(frames.count == 1)
        #expect(frames.first?.checkPassed == false)
        #expect(d.statistics.crcFailures == 1)
        #expect(frames.first?.framing == AO40FECFormat(length: length, crc16ARC: true).framing)
    }

    @Test("CRC-16/ARC check value")
    func crcCheckValue() {
        #expect(AO40FECFormat.crc16ARCAlgorithm.checksum(Array("123456789".utf8)) == 0xBB3D)
    }

    @Test("RS failure is emitted as failed, not as good")
    func reedSolomonFailure() throws {
        let format = AO40FECFormat.short
        var bits = try AO40FECEncoder.channelBits(Self.payload(format, seed: 21), format: format)
        // Wreck a long stretch of encoded symbols (not the sync bits).
        let positions = format.encodedSymbolPositions.map(Int.init)
        var rng = SplitMix64(seed: 4)
        for k in 400..<1_400 { bits[positions[k]] = UInt8(truncatingIfNeeded: rng.next() & 1) }
        var d = AO40FECDeframer(length: .short)
        let frames = DeframerTestSupport.deframe(DeframerTestSupport.softSymbols(bits), with: &d)
        #expect(!frames.contains { $0.checkPassed })
        #expect(d.statistics.reedSolomonFailures >= 1)
    }

    @Test("random input: no crash, no good frame", arguments: [AO40FECFormat.Length.long, .short])
    func randomInput(_ length: AO40FECFormat.Length) {
        var rng = SplitMix64(seed: 99)
        let symbols = (0..<300_000).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
        var d = AO40FECDeframer(length: length)
        let frames = DeframerTestSupport.deframe(symbols, with: &d, chunk: 4093)
        #expect(!frames.contains { $0.checkPassed })
        #expect(d.statistics.symbols == symbols.count)
        // Degenerate inputs.
        for fill: UInt8 in [0, 128, 255] {
            var e = AO40FECDeframer(length: length)
            #expect(DeframerTestSupport.deframe([UInt8](repeating: fill, count: 20_000), with: &e).allSatisfy { !$0.checkPassed })
        }
        var e = AO40FECDeframer(length: length)
        var frames2: [DecodedFrame] = []
        e.process(UnsafeBufferPointer(start: nil, count: 0), into: &frames2)
        #expect(frames2.isEmpty)
    }

    @Test("encoder and decoder refuse wrong sizes with typed errors")
    func wrongSizes() throws {
        #expect(throws: AO40FECError.invalidPayloadLength(expected: 256, actual: 3)) {
            try AO40FECEncoder.channelBits([1, 2, 3], format: .long)
        }
        #expect(throws: AO40FECError.invalidPayloadLength(expected: 126, actual: 128)) {
            try AO40FECEncoder.dataBytes([UInt8](repeating: 0, count: 128), format: AO40FECFormat(length: .short, crc16ARC: true))
        }
        var d = try AO40FECFrameDecoder(format: .short)
        #expect(throws: AO40FECError.invalidFrameLength(expected: 2652, actual: 10)) {
            try d.decode([UInt8](repeating: 0, count: 10))
        }
    }

    @Test("reset starts over")
    func resetStartsOver() throws {
        let (symbols, data) = try Self.stream(.short, seed: 31)
        var d = AO40FECDeframer(length: .short)
        _ = DeframerTestSupport.deframe(Array(symbols[0..<3_000]), with: &d)
        d.reset()
        let frames = DeframerTestSupport.deframe(symbols, with: &d, chunk: 500)
        #expect(frames.filter(\.checkPassed).map(\.bytes) == data)
        #expect(d.statistics.symbols == symbols.count)
    }
}

extension AO40FECDeframerTests {
    /// Whether the frame decodes with hard Reed-Solomon decoding alone (the chain without soft erasures).
    static func decodesHard(_ frame: [UInt8], format: AO40FECFormat) throws -> Bool {
        let encoded = format.encodedSymbolPositions.map { frame[Int($0)] }
        var viterbi = ViterbiDecoder(code: .ccsds)
        var block = try viterbi.decodePacked(encoded, termination: .zeroTail)
        CCSDSRandomizer.apply(to: &block)
        return (try? format.reedSolomon().decode(&block)) != nil
    }

    /// Frames in white noise near the threshold: when Reed-Solomon fails, each failed codeword is retried
    /// with the bytes the soft Viterbi output marks as weakest erased. That recovers frames hard decoding
    /// loses, and every frame that comes out is the one sent.
    @Test("soft erasures after Viterbi recover frames hard decoding loses", arguments: [AO40FECFormat.Length.long, .short])
    func softErasuresAfterViterbi(_ length: AO40FECFormat.Length) throws {
        let format = AO40FECFormat(length: length)
        let p = Self.payload(format, seed: 31)
        let bits = try AO40FECEncoder.channelBits(p, format: format)
        let data = try AO40FECEncoder.dataBytes(p, format: format)
        var d = try AO40FECFrameDecoder(format: format)
        var rng = SplitMix64(seed: 17)
        var decoded = 0, hard = 0, wrong = 0, lost = 0
        for _ in 0..<40 {
            let noisy = ViterbiTestSignal.awgn(bits, ebN0: 1, rng: &rng)
            let body = try d.decode(noisy)
            if body.checkPassed { if body.bytes == data { decoded += 1 } else { wrong += 1 } }
            if try Self.decodesHard(noisy, format: format) {
                hard += 1
                if !body.checkPassed { lost += 1 }
            }
        }
        // Measured at Eb/N0 1 dB, 40 frames: long 31 against 24 hard, short 33 against 28.
        #expect(decoded >= hard + 3, "\(decoded) frames, \(hard) with hard decoding")
        #expect(wrong == 0 && lost == 0)
    }
}

extension AO40FECDeframerTests {
    /// Random symbols decoded as frames (the sync search bypassed), so every one goes through the
    /// soft-erasure retries: none may pass.
    @Test("random frames fail even with soft erasures", arguments: [AO40FECFormat.Length.long, .short])
    func randomFramesFail(_ length: AO40FECFormat.Length) throws {
        let format = AO40FECFormat(length: length)
        var d = try AO40FECFrameDecoder(format: format)
        var rng = SplitMix64(seed: 41)
        var passed = 0
        for _ in 0..<60 {
            let frame = (0..<format.frameSymbols).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
            if try d.decode(frame).checkPassed { passed += 1 }
        }
        #expect(passed == 0)
    }
}
