import Testing
import TelemetryDecode
import TestSupport

@Suite(.computeThreads) struct PuncturingTests {
    @Test func ratesAndPatterns() {
        #expect(Puncturing.ccsdsRates.map(\.description) == ["rate 1/2", "rate 2/3", "rate 3/4", "rate 5/6", "rate 7/8"])
        // 7/8 sends C1(1) C2(1) C2(2) C2(3) C2(4) C1(5) C2(6) C1(7).
        let mother = (0..<14).map { UInt8($0) }
        #expect(Puncturing.rate7_8.puncture(mother) == [0, 1, 3, 5, 7, 8, 11, 12])
        #expect(Puncturing.rate2_3.puncture(mother) == [0, 1, 3, 4, 5, 7, 8, 9, 11, 12, 13])
        #expect(Puncturing.rate3_4.transmittedCount(forMotherCount: 12) == 8)
    }

    /// Encode, puncture, depuncture (erasures), decode, for every rate and both code variants.
    @Test(arguments: Puncturing.ccsdsRates)
    func roundTrip(rate: Puncturing) throws {
        var rng = SplitMix64(seed: UInt64(rate.transmittedPerPeriod))
        for code in [ConvolutionalCode.nasaDSN, .ccsds] {
            var decoder = ViterbiDecoder(code: code)
            let bits = ViterbiTestSignal.randomBits(rate.period * 60, rng: &rng)
            let mother = ConvolutionalEncoder.encodeBlock(bits: bits, code: code)
            let sent = rate.puncture(mother)
            #expect(sent.count == rate.transmittedCount(forMotherCount: mother.count))
            // Noiseless, then with AWGN at a comfortable Eb/N0 for the rate.
            let clean = rate.depuncture(ConvolutionalEncoder.softSymbols(fromHard: sent), motherCount: mother.count)
            #expect(try decoder.decode(clean) == bits, "\(rate) \(code) noiseless")
            let r = Double(rate.period) / Double(rate.transmittedPerPeriod)
            let noisy = ViterbiTestSignal.awgn(sent, ebN0: 7.5, rate: r, rng: &rng)
            #expect(try decoder.decode(rate.depuncture(noisy, motherCount: mother.count)) == bits, "\(rate) \(code) AWGN")
        }
    }

    @Test func chunkedDepunctureMatchesWhole() {
        var rng = SplitMix64(seed: 4)
        let sent = (0..<101).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
        let whole = Puncturing.rate5_6.depuncture(sent)
        var out: [UInt8] = []
        var phase = 0
        for start in stride(from: 0, to: sent.count, by: 7) {
            Array(sent[start..<min(start + 7, sent.count)]).withUnsafeBufferPointer {
                Puncturing.rate5_6.depuncture($0, phase: &phase, into: &out)
            }
        }
        #expect(Array(whole.prefix(out.count)) == out)
        #expect(whole.count % 2 == 0 && whole.count >= out.count)
    }
}
