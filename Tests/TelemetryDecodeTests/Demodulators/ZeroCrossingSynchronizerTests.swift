import Foundation
import Testing
import TelemetryDecode
import TestSupport

/// The symbol timing loop on a clean NRZ waveform whose symbol rate is off from the nominal one.
@Suite struct ZeroCrossingSynchronizerTests {
    /// Random bits as a smooth NRZ waveform (half-cosine transitions) at `samplesPerSymbol`.
    static func waveform(_ bits: [UInt8], samplesPerSymbol sps: Double) -> [Float] {
        let n = Int(Double(bits.count) * sps)
        return (0..<n).map { k in
            let t = Double(k) / sps
            let i = min(bits.count - 1, Int(t))
            let level = bits[i] == 1 ? 1.0 : -1.0
            let frac = t - Double(i)
            guard frac > 0.7, i + 1 < bits.count, bits[i + 1] != bits[i] else { return Float(level) }
            let u = (frac - 0.7) / 0.6  // transition centred on the symbol boundary (0.7 … 1.3)
            return Float(level * cos(Double.pi * u))
        }
    }

    static func run(_ bits: [UInt8], actualSPS: Double) -> (rate: Double, symbols: [UInt8]) {
        var sync = ZeroCrossingSynchronizer(samplesPerSymbol: 10, gain: 0.15)
        let x = waveform(bits, samplesPerSymbol: actualSPS)
        var out: [Float] = []
        x.withUnsafeBufferPointer { sync.process($0, into: &out) }
        return (sync.rateError, out.map { $0 > 0 ? 1 : 0 })
    }

    /// Symbols 1.5 % faster or slower than nominal: the loop learns the rate to within 0.2 %, and after
    /// it has settled every bit comes out (a first-order loop sits ~0.4 symbols off the centre instead).
    @Test(arguments: [0.015, -0.015])
    func learnsARateErrorAndRecoversEveryBit(_ error: Double) {
        var rng = SplitMix64(seed: 0x5EED)
        let bits = (0..<4000).map { _ in UInt8(truncatingIfNeeded: rng.next() & 1) }
        let (rate, symbols) = Self.run(bits, actualSPS: 10 / (1 + error))
        #expect(abs(rate - error) < 0.002, "learned \(rate)")
        // Align on the tail: the output holds one symbol per nominal period, so find the lag of the last 1000.
        let tail = Array(symbols.suffix(1000))
        let lag = (0..<20).first { l in
            let start = bits.count - 1000 - l
            return start >= 0 && Array(bits[start..<(start + 1000)]) == tail
        }
        #expect(lag != nil, "the last 1000 symbols match the sent bits at some lag")
    }

    /// On noise filtered to the symbol rate (what the loop sees between transmissions) the rate
    /// correction stays small and within its bound: the crossings' spread keeps the rate from learning.
    @Test func rateStaysBoundedOnNoise() {
        var rng = SplitMix64(seed: 42)
        var sync = ZeroCrossingSynchronizer(samplesPerSymbol: 10, gain: 0.15)
        var worst = 0.0, sum = 0.0
        var out: [Float] = []
        var window = [Float](repeating: 0, count: 10)
        var acc: Float = 0
        for block in 0..<200 {
            var x: [Float] = []
            for k in 0..<5000 {
                let v = Float(Double(rng.next() % 2001) / 1000 - 1)
                acc += v - window[k % 10]
                window[k % 10] = v
                x.append(acc)
            }
            x.withUnsafeBufferPointer { sync.process($0, into: &out) }
            worst = max(worst, abs(sync.rateError))
            if block >= 20 { sum += abs(sync.rateError) }
        }
        #expect(worst <= sync.maximumRateError)
        #expect(sum / 180 < 0.01, "mean |rate| \(sum / 180)")
    }
}
