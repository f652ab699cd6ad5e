import Foundation
import Testing
import TelemetryDecode
import TestSupport

/// The arbitrary-ratio polyphase resampler: tones keep their frequency and level, what does not fit
/// the output rate is rejected (aliases when decimating, images when interpolating), and the output
/// is the same bit for bit however the input is cut into blocks.
@Suite(.computeThreads) struct PolyphaseResamplerTests {
    /// (input rate, output rate): rational up and down, a large integer decimation, an irrational ratio.
    static let ratios: [(Double, Double)] = [
        (48_000, 44_100), (44_100, 48_000), (48_000, 37_500), (22_050, 48_000), (250_000, 48_000), (2_400_000, 48_000),
        (48_000, 48_000 / 2.0.squareRoot()),
    ]

    /// e^{j2πft} sampled at `rate` for `count` samples.
    static func tone(_ f: Double, rate: Double, count: Int, phase: Double = 0) -> [ComplexSample] {
        (0..<count).map { n in
            let p = 2 * Double.pi * f * Double(n) / rate + phase
            return ComplexSample(re: Float(cos(p)), im: Float(sin(p)))
        }
    }

    static func resample<S: ResamplerSample>(_ x: [S], _ r: inout PolyphaseResampler<S>, block: Int) -> [S] {
        var out: [S] = []
        var i = 0
        x.withUnsafeBufferPointer { b in
            while i < b.count {
                let n = min(block, b.count - i)
                r.process(UnsafeBufferPointer(rebasing: b[i..<(i + n)]), into: &out)
                i += n
            }
        }
        return out
    }

    /// Power of the component at `f` Hz in `y` (rate `rate`), relative to a unit complex tone, in dB
    /// (a correlation over the samples from `skip` on).
    static func level(_ y: [ComplexSample], at f: Double, rate: Double, skip: Int) -> Double {
        var re = 0.0, im = 0.0
        let n = y.count - skip
        for k in skip..<y.count {
            let p = -2 * Double.pi * f * Double(k) / rate
            let c = cos(p), s = sin(p)
            re += Double(y[k].re) * c - Double(y[k].im) * s
            im += Double(y[k].re) * s + Double(y[k].im) * c
        }
        return 10 * log10(max(1e-30, (re * re + im * im) / Double(n * n)))
    }

    @Test(arguments: 0..<ratios.count)
    func toneKeepsFrequencyAndLevel(_ index: Int) throws {
        let (fin, fout) = Self.ratios[index]
        // A tone inside the passband of both rates (40 % of the lower one), negative to catch a
        // flipped spectrum.
        let f = -0.3 * min(fin, fout)
        var r = try PolyphaseResampler<ComplexSample>(inputRate: fin, outputRate: fout)
        let x = Self.tone(f, rate: fin, count: Int(fin * 0.1))
        let y = Self.resample(x, &r, block: 4096)
        #expect(abs(Double(y.count) - Double(x.count) * fout / fin) <= 2, "\(fin)→\(fout): \(y.count) outputs for \(x.count) inputs")
        // Against the ideal tone at the output rate, delayed by the filter's group delay: after the
        // filter has filled, the error is the passband ripple plus interpolation error.
        let skip = Int(Double(r.bank.tapsPerPhase) * fout / fin) + 2
        var err = 0.0, sig = 0.0
        for k in skip..<y.count {
            let t = Double(k) / fout - r.bank.delay / fin
            let p = 2 * Double.pi * f * t
            let dr = Double(y[k].re) - cos(p), di = Double(y[k].im) - sin(p)
            err += dr * dr + di * di
            sig += 1
        }
        let errorDB = 10 * log10(err / sig)
        // Measured frequency from the phase advance per output sample.
        var acc = (re: 0.0, im: 0.0)
        for k in (skip + 1)..<y.count {
            let a = y[k], b = y[k - 1]
            acc.re += Double(a.re * b.re + a.im * b.im)
            acc.im += Double(a.im * b.re - a.re * b.im)
        }
        let measured = atan2(acc.im, acc.re) / (2 * Double.pi) * fout
        print("resampler \(fin) → \(fout) Hz: tone \(f) Hz measured \(measured) Hz, error vs ideal \(String(format: "%.1f", errorDB)) dB, \(r.bank.phases) phases × \(r.bank.tapsPerPhase) taps")
        #expect(abs(measured - f) < 0.01 * abs(f) / 1000, "\(fin)→\(fout): tone at \(measured) Hz, sent \(f) Hz")
        #expect(errorDB < -60, "\(fin)→\(fout): output differs from the ideal tone by \(errorDB) dB")
    }

    /// Decimating: a tone above the output's Nyquist frequency would alias into the band; it must be
    /// rejected by at least 65 dB (70 dB design).
    @Test(arguments: [(48_000.0, 22_050.0, 15_000.0), (48_000.0, 37_500.0, 20_000.0), (250_000.0, 48_000.0, 60_000.0), (48_000.0, 33_941.125, 18_000.0)])
    func rejectsAliases(_ c: (Double, Double, Double)) throws {
        let (fin, fout, f) = c
        var r = try PolyphaseResampler<ComplexSample>(inputRate: fin, outputRate: fout)
        let y = Self.resample(Self.tone(f, rate: fin, count: Int(fin * 0.2)), &r, block: 4096)
        let skip = r.bank.tapsPerPhase
        let power = y[skip...].reduce(0.0) { $0 + Double($1.re * $1.re + $1.im * $1.im) } / Double(y.count - skip)
        let db = 10 * log10(max(1e-30, power))
        print("resampler \(fin) → \(fout) Hz: tone at \(f) Hz comes out at \(String(format: "%.1f", db)) dB")
        #expect(db < -65, "\(fin)→\(fout): \(f) Hz leaks through at \(db) dB")
    }

