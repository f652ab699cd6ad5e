import TelemetryDecode
import Testing
import TestSupport

@Suite(.computeThreads) struct AX100DeframerTests {
    typealias S = DeframerTestSupport

    static func payload(_ count: Int, seed: UInt64) -> [UInt8] {
        var rng = SplitMix64(seed: seed)
        return (0..<count).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
    }

    /// Channel bits of an ASM+Golay burst: preamble, sync word, frame, tail.
    static func asmBits(_ payloads: [[UInt8]], scrambler: Bool = true, syncWord: UInt32 = AX100Deframer.syncWord) throws -> [UInt8] {
        var bits = S.bits([UInt8](repeating: 0xAA, count: 20))
        for p in payloads {
            bits += S.bits(syncWord)
            bits += S.bits(try AX100Deframer.encodeASMGolayFrame(p, ccsdsScrambler: scrambler))
            bits += S.bits([UInt8](repeating: 0xAA, count: 8))
        }
        return bits
    }

    /// Channel bits of a Reed Solomon mode burst, G3RUH-scrambled as a whole.
    static func rsBits(_ payloads: [[UInt8]]) throws -> [UInt8] {
        var bits = S.bits([UInt8](repeating: 0xAA, count: 20))
        for p in payloads {
            bits += S.bits(AX100Deframer.syncWord)
            bits += S.bits(try AX100Deframer.encodeReedSolomonFrame(p))
            bits += S.bits([UInt8](repeating: 0xAA, count: 8))
        }
        var scrambler = G3RUHScrambler()
        scrambler.process(&bits)
        return bits
    }

    @Test(arguments: [AX100Deframer.Mode.asmGolay, .reedSolomon], [false, true])
    func roundTrip(mode: AX100Deframer.Mode, inverted: Bool) throws {
        let payloads = [Self.payload(17, seed: 1), Self.payload(96, seed: 2), Self.payload(200, seed: 3), Self.payload(1, seed: 4)]
        let bits = mode == .asmGolay ? try Self.asmBits(payloads) : try Self.rsBits(payloads)
        for chunk in [1, 7, 4096] {
            var d = AX100Deframer(mode: mode)
            let frames = S.deframe(S.softSymbols(bits, inverted: inverted), with: &d, chunk: chunk)
            #expect(frames.map(\.bytes) == payloads, "chunk \(chunk)")
            #expect(frames.allSatisfy { $0.checkPassed && $0.correctedSymbols == 0 })
            #expect(frames.allSatisfy { $0.framing == (mode == .asmGolay ? "AX100 ASM+Golay" : "AX100 Reed Solomon") })
            #expect(d.statistics.framesPassed == payloads.count)
            #expect(d.statistics.invertedSyncHits == (inverted ? payloads.count : 0))
            // Positions increase and lie inside the stream.
            #expect(frames.map(\.symbolPosition) == frames.map(\.symbolPosition).sorted())
            #expect(frames.allSatisfy { $0.symbolPosition <= bits.count })
        }
    }

    @Test func asmGolayWithoutScrambler() throws {
        let p = Self.payload(50, seed: 9)
        var d = AX100Deframer(AX100Deframer.Configuration(mode: .asmGolay, ccsdsScrambler: false))
        let frames = S.deframe(S.softSymbols(try Self.asmBits([p], scrambler: false)), with: &d)
        #expect(frames.map(\.bytes) == [p])
    }

    /// FORESAIL-1: the same frames behind the CCSDS ASM; neither sync word finds the other's frames.
    @Test func foresail1UsesTheCCSDSAttachedSyncMarker() throws {
        let payloads = [Self.payload(40, seed: 21), Self.payload(180, seed: 22)]
        var bits = try Self.asmBits(payloads, syncWord: AX100Deframer.foresail1SyncWord)
        for i in [3, 17, 28] { bits[20 * 8 + i] ^= 1 }  // sync errors are tolerated as for 0x930B51DE
        for inverted in [false, true] {
            var d = AX100Deframer(.foresail1)
            let frames = S.deframe(S.softSymbols(bits, inverted: inverted), with: &d, chunk: 333)
            #expect(frames.map(\.bytes) == payloads)
            #expect(frames.allSatisfy { $0.checkPassed && $0.framing == "FORESAIL-1" })
        }
        var standard = AX100Deframer(mode: .asmGolay)
        #expect(S.deframe(S.softSymbols(bits), with: &standard).isEmpty)
        var foresail = AX100Deframer(.foresail1)
        #expect(S.deframe(S.softSymbols(try Self.asmBits(payloads)), with: &foresail).isEmpty)
    }

