import TelemetryDecode
import Testing
import TestSupport

@Suite(.computeThreads) struct U482CDeframerTests {
    typealias S = DeframerTestSupport

    static func bits(_ frames: [[UInt8]]) -> [UInt8] {
        var bits = S.bits([UInt8](repeating: 0x55, count: 16))
        for f in frames {
            bits += S.bits(U482CDeframer.syncWord) + S.bits(f) + S.bits([UInt8](repeating: 0x55, count: 4))
        }
        return bits
    }

    @Test(arguments: [false, true], [false, true])
    func roundTripWithFlags(scrambled: Bool, inverted: Bool) throws {
        let payload = AX100DeframerTests.payload(150, seed: 11)
        let frame = try U482CDeframer.encodeFrame(payload, scrambled: scrambled, reedSolomon: true)
        let field = try GomSpaceLengthField.decode(frame)
        #expect(field.length == 182 && field.scrambled == scrambled && field.reedSolomon && !field.viterbi)
        var d = U482CDeframer()
        let frames = S.deframe(S.softSymbols(Self.bits([frame, frame]), inverted: inverted), with: &d, chunk: 13)
        #expect(frames.map(\.bytes) == [payload, payload])
        #expect(frames.allSatisfy { $0.checkPassed && $0.framing == "U482C" })
    }

    @Test func frameWithoutReedSolomonIsEmittedUnchecked() throws {
        let payload: [UInt8] = Array("hello from orbit".utf8)
        let frame = try U482CDeframer.encodeFrame(payload, scrambled: true, reedSolomon: false)
        var d = U482CDeframer()
        let frames = S.deframe(S.softSymbols(Self.bits([frame])), with: &d)
        #expect(frames.map(\.bytes) == [payload])
        #expect(frames.first?.checkPassed == false)
    }

    @Test func forcedStepsOverrideFlags() throws {
        let payload = AX100DeframerTests.payload(20, seed: 12)
        let frame = try U482CDeframer.encodeFrame(payload, scrambled: true, reedSolomon: true)
        // Scrambler forced off: RS sees scrambled bytes and fails.
        let body = try U482CDeframer.decodeFrame(frame, configuration: .init(scrambler: .off))
        #expect(!body.checkPassed && body.reedSolomonError == .uncorrectable)
        // RS forced off: the output keeps the parity.
        let raw = try U482CDeframer.decodeFrame(frame, configuration: .init(reedSolomon: .off))
        #expect(raw.bytes.count == 52 && Array(raw.bytes.prefix(20)) == payload)
    }

    @Test(arguments: [false, true])
    func viterbiRoundTrip(inverted: Bool) throws {
        let payload = AX100DeframerTests.payload(23, seed: 13)
        let frame = try U482CDeframer.encodeFrame(payload, scrambled: true, reedSolomon: true, viterbi: true)
        let field = try GomSpaceLengthField.decode(frame)
        #expect(field.viterbi && field.length == 2 * (23 + 32 + 1))
        #expect(try U482CDeframer.decodeFrame(frame).bytes == payload)
        // Channel bit errors spread over the coded bytes: the Viterbi decoder removes them before RS.
        var bits = Self.bits([frame])
        let body = 16 * 8 + 32 + 24
        for k in stride(from: 5, to: 16 * 56, by: 40) { bits[body + k] ^= 1 }
        var d = U482CDeframer()
        let frames = S.deframe(S.softSymbols(bits, inverted: inverted), with: &d, chunk: 100)
        #expect(frames.map(\.bytes) == [payload])
        #expect(frames.first?.checkPassed == true)
        #expect(frames.first?.correctedSymbols == 0)
    }

    @Test func viterbiFlaggedGarbageFailsTheCheck() throws {
        let field = GomSpaceLengthField(length: 112, viterbi: true, scrambled: true, reedSolomon: true)
        let frame = field.encoded + [UInt8](repeating: 0x3C, count: 112)
        let body = try U482CDeframer.decodeFrame(frame)
        #expect(!body.checkPassed && body.bytes.count == 23)
        var d = U482CDeframer()
        let frames = S.deframe(S.softSymbols(Self.bits([frame])), with: &d)
        #expect(frames.count == 1 && frames.allSatisfy { !$0.checkPassed })
        #expect(d.statistics.reedSolomonFailures == 1)
        // Forcing Viterbi off treats the bytes as plain (and RS fails on all 112).
        #expect(try U482CDeframer.decodeFrame(frame, configuration: .init(viterbi: .off)).bytes.count == 80)
        // Too short for RS after Viterbi: 2 * (33 + 1) = 68 coded bytes at least.
        let short = GomSpaceLengthField(length: 66, viterbi: true).encoded + [UInt8](repeating: 0, count: 66)
        #expect(throws: GomSpaceFrameError.lengthTooShort(length: 66, minimum: 68)) { try U482CDeframer.decodeFrame(short) }
    }

    @Test func shortLengthsAreRejected() throws {
        let field = GomSpaceLengthField(length: 32, reedSolomon: true)
        #expect(throws: GomSpaceFrameError.lengthTooShort(length: 32, minimum: 33)) {
            try U482CDeframer.decodeFrame(field.encoded + [UInt8](repeating: 0, count: 32))
        }
        var d = U482CDeframer()
        _ = S.deframe(S.softSymbols(Self.bits([field.encoded + [UInt8](repeating: 0, count: 32)])), with: &d)
        #expect(d.statistics.lengthRejected == 1)
        #expect(throws: GomSpaceFrameError.truncated(expected: 3, actual: 2)) { try U482CDeframer.decodeFrame([1, 2]) }
    }

    @Test func randomSymbolsNeverCrashOrPass() {
        var rng = SplitMix64(seed: 77)
        let symbols = (0..<400_000).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
        var d = U482CDeframer()
        let frames = S.deframe(symbols, with: &d, chunk: 5000)
        #expect(frames.allSatisfy { !$0.checkPassed })
        #expect(d.statistics.framesPassed == 0)
    }
}

extension U482CDeframerTests {
    /// Viterbi-coded frames in white noise near the threshold: when Reed-Solomon fails on the Viterbi
    /// output, the bytes its soft output marks as weakest are erased, which recovers frames hard decoding
    /// loses (more than 16 corrected bytes), and nothing else comes out.
    @Test func viterbiCodedFramesRecoveredWithSoftErasures() throws {
        let payload = AX100DeframerTests.payload(90, seed: 14)
        let frame = try U482CDeframer.encodeFrame(payload, scrambled: true, reedSolomon: true, viterbi: true)
        let clean = Self.bits([frame])
        let body = 16 * 8 + 32 + 24
        var rng = SplitMix64(seed: 9)
        var decoded = 0, beyondHard = 0, wrong = 0
        for _ in 0..<60 {
            var symbols = S.softSymbols(clean)
            let noisy = ViterbiTestSignal.awgn(Array(clean[body..<(body + 8 * (frame.count - 3))]), ebN0: 1, rng: &rng)
            symbols.replaceSubrange(body..<(body + noisy.count), with: noisy)
            var d = U482CDeframer()
            for f in S.deframe(symbols, with: &d) where f.checkPassed {
                if f.bytes == payload { decoded += 1 } else { wrong += 1 }
                if f.correctedSymbols > 16 { beyondHard += 1 }
            }
        }
        // Measured at Eb/N0 1 dB: 50 of 60, 7 of them beyond hard decoding (0.5 dB: 20 and 3; 1.25 dB: 58 and 5).
        #expect(beyondHard >= 4, "\(beyondHard) of \(decoded) frames needed erasures")
        #expect(decoded >= 45)
        #expect(wrong == 0)
    }
}
