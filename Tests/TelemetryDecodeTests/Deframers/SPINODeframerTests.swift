import TelemetryDecode
import Testing
import TestSupport

/// SPINO: a frame and its CRC worked out in Python from the published facts (length field at bytes
/// 16-17 little-endian, CRC-16/XMODEM low byte first), independently of this code; then the deframer
/// in streams, with sync errors, inversion, weak bits and random input.
@Suite(.computeThreads) struct SPINODeframerTests {
    static let header: [UInt8] = [0x82, 0xA0, 0xA4, 0xA6, 0x40, 0x40, 0xE0, 0xA6, 0xA0, 0x92, 0x9C, 0x9E, 0x40, 0x61, 0x03, 0xF0]
    static let payload = Array("SPINO test payload 42".utf8)
    /// Python: the frame (L = 25) and its CRC 0x41F0, low byte first.
    static let airHex = "82a0a4a64040e0a6a0929c9e406103f019005350494e4f2074657374207061796c6f6164203432f041"
    static let syncBits = DeframerTestSupport.bits(SPINODeframer.syncWord)

    static func randomFrame(_ rng: inout SplitMix64, size: Int? = nil) -> [UInt8] {
        let n = size ?? Int(rng.next() % 219)
        return SPINODeframer.frame(header: header, payload: (0..<n).map { _ in UInt8(truncatingIfNeeded: rng.next()) })
    }

    @Test func independentReferenceValues() throws {
        #expect(SPINODeframer.framingName == "SPINO")
        #expect(SPINODeframer.crc16.checksum(Array("123456789".utf8)) == 0x31C3)
        let frame = SPINODeframer.frame(header: Self.header, payload: Self.payload)
        #expect(Hex.string(SPINODeframer.encode(frame, pad: false)) == Self.airHex)
        let air = SPINODeframer.encode(frame)
        #expect(air.count == 240)
        let decoded = try #require(SPINODeframer.decode(air))
        #expect(decoded.checkPassed && decoded.bytes == frame)
    }

    @Test(arguments: [false, true])
    func randomFramesInAStreamBothPolarities(inverted: Bool) {
        var rng = SplitMix64(seed: inverted ? 0x5350 : 0x5351)
        // Smallest (L = 4) to largest (L = 222), and random sizes.
        let frames = [randomFrameOf(0, &rng), randomFrameOf(218, &rng)] + (0..<5).map { _ in Self.randomFrame(&rng) }
        var bits: [UInt8] = (0..<99).map { _ in UInt8(rng.next() & 1) }
        for f in frames {
            bits += DeframerTestSupport.bits([0x55, 0x55]) + Self.syncBits + DeframerTestSupport.bits(SPINODeframer.encode(f))
            bits += (0..<(Int(rng.next() % 60))).map { _ in UInt8(rng.next() & 1) }
        }
        for chunk in [1, 511, 100_000] {
            var d = SPINODeframer()
            let out = DeframerTestSupport.deframe(DeframerTestSupport.softSymbols(bits, inverted: inverted), with: &d, chunk: chunk)
            #expect(out.map(\.bytes) == frames, "chunk \(chunk)")
            #expect(out.allSatisfy { $0.checkPassed && $0.framing == "SPINO" && $0.correctedSymbols == 0 })
        }
    }

    func randomFrameOf(_ n: Int, _ rng: inout SplitMix64) -> [UInt8] { Self.randomFrame(&rng, size: n) }

    @Test func syncErrorsAsConfigured() {
        var sync = Self.syncBits
        sync[9] ^= 1
        let frame = SPINODeframer.frame(header: Self.header, payload: Self.payload)
        let bits = sync + DeframerTestSupport.bits(SPINODeframer.encode(frame))
        var strict = SPINODeframer()
        #expect(DeframerTestSupport.deframe(DeframerTestSupport.softSymbols(bits), with: &strict).isEmpty)
        var lenient = SPINODeframer(syncErrors: 1)
        #expect(DeframerTestSupport.deframe(DeframerTestSupport.softSymbols(bits), with: &lenient).map(\.bytes) == [frame])
    }

    @Test func weakBitsAreRepairedAndBrokenFramesReportedFailed() {
        let frame = SPINODeframer.frame(header: Self.header, payload: Self.payload)
        let bits = Self.syncBits + DeframerTestSupport.bits(SPINODeframer.encode(frame))
        for wrong in [[32 + 77], [32 + 40, 32 + 300]] {
            var d = SPINODeframer()
            let out = DeframerTestSupport.deframe(DeframerTestSupport.softSymbols(bits, wrong: wrong), with: &d)
            #expect(out.count == 1 && out.first?.checkPassed == true && out.first?.correctedSymbols == wrong.count)
            #expect(out.first?.bytes == frame)
        }
        // Wrong and sure: no repair, reported failed.
        var d = SPINODeframer()
        let out = DeframerTestSupport.deframe(DeframerTestSupport.softSymbols(bits, wrong: [32 + 200, 32 + 250], sure: true), with: &d)
        #expect(out.count == 1 && out.first?.checkPassed == false)
    }

    @Test func randomInputGivesNoGoodFrames() {
        var rng = SplitMix64(seed: 0x5352)
        let noise = (0..<200_000).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
        var d = SPINODeframer()
        #expect(DeframerTestSupport.deframe(noise, with: &d, chunk: 4096).filter(\.checkPassed).isEmpty)
        // The sync word planted before random bytes with a plausible length field.
        var planted: [UInt8] = []
        for _ in 0..<100 {
            var block = (0..<240).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
            block[16] = UInt8(4 + rng.next() % 200)
            block[17] = 0
            planted += DeframerTestSupport.softSymbols(Self.syncBits + DeframerTestSupport.bits(block))
        }
        var d2 = SPINODeframer()
        let out = DeframerTestSupport.deframe(planted, with: &d2, chunk: 4096)
        #expect(out.filter(\.checkPassed).isEmpty)
        #expect(out.count == 100)
    }
}
