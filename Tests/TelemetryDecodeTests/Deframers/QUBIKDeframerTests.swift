import Testing
@testable import TelemetryDecode
import TestSupport

/// QUBIK (sync 0x3C674952; 126 data bytes | CRC-16/CCITT-FALSE | CRC-32C, CCSDS-scrambled, then CCSDS
/// RS(255,223) conventional basis shortened to 164 bytes). The reference block, the CRC check values and
/// the scrambler's first bytes were computed in Python (bitwise CRCs, an LFSR, and a GF(256) RS encoder
/// written from the CCSDS parameters), independently of this code.
@Suite(.computeThreads) struct QUBIKDeframerTests {
    static let payload: [UInt8] = (0..<126).map { UInt8((7 * $0 + 3) & 0xFF) }
    /// CRC-16 0x2BEB, CRC-32C 0x5EBAED8D, scrambled, then 32 RS parity bytes.
    static let air = "fc421fd8852b5d88b56edafdf0e923a229edfc44bd34229aa1a2484853033f6d1d7aec79cb1cec6d077b0e6b7850c8d0e6749af00a3303f89fb37ab18e3560df3eeaeadab7d32f06c3b047a689c33e155967b67885dca19c4331bfa2d4b93f5b59eac7bc6fad4830aa86749dca44337ec7a1cf49ba23c4b41bd5d524c1017e64aa3a018491dae272f00a0bc3e8dbf6592e7a43fa27c0f492e6834c43c84f7d05545078ac"

    static func randomBits(_ n: Int, _ rng: inout SplitMix64) -> [UInt8] {
        (0..<n).map { _ in UInt8.random(in: 0...1, using: &rng) }
    }

    static func burst(_ payload: [UInt8]) -> [UInt8] {
        DeframerTestSupport.bits(QUBIKDeframer.syncWord) + DeframerTestSupport.bits(QUBIKDeframer.encode(payload)!)
    }

    @Test func independentReferenceBlock() throws {
        #expect(CRCAlgorithm.ibm3740.checksum(Array("123456789".utf8)) == 0x29B1)
        #expect(CRCAlgorithm.crc32c.checksum(Array("123456789".utf8)) == 0xE306_9283)
        #expect(Array(CCSDSRandomizer.table.prefix(4)) == [0xFF, 0x48, 0x0E, 0xC0])
        #expect(QUBIKDeframer.encode(Self.payload) == Hex.bytes(Self.air))
        let frame = try #require(QUBIKDeframer.decode(Hex.bytes(Self.air)))
        #expect(frame.checkPassed && frame.bytes == Self.payload && frame.framing == "QUBIK" && frame.correctedSymbols == 0)
        #expect(QUBIKDeframer.framingName == "QUBIK")
        #expect(QUBIKDeframer.encode([1, 2, 3]) == nil)
        // A wrong CRC-16 with a matching CRC-32C (re-encoded over the changed bytes) is still refused.
        var data = Self.payload + [0x2B, 0xEA]
        let c = CRCAlgorithm.crc32c.checksum(data)
        data += [UInt8(c >> 24), UInt8((c >> 16) & 0xFF), UInt8((c >> 8) & 0xFF), UInt8(c & 0xFF)]
        CCSDSRandomizer.apply(to: &data)
        let bad = try GomSpaceReedSolomon.encode(data)
        #expect(QUBIKDeframer.decode(bad)?.checkPassed == false)
    }

    @Test(arguments: [false, true])
    func randomFramesInAStreamInChunks(inverted: Bool) {
        var rng = SplitMix64(seed: inverted ? 0x0B1C_0002 : 0x0B1C_0001)
        var expected: [[UInt8]] = []
        var bits = Self.randomBits(200, &rng)
        for n in 0..<5 {
            let payload = (0..<126).map { _ in UInt8.random(in: 0...255, using: &rng) }
            expected.append(payload)
            var b = Self.burst(payload)
            if n == 2 { for k in [1, 9, 17, 30] { b[k] ^= 1 } }   // 4 sync errors (gr-satellites' default)
            bits += b + Self.randomBits(Int.random(in: 0...300, using: &rng), &rng)
        }
        let symbols = DeframerTestSupport.softSymbols(bits, inverted: inverted)
        for chunk in [1, 50, 4000] {
            var d = QUBIKDeframer()
            let frames = DeframerTestSupport.deframe(symbols, with: &d, chunk: chunk)
            #expect(frames.filter(\.checkPassed).map(\.bytes) == expected, "chunk \(chunk)")
            #expect(frames.allSatisfy { $0.correctedSymbols == 0 && $0.framing == QUBIKDeframer.framingName })
        }
    }

