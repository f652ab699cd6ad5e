import Testing
import TelemetryDecode
import TestSupport

/// Grizu-263A (SX1268: 0x0123456789ABCDEF, `L | data | CRC-16` whitened with PN9 seeded 0x100, CC11xx
/// CRC). The reference packet and check values were computed in Python from the published facts,
/// following gr-satellites' chain step by step (reflect each byte, additive PN9 scrambler with seed
/// 0x100 LSB first per byte, reflect again; bitwise CRC), independently of this code.
@Suite(.computeThreads) struct Grizu263ADeframerTests {
    static let payload = Array("Grizu-263A test frame".utf8)
    /// The bytes after the sync word for `payload` (CRC before whitening: 0x0962).
    static let air = "15cfba83a297795ecfd19d84675f4d845fa5ae4db6b5ef70"
    static let preamble: [UInt8] = [0x55, 0x55, 0x55, 0x55, 0x01, 0x23, 0x45, 0x67, 0x89, 0xAB, 0xCD, 0xEF]

    static func randomBits(_ n: Int, _ rng: inout SplitMix64) -> [UInt8] {
        (0..<n).map { _ in UInt8.random(in: 0...1, using: &rng) }
    }

    static func burst(_ payload: [UInt8]) -> [UInt8] {
        DeframerTestSupport.bits(preamble + Grizu263ADeframer.encode(payload)!)
    }

    @Test func independentReferencePacket() throws {
        let crc = CRCAlgorithm(name: "CC11xx", width: 16, polynomial: 0x8005, initial: 0xFFFF, reflected: false, xorOut: 0)
        #expect(crc.checksum(Array("123456789".utf8)) == 0xAEE7)
        #expect(crc.checksum([UInt8(Self.payload.count)] + Self.payload) == 0x0962)
        let air = try #require(Grizu263ADeframer.encode(Self.payload))
        #expect(Hex.string(air) == Self.air)
        // Seed 0x100: the first whitening byte is zero, the length byte goes out in clear.
        #expect(air[0] == UInt8(Self.payload.count))
        let frame = try #require(Grizu263ADeframer.decode(air + [0xAA]))
        #expect(frame.checkPassed && frame.bytes == Self.payload && frame.framing == "Grizu-263A")
        #expect(Grizu263ADeframer.framingName == "Grizu-263A")
        #expect(Grizu263ADeframer.encode([]) == nil)
        #expect(Grizu263ADeframer.encode([UInt8](repeating: 1, count: 256)) == nil)
        #expect(Grizu263ADeframer.encode([UInt8](repeating: 1, count: 255))?.count == 258)
    }

    @Test(arguments: [false, true])
    func randomPacketsInAStreamInChunksWithSyncErrors(inverted: Bool) {
        var rng = SplitMix64(seed: inverted ? 0x6121_0002 : 0x6121_0001)
        var expected: [[UInt8]] = []
        var bits = Self.randomBits(300, &rng)
        for (n, length) in [1, 255, 37, 64, 5, 200].enumerated() {
            let payload = (0..<length).map { _ in UInt8.random(in: 0...255, using: &rng) }
            expected.append(payload)
            var b = Self.burst(payload)
            // Up to 8 sync word errors (gr-satellites' threshold), spread over the 64 bits.
            for k in 0..<min(8, 2 * n) { b[32 + 3 + 7 * k] ^= 1 }
            bits += b + Self.randomBits(Int.random(in: 0...300, using: &rng), &rng)
        }
        let symbols = DeframerTestSupport.softSymbols(bits, inverted: inverted)
        for chunk in [1, 50, 4000] {
            var d = Grizu263ADeframer()
            let frames = DeframerTestSupport.deframe(symbols, with: &d, chunk: chunk)
            #expect(frames.filter(\.checkPassed).map(\.bytes) == expected, "chunk \(chunk)")
            #expect(frames.allSatisfy { $0.checkPassed && $0.correctedSymbols == 0 && $0.framing == "Grizu-263A" })
        }
    }

    @Test func nineSyncErrorsAreTooMany() {
        var bits = [UInt8](repeating: 0, count: 40) + Self.burst(Self.payload) + [UInt8](repeating: 0, count: 40)
        for k in 0..<9 { bits[40 + 32 + 2 + 7 * k] ^= 1 }
        var d = Grizu263ADeframer()
        #expect(DeframerTestSupport.deframe(DeframerTestSupport.softSymbols(bits), with: &d).isEmpty)
        var tolerant = Grizu263ADeframer(syncErrors: 9)
        #expect(DeframerTestSupport.deframe(DeframerTestSupport.softSymbols(bits), with: &tolerant).map(\.bytes) == [Self.payload])
    }

    @Test func weakWrongBitsAreRepaired() {
        let bits = [UInt8](repeating: 0, count: 24) + Self.burst(Self.payload) + [UInt8](repeating: 0, count: 24)
        let first = 24 + 8 * 13   // first data bit
        for wrong in [[first + 50], [first + 3, first + 150]] {
            var d = Grizu263ADeframer()
            let frames = DeframerTestSupport.deframe(DeframerTestSupport.softSymbols(bits, wrong: wrong), with: &d)
            #expect(frames.count == 1 && frames.first?.checkPassed == true && frames.first?.correctedSymbols == wrong.count)
            #expect(frames.first?.bytes == Self.payload)
        }
    }

    @Test func aPacketBeyondRepairIsReportedAsFailed() {
        let bits = [UInt8](repeating: 0, count: 24) + Self.burst(Self.payload) + [UInt8](repeating: 0, count: 24)
        let first = 24 + 8 * 13
        var d = Grizu263ADeframer()
        let wrong = [first + 1, first + 40, first + 77]
        let frames = DeframerTestSupport.deframe(DeframerTestSupport.softSymbols(bits, wrong: wrong, sure: true), with: &d)
        #expect(frames.count == 1 && frames.first?.checkPassed == false)
    }

    @Test func randomInputGivesNoGoodFrames() {
        var rng = SplitMix64(seed: 0x6121_A5A7)
        var d = Grizu263ADeframer()
        var frames: [DecodedFrame] = []
        for _ in 0..<4 {
            let symbols = (0..<50_000).map { _ in UInt8.random(in: 0...255, using: &rng) }
            frames += DeframerTestSupport.deframe(symbols, with: &d, chunk: 3000)
        }
        #expect(frames.filter(\.checkPassed).isEmpty)
    }
}
