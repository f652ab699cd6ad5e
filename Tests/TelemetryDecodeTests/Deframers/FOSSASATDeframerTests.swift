import Testing
import TelemetryDecode
import TestSupport

/// FOSSASAT (SX126x: 0x55551212, whitened `L | data | CRC-16` with polynomial 0x1021, initial 0x1D0F,
/// final XOR 0xFFFF). The reference packet and check values were computed in Python from the published
/// facts, following gr-satellites' chain step by step (reflect each byte, additive PN9 scrambler with
/// seed 0x1FF LSB first per byte, reflect again; bitwise CRC), independently of this code.
@Suite(.computeThreads) struct FOSSASATDeframerTests {
    static let payload = Array("FOSSASAT-2".utf8) + [0x10] + Array("hello".utf8)
    /// The bytes after the sync word for `payload` (CRC before whitening: 0x7FC9).
    static let air = "efc1f70ae4e09f650373798c668c863c45c17d"
    static let preamble: [UInt8] = [0x55, 0x55, 0x55, 0x55, 0x55, 0x55, 0x12, 0x12]

    static func randomBits(_ n: Int, _ rng: inout SplitMix64) -> [UInt8] {
        (0..<n).map { _ in UInt8.random(in: 0...1, using: &rng) }
    }

    static func burst(_ payload: [UInt8]) -> [UInt8] {
        DeframerTestSupport.bits(preamble + FOSSASATDeframer.encode(payload)!)
    }

    @Test func independentReferencePacket() throws {
        #expect(FOSSASATDeframer.crc.checksum(Array("123456789".utf8)) == 0x1A33)
        #expect(FOSSASATDeframer.crc.checksum([UInt8(Self.payload.count)] + Self.payload) == 0x7FC9)
        #expect(FOSSASATDeframer.encode(Self.payload).map { Hex.string($0) } == Self.air)
        let frame = try #require(FOSSASATDeframer.decode(Hex.bytes(Self.air) + [0x12, 0x34]))
        #expect(frame.checkPassed && frame.bytes == Self.payload && frame.framing == "FOSSASAT")
        #expect(FOSSASATDeframer.framingName == "FOSSASAT")
        #expect(FOSSASATDeframer.encode([]) == nil)
        #expect(FOSSASATDeframer.encode([UInt8](repeating: 7, count: 253)) == nil)
        #expect(FOSSASATDeframer.encode([UInt8](repeating: 7, count: 252))?.count == 255)
    }

    @Test(arguments: [false, true])
    func randomPacketsInAStreamInChunks(inverted: Bool) {
        var rng = SplitMix64(seed: inverted ? 0xF055_0002 : 0xF055_0001)
        var expected: [[UInt8]] = []
        var bits = Self.randomBits(300, &rng)
        for length in [1, 252, 37, 64, 5, 200, 2] {
            let payload = (0..<length).map { _ in UInt8.random(in: 0...255, using: &rng) }
            expected.append(payload)
            bits += Self.burst(payload) + Self.randomBits(Int.random(in: 0...300, using: &rng), &rng)
        }
        let symbols = DeframerTestSupport.softSymbols(bits, inverted: inverted)
        for chunk in [1, 50, 4000] {
            var d = FOSSASATDeframer()
            let frames = DeframerTestSupport.deframe(symbols, with: &d, chunk: chunk)
            #expect(frames.filter(\.checkPassed).map(\.bytes) == expected, "chunk \(chunk)")
            #expect(frames.allSatisfy { $0.checkPassed && $0.correctedSymbols == 0 && $0.framing == "FOSSASAT" })
        }
    }

    @Test func aSyncBitErrorNeedsATolerantSearch() {
        var bits = [UInt8](repeating: 0, count: 40) + Self.burst(Self.payload) + [UInt8](repeating: 0, count: 40)
        bits[40 + 8 * 6 + 3] ^= 1   // in 0x1212
        bits[40 + 8 * 5 + 6] ^= 1   // in the preamble part of the sync word
        var strict = FOSSASATDeframer()
        #expect(DeframerTestSupport.deframe(DeframerTestSupport.softSymbols(bits), with: &strict).isEmpty)
        var tolerant = FOSSASATDeframer(syncErrors: 2)
        let frames = DeframerTestSupport.deframe(DeframerTestSupport.softSymbols(bits), with: &tolerant)
        #expect(frames.count == 1 && frames.first?.checkPassed == true && frames.first?.bytes == Self.payload)
    }

    @Test func weakWrongBitsAreRepaired() {
        let bits = [UInt8](repeating: 0, count: 24) + Self.burst(Self.payload) + [UInt8](repeating: 0, count: 24)
        let first = 24 + 8 * 9   // first data bit (after the preamble, sync word and length byte)
        for wrong in [[first + 50], [first + 3, first + 130]] {
            var d = FOSSASATDeframer()
            let frames = DeframerTestSupport.deframe(DeframerTestSupport.softSymbols(bits, wrong: wrong), with: &d)
            #expect(frames.count == 1 && frames.first?.checkPassed == true && frames.first?.correctedSymbols == wrong.count)
            #expect(frames.first?.bytes == Self.payload)
        }
    }

    @Test func aPacketBeyondRepairIsReportedAsFailed() {
        let bits = [UInt8](repeating: 0, count: 24) + Self.burst(Self.payload) + [UInt8](repeating: 0, count: 24)
        let first = 24 + 8 * 9
        var d = FOSSASATDeframer()
        let wrong = [first + 1, first + 40, first + 77]
        let frames = DeframerTestSupport.deframe(DeframerTestSupport.softSymbols(bits, wrong: wrong, sure: true), with: &d)
        #expect(frames.count == 1 && frames.first?.checkPassed == false)
    }

    @Test func randomInputGivesNoGoodFrames() {
        var rng = SplitMix64(seed: 0xF055_A5A7)
        for syncErrors in [0, 3] {
            var d = FOSSASATDeframer(syncErrors: syncErrors)
            var frames: [DecodedFrame] = []
            for _ in 0..<4 {
                let symbols = (0..<50_000).map { _ in UInt8.random(in: 0...255, using: &rng) }
                frames += DeframerTestSupport.deframe(symbols, with: &d, chunk: 3000)
            }
            #expect(frames.filter(\.checkPassed).isEmpty, "syncErrors \(syncErrors)")
        }
    }
}
