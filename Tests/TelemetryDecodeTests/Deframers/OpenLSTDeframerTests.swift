import Testing
@testable import TelemetryDecode
import TestSupport

/// OpenLST (CC1110: sync 0xD391D391, DN504 FEC + interleaving over a PN9-whitened
/// `L | data | CRC-16 low byte first`). Reference values were computed in Python with a bitwise CRC,
/// a PN9 generator and a DN504 encoder written from the published parameters, independently of this
/// code; the encoder reproduces TI's DN504 example (01 02 03 04 05 → 4C F0 30 10 C8 7C C3 23 40 34 7C E3).
@Suite(.computeThreads) struct OpenLSTDeframerTests {
    static let payload = "OpenLST DORA test"
    /// Whitened packet L = 0x13 | payload | CRC 0x7A50 (sent 50 7A), then terminator 0x0B, coded.
    static let air = "6149560faeaa949c0bdc611212e13c4168b2b6736c1786eb5e7ce0aaa95c7ced05f840dd6df5e8d9443047ef"

    static func randomBits(_ n: Int, _ rng: inout SplitMix64) -> [UInt8] {
        (0..<n).map { _ in UInt8.random(in: 0...1, using: &rng) }
    }

    static func burst(_ payload: [UInt8]) -> [UInt8] {
        DeframerTestSupport.bits(OpenLSTDeframer.syncWord) + DeframerTestSupport.bits(OpenLSTDeframer.encode(payload)!)
    }

    @Test func independentReferencePacket() throws {
        #expect(CC11xxCoding.crc16.checksum(Array("123456789".utf8)) == 0xAEE7)
        // TI DN504 example: the code and interleaver alone.
        var bits: [UInt8] = []
        for b: UInt8 in [1, 2, 3, 4, 5, 0x0B] { for k in (0..<8).reversed() { bits.append((b >> UInt8(k)) & 1) } }
        let coded = SyncWordFrameCollector.pack(OpenLSTDeframer.deinterleave(OpenLSTDeframer.deinterleavedCode(bits)))
        #expect(coded == Hex.bytes("4cf03010c87cc32340347ce3"))
        #expect(OpenLSTDeframer.viterbi(soft: DeframerTestSupport.softSymbols(DeframerTestSupport.bits(coded))) == bits)

        let payload = Array(Self.payload.utf8)
        #expect(OpenLSTDeframer.encode(payload) == Hex.bytes(Self.air))
        let soft = DeframerTestSupport.softSymbols(DeframerTestSupport.bits(Hex.bytes(Self.air)))
        let frame = try #require(OpenLSTDeframer.decode(soft: soft))
        #expect(frame.checkPassed && frame.bytes == payload && frame.framing == "OpenLST" && frame.correctedSymbols == 0)
        #expect(OpenLSTDeframer.framingName == "OpenLST")
        #expect(OpenLSTDeframer.encode([]) == nil && OpenLSTDeframer.encode([UInt8](repeating: 0, count: 251)) == nil)
        #expect(OpenLSTDeframer.encode([UInt8](repeating: 0, count: 250))?.count == 4 * (253 / 2 + 1))
    }

    @Test(arguments: [false, true])
    func randomPacketsInAStreamInChunks(inverted: Bool) {
        var rng = SplitMix64(seed: inverted ? 0x0157_0002 : 0x0157_0001)
        var expected: [[UInt8]] = []
        var bits = Self.randomBits(200, &rng)
        for length in [1, 250, 37, 64, 6, 200] {
            let payload = (0..<length).map { _ in UInt8.random(in: 0...255, using: &rng) }
            expected.append(payload)
            var b = Self.burst(payload)
            // Up to 4 sync bit errors (gr-satellites' default threshold).
            if length == 37 { for k in [1, 9, 17, 30] { b[k] ^= 1 } }
            bits += b + Self.randomBits(Int.random(in: 0...300, using: &rng), &rng)
        }
        let symbols = DeframerTestSupport.softSymbols(bits, inverted: inverted)
        for chunk in [1, 50, 4000] {
            var d = OpenLSTDeframer()
            let frames = DeframerTestSupport.deframe(symbols, with: &d, chunk: chunk)
            #expect(frames.filter(\.checkPassed).map(\.bytes) == expected, "chunk \(chunk)")
            #expect(frames.allSatisfy { $0.correctedSymbols == 0 && $0.framing == OpenLSTDeframer.framingName })
        }
    }