    @Test func asmGolayCorrectsSyncHeaderAndPayloadErrors() throws {
        let p = Self.payload(120, seed: 5)
        var bits = try Self.asmBits([p])
        let syncStart = 20 * 8
        for i in [0, 9, 20, 31] { bits[syncStart + i] ^= 1 }  // 4 sync errors: tolerated
        let header = syncStart + 32
        for i in [1, 12, 23] { bits[header + i] ^= 1 }  // 3 Golay errors: corrected
        let body = header + 24
        for byte in stride(from: 0, to: 150, by: 10) { bits[body + byte * 8 + 3] ^= 1 }  // 15 byte errors
        var d = AX100Deframer(mode: .asmGolay)
        let frames = S.deframe(S.softSymbols(bits), with: &d)
        #expect(frames.count == 1)
        #expect(frames.first?.bytes == p)
        #expect(frames.first?.checkPassed == true)
        #expect(frames.first?.correctedSymbols == 15)
    }

    @Test func syncWithFiveErrorsIsMissed() throws {
        var bits = try Self.asmBits([Self.payload(30, seed: 6)])
        for i in [0, 5, 10, 15, 20] { bits[160 + i] ^= 1 }
        var d = AX100Deframer(mode: .asmGolay)
        #expect(S.deframe(S.softSymbols(bits), with: &d).isEmpty)
        #expect(d.statistics.syncHits == 0)
    }

    @Test func tooManyPayloadErrorsGiveAFailedFrameNotAGoodOne() throws {
        let p = Self.payload(60, seed: 7)
        var bits = try Self.asmBits([p])
        let body = 20 * 8 + 32 + 24
        for byte in 0..<20 { bits[body + byte * 8] ^= 1 }  // 20 byte errors > 16
        var d = AX100Deframer(mode: .asmGolay)
        let frames = S.deframe(S.softSymbols(bits), with: &d)
        #expect(frames.count == 1)
        #expect(frames.first?.checkPassed == false)
        #expect(frames.first?.bytes.count == p.count)
        #expect(d.statistics.reedSolomonFailures == 1)
    }

    @Test func asmGolayErasesWeakBytesBeyondHardCorrection() throws {
        let p = Self.payload(60, seed: 17)
        let bits = try Self.asmBits([p])
        let body = 20 * 8 + 32 + 24
        // 24 wrong bytes (16 is the hard limit), each wrong through one barely-decided bit.
        let wrong = stride(from: 1, to: 92, by: 3).prefix(24).map { body + $0 * 8 + 5 }
        var d = AX100Deframer(mode: .asmGolay)
        let frames = S.deframe(S.softSymbols(bits, wrong: wrong), with: &d)
        #expect(frames.map(\.bytes) == [p])
        #expect(frames.first?.checkPassed == true)
        #expect(frames.first?.correctedSymbols == 24)
        // The same errors with sure bits: nothing says which bytes to erase, the frame fails.
        var hard = AX100Deframer(mode: .asmGolay)
        #expect(S.deframe(S.softSymbols(bits, wrong: wrong, sure: true), with: &hard).map(\.checkPassed) == [false])
    }

    @Test func reedSolomonModeErasesBytesMadeOfWeakChannelBits() throws {
        let p = Self.payload(100, seed: 18)
        let bits = try Self.rsBits([p])
        // A weak wrong channel bit spoils up to three descrambled bytes (taps 12 and 17): 8 of them
        // spoil ~24 bytes, more than hard decoding corrects.
        let body = 20 * 8 + 32 + 8
        var d = AX100Deframer(mode: .reedSolomon)
        let frames = S.deframe(S.softSymbols(bits, wrong: stride(from: body + 20, to: body + 1000, by: 125)), with: &d)
        #expect(frames.map(\.bytes) == [p])
        #expect((frames.first?.correctedSymbols ?? 0) > 16)
    }

    @Test func reedSolomonModeCorrectsChannelErrors() throws {
        let p = Self.payload(80, seed: 8)
        var bits = try Self.rsBits([p])
        // One channel bit error becomes three after descrambling (taps 12 and 17).
        let body = 20 * 8 + 32 + 8
        for k in [40, 300, 520] { bits[body + k] ^= 1 }
        var d = AX100Deframer(mode: .reedSolomon)
        let frames = S.deframe(S.softSymbols(bits), with: &d)
        #expect(frames.map(\.bytes) == [p])
        #expect((frames.first?.correctedSymbols ?? 0) >= 3)
    }

