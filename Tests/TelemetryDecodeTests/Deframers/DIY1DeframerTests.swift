import Testing
import TelemetryDecode
import TestSupport

/// DIY-1 (RFM22: sync 0x2DD4, 4-byte header, L, data, CRC-16/XMODEM high byte first, no whitening). The
/// reference packet and the CRC check value were computed in Python with a bitwise CRC written from the
/// published parameters (polynomial 0x1021, initial 0, MSB first, no final XOR), independently of this code.
@Suite(.computeThreads) struct DIY1DeframerTests {
    static let header: [UInt8] = [0x44, 0x49, 0x59, 0x31]
    static let data = "PocketQube telemetry"
    /// The bytes after the sync word: header, L = 0x14, data, CRC 0x923A.
    static let air = "4449593114506f636b6574517562652074656c656d65747279923a"

    static func randomBits(_ n: Int, _ rng: inout SplitMix64) -> [UInt8] {
        (0..<n).map { _ in UInt8.random(in: 0...1, using: &rng) }
    }

    static func burst(_ header: [UInt8], _ data: [UInt8]) -> [UInt8] {
        var bits = DeframerTestSupport.bits([0xAA, 0xAA, 0x2D, 0xD4])
        bits += DeframerTestSupport.bits(DIY1Deframer.encode(header: header, data: data)!)
        return bits
    }

    @Test func independentReferencePacket() throws {
        #expect(CRCAlgorithm.xmodem.checksum(Array("123456789".utf8)) == 0x31C3)
        let data = Array(Self.data.utf8)
        #expect(DIY1Deframer.encode(header: Self.header, data: data) == Hex.bytes(Self.air))
        let frame = try #require(DIY1Deframer.decode(Hex.bytes(Self.air)))
        // Output: header, length and data (the CRC removed), as gr-satellites.
        #expect(frame.checkPassed && frame.bytes == Self.header + [UInt8(data.count)] + data)
        #expect(frame.framing == "DIY-1" && DIY1Deframer.framingName == "DIY-1")
        #expect(DIY1Deframer.encode(header: [1, 2, 3], data: []) == nil)
        #expect(DIY1Deframer.encode(header: Self.header, data: [UInt8](repeating: 0, count: 256)) == nil)
    }

    @Test(arguments: [false, true])
    func randomPacketsInAStreamInChunks(inverted: Bool) {
        var rng = SplitMix64(seed: inverted ? 0xD171_0002 : 0xD171_0001)
        var expected: [[UInt8]] = []
        var bits = Self.randomBits(200, &rng)
        for length in [0, 1, 255, 37, 64, 5] {
            let header = (0..<4).map { _ in UInt8.random(in: 0...255, using: &rng) }
            let data = (0..<length).map { _ in UInt8.random(in: 0...255, using: &rng) }
            expected.append(header + [UInt8(length)] + data)
            bits += Self.burst(header, data) + Self.randomBits(Int.random(in: 0...300, using: &rng), &rng)
        }
        let symbols = DeframerTestSupport.softSymbols(bits, inverted: inverted)
        for chunk in [1, 50, 4000] {
            var d = DIY1Deframer()
            let frames = DeframerTestSupport.deframe(symbols, with: &d, chunk: chunk)
            #expect(frames.filter(\.checkPassed).map(\.bytes) == expected, "chunk \(chunk)")
            #expect(frames.allSatisfy { $0.correctedSymbols == 0 && $0.framing == DIY1Deframer.framingName })
        }
    }

    @Test func aSyncBitErrorNeedsATolerantSearch() {
        let data = Array(Self.data.utf8)
        var bits = [UInt8](repeating: 0, count: 24) + Self.burst(Self.header, data) + [UInt8](repeating: 0, count: 24)
        bits[24 + 16 + 5] ^= 1
        var strict = DIY1Deframer()
        #expect(DeframerTestSupport.deframe(DeframerTestSupport.softSymbols(bits), with: &strict).filter(\.checkPassed).isEmpty)
        var tolerant = DIY1Deframer(syncErrors: 1)
        let frames = DeframerTestSupport.deframe(DeframerTestSupport.softSymbols(bits), with: &tolerant)
        #expect(frames.count == 1 && frames.first?.checkPassed == true)
    }

    @Test func weakWrongBitsAreRepaired() {
        let data = Array(Self.data.utf8)
        let bits = [UInt8](repeating: 0, count: 24) + Self.burst(Self.header, data) + [UInt8](repeating: 0, count: 24)
        let first = 24 + 32 + 40   // first data bit
        for wrong in [[first + 50], [first + 3, first + 140]] {
            var d = DIY1Deframer()
            let frames = DeframerTestSupport.deframe(DeframerTestSupport.softSymbols(bits, wrong: wrong), with: &d)
            #expect(frames.count == 1 && frames.first?.checkPassed == true && frames.first?.correctedSymbols == wrong.count)
            #expect(frames.first?.bytes == Self.header + [UInt8(data.count)] + data)
        }
    }

    @Test func aPacketBeyondRepairIsNeverGood() {
        let data = Array(Self.data.utf8)
        let bits = [UInt8](repeating: 0, count: 24) + Self.burst(Self.header, data) + [UInt8](repeating: 0, count: 24)
        let first = 24 + 32 + 40
        var d = DIY1Deframer()
        let frames = DeframerTestSupport.deframe(
            DeframerTestSupport.softSymbols(bits, wrong: [first + 1, first + 70, first + 140], sure: true), with: &d)
        #expect(frames.count == 1 && frames.first?.checkPassed == false && frames.first?.bytes.count == data.count + 5)
    }

    @Test func randomInputGivesNoGoodFrames() {
        var rng = SplitMix64(seed: 0xD171_0003)
        var d = DIY1Deframer()
        let symbols = (0..<200_000).map { _ in UInt8.random(in: 0...255, using: &rng) }
        let frames = DeframerTestSupport.deframe(symbols, with: &d, chunk: 4096)
        // About a dozen false syncs: none gives a good frame, and noise is not reported as a failed one.
        #expect(frames.isEmpty)
    }
}
