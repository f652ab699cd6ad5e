import Testing
import TelemetryDecode
import TestSupport

/// AALTO-1 (CC1125: sync 0x352E352E, PN9 whitening, L | data | CRC-16/X-25 low byte first). The reference
/// packet, the CRC check value and the first whitening bytes were computed in Python with a bitwise CRC
/// and a PN9 generator written from the published parameters, independently of this code.
@Suite(.computeThreads) struct AALTO1DeframerTests {
    static let payload = "AALTO-1 CC1125 test"
    /// The bytes after the sync word: whitened L = 0x13, the payload and CRC 0x113D (sent 3D 11).
    static let air = "eca05cd6b9ca1e15ca39910841a5622a20185eac501c"

    static func randomBits(_ n: Int, _ rng: inout SplitMix64) -> [UInt8] {
        (0..<n).map { _ in UInt8.random(in: 0...1, using: &rng) }
    }

    static func burst(_ payload: [UInt8]) -> [UInt8] {
        DeframerTestSupport.bits(AALTO1Deframer.syncWord) + DeframerTestSupport.bits(AALTO1Deframer.encode(payload)!)
    }

    @Test func independentReferencePacket() throws {
        #expect(CRCAlgorithm.x25.checksum(Array("123456789".utf8)) == 0x906E)
        let payload = Array(Self.payload.utf8)
        #expect(CRCAlgorithm.x25.checksum([UInt8(payload.count)] + payload) == 0x113D)
        #expect(AALTO1Deframer.encode(payload) == Hex.bytes(Self.air))
        let frame = try #require(AALTO1Deframer.decode(Hex.bytes(Self.air)))
        #expect(frame.checkPassed && frame.bytes == payload && frame.framing == "AALTO-1")
        #expect(AALTO1Deframer.framingName == "AALTO-1")
        #expect(AALTO1Deframer.encode([]) == nil && AALTO1Deframer.encode([UInt8](repeating: 0, count: 256)) == nil)
        // The CC11xx CRC in its place (Reaktor Hello World's packet) does not pass.
        let reaktor = CC11xxPacketDeframer.encode(payload)
        #expect(AALTO1Deframer.decode(reaktor)?.checkPassed == false)
    }

    @Test(arguments: [false, true])
    func randomPacketsInAStreamInChunks(inverted: Bool) {
        var rng = SplitMix64(seed: inverted ? 0xAA17_0002 : 0xAA17_0001)
        var expected: [[UInt8]] = []
        var bits = Self.randomBits(200, &rng)
        for length in [1, 255, 37, 64, 5, 200] {
            let payload = (0..<length).map { _ in UInt8.random(in: 0...255, using: &rng) }
            expected.append(payload)
            var b = Self.burst(payload)
            // Up to 4 sync bit errors (gr-satellites' default threshold).
            if length == 37 { for k in [1, 9, 17, 30] { b[k] ^= 1 } }
            bits += b + Self.randomBits(Int.random(in: 0...300, using: &rng), &rng)
        }
        let symbols = DeframerTestSupport.softSymbols(bits, inverted: inverted)
        for chunk in [1, 50, 4000] {
            var d = AALTO1Deframer()
            let frames = DeframerTestSupport.deframe(symbols, with: &d, chunk: chunk)
            #expect(frames.filter(\.checkPassed).map(\.bytes) == expected, "chunk \(chunk)")
            #expect(frames.allSatisfy { $0.correctedSymbols == 0 && $0.framing == AALTO1Deframer.framingName })
        }
    }

    @Test func fiveSyncErrorsAreTooMany() {
        var bits = [UInt8](repeating: 0, count: 24) + Self.burst(Array(Self.payload.utf8)) + [UInt8](repeating: 0, count: 24)
        for k in [1, 9, 17, 25, 30] { bits[24 + k] ^= 1 }
        var d = AALTO1Deframer()
        #expect(DeframerTestSupport.deframe(DeframerTestSupport.softSymbols(bits), with: &d).isEmpty)
        var tolerant = AALTO1Deframer(syncErrors: 5)
        #expect(DeframerTestSupport.deframe(DeframerTestSupport.softSymbols(bits), with: &tolerant).first?.checkPassed == true)
    }

    @Test func weakWrongBitsAreRepairedAfterANearExactSync() {
        let payload = Array(Self.payload.utf8)
        let bits = [UInt8](repeating: 0, count: 24) + Self.burst(payload) + [UInt8](repeating: 0, count: 24)
        let first = 24 + 32 + 8   // first data bit
        for wrong in [[first + 50], [first + 3, first + 160]] {
            var d = AALTO1Deframer()
            let frames = DeframerTestSupport.deframe(DeframerTestSupport.softSymbols(bits, wrong: wrong), with: &d)
            #expect(frames.count == 1 && frames.first?.checkPassed == true && frames.first?.correctedSymbols == wrong.count)
            #expect(frames.first?.bytes == payload)
        }
        // After a sync word with 3 errors: no repair and no failure report.
        var damaged = bits
        for k in [24 + 2, 24 + 12, 24 + 22] { damaged[k] ^= 1 }
        var d = AALTO1Deframer()
        #expect(DeframerTestSupport.deframe(DeframerTestSupport.softSymbols(damaged, wrong: [first + 50]), with: &d).isEmpty)
    }

    @Test func aPacketBeyondRepairIsNeverGood() {
        let payload = Array(Self.payload.utf8)
        let bits = [UInt8](repeating: 0, count: 24) + Self.burst(payload) + [UInt8](repeating: 0, count: 24)
        let first = 24 + 32 + 8
        var d = AALTO1Deframer()
        let frames = DeframerTestSupport.deframe(
            DeframerTestSupport.softSymbols(bits, wrong: [first + 1, first + 70, first + 140], sure: true), with: &d)
        #expect(frames.count == 1 && frames.first?.checkPassed == false && frames.first?.bytes.count == payload.count)
    }

    @Test func randomInputGivesNoGoodFrames() {
        var rng = SplitMix64(seed: 0xAA17_0003)
        var d = AALTO1Deframer()
        let symbols = (0..<200_000).map { _ in UInt8.random(in: 0...255, using: &rng) }
        let frames = DeframerTestSupport.deframe(symbols, with: &d, chunk: 4096)
        #expect(frames.filter(\.checkPassed).isEmpty)
    }
}
