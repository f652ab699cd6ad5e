import Testing
import TelemetryDecode
import TestSupport

/// SALSAT (S-NET framing with the fixed CRC-5 and CRC-13). The check values were computed in Python
/// with bitwise CRCs written from the published parameters (CRC-13: polynomial 0x1CF5, initial 0x1FFF;
/// CRC-5: polynomial 0x15, initial 0x1F; both MSB first), independently of this code.
@Suite(.computeThreads) struct SALSATDeframerTests {
    static let pdu = Array("SALSAT test PDU".utf8)

    static func randomBits(_ n: Int, _ rng: inout SplitMix64) -> [UInt8] {
        (0..<n).map { _ in UInt8.random(in: 0...1, using: &rng) }
    }

    static func burst(_ pdu: [UInt8], aiTypeSrc: Int) -> [UInt8] {
        DeframerTestSupport.bits([0x55, 0x55, 0x55, 0x55]) + DeframerTestSupport.bits(SALSATDeframer.syncWord)
            + SALSATDeframer.encode(pdu, aiTypeSrc: aiTypeSrc)!
    }

    @Test func independentCheckValues() throws {
        let bits = try #require(SALSATDeframer.encode(Self.pdu, aiTypeSrc: 2, srcId: 5, dstId: 9))
        let h = try #require(SALSATDeframer.header(bits))
        #expect(h.srcId == 5 && h.dstId == 9 && h.aiTypeSrc == 2 && h.pduLength == Self.pdu.count)
        #expect(h.crc13 == 0x0C77 && h.crc5 == 0x07 && h.corrected == 0)
        let frame = try #require(SALSATDeframer.decode(bits: bits))
        #expect(frame.checkPassed && frame.bytes == Self.pdu && frame.framing == "SALSAT")
        #expect(SALSATDeframer.framingName == "SALSAT")
        #expect(CRCAlgorithm(name: "", width: 13, polynomial: 0x1CF5, initial: 0x1FFF, reflected: false, xorOut: 0)
            .checksum(Array("123456789".utf8)) == 0x0356)
        // S-NET's buggy checks reject the fixed header.
        #expect(SNETDeframer.header(bits) == nil)
        #expect(SALSATDeframer.encode([]) == nil && SALSATDeframer.encode([1], aiTypeSrc: 4) == nil)
    }

    @Test(arguments: [false, true])
    func randomFramesInAStreamInChunksWithSyncErrors(inverted: Bool) {
        var rng = SplitMix64(seed: inverted ? 0x5A15_0002 : 0x5A15_0001)
        var expected: [[UInt8]] = []
        var bits = Self.randomBits(300, &rng)
        for (n, (length, ai)) in [(1, 0), (200, 1), (37, 2), (64, 3), (300, 0), (5, 3)].enumerated() {
            let pdu = (0..<length).map { _ in UInt8.random(in: 0...255, using: &rng) }
            expected.append(pdu)
            var b = Self.burst(pdu, aiTypeSrc: ai)
            for k in 0..<(n % 5) { b[32 + 2 + 7 * k] ^= 1 }   // 0...4 sync errors
            bits += b + Self.randomBits(Int.random(in: 0...300, using: &rng), &rng)
        }
        let symbols = DeframerTestSupport.softSymbols(bits, inverted: inverted)
        for chunk in [1, 50, 4000] {
            var d = SALSATDeframer()
            let frames = DeframerTestSupport.deframe(symbols, with: &d, chunk: chunk)
            #expect(frames.filter(\.checkPassed).map(\.bytes) == expected, "chunk \(chunk)")
            #expect(frames.allSatisfy { $0.checkPassed && $0.framing == "SALSAT" })
        }
    }

    @Test func bchCorrectsErrorsInHeaderAndPDU() {
        var bits = Self.burst(Self.pdu, aiTypeSrc: 3) + [UInt8](repeating: 0, count: 64)
        let start = 64
        // Header: three errors in codeword 0 (bits 0, 14, 28) and one in codeword 5.
        for i in [0, 14, 28, 5 + 14 * 7] { bits[start + i] ^= 1 }
        // PDU, BCH(15,5): three errors in codeword 2 of the first block.
        for i in [2, 2 + 16 * 4, 2 + 16 * 9] { bits[start + 210 + i] ^= 1 }
        var d = SALSATDeframer()
        let frames = DeframerTestSupport.deframe(DeframerTestSupport.softSymbols(bits), with: &d)
        #expect(frames.count == 1 && frames.first?.checkPassed == true && frames.first?.correctedSymbols == 7)
        #expect(frames.first?.bytes == Self.pdu)
    }

    @Test func aPDUBeyondCorrectionIsReportedAsFailed() {
        var bits = Self.burst(Self.pdu, aiTypeSrc: 0) + [UInt8](repeating: 0, count: 64)
        bits[64 + 210 + 20] ^= 1   // uncoded PDU: one error breaks CRC-13
        var d = SALSATDeframer()
        let frames = DeframerTestSupport.deframe(DeframerTestSupport.softSymbols(bits), with: &d)
        #expect(frames.count == 1 && frames.first?.checkPassed == false)
    }

    @Test func randomInputGivesNoGoodFrames() {
        var rng = SplitMix64(seed: 0x5A15_A5A7)
        var d = SALSATDeframer()
        var frames: [DecodedFrame] = []
        for _ in 0..<4 {
            let symbols = (0..<50_000).map { _ in UInt8.random(in: 0...255, using: &rng) }
            frames += DeframerTestSupport.deframe(symbols, with: &d, chunk: 3000)
        }
        #expect(frames.filter(\.checkPassed).isEmpty)
    }
}
