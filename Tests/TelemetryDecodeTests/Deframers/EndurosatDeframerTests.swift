import Testing
import TelemetryDecode
import TestSupport

/// Endurosat (0xAA×5, 0x7E, L, packet, CRC-16/IBM-3740 over L and packet). The reference packet and
/// CRC values were computed in Python with a bitwise CRC written from the published parameters
/// (polynomial 0x1021, initial 0xFFFF, MSB first, no final XOR), independently of this code.
@Suite(.computeThreads) struct EndurosatDeframerTests {
    static let packet = "JAGSAT-1 Endurosat test packet"
    /// The bytes after the flag: L = 0x1e, the packet, CRC 0x1211.
    static let air = "1e4a41475341542d3120456e6475726f7361742074657374207061636b65741211"

    static func randomBits(_ n: Int, _ rng: inout SplitMix64) -> [UInt8] {
        (0..<n).map { _ in UInt8.random(in: 0...1, using: &rng) }
    }

    static func burst(_ packet: [UInt8]) -> [UInt8] {
        DeframerTestSupport.bits(EndurosatDeframer.header + EndurosatDeframer.encode(packet)!)
    }

    @Test func independentReferencePacket() throws {
        // CRC-16/IBM-3740's published check value, and the reference packet.
        #expect(CRCAlgorithm.ibm3740.checksum(Array("123456789".utf8)) == 0x29B1)
        #expect(CRCAlgorithm.ibm3740.checksum([0x00]) == 0xE1F0)
        let packet = Array(Self.packet.utf8)
        #expect(EndurosatDeframer.encode(packet).map { Hex.string($0) } == Self.air)
        let frame = try #require(EndurosatDeframer.decode(Hex.bytes(Self.air)))
        // Output: the length byte and the packet, as gr-satellites.
        #expect(frame.checkPassed && frame.bytes == [UInt8(packet.count)] + packet)
        #expect(frame.framing == "Endurosat" && EndurosatDeframer.framingName == "Endurosat")
        #expect(EndurosatDeframer.encode([UInt8](repeating: 0, count: 129)) == nil)
        #expect(EndurosatDeframer.encode([]) == [0x00, 0xE1, 0xF0])
        // A length above 128 is no packet.
        #expect(EndurosatDeframer.decode([0x81] + [UInt8](repeating: 0, count: 200)) == nil)
    }

    @Test(arguments: [false, true])
    func randomPacketsInAStreamInChunks(inverted: Bool) {
        var rng = SplitMix64(seed: inverted ? 0xE4D0_0002 : 0xE4D0_0001)
        var expected: [[UInt8]] = []
        var bits = Self.randomBits(200, &rng)
        for length in [0, 1, 128, 37, 64, 5, 100] {
            let packet = (0..<length).map { _ in UInt8.random(in: 0...255, using: &rng) }
            expected.append([UInt8(length)] + packet)
            var b = Self.burst(packet)
            // A wrong bit early in the preamble does not matter: gr-satellites looks at 0xAA7E only.
            if length == 37 { b[5] ^= 1 }
            bits += b + Self.randomBits(Int.random(in: 0...300, using: &rng), &rng)
        }
        let symbols = DeframerTestSupport.softSymbols(bits, inverted: inverted)
        for chunk in [1, 50, 4000] {
            var d = EndurosatDeframer()
            let frames = DeframerTestSupport.deframe(symbols, with: &d, chunk: chunk)
            #expect(frames.filter(\.checkPassed).map(\.bytes) == expected, "chunk \(chunk)")
            #expect(frames.allSatisfy { $0.correctedSymbols == 0 && $0.framing == EndurosatDeframer.framingName })
        }
    }

    @Test func aFlagBitErrorNeedsATolerantSyncSearch() {
        let packet = Array(Self.packet.utf8)
        var bits = [UInt8](repeating: 0, count: 24) + Self.burst(packet) + [UInt8](repeating: 0, count: 24)
        bits[24 + 8 * 5 + 3] ^= 1   // a flag bit
        var strict = EndurosatDeframer()
        #expect(DeframerTestSupport.deframe(DeframerTestSupport.softSymbols(bits), with: &strict).isEmpty)
        var tolerant = EndurosatDeframer(syncErrors: 1)
        let frames = DeframerTestSupport.deframe(DeframerTestSupport.softSymbols(bits), with: &tolerant)
        #expect(frames.count == 1 && frames.first?.checkPassed == true)
        #expect(frames.first?.bytes == [UInt8(packet.count)] + packet)
    }

    @Test func weakWrongBitsAreRepairedAfterAnIntactPreamble() {
        let packet = Array(Self.packet.utf8)
        let bits = [UInt8](repeating: 0, count: 24) + Self.burst(packet) + [UInt8](repeating: 0, count: 24)
        let first = 24 + 8 * 7   // first packet bit (after the header and the length byte)
        for wrong in [[first + 50], [first + 3, first + 200]] {
            var d = EndurosatDeframer()
            let frames = DeframerTestSupport.deframe(DeframerTestSupport.softSymbols(bits, wrong: wrong), with: &d)
            #expect(frames.count == 1 && frames.first?.checkPassed == true && frames.first?.correctedSymbols == wrong.count)
            #expect(frames.first?.bytes == [UInt8(packet.count)] + packet)
        }
        // With the preamble before 0xAA7E damaged, no repair and no failure report.
        var damaged = bits
        for k in [24 + 17, 24 + 20, 24 + 29] { damaged[k] ^= 1 }
        var d = EndurosatDeframer()
        #expect(DeframerTestSupport.deframe(DeframerTestSupport.softSymbols(damaged, wrong: [first + 50]), with: &d).isEmpty)
    }

    @Test func aPacketBeyondRepairIsNeverGood() {
        let packet = Array(Self.packet.utf8)
        let bits = [UInt8](repeating: 0, count: 24) + Self.burst(packet) + [UInt8](repeating: 0, count: 24)
        let first = 24 + 8 * 7
        var d = EndurosatDeframer()
        let frames = DeframerTestSupport.deframe(
            DeframerTestSupport.softSymbols(bits, wrong: [first + 1, first + 90, first + 170], sure: true), with: &d)
        #expect(frames.count == 1 && frames.first?.checkPassed == false && frames.first?.bytes.count == packet.count + 1)
    }

    @Test func randomInputGivesNoGoodFrames() {
        var rng = SplitMix64(seed: 0x454E_4455)
        var d = EndurosatDeframer()
        let symbols = (0..<200_000).map { _ in UInt8.random(in: 0...255, using: &rng) }
        let frames = DeframerTestSupport.deframe(symbols, with: &d, chunk: 4096)
        #expect(frames.filter(\.checkPassed).isEmpty)
    }
}
