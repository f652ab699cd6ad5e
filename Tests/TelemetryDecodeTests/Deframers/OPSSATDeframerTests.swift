import Testing
import TelemetryDecode
import TestSupport

/// OPS-SAT (AX100 mode 6: AX.25 header, CCSDS-randomised RS(255,223) conventional basis, HDLC, G3RUH,
/// NRZ-I): real beacons carried through the whole chain, and synthetic streams with byte errors, weak
/// channel symbols, both polarities, chunked input and noise.
@Suite(.computeThreads) struct OPSSATDeframerTests {
    /// OPS-SAT beacons as decoded (RS data, parity removed) in the beacon log published in ESA's
    /// gr-opssat repository (apps/desktop/log/beacon.log, December 2019).
    static let publishedBeacons = [
        "caa7c00001220123000000000000003600000000000013d40000000001117300000001b9fcba2aff8a0000116f85000002550e0ae8a0000252bf92d26a02",
        "caa7c00001220123000000000000003700000000000014320000000001117300000001b9fcba2aff8b0000116f86000002550e0ae8fe000252bf203c6291",
        "caa7c00001220123000000000000003800000000000014900000000001117300000001b9fcba2aff8c0000116f87000002550e0ae95c000252bf735603b5",
        "caa7c00001220123000000000000003500000000000013760000000001117300000001b9fcba2aff8a0000116f84000002550e0ae842000252bff21ac0aa",
    ].map { Hex.bytes($0) }