    /// Interpolating: a tone in band must not leave images at k·fin ± f in the wider output band.
    @Test(arguments: [(22_050.0, 48_000.0, 5_000.0), (44_100.0, 48_000.0, 15_000.0), (37_500.0, 48_000.0, -12_000.0)])
    func rejectsImages(_ c: (Double, Double, Double)) throws {
        let (fin, fout, f) = c
        var r = try PolyphaseResampler<ComplexSample>(inputRate: fin, outputRate: fout)
        let y = Self.resample(Self.tone(f, rate: fin, count: Int(fin * 0.2)), &r, block: 4096)
        let skip = r.bank.tapsPerPhase * 2
        let wanted = Self.level(y, at: f, rate: fout, skip: skip)
        // The first images of a complex tone sit at f ± fin, folded into the output's band.
        var worst = -400.0
        for image in [f + fin, f - fin] {
            var g = image.truncatingRemainder(dividingBy: fout)
            if g > fout / 2 { g -= fout } else if g < -fout / 2 { g += fout }
            worst = max(worst, Self.level(y, at: g, rate: fout, skip: skip))
        }
        // And all that is not the tone: subtract the fitted tone, measure what is left.
        print("resampler \(fin) → \(fout) Hz: tone \(f) Hz at \(String(format: "%.2f", wanted)) dB, worst image \(String(format: "%.1f", worst)) dB")
        #expect(abs(wanted) < 0.05, "passband gain \(wanted) dB")
        #expect(worst < -65, "\(fin)→\(fout): image of \(f) Hz at \(worst) dB")
    }

    /// A real input: a DC-free tone keeps its level; the real path uses one lane per sample.
    @Test func realToneKeepsLevel() throws {
        var r = try PolyphaseResampler<Float>(inputRate: 48_000, outputRate: 44_100)
        let x = (0..<48_000).map { Float(sin(2 * Double.pi * 1_000 * Double($0) / 48_000)) }
        let y = Self.resample(x, &r, block: 1000)
        let tail = y[2000...]
        let rms = (tail.reduce(0.0) { $0 + Double($1 * $1) } / Double(tail.count)).squareRoot()
        #expect(abs(rms - 0.5.squareRoot()) < 1e-3, "rms \(rms)")
        #expect(abs(y.count - 44_100) <= 1)
    }

    /// Bit-identical output for blocks of 1, 7, 4096 samples and the whole signal at once.
    @Test(arguments: 0..<ratios.count)
    func outputDoesNotDependOnBlockSize(_ index: Int) throws {
        let (fin, fout) = Self.ratios[index]
        var rng = SplitMix64(seed: UInt64(index + 1))
        let count = fin > 100_000 ? 60_000 : 12_000
        let x = (0..<count).map { _ in
            ComplexSample(re: Float(Int64(bitPattern: rng.next()) >> 40) / 0x1p23, im: Float(Int64(bitPattern: rng.next()) >> 40) / 0x1p23)
        }
        let real = x.map(\.re)
        var reference: [ComplexSample]?
        var referenceReal: [Float]?
        for block in [count, 1, 7, 4096] {
            var r = try PolyphaseResampler<ComplexSample>(inputRate: fin, outputRate: fout)
            var rr = try PolyphaseResampler<Float>(inputRate: fin, outputRate: fout)
            let y = Self.resample(x, &r, block: block)
            let yr = Self.resample(real, &rr, block: block)
            if let reference, let referenceReal {
                #expect(y == reference, "\(fin)→\(fout): complex output with blocks of \(block) differs from the whole-signal output")
                #expect(yr == referenceReal, "\(fin)→\(fout): real output with blocks of \(block) differs from the whole-signal output")
            } else {
                reference = y
                referenceReal = yr
                let worst = zip(y, yr).map { abs($0.re - $1) }.max() ?? 0
                #expect(y.count == yr.count && worst < 1e-5, "the real path must match the complex path's real part (differs by \(worst))")
            }
        }
    }

    /// After `reset()` the resampler gives what a new one gives.
    @Test func resetStartsOver() throws {
        var r = try PolyphaseResampler<Float>(inputRate: 48_000, outputRate: 37_500)
        let x = (0..<5000).map { Float(sin(Double($0) * 0.01)) }
        let first = Self.resample(x, &r, block: 333)
        r.reset()
        #expect(Self.resample(x, &r, block: 5000) == first)
    }

    @Test func refusesBadRatesAndBands() {
        #expect(throws: ResamplerError.invalidRate(input: 0, output: 48_000)) { try PolyphaseResampler<Float>(inputRate: 0, outputRate: 48_000) }
        #expect(throws: ResamplerError.invalidRate(input: 48_000, output: -1)) { try PolyphaseResampler<Float>(inputRate: 48_000, outputRate: -1) }
        #expect(throws: ResamplerError.self) { try PolyphaseResampler<Float>(inputRate: .nan, outputRate: 48_000) }
        #expect(throws: ResamplerError.self) { try PolyphaseResampler<Float>(inputRate: 48_000, outputRate: 44_100, passband: 10_000, stopband: 9_000) }
        #expect(throws: ResamplerError.self) { try PolyphaseResampler<Float>(inputRate: 48_000, outputRate: 44_100, passband: 10_000, stopband: 60_000) }
    }
}
