import TelemetryDecode
import Testing
import TestSupport

/// BINAR-1: the packet layout and CRC checked against values worked out in Python from the published
/// facts (CRC-16/CCITT-FALSE over length byte and data, high byte first), independently of this code;
/// then the deframer in streams, with sync errors, inversion, weak bits and random input.
@Suite(.computeThreads) struct BINAR1DeframerTests {
    /// An 86-byte (0x56, the telemetry size) payload: (11 i + 5) mod 256.
    static let payload = (0..<86).map { UInt8(truncatingIfNeeded: 11 * $0 + 5) }
    /// Python: `L | payload | CRC`, CRC 0x6AA4.
    static let airHex = "5605101b26313c47525d68737e89949faab5c0cbd6e1ecf7020d18232e39444f5a65707b86919ca7b2bdc8d3dee9f4ff0a15202b36414c57626d78838e99a4afbac5d0dbe6f1fc07121d28333e49545f6a75808b96a1ac6aa4"

    static let preamble = DeframerTestSupport.bits([UInt8](repeating: 0xAA, count: 6))
    static let sync = DeframerTestSupport.bits([0x7E])

    static func stream(_ payloads: [[UInt8]], rng: inout SplitMix64) -> [UInt8] {
        var bits: [UInt8] = (0..<77).map { _ in UInt8(rng.next() & 1) }
        for p in payloads {
            bits += preamble + sync + DeframerTestSupport.bits(BINAR1Deframer.encode(p))
            bits += (0..<(50 + Int(rng.next() % 50))).map { _ in UInt8(rng.next() & 1) }
        }
        return bits
    }

    @Test func independentReferenceValues() throws {
        #expect(BINAR1Deframer.framingName == "BINAR-1")
        #expect(BINAR1Deframer.crc16.checksum(Array("123456789".utf8)) == 0x29B1)
        #expect(Hex.string(BINAR1Deframer.encode(Self.payload)) == Self.airHex)
        let frame = try #require(BINAR1Deframer.decode(Hex.bytes(Self.airHex) + [0x12, 0x34]))
        #expect(frame.checkPassed && frame.bytes == [0x56] + Self.payload)
        #expect(BINAR1Deframer.decode(Array(Hex.bytes(Self.airHex).dropLast())) == nil)
    }

    @Test(arguments: [false, true])
    func randomPayloadsInAStreamBothPolarities(inverted: Bool) {
        var rng = SplitMix64(seed: inverted ? 0xB1 : 0xB0)
        // Sizes from empty to the largest, and the telemetry size.
        let payloads = [0, 1, 86, 75, 255, 86].map { n in (0..<n).map { _ in UInt8(truncatingIfNeeded: rng.next()) } }
        let bits = Self.stream(payloads, rng: &rng)
        for chunk in [1, 333, 100_000] {
            var d = BINAR1Deframer()
            let out = DeframerTestSupport.deframe(DeframerTestSupport.softSymbols(bits, inverted: inverted), with: &d, chunk: chunk)
            #expect(out.map(\.bytes) == payloads.map { [UInt8($0.count)] + $0 }, "chunk \(chunk)")
            #expect(out.allSatisfy { $0.checkPassed && $0.framing == "BINAR-1" && $0.correctedSymbols == 0 })
        }
    }

    @Test func syncErrorsAsConfigured() {
        var rng = SplitMix64(seed: 0xB2)
        var bits = Self.stream([Self.payload], rng: &rng)
        // One error in the 0x7E byte (77 random bits, 48 preamble bits before it).
        bits[77 + 48 + 3] ^= 1
        var strict = BINAR1Deframer()
        #expect(DeframerTestSupport.deframe(DeframerTestSupport.softSymbols(bits), with: &strict).isEmpty)
        var lenient = BINAR1Deframer(syncErrors: 1)
        let out = DeframerTestSupport.deframe(DeframerTestSupport.softSymbols(bits), with: &lenient)
        #expect(out.count == 1 && out.first?.checkPassed == true && out.first?.bytes == [0x56] + Self.payload)
    }

    @Test func weakBitsAreRepaired() {
        var rng = SplitMix64(seed: 0xB3)
        let bits = Self.stream([Self.payload], rng: &rng)
        let first = 77 + 56
        for wrong in [[first + 8 + 100], [first + 8 + 5, first + 8 + 600]] {
            var d = BINAR1Deframer()
            let out = DeframerTestSupport.deframe(DeframerTestSupport.softSymbols(bits, wrong: wrong), with: &d)
            #expect(out.count == 1)
            #expect(out.first?.checkPassed == true && out.first?.correctedSymbols == wrong.count)
            #expect(out.first?.bytes == [0x56] + Self.payload)
        }
        // Three wrong bits, two of them sure: beyond repair, reported failed (preamble intact).
        var d = BINAR1Deframer()
        let soft = DeframerTestSupport.softSymbols(bits, wrong: [first + 20, first + 300])
        var symbols = soft
        symbols[first + 400] = 255 - symbols[first + 400]
        let out = DeframerTestSupport.deframe(symbols, with: &d)
        #expect(out.count == 1 && out.first?.checkPassed == false)
    }

    @Test func aFailedFrameWithoutPreambleIsDropped() {
        var bits = Self.sync + DeframerTestSupport.bits(BINAR1Deframer.encode(Self.payload))
        bits = DeframerTestSupport.bits([0xC3, 0xAA]) + bits + DeframerTestSupport.bits([0x00, 0x00])
        var symbols = DeframerTestSupport.softSymbols(bits)
        // A good frame after a short preamble is found; a broken one is not reported.
        var d = BINAR1Deframer()
        #expect(DeframerTestSupport.deframe(symbols, with: &d).map(\.checkPassed) == [true])
        symbols[16 + 8 + 100] = 255 - symbols[16 + 8 + 100]
        var d2 = BINAR1Deframer()
        #expect(DeframerTestSupport.deframe(symbols, with: &d2).isEmpty)
    }

    @Test func randomInputGivesNoGoodFrames() {
        var rng = SplitMix64(seed: 0xB4)
        let noise = (0..<200_000).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
        var d = BINAR1Deframer()
        #expect(DeframerTestSupport.deframe(noise, with: &d, chunk: 4096).filter(\.checkPassed).isEmpty)
        // Preamble and sync planted before random bits: candidates reach the repair step.
        var planted: [UInt8] = []
        for _ in 0..<100 {
            planted += DeframerTestSupport.softSymbols(Self.preamble + Self.sync)
            planted += (0..<2200).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
        }
        var d2 = BINAR1Deframer()
        let out = DeframerTestSupport.deframe(planted, with: &d2, chunk: 4096)
        #expect(out.filter(\.checkPassed).isEmpty)
        #expect(out.count >= 100)
    }
}
