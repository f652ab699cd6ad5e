import Testing
import TelemetryDecode
import TestSupport

@Suite(.computeThreads) struct MaxLogMAPDecoderTests {
    static func hard(_ soft: [UInt8]) -> [UInt8] { soft.map { $0 >= 128 ? 1 : 0 } }
    static func sureness(_ s: UInt8) -> Int { s >= 128 ? Int(s) - 128 : 127 - Int(s) }

    /// On the shared libfec vectors the bits the Viterbi decoder gets wrong are the ones the soft output
    /// marks as unsure.
    @Test func bitsViterbiGetsWrongAreUnsure() throws {
        let rows = try SharedData.tsvRows("vectors/viterbi_ccsds_k7.tsv")
        var viterbi = ViterbiDecoder(code: .ccsds)
        var map = MaxLogMAPDecoder(code: .ccsds)
        var wrongSureness: [Int] = [], rightSureness: [Int] = []
        for row in rows {
            let nbits = try #require(Int(row[2]))
            let info = ViterbiTestSignal.bits(ofHex: row[3], count: nbits)
            let symbols = Hex.bytes(row[4])
            let decided = try viterbi.decode(symbols, termination: .zeroTail)
            let soft = try map.decode(symbols, termination: .zeroTail)
            #expect(soft.count == decided.count)
            for i in soft.indices {
                if decided[i] == info[i] { rightSureness.append(Self.sureness(soft[i])) } else { wrongSureness.append(Self.sureness(soft[i])) }
            }
        }
        #expect(wrongSureness.count > 50, "the vectors include noisy blocks")
        let median = rightSureness.sorted()[rightSureness.count / 2]
        let below = wrongSureness.filter { $0 < median }.count
        #expect(below * 10 >= wrongSureness.count * 9, "\(below) of \(wrongSureness.count) wrong bits below the right bits' median sureness \(median)")
        // Noisy blocks still have sure right bits: the median is far from "no information".
        #expect(median >= 64)
    }

    /// The signs are the maximum-likelihood path with unquantised metrics: over many noisy blocks, no more
    /// bit errors than the Viterbi decoder (measured at 2 dB: 1476 against 1719 in 300 blocks).
    @Test func hardDecisionsAtLeastAsGoodAsViterbi() throws {
        var rng = SplitMix64(seed: 3)
        var v = ViterbiDecoder(), m = MaxLogMAPDecoder()
        var ve = 0, me = 0
        for _ in 0..<150 {
            let info = ViterbiTestSignal.randomBits(1000, rng: &rng)
            let hard = ConvolutionalEncoder.encodeBlock(bits: info, code: .ccsds, terminated: true)
            let noisy = ViterbiTestSignal.awgn(hard, ebN0: 2, rng: &rng)
            ve += ViterbiTestSignal.errors(try v.decode(noisy), info)
            me += ViterbiTestSignal.errors(Self.hard(try m.decode(noisy)), info)
        }
        #expect(ve > 300, "the noise is strong enough to cause errors")
        #expect(me <= ve, "max-log-MAP \(me) bit errors, Viterbi \(ve)")
    }

    @Test func noiselessBlockIsSureEverywhereAndErasedBlockNowhere() throws {
        var rng = SplitMix64(seed: 7)
        let info = ViterbiTestSignal.randomBits(200, rng: &rng)
        let symbols = ConvolutionalEncoder.softSymbols(
            fromHard: ConvolutionalEncoder.encodeBlock(bits: info, code: .ccsds, terminated: true))
        var map = MaxLogMAPDecoder()
        let soft = try map.decode(symbols, termination: .zeroTail)
        #expect(Self.hard(soft) == info)
        #expect(soft.allSatisfy { $0 == 0 || $0 == 255 })
        let erased = try map.decode([UInt8](repeating: 128, count: symbols.count), termination: .zeroTail)
        #expect(erased == [UInt8](repeating: 128, count: 200))
        // Open end: the tail bits are returned too.
        #expect(try map.decode(symbols, termination: .open).count == 206)
        #expect(throws: ConvolutionalCodingError.self) { try map.decode([0, 0, 0], termination: .open) }
    }

    /// A window cut from the middle of a stream (unknown start state) decodes once the trellis has settled.
    @Test func windowFromAStream() throws {
        var rng = SplitMix64(seed: 11)
        let info = ViterbiTestSignal.randomBits(600, rng: &rng)
        let hard = ConvolutionalEncoder.encodeBlock(bits: info, code: .ccsds, terminated: false)
        let noisy = ViterbiTestSignal.awgn(hard, ebN0: 4, rng: &rng)
        var map = MaxLogMAPDecoder()
        let window = Array(noisy[200..<1000])  // bits 100..<500
        let soft = try map.decode(window, termination: .open, knownStart: false)
        #expect(ViterbiTestSignal.errors(Array(Self.hard(soft)[40..<360]), Array(info[140..<460])) == 0)
        // From state 0 the same window is decoded wrongly at its start.
        let forced = try map.decode(window, termination: .open, knownStart: true)
        #expect(ViterbiTestSignal.errors(Array(Self.hard(forced)[0..<40]), Array(info[100..<140])) > 0
            || info[94..<100].allSatisfy { $0 == 0 })
    }
}
