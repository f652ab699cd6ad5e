import Testing
import TelemetryDecode
import TestSupport

/// AO-40 uncoded (sync 0x3915ED30, 512-byte block, CRC-16/IBM-3740 high byte first, 514 bytes out).
/// The reference CRC was computed in Python with a bitwise CRC written from the published parameters
/// (polynomial 0x1021, initial 0xFFFF, MSB first, no final XOR), independently of this code.
@Suite(.computeThreads) struct AO40UncodedDeframerTests {
    /// A text block like the beacon's, 512 bytes; its CRC is 0x34C7.
    static let block: [UInt8] = Array(
        String(repeating: "HI, THIS IS AMSAT OSCAR 40 (P3D) TELEMETRY BLOCK FOR A ROUND-TRIP TEST. ", count: 8).utf8.prefix(512))

    static func randomBits(_ n: Int, _ rng: inout SplitMix64) -> [UInt8] {
        (0..<n).map { _ in UInt8.random(in: 0...1, using: &rng) }
    }

    static func burst(_ block: [UInt8], syncErrors: Int) -> [UInt8] {
        var sync = DeframerTestSupport.bits(AO40UncodedDeframer.syncWord)
        for k in 0..<syncErrors { sync[4 + 9 * k] ^= 1 }
        return sync + DeframerTestSupport.bits(AO40UncodedDeframer.encode(block)!)
    }

    @Test func independentReferenceBlock() throws {
        #expect(CRCAlgorithm.ibm3740.checksum(Array("123456789".utf8)) == 0x29B1)
        let air = try #require(AO40UncodedDeframer.encode(Self.block))
        #expect(air.count == 514 && Array(air.suffix(2)) == [0x34, 0xC7])
        let frame = try #require(AO40UncodedDeframer.decode(air + [0x12, 0x34]))
        // Output: the block and its CRC, as gr-satellites.
        #expect(frame.checkPassed && frame.bytes == air)
        #expect(frame.framing == "AO-40 uncoded" && AO40UncodedDeframer.framingName == "AO-40 uncoded")
        #expect(AO40UncodedDeframer.encode(Array(Self.block.dropLast())) == nil)
        #expect(AO40UncodedDeframer.decode(Array(air.dropLast())) == nil)
    }

    @Test(arguments: [false, true])
    func randomBlocksInAStreamInChunks(inverted: Bool) {
        var rng = SplitMix64(seed: inverted ? 0xA040_0002 : 0xA040_0001)
        var expected: [[UInt8]] = []
        var bits = Self.randomBits(500, &rng)
        for errors in [0, 3, 1, 2] {
            let block = (0..<512).map { _ in UInt8.random(in: 0...255, using: &rng) }
            expected.append(AO40UncodedDeframer.encode(block)!)
            bits += Self.burst(block, syncErrors: errors) + Self.randomBits(Int.random(in: 0...700, using: &rng), &rng)
        }
        let symbols = DeframerTestSupport.softSymbols(bits, inverted: inverted)
        for chunk in [1, 333, 20_000] {
            var d = AO40UncodedDeframer()
            let frames = DeframerTestSupport.deframe(symbols, with: &d, chunk: chunk)
            #expect(frames.count == expected.count && frames.allSatisfy { $0.checkPassed && $0.correctedSymbols == 0 })
            #expect(frames.map(\.bytes) == expected, "chunk \(chunk)")
        }
    }

    @Test func weakWrongBitsAreRepaired() {
        let bits = [UInt8](repeating: 1, count: 40) + Self.burst(Self.block, syncErrors: 1) + [UInt8](repeating: 0, count: 40)
        let first = 40 + 32
        for wrong in [[first + 1000], [first + 7, first + 4100]] {
            var d = AO40UncodedDeframer()
            let frames = DeframerTestSupport.deframe(DeframerTestSupport.softSymbols(bits, wrong: wrong), with: &d)
            #expect(frames.count == 1 && frames.first?.checkPassed == true && frames.first?.correctedSymbols == wrong.count)
            #expect(frames.first?.bytes == AO40UncodedDeframer.encode(Self.block))
        }
    }

    @Test func aBlockBeyondRepairIsNeverGood() {
        let bits = [UInt8](repeating: 1, count: 40) + Self.burst(Self.block, syncErrors: 0) + [UInt8](repeating: 0, count: 40)
        let wrong = [72 + 10, 72 + 2000, 72 + 3000]
        var d = AO40UncodedDeframer()
        let frames = DeframerTestSupport.deframe(DeframerTestSupport.softSymbols(bits, wrong: wrong, sure: true), with: &d)
        #expect(frames.count == 1 && frames.first?.checkPassed == false && frames.first?.bytes.count == 514)
        // After a 2-error sync vector the failure is not reported, and weak bits are not repaired.
        let weakSync = [UInt8](repeating: 1, count: 40) + Self.burst(Self.block, syncErrors: 2) + [UInt8](repeating: 0, count: 40)
        var d2 = AO40UncodedDeframer()
        #expect(DeframerTestSupport.deframe(DeframerTestSupport.softSymbols(weakSync, wrong: [72 + 500]), with: &d2).isEmpty)
    }

    @Test func randomInputGivesNoGoodFrames() {
        var rng = SplitMix64(seed: 0x414F_3430)
        var d = AO40UncodedDeframer()
        let symbols = (0..<200_000).map { _ in UInt8.random(in: 0...255, using: &rng) }
        let frames = DeframerTestSupport.deframe(symbols, with: &d, chunk: 4096)
        #expect(frames.filter(\.checkPassed).isEmpty)
    }
}