    @Test func fiveSyncErrorsAreTooMany() {
        var bits = [UInt8](repeating: 0, count: 24) + Self.burst(Array(Self.payload.utf8)) + [UInt8](repeating: 0, count: 24)
        for k in [1, 9, 17, 25, 30] { bits[24 + k] ^= 1 }
        var d = OpenLSTDeframer()
        #expect(DeframerTestSupport.deframe(DeframerTestSupport.softSymbols(bits), with: &d).isEmpty)
        var tolerant = OpenLSTDeframer(syncErrors: 5)
        #expect(DeframerTestSupport.deframe(DeframerTestSupport.softSymbols(bits), with: &tolerant).first?.checkPassed == true)
    }

    @Test func theFECCorrectsStrongBitErrors() {
        let payload = Array(Self.payload.utf8)
        let bits = [UInt8](repeating: 0, count: 24) + Self.burst(payload) + [UInt8](repeating: 0, count: 24)
        let first = 24 + 32   // first coded bit
        // Ten wrong, confidently received code bits spread over the packet, one in the length byte's blocks.
        let wrong = (0..<10).map { first + 3 + 33 * $0 }
        var d = OpenLSTDeframer()
        let frames = DeframerTestSupport.deframe(DeframerTestSupport.softSymbols(bits, wrong: wrong, sure: true), with: &d)
        #expect(frames.count == 1 && frames.first?.checkPassed == true && frames.first?.correctedSymbols == wrong.count)
        #expect(frames.first?.bytes == payload)
        // Weak wrong bits: soft decisions make it easy, also after a 4-error sync word.
        var damaged = bits
        for k in [24 + 2, 24 + 12, 24 + 22, 24 + 31] { damaged[k] ^= 1 }
        let weak = (0..<30).map { first + 5 + 11 * $0 }
        var e = OpenLSTDeframer()
        let weakFrames = DeframerTestSupport.deframe(DeframerTestSupport.softSymbols(damaged, wrong: weak), with: &e)
        #expect(weakFrames.count == 1 && weakFrames.first?.checkPassed == true && weakFrames.first?.bytes == payload)
    }

    @Test func aPacketBeyondCorrectionIsNeverGood() {
        let payload = Array(Self.payload.utf8)
        let bits = [UInt8](repeating: 0, count: 24) + Self.burst(payload) + [UInt8](repeating: 0, count: 24)
        let first = 24 + 32
        // A strong burst of 40 inverted code bits in the middle of the data.
        let wrong = Array((first + 160)..<(first + 200))
        var d = OpenLSTDeframer()
        let frames = DeframerTestSupport.deframe(DeframerTestSupport.softSymbols(bits, wrong: wrong, sure: true), with: &d)
        #expect(frames.count == 1 && frames.first?.checkPassed == false && frames.first?.bytes.count == payload.count)
        // The same after a 3-error sync word: not reported at all.
        var damaged = bits
        for k in [24 + 2, 24 + 12, 24 + 22] { damaged[k] ^= 1 }
        var e = OpenLSTDeframer()
        #expect(DeframerTestSupport.deframe(DeframerTestSupport.softSymbols(damaged, wrong: wrong, sure: true), with: &e).isEmpty)
    }

    @Test func randomInputGivesNoGoodFrames() {
        var rng = SplitMix64(seed: 0x0157_0003)
        var d = OpenLSTDeframer()
        let symbols = (0..<200_000).map { _ in UInt8.random(in: 0...255, using: &rng) }
        let frames = DeframerTestSupport.deframe(symbols, with: &d, chunk: 4096)
        #expect(frames.filter(\.checkPassed).isEmpty)
    }
}