    @Test func fiveSyncErrorsAreTooMany() {
        var bits = [UInt8](repeating: 0, count: 24) + Self.burst(Self.payload) + [UInt8](repeating: 0, count: 24)
        for k in [1, 9, 17, 25, 30] { bits[24 + k] ^= 1 }
        var d = QUBIKDeframer()
        #expect(DeframerTestSupport.deframe(DeframerTestSupport.softSymbols(bits), with: &d).isEmpty)
        var tolerant = QUBIKDeframer(syncErrors: 5)
        #expect(DeframerTestSupport.deframe(DeframerTestSupport.softSymbols(bits), with: &tolerant).first?.checkPassed == true)
    }

    @Test func reedSolomonCorrectsAndErasuresHelp() {
        let bits = [UInt8](repeating: 0, count: 24) + Self.burst(Self.payload) + [UInt8](repeating: 0, count: 24)
        let first = 24 + 32
        // 16 strongly wrong bytes (one bit each, parity bytes included): hard RS corrects them.
        let strong = (0..<16).map { first + 8 * (10 * $0 + 3) + $0 % 8 }
        var d = QUBIKDeframer()
        let frames = DeframerTestSupport.deframe(DeframerTestSupport.softSymbols(bits, wrong: strong, sure: true), with: &d)
        #expect(frames.count == 1 && frames.first?.checkPassed == true && frames.first?.correctedSymbols == 16)
        #expect(frames.first?.bytes == Self.payload)
        // 24 weakly wrong bytes: beyond hard decoding, recovered with the weak bytes erased.
        let weak = (0..<24).map { first + 8 * (6 * $0 + 1) + 5 }
        var e = QUBIKDeframer()
        let weakFrames = DeframerTestSupport.deframe(DeframerTestSupport.softSymbols(bits, wrong: weak), with: &e)
        #expect(weakFrames.count == 1 && weakFrames.first?.checkPassed == true && weakFrames.first?.correctedSymbols == 24)
        #expect(weakFrames.first?.bytes == Self.payload)
    }

    @Test func aFrameBeyondCorrectionIsNeverGood() {
        let bits = [UInt8](repeating: 0, count: 24) + Self.burst(Self.payload) + [UInt8](repeating: 0, count: 24)
        let first = 24 + 32
        let wrong = (0..<20).map { first + 8 * (8 * $0 + 2) + 3 }
        var d = QUBIKDeframer()
        let frames = DeframerTestSupport.deframe(DeframerTestSupport.softSymbols(bits, wrong: wrong, sure: true), with: &d)
        #expect(frames.count == 1 && frames.first?.checkPassed == false && frames.first?.bytes.count == 126)
        // After a sync word with 3 errors: not reported.
        var damaged = bits
        for k in [24 + 2, 24 + 12, 24 + 22] { damaged[k] ^= 1 }
        var e = QUBIKDeframer()
        #expect(DeframerTestSupport.deframe(DeframerTestSupport.softSymbols(damaged, wrong: wrong, sure: true), with: &e).isEmpty)
    }

    @Test func randomInputGivesNoGoodFrames() {
        var rng = SplitMix64(seed: 0x0B1C_0003)
        var d = QUBIKDeframer()
        let symbols = (0..<200_000).map { _ in UInt8.random(in: 0...255, using: &rng) }
        let frames = DeframerTestSupport.deframe(symbols, with: &d, chunk: 4096)
        #expect(frames.filter(\.checkPassed).isEmpty)
    }
}
