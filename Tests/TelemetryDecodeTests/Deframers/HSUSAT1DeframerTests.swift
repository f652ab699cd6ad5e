import Testing
import TelemetryDecode
import TestSupport

/// HSU-SAT1 (33-bit sync, UART 8N1, block interleaver, period-127 scrambler, K = 3 r = 1/2 code 7/5,
/// CRC-16/X-25 MSB first). The reference codeword and CRC were computed in Python with a bitwise CRC, a
/// shift-register encoder, the scrambler recurrence and the transpose, written from gr-satellites'
/// description independently of this code (and the recurrence checked against gr-satellites' table).
@Suite(.computeThreads) struct HSUSAT1DeframerTests {
    static let payload: [UInt8] = Array(0x30..<0x60)
    /// The 102 codeword bytes for `payload` (CRC 0x0039).
    static let codeword =
        "d9530450f8c8ec1655187287e4cf58877e2c24ae1e5333fc1ca0c572c94e9f495edea48eb5e103222ebc82c56936b48ee4fea95b3f1f4eb8188e61d774c3330f29112356ea95b05fd8edf93466dec622da8933dc4d4090a1ce7865ac2fcc71d7ccb24d163bad"

    static func randomBits(_ n: Int, _ rng: inout SplitMix64) -> [UInt8] {
        (0..<n).map { _ in UInt8.random(in: 0...1, using: &rng) }
    }

    static func burst(_ payload: [UInt8]) -> [UInt8] {
        HSUSAT1Deframer.syncBits + HSUSAT1Deframer.encode(payload)!
    }

    @Test func independentReferenceFrame() throws {
        #expect(CRCAlgorithm.x25.checksum(Array("123456789".utf8)) == 0x906E)
        #expect(CRCAlgorithm.x25.checksum(Self.payload) == 0x0039)
        #expect(HSUSAT1Deframer.framingName == "HSU-SAT1")
        #expect(HSUSAT1Deframer.syncBits.map(String.init).joined() == "111000110111101100010110011111101")
        #expect(HSUSAT1Deframer.encodeCodeword(Self.payload) == Hex.bytes(Self.codeword))
        #expect(HSUSAT1Deframer.encode([1, 2, 3]) == nil && HSUSAT1Deframer.encode(Self.payload, header: [0]) == nil)
        let bits = try #require(HSUSAT1Deframer.encode(Self.payload))
        #expect(bits.count == 1180)
        // UART 8N1: start bit 0, data least significant bit first, stop bit 1.
        let first = Hex.bytes(Self.codeword)[0]
        #expect(Array(bits[160..<170]) == [0] + (0..<8).map { (first >> UInt8($0)) & 1 } + [1])
        let frame = try #require(HSUSAT1Deframer.decode(bits: bits))
        #expect(frame.checkPassed && frame.bytes == Self.payload && frame.correctedSymbols == 0)
        // The header bytes are ignored.
        let other = try #require(HSUSAT1Deframer.encode(Self.payload, header: Array(0..<16)))
        #expect(HSUSAT1Deframer.decode(bits: other)?.bytes == Self.payload)
    }

    @Test(arguments: [false, true])
    func randomFramesInAStreamInChunks(inverted: Bool) {
        var rng = SplitMix64(seed: inverted ? 0x4A50_0002 : 0x4A50_0001)
        var expected: [[UInt8]] = []
        var bits = Self.randomBits(200, &rng)
        for n in 0..<5 {
            let payload = (0..<48).map { _ in UInt8.random(in: 0...255, using: &rng) }
            expected.append(payload)
            var b = Self.burst(payload)
            // Up to 4 sync bit errors (gr-satellites' default threshold).
            if n == 2 { for k in [1, 9, 17, 30] { b[k] ^= 1 } }
            bits += b + Self.randomBits(Int.random(in: 0...300, using: &rng), &rng)
        }
        let symbols = DeframerTestSupport.softSymbols(bits, inverted: inverted)
        for chunk in [1, 50, 4000] {
            var d = HSUSAT1Deframer()
            let frames = DeframerTestSupport.deframe(symbols, with: &d, chunk: chunk)
            #expect(frames.filter(\.checkPassed).map(\.bytes) == expected, "chunk \(chunk)")
            #expect(frames.allSatisfy { $0.correctedSymbols == 0 && $0.framing == HSUSAT1Deframer.framingName })
        }
    }