    @Test func cspHeaderSwapOption() throws {
        let p: [UInt8] = [1, 2, 3, 4, 5, 6]
        let sent = try AX100Deframer.encodeReedSolomonFrame(p, swapCSPHeader: true)
        #expect(try AX100Deframer.decodeReedSolomonFrame(sent, swapCSPHeader: true).bytes == p)
        #expect(try AX100Deframer.decodeReedSolomonFrame(sent).bytes == [4, 3, 2, 1, 5, 6])
    }

    @Test func badLengthsAreTypedErrors() throws {
        // Reed Solomon mode: length below 34, and more bytes announced than given.
        #expect(throws: GomSpaceFrameError.lengthTooShort(length: 33, minimum: 34)) {
            try AX100Deframer.decodeReedSolomonFrame([33] + [UInt8](repeating: 0, count: 40))
        }
        #expect(throws: GomSpaceFrameError.truncated(expected: 100, actual: 50)) {
            try AX100Deframer.decodeReedSolomonFrame([100] + [UInt8](repeating: 0, count: 49))
        }
        #expect(throws: GomSpaceFrameError.truncated(expected: 1, actual: 0)) { try AX100Deframer.decodeReedSolomonFrame([]) }
        // ASM+Golay: 253 coded bytes do not fit the 255-byte window; a short buffer is truncated.
        let long = GomSpaceLengthField(length: 253).encoded + [UInt8](repeating: 0, count: 253)
        #expect(throws: GomSpaceFrameError.lengthBeyondWindow(length: 253, limit: 252)) {
            try AX100Deframer.decodeASMGolayFrame(long)
        }
        let frame = try AX100Deframer.encodeASMGolayFrame(Self.payload(40, seed: 1))
        #expect(throws: GomSpaceFrameError.truncated(expected: frame.count, actual: frame.count - 1)) {
            try AX100Deframer.decodeASMGolayFrame(Array(frame.dropLast()))
        }
        #expect(throws: GomSpaceFrameError.golayUncorrectable) { try AX100Deframer.decodeASMGolayFrame([0x0F, 0, 0] + frame) }
        #expect(throws: GomSpaceFrameError.self) { try AX100Deframer.encodeASMGolayFrame(Self.payload(221, seed: 1)) }
        #expect(throws: GomSpaceFrameError.self) { try AX100Deframer.encodeReedSolomonFrame(Self.payload(223, seed: 1)) }
        #expect(throws: GomSpaceFrameError.self) { try AX100Deframer.encodeReedSolomonFrame([]) }
    }

    @Test(arguments: [AX100Deframer.Mode.asmGolay, .reedSolomon])
    func randomSymbolsNeverCrashOrPass(mode: AX100Deframer.Mode) {
        var rng = SplitMix64(seed: 42)
        let symbols = (0..<400_000).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
        var d = AX100Deframer(mode: mode)
        let frames = S.deframe(symbols, with: &d, chunk: 3000)
        #expect(frames.allSatisfy { !$0.checkPassed })
        #expect(d.statistics.syncHits > 0)  // noise does hit a 4-error sync tolerance now and then
        #expect(d.statistics.framesPassed == 0)
    }

    @Test(arguments: [AX100Deframer.Mode.asmGolay, .reedSolomon])
    func syncFollowedByGarbageOrEndOfStream(mode: AX100Deframer.Mode) {
        // Sync words followed by every length byte / random header, and one cut off by the end of input.
        var rng = SplitMix64(seed: 3)
        var bits: [UInt8] = []
        for _ in 0..<300 {
            bits += S.bits(AX100Deframer.syncWord)
            bits += S.bits((0..<40).map { _ in UInt8(truncatingIfNeeded: rng.next()) })
        }
        bits += S.bits(AX100Deframer.syncWord) + S.bits([200, 1, 2])
        var d = AX100Deframer(mode: mode)
        let frames = S.deframe(S.softSymbols(bits), with: &d, chunk: 999)
        #expect(frames.allSatisfy { !$0.checkPassed })
        d.reset()
        #expect(d.statistics == GomSpaceDeframerStatistics())
    }
}
