import TelemetryDecode
import Testing

@Suite struct U482CDeframerTests {
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

    @Test func viterbiFlaggedFramesAreCountedNotEmitted() throws {
        // A frame announcing convolutional coding: 2 * (55 + 1) coded bytes.
        let field = GomSpaceLengthField(length: 112, viterbi: true, scrambled: true, reedSolomon: true)
        let frame = field.encoded + [UInt8](repeating: 0x3C, count: 112)
        #expect(throws: GomSpaceFrameError.viterbiUnsupported) { try U482CDeframer.decodeFrame(frame) }
        var d = U482CDeframer()
        let frames = S.deframe(S.softSymbols(Self.bits([frame])), with: &d)
        #expect(frames.isEmpty)
        #expect(d.statistics.viterbiUnsupported == 1)
        // Forcing Viterbi off treats the bytes as plain (and RS then fails).
        #expect(try U482CDeframer.decodeFrame(frame, configuration: .init(viterbi: .off)).checkPassed == false)
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