    @Test func fiveSyncErrorsAreTooMany() {
        var bits = [UInt8](repeating: 0, count: 24) + Self.burst(Self.payload) + [UInt8](repeating: 0, count: 24)
        for k in [1, 9, 17, 25, 30] { bits[24 + k] ^= 1 }
        var d = HSUSAT1Deframer()
        #expect(DeframerTestSupport.deframe(DeframerTestSupport.softSymbols(bits), with: &d).isEmpty)
        var tolerant = HSUSAT1Deframer(syncErrors: 5)
        #expect(DeframerTestSupport.deframe(DeframerTestSupport.softSymbols(bits), with: &tolerant).first?.checkPassed == true)
    }

    /// Codeword bit positions in the stream (the data bits of UART bytes 16...117).
    static func codewordPositions(offset: Int) -> [Int] {
        (16..<118).flatMap { k in (1...8).map { offset + 33 + 10 * k + $0 } }
    }

    @Test func viterbiCorrectsSpreadErrors() throws {
        let bits = [UInt8](repeating: 0, count: 24) + Self.burst(Self.payload) + [UInt8](repeating: 0, count: 24)
        let positions = Self.codewordPositions(offset: 24)
        // 12 strong errors spread over the codeword (the interleaver spreads them further), plus weak ones.
        let sure = stride(from: 3, to: 800, by: 67).map { positions[$0] }
        var symbols = DeframerTestSupport.softSymbols(bits, wrong: sure, sure: true)
        for p in stride(from: 30, to: 800, by: 41).map({ positions[$0] }) where !sure.contains(p) {
            symbols[p] = bits[p] == 1 ? 110 : 146
        }
        var d = HSUSAT1Deframer()
        let frames = DeframerTestSupport.deframe(symbols, with: &d)
        let frame = try #require(frames.first)
        #expect(frames.count == 1 && frame.checkPassed && frame.bytes == Self.payload)
        #expect(frame.correctedSymbols >= sure.count)
        // Errors in the ignored header bytes and the UART start/stop bits change nothing.
        var noisy = bits
        for k in [0, 5, 15] { noisy[24 + 33 + 10 * k + 3] ^= 1 }
        for k in [20, 60, 117] { noisy[24 + 33 + 10 * k] ^= 1; noisy[24 + 33 + 10 * k + 9] ^= 1 }
        var e = HSUSAT1Deframer()
        let clean = DeframerTestSupport.deframe(DeframerTestSupport.softSymbols(noisy), with: &e)
        #expect(clean.count == 1 && clean.first?.checkPassed == true && clean.first?.correctedSymbols == 0)
    }

    @Test func aFrameBeyondCorrectionIsNeverGood() {
        let bits = [UInt8](repeating: 0, count: 24) + Self.burst(Self.payload) + [UInt8](repeating: 0, count: 24)
        let positions = Self.codewordPositions(offset: 24)
        // A burst of 40 strong errors in the non-interleaved last bytes and the 6th block.
        let wrong = Array(positions[(8 * 88)..<(8 * 88 + 40)]) + Array(positions[(8 * 96)..<(8 * 96 + 40)])
        var d = HSUSAT1Deframer()
        let frames = DeframerTestSupport.deframe(DeframerTestSupport.softSymbols(bits, wrong: wrong, sure: true), with: &d)
        #expect(frames.count == 1 && frames.first?.checkPassed == false && frames.first?.bytes.count == 48)
        // The same after a sync word with 2 errors: not reported at all.
        var damaged = bits
        for k in [24 + 2, 24 + 20] { damaged[k] ^= 1 }
        var e = HSUSAT1Deframer()
        #expect(DeframerTestSupport.deframe(DeframerTestSupport.softSymbols(damaged, wrong: wrong, sure: true), with: &e).isEmpty)
    }

    @Test func randomInputGivesNoGoodFrames() {
        var rng = SplitMix64(seed: 0x4A50_0003)
        var d = HSUSAT1Deframer()
        let symbols = (0..<200_000).map { _ in UInt8.random(in: 0...255, using: &rng) }
        let frames = DeframerTestSupport.deframe(symbols, with: &d, chunk: 4096)
        #expect(frames.filter(\.checkPassed).isEmpty)
    }
}
