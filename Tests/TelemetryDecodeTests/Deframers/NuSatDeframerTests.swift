import TelemetryDecode
import Testing
import TestSupport

/// NuSat: a block worked out in Python from the published facts (RS over GF(2^8) with polynomial
/// 0x11D, roots α^1...α^4; CRC-8 poly 0x07; the scrambling sequence), independently of this code, and
/// checked there to be a codeword also in gr-satellites' zero-padded full-length view; then the
/// deframer in streams, with byte errors, inversion and random input.
@Suite(.computeThreads) struct NuSatDeframerTests {
    static let packet = Array("NuSat-1 Fresco test packet 0123456789".utf8)
    /// Python: the 64-byte block (CRC-8 0x60, length 37).
    static let blockHex = "256053fe556d20f210eb1a0686660b6b61e51f4e0ea1403679616caf13672eb4dc6cd5208aa39f0000000000000000000000000000000000000000006b63fc2f"
    static let syncBits = DeframerTestSupport.bits(NuSatDeframer.syncWord)

    static func randomPacket(_ rng: inout SplitMix64) -> [UInt8] {
        (0..<(1 + Int(rng.next() % 58))).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
    }

    @Test func independentReferenceValues() throws {
        #expect(NuSatDeframer.framingName == "NuSat")
        #expect(NuSatDeframer.crc8.checksum(Array("123456789".utf8)) == 0xF4)
        #expect(NuSatDeframer.crc8.checksum(Self.packet) == 0x60)
        #expect(Hex.string(NuSatDeframer.encode(Self.packet)) == Self.blockHex)
        let frame = try #require(NuSatDeframer.decode(Hex.bytes(Self.blockHex)))
        #expect(frame.checkPassed && frame.bytes == Self.packet && frame.correctedSymbols == 0)
    }

    @Test(arguments: [false, true])
    func randomPacketsInAStreamBothPolarities(inverted: Bool) {
        var rng = SplitMix64(seed: inverted ? 0x4E55 : 0x4E54)
        var packets: [[UInt8]] = []
        var bits: [UInt8] = (0..<101).map { _ in UInt8(rng.next() & 1) }
        for i in 0..<8 {
            let p = Self.randomPacket(&rng)
            packets.append(p)
            var block = NuSatDeframer.encode(p)
            // Up to two byte errors per block (what the code corrects), some in the parity.
            for k in 0..<(i % 3) { block[(17 * i + 29 * k) % 64] ^= UInt8(truncatingIfNeeded: 1 + rng.next() % 255) }
            bits += DeframerTestSupport.bits([0x55, 0x55]) + Self.syncBits + DeframerTestSupport.bits(block)
            bits += (0..<(20 + Int(rng.next() % 40))).map { _ in UInt8(rng.next() & 1) }
        }
        for chunk in [1, 257, 100_000] {
            var d = NuSatDeframer()
            let out = DeframerTestSupport.deframe(DeframerTestSupport.softSymbols(bits, inverted: inverted), with: &d, chunk: chunk)
            #expect(out.map(\.bytes) == packets, "chunk \(chunk)")
            #expect(out.map(\.correctedSymbols) == (0..<8).map { $0 % 3 })
            #expect(out.allSatisfy { $0.checkPassed && $0.framing == "NuSat" })
        }
    }

    @Test func syncErrorsAsConfigured() {
        var sync = Self.syncBits
        sync[5] ^= 1
        sync[20] ^= 1
        let bits = sync + DeframerTestSupport.bits(NuSatDeframer.encode(Self.packet)) + DeframerTestSupport.bits([0, 0])
        var strict = NuSatDeframer()
        #expect(DeframerTestSupport.deframe(DeframerTestSupport.softSymbols(bits), with: &strict).isEmpty)
        var lenient = NuSatDeframer(syncErrors: 2)
        let out = DeframerTestSupport.deframe(DeframerTestSupport.softSymbols(bits), with: &lenient)
        #expect(out.map(\.bytes) == [Self.packet] && out.allSatisfy(\.checkPassed))
    }

    @Test func aBlockBeyondCorrectionIsNotGood() {
        var block = NuSatDeframer.encode(Self.packet)
        // Three byte errors, the length byte intact.
        for i in [10, 30, 50] { block[i] ^= 0x5A }
        let bits = Self.syncBits + DeframerTestSupport.bits(block) + DeframerTestSupport.bits([0, 0])
        var d = NuSatDeframer()
        let out = DeframerTestSupport.deframe(DeframerTestSupport.softSymbols(bits), with: &d)
        #expect(out.count == 1 && out.first?.checkPassed == false)
        // A block that is a codeword but whose CRC-8 is wrong: failed too.
        var data = Array(NuSatDeframer.encode(Self.packet).prefix(60))
        data[1] ^= 0x01
        let recoded = try! NuSatDeframer.code.encode(data)
        var d2 = NuSatDeframer()
        let out2 = DeframerTestSupport.deframe(
            DeframerTestSupport.softSymbols(Self.syncBits + DeframerTestSupport.bits(recoded)), with: &d2)
        #expect(out2.count == 1 && out2.first?.checkPassed == false)
    }

    @Test func randomInputGivesNoGoodFrames() {
        var rng = SplitMix64(seed: 0x4E56)
        let noise = (0..<200_000).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
        var d = NuSatDeframer()
        #expect(DeframerTestSupport.deframe(noise, with: &d, chunk: 4096).filter(\.checkPassed).isEmpty)
        // The sync word planted before random blocks: every candidate reaches the decoder.
        var planted: [UInt8] = []
        for _ in 0..<500 {
            planted += DeframerTestSupport.softSymbols(Self.syncBits)
            planted += (0..<600).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
        }
        var d2 = NuSatDeframer()
        #expect(DeframerTestSupport.deframe(planted, with: &d2, chunk: 4096).filter(\.checkPassed).isEmpty)
    }
}
