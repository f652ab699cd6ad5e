import TelemetryDecode
import Testing
import TestSupport

/// NGHam framing: synthetic round trips over every size (with byte errors the RS code repairs, and
/// with corrupt parity the CRC still vouches for), random input, and FloripaSat-1's recording.
@Suite(.computeThreads) struct NGHamDeframerTests {
    static func channel(_ payloads: [[UInt8]], inverted: Bool = false, errors: Int = 0, seed: UInt64 = 1) -> [UInt8] {
        var rng = SplitMix64(seed: seed)
        var bits: [UInt8] = (0..<200).map { _ in UInt8(rng.next() & 1) }
        for p in payloads {
            guard var coded = NGHamDeframer.encode(payload: p) else { continue }
            for e in 0..<errors { coded[3 + (e * 11 + 5) % (coded.count - 3)] ^= 0xA5 }
            bits += DeframerTestSupport.bits([0xAA, 0xAA, 0xAA, 0xAA]) + DeframerTestSupport.bits(NGHamDeframer.syncWord)
            bits += DeframerTestSupport.bits(coded)
            bits += (0..<50).map { _ in UInt8(rng.next() & 1) }
        }
        return DeframerTestSupport.softSymbols(bits, inverted: inverted)
    }

    @Test func layout() throws {
        // 58-byte payload: size 1 (60-byte payload field), padding 2, 79-byte codeword.
        let coded = try #require(NGHamDeframer.encode(payload: [UInt8](repeating: 0x41, count: 58)))
        #expect(coded.count == 3 + 79)
        #expect(Array(coded[0..<3]) == [0x4D, 0xDA, 0x57])
        let frame = try #require(NGHamDeframer.decodeCodeword(Array(coded[3...])))
        #expect(frame.bytes == [0x02] + [UInt8](repeating: 0x41, count: 58))
        #expect(CRCAlgorithm.x25.checksum(Array("123456789".utf8)) == 0x906E)
    }

    @Test(arguments: [false, true], [0, 3])
    func roundTripEverySize(inverted: Bool, errors: Int) {
        var rng = SplitMix64(seed: 21)
        let payloads = [1, 28, 29, 60, 92, 93, 124, 156, 188, 220].map { n in (0..<n).map { _ in UInt8(truncatingIfNeeded: rng.next()) } }
        var d = NGHamDeframer()
        let out = DeframerTestSupport.deframe(Self.channel(payloads, inverted: inverted, errors: errors), with: &d, chunk: 777)
        #expect(out.map(\.bytes) == payloads.map { p in [UInt8(NGHamPadding.padding(for: p.count))] + p })
        #expect(out.allSatisfy { $0.checkPassed && $0.correctedSymbols == errors })
    }

    @Test func tooManyErrorsGiveNothing() {
        let payload = [UInt8](repeating: 7, count: 40)
        var d = NGHamDeframer()
        let out = DeframerTestSupport.deframe(Self.channel([payload], errors: 12), with: &d)
        #expect(out.isEmpty)
    }

    @Test func weakWrongBytesBeyondHardCorrectionAreErased() throws {
        let payload = (0..<150).map { UInt8(truncatingIfNeeded: $0 * 3 + 2) }
        let coded = try #require(NGHamDeframer.encode(payload: payload))
        let bits = DeframerTestSupport.bits([0xAA, 0xAA]) + DeframerTestSupport.bits(NGHamDeframer.syncWord)
            + DeframerTestSupport.bits(coded) + DeframerTestSupport.bits([0x55])
        // 24 codeword bytes wrong (32 parity bytes: 16 is the hard limit), each through one weak bit.
        let wrong = stride(from: 5, to: coded.count - 3, by: 7).prefix(24).map { 16 + 32 + 24 + 8 * $0 + 1 }
        var d = NGHamDeframer()
        let out = DeframerTestSupport.deframe(DeframerTestSupport.softSymbols(bits, wrong: wrong), with: &d)
        #expect(out.map(\.bytes) == [[UInt8(NGHamPadding.padding(for: payload.count))] + payload])
        #expect(out.first?.correctedSymbols == 24)
        var sure = NGHamDeframer()
        #expect(DeframerTestSupport.deframe(DeframerTestSupport.softSymbols(bits, wrong: wrong, sure: true), with: &sure).isEmpty)
    }

    @Test func randomInput() {
        var rng = SplitMix64(seed: 23)
        let symbols = (0..<1_000_000).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
        var d = NGHamDeframer()
        #expect(DeframerTestSupport.deframe(symbols, with: &d, chunk: 4099).isEmpty)
    }

    @Test func floripasat1ReferenceFrame() throws {
        let expected = try RecordingFixtures.expectedFrames("floripasat_1")
        var got: Set<String> = []
        for cutoff in [0.8, 0.0] {
            let symbols = try DeframerTestSupport.symbols(
                "floripasat_1.wav", .fsk(.init(sampleRate: 48_000, baudRate: 1200, filterCutoff: cutoff)))
            var d = NGHamDeframer()
            got.formUnion(DeframerTestSupport.split(DeframerTestSupport.deframe(symbols, with: &d, chunk: 4096)).good)
        }
        #expect(expected.isSubset(of: got), "floripasat_1: \(got.intersection(expected).count) of \(expected.count); got \(got)")
    }
}

/// The padding count NGHam puts in the header for a payload length (size fields 28, 60, ... 220).
enum NGHamPadding {
    static func padding(for length: Int) -> Int {
        let fields = [28, 60, 92, 124, 156, 188, 220]
        return (fields.first { $0 >= length } ?? 220) - length
    }
}