    @Test func publishedBeaconsEndWithTheirCRC32CAndDecodeThroughTheChain() throws {
        // The AX100's CRC-32C (big-endian) over the bytes before it: the output keeps it, unchecked.
        for b in Self.publishedBeacons {
            #expect(b.count == 62)
            let crc = b.suffix(4).reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
            #expect(CRCAlgorithm.crc32c.checksum(b.prefix(58)) == crc)
        }
        var rng = SplitMix64(seed: 0x0905_0001)
        let hdlcFrames = try Self.publishedBeacons.map { try #require(OPSSATDeframer.encode($0)) }
        #expect(hdlcFrames.allSatisfy { $0.count == 16 + 62 + 32 })
        let bits = Self.channel(hdlcFrames, rng: &rng)
        for inverted in [false, true] {
            var d = OPSSATDeframer()
            let out = DeframerTestSupport.deframe(DeframerTestSupport.softSymbols(bits, inverted: inverted), with: &d, chunk: 500)
            #expect(out.map(\.bytes) == Self.publishedBeacons, "inverted \(inverted)")
            #expect(out.allSatisfy { $0.checkPassed && $0.correctedSymbols == 0 && $0.framing == "OPS-SAT" })
        }
    }

    @Test func randomPayloadsWithByteErrorsInChunks() throws {
        var rng = SplitMix64(seed: 0x0905_0002)
        let lengths = [1, 223, 62, 100, 7, 180]
        let byteErrors = [0, 16, 3, 10, 1, 16]
        let payloads = lengths.map { n in (0..<n).map { _ in UInt8.random(in: 0...255, using: &rng) } }
        var hdlcFrames = try payloads.map { try #require(OPSSATDeframer.encode($0)) }
        for k in hdlcFrames.indices {
            let codeword = 16..<hdlcFrames[k].count
            for i in codeword.shuffled(using: &rng).prefix(byteErrors[k]) { hdlcFrames[k][i] ^= UInt8.random(in: 1...255, using: &rng) }
        }
        let bits = Self.channel(hdlcFrames, rng: &rng)
        for inverted in [false, true] {
            for chunk in [13, 1000, 1 << 16] {
                var d = OPSSATDeframer()
                let out = DeframerTestSupport.deframe(DeframerTestSupport.softSymbols(bits, inverted: inverted), with: &d, chunk: chunk)
                #expect(out.map(\.bytes) == payloads, "inverted \(inverted) chunk \(chunk)")
                #expect(out.map(\.correctedSymbols) == byteErrors)
                #expect(out.allSatisfy { $0.checkPassed })
            }
        }
    }

    @Test func weakChannelSymbolsBeyondHardCapabilityAreRecoveredWithErasures() throws {
        var rng = SplitMix64(seed: 0x0905_0003)
        let payload = (0..<200).map { _ in UInt8.random(in: 0...255, using: &rng) }
        let hdlcFrame = try #require(OPSSATDeframer.encode(payload))
        let bits = Self.channel([hdlcFrame], rng: &rng)
        let reference = Self.hdlcFrames(bits)
        #expect(reference == [hdlcFrame])
        // Channel symbols that, flipped, damage a few bytes of the codeword in place (one wrong channel
        // bit is six wrong data bits; flips that change the bit stuffing would shift the frame).
        var flips: [Int] = []
        var damaged = 0
        for i in (1000..<(bits.count - 200)).shuffled(using: &rng) where damaged < 20 {
            guard flips.allSatisfy({ abs($0 - i) > 40 }) else { continue }
            var trial = bits
            for j in flips + [i] { trial[j] ^= 1 }
            guard let f = Self.hdlcFrames(trial).first, f.count == hdlcFrame.count else { continue }
            let d = zip(f, hdlcFrame).enumerated().filter { $0.offset >= 16 && $0.element.0 != $0.element.1 }.count
            guard d - damaged >= 1 && d - damaged <= 4 && zip(f, hdlcFrame).prefix(16).allSatisfy({ $0 == $1 }) else { continue }
            flips.append(i)
            damaged = d
        }
        #expect(damaged > 16 && damaged <= 24)
        var d = OPSSATDeframer()
        let out = DeframerTestSupport.deframe(DeframerTestSupport.softSymbols(bits, wrong: flips), with: &d)
        #expect(out.count == 1)
        #expect(out.first?.checkPassed == true && out.first?.bytes == payload)
        #expect(out.first?.correctedSymbols == damaged)
        // Sent strong, the same errors are beyond the code: reported (plausible header), not good.
        var strong = OPSSATDeframer()
        let failed = DeframerTestSupport.deframe(DeframerTestSupport.softSymbols(bits, wrong: flips, sure: true), with: &strong)
        #expect(failed.count == 1 && failed.allSatisfy { !$0.checkPassed })
    }

    @Test func aFrameBeyondCorrectionIsNotGood() throws {
        var rng = SplitMix64(seed: 0x0905_0004)
        let payload = (0..<100).map { _ in UInt8.random(in: 0...255, using: &rng) }
        var hdlcFrame = try #require(OPSSATDeframer.encode(payload))
        for i in (16..<hdlcFrame.count).shuffled(using: &rng).prefix(30) { hdlcFrame[i] ^= 0x5A }
        var d = OPSSATDeframer()
        let out = DeframerTestSupport.deframe(DeframerTestSupport.softSymbols(Self.channel([hdlcFrame], rng: &rng)), with: &d)
        #expect(out.count == 1 && out.allSatisfy { !$0.checkPassed })
        // Without a plausible AX.25 header the failure is not reported at all.
        hdlcFrame.replaceSubrange(0..<16, with: [UInt8](repeating: 0xFF, count: 16))
        var e = OPSSATDeframer()
        #expect(DeframerTestSupport.deframe(DeframerTestSupport.softSymbols(Self.channel([hdlcFrame], rng: &rng)), with: &e).isEmpty)
    }

    @Test func codewordLengthsOutsideTheRangeAreIgnored() {
        #expect(OPSSATDeframer.decode(OPSSATDeframer.exampleHeader + [UInt8](repeating: 0, count: 32)) == nil)
        #expect(OPSSATDeframer.decode(OPSSATDeframer.exampleHeader + [UInt8](repeating: 0, count: 256)) == nil)
        #expect(OPSSATDeframer.encode([]) == nil && OPSSATDeframer.encode([UInt8](repeating: 0, count: 224)) == nil)
        #expect(AX25BitRepair.plausibleAddresses(OPSSATDeframer.exampleHeader))
    }

    @Test func noiseGivesNoGoodFrames() {
        var rng = SplitMix64(seed: 0x0905_0005)
        let symbols = (0..<200_000).map { _ in UInt8.random(in: 0...255, using: &rng) }
        var d = OPSSATDeframer()
        let out = DeframerTestSupport.deframe(symbols, with: &d, chunk: 4096)
        #expect(out.filter(\.checkPassed).isEmpty)
    }

    // MARK: Helpers

    /// Channel bits for HDLC frames (FCS added by `HDLCFramer`) with random bits between them, through
    /// NRZ-I and the G3RUH scrambler.
    static func channel(_ frames: [[UInt8]], rng: inout SplitMix64) -> [UInt8] {
        var bits = (0..<300).map { _ in UInt8.random(in: 0...1, using: &rng) }
        let framer = HDLCFramer(preambleFlags: 8, postambleFlags: 2)
        for f in frames {
            framer.encode(f, into: &bits)
            bits += (0..<Int.random(in: 40...300, using: &rng)).map { _ in UInt8.random(in: 0...1, using: &rng) }
        }
        var encoder = AX25ChannelEncoder(.g3ruh)
        encoder.process(&bits)
        return bits
    }

    /// The byte-aligned HDLC frames (without FCS, any verdict) in channel bits.
    static func hdlcFrames(_ channel: [UInt8]) -> [[UInt8]] {
        var bits = channel
        var descrambler = G3RUHDescrambler()
        descrambler.process(&bits)
        var nrzi = NRZIDecoder()
        nrzi.process(&bits)
        var hdlc = HDLCDeframer(configuration: .init(minimumBytes: 51, maximumBytes: 273))
        var found: [HDLCFrame] = []
        hdlc.process(bits, into: &found)
        return found.filter { $0.verdict != .notByteAligned }.map(\.bytes)
    }
}
