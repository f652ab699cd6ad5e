import Foundation
import TelemetryDecode
import Testing
import TestSupport

/// DBPSK Manchester (AO-40 and QO-100 400 bps beacons): differential encoding, then Manchester chips;
/// `ManchesterDifferentialDeframer` turns the chips back into bits for the framing's deframer.
@Suite(.computeThreads) struct ManchesterDifferentialDeframerTests {
    typealias S = DeframerTestSupport

    /// Chips for data bits: differentially encoded (a 0 changes the level, a 1 keeps it), then each level
    /// sent as the chip pair (level, inverted level).
    static func chips(_ bits: [UInt8], initialLevel: UInt8 = 0) -> [UInt8] {
        var level = initialLevel
        var out: [UInt8] = []
        for b in bits {
            if b & 1 == 0 { level ^= 1 }
            out += [level, level ^ 1]
        }
        return out
    }

    static func blocks(_ n: Int, seed: UInt64) -> [[UInt8]] {
        var rng = SplitMix64(seed: seed)
        return (0..<n).map { _ in (0..<AO40UncodedDeframer.blockLength).map { _ in UInt8(truncatingIfNeeded: rng.next()) } }
    }

    static func bits(_ blocks: [[UInt8]]) throws -> [UInt8] {
        var bits = S.bits([UInt8](repeating: 0x55, count: 8))
        for b in blocks {
            bits += S.bits(AO40UncodedDeframer.syncWord) + S.bits(try #require(AO40UncodedDeframer.encode(b))) + S.bits([0x33, 0x0F, 0x99])
        }
        return bits
    }

    /// Both chip pairings (an odd chip ahead), both levels, any chunking: every block once, as sent.
    @Test(arguments: [0, 1])
    func blocksComeBackWhicheverChipStartsTheStream(lead: Int) throws {
        let blocks = Self.blocks(3, seed: 400)
        for (initialLevel, chunk) in [(UInt8(0), 333), (1, 1000), (0, 7)] {
            let chips = [UInt8](repeating: 1, count: lead) + Self.chips(try Self.bits(blocks), initialLevel: initialLevel)
            var d = ManchesterDifferentialDeframer(AO40UncodedDeframer())
            var frames = S.deframe(S.softSymbols(chips, inverted: initialLevel == 1), with: &d, chunk: chunk)
            d.finish(into: &frames)
            let good = frames.filter(\.checkPassed)
            #expect(good.map { Array($0.bytes.prefix(AO40UncodedDeframer.blockLength)) } == blocks, "lead \(lead) level \(initialLevel) chunk \(chunk)")
            #expect(good.allSatisfy { $0.framing == "AO-40 uncoded" })
            // Positions are in chips: the last block ends near the end of the stream.
            #expect(abs((good.last?.symbolPosition ?? 0) - (chips.count - 2 * 24)) <= 4)
        }
    }

    /// Through the receive chain the catalogue builds: BPSK on a 1.5 kHz audio carrier at the chip rate.
    /// (The synthetic modem sends 1200 chips/s, so the transmitter here is a 600 Bd one.)
    @Test func blocksThroughTheBPSKChain() throws {
        let blocks = Self.blocks(2, seed: 26_609)
        let chips = Self.chips(try Self.bits(blocks))
        let audio = SyntheticSignals.waveform(.bpsk1200Audio, bits: chips, channel: .init(ebN0: 12, frequencyError: 20), seed: 4).real
        let spec = TransmitterSpec(name: "uncoded BPSK beacon", modulation: .dbpskManchester, baudRate: 600, framing: .ao40Uncoded)
        var receivers = try ReceiverFactory.receivers(for: spec, input: .real(sampleRate: 48_000))
        var frames: [ReceivedFrame] = []
        for i in receivers.indices {
            audio.withUnsafeBufferPointer { receivers[i].process(real: $0, into: &frames) }
            receivers[i].finish(into: &frames)
        }
        #expect(Set(frames.filter(\.frame.checkPassed).map { Array($0.frame.bytes.prefix(512)) }) == Set(blocks))
    }

    @Test func noiseGivesNoFrames() {
        var rng = SplitMix64(seed: 43_700)
        let noise = (0..<300_000).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
        var d = ManchesterDifferentialDeframer(AO40UncodedDeframer())
        #expect(S.deframe(noise, with: &d, chunk: 4096).filter(\.checkPassed).isEmpty)
    }
}
