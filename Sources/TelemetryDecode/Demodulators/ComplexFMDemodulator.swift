#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Complex baseband (IQ) to real FM-demodulated samples: frequency shift by `-offset`, low-pass,
/// decimation by an integer factor, quadrature discriminator. The output looks like an FM
/// receiver's audio at `sampleRate / decimation`, so the audio demodulators take it from there.
///
/// The low-pass is evaluated only at the kept (decimated) instants, so the cost per input sample is
/// the mixer plus `taps / decimation` multiply-adds: a 2.4 Msps RTL-SDR stream decimated by 50 costs
/// 50 times less than filtering every sample. Memory is the filter history plus one block.
///
/// When the input rate is not a whole multiple of `minimumOutputRate` (250 ksps, 1.024 or 2.048 Msps
/// for a 48 kHz output) a `PolyphaseResampler` does the filtering and brings the rate to exactly
/// `minimumOutputRate`, so the demodulator after it sees the whole number of samples per symbol it
/// was designed for.
public struct ComplexFMDemodulator: Sendable {
    /// Integer decimation factor (1 when the resampler is used).
    public let decimation: Int
    public let outputRate: Double
    let phaseStep: Double
    var phase: Double = 0
    /// Low-pass taps, reversed so that output = Σ taps[j] · history[k + j].
    let taps: [Float]
    /// Mixed I and Q: the last `taps.count - 1` samples of the previous blocks, then the current block.
    var historyI: [Float]
    var historyQ: [Float]
    /// Index (in the current block) of the next sample to keep.
    var skip = 0
    var lastI: Float = 0
    var lastQ: Float = 0
    /// Output in half-cycles per output sample: ±1 at a frequency of ±outputRate / 2.
    let scale: Float
    var resampler: PolyphaseResampler<ComplexSample>?
    var mixed: [ComplexSample] = []
    var resampled: [ComplexSample] = []

    /// `bandwidth`: one-sided signal bandwidth in Hz (deviation plus half the baud rate, or the
    /// audio bandwidth for AFSK); `minimumOutputRate`: the decimated rate must stay above this.
    public init(sampleRate: Double, offset: Double, bandwidth: Double, minimumOutputRate: Double) {
        let ratio = sampleRate / max(1, minimumOutputRate)
        if ratio > 1, abs(ratio - ratio.rounded()) > 1e-9 * ratio {
            let out = minimumOutputRate
            // About -6 dB at `bandwidth` (as the windowed-sinc filter of the integer path): a wider
            // channel lets in noise that the discriminator turns into clicks.
            let pass = min(0.75 * max(1, bandwidth), 0.4 * out)
            let stop = min(max(1.25 * max(1, bandwidth), 1.2 * pass), 0.5 * out)
            resampler = try? PolyphaseResampler(inputRate: sampleRate, outputRate: out, passband: pass, stopband: stop)
        }
        let d = resampler == nil ? max(1, Int(ratio)) : 1
        decimation = d
        outputRate = resampler?.outputRate ?? sampleRate / Double(d)
        phaseStep = -2 * Double.pi * offset / sampleRate
        let cutoff = min(bandwidth, outputRate / 2 * 0.9)
        let designed = FIRFilter.lowPass(cutoff: cutoff, sampleRate: sampleRate, taps: Int(4 * sampleRate / max(1, cutoff)) | 1)
        taps = designed.isEmpty ? [1] : designed.reversed()
        historyI = [Float](repeating: 0, count: taps.count - 1)
        historyQ = historyI
        scale = Float(1 / Double.pi)
    }

    /// Appends the demodulated real samples (about ±1 at full deviation of half the output rate).
    public mutating func process(_ x: UnsafeBufferPointer<ComplexSample>, into out: inout [Float]) {
        let n = x.count
        guard n > 0 else { return }
        if resampler != nil {
            resample(x, into: &out)
            return
        }
        let m = taps.count
        historyI.reserveCapacity(m - 1 + n)
        historyQ.reserveCapacity(m - 1 + n)
        var p = phase
        let c0 = cos(phaseStep), s0 = sin(phaseStep)
        var c = cos(p), s = sin(p)
        for z in x {
            // z * e^{jp}
            historyI.append(z.re * Float(c) - z.im * Float(s))
            historyQ.append(z.re * Float(s) + z.im * Float(c))
            let nc = c * c0 - s * s0
            s = s * c0 + c * s0
            c = nc
            p += phaseStep
        }
        // Recompute the oscillator exactly once per block so rounding never accumulates.
        phase = p.truncatingRemainder(dividingBy: 2 * Double.pi)
        var k = skip
        var pi = lastI, pq = lastQ
        let d = decimation
        let sc = scale
        taps.withUnsafeBufferPointer { t in
            historyI.withUnsafeBufferPointer { hi in
                historyQ.withUnsafeBufferPointer { hq in
                    guard let tb = t.baseAddress, let ib = hi.baseAddress, let qb = hq.baseAddress else { return }
                    while k < n {
                        let ci = Self.dot(tb, ib + k, m)
                        let cq = Self.dot(tb, qb + k, m)
                        let re = ci * pi + cq * pq
                        let im = cq * pi - ci * pq
                        out.append(atan2f(im, re) * sc)
                        pi = ci
                        pq = cq
                        k += d
                    }
                }
            }
        }
        skip = k - n
        lastI = pi
        lastQ = pq
        historyI.removeFirst(n)
        historyQ.removeFirst(n)
    }

    /// Mixer, resampler (the channel filter), discriminator.
    mutating func resample(_ x: UnsafeBufferPointer<ComplexSample>, into out: inout [Float]) {
        guard var r = resampler else { return }
        resampler = nil  // so `r` holds the only reference to its buffers (no copy on write)
        mixed.removeAll(keepingCapacity: true)
        var p = phase
        let c0 = cos(phaseStep), s0 = sin(phaseStep)
        var c = cos(p), s = sin(p)
        for z in x {
            mixed.append(ComplexSample(re: z.re * Float(c) - z.im * Float(s), im: z.re * Float(s) + z.im * Float(c)))
            let nc = c * c0 - s * s0
            s = s * c0 + c * s0
            c = nc
            p += phaseStep
        }
        phase = p.truncatingRemainder(dividingBy: 2 * Double.pi)
        resampled.removeAll(keepingCapacity: true)
        mixed.withUnsafeBufferPointer { r.process($0, into: &resampled) }
        resampler = r
        var pi = lastI, pq = lastQ
        let sc = scale
        for z in resampled {
            let re = z.re * pi + z.im * pq
            let im = z.im * pi - z.re * pq
            out.append(atan2f(im, re) * sc)
            pi = z.re
            pq = z.im
        }
        lastI = pi
        lastQ = pq
    }

    /// Σ a[j]·b[j] for j < count, eight lanes at a time.
    @inline(__always)
    static func dot(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ count: Int) -> Float {
        var acc = SIMD8<Float>(repeating: 0)
        var j = 0
        let rawA = UnsafeRawPointer(a), rawB = UnsafeRawPointer(b)
        while j + 8 <= count {
            let va = rawA.loadUnaligned(fromByteOffset: j * 4, as: SIMD8<Float>.self)
            let vb = rawB.loadUnaligned(fromByteOffset: j * 4, as: SIMD8<Float>.self)
            acc += va * vb
            j += 8
        }
        var sum = acc.sum()
        while j < count {
            sum += a[j] * b[j]
            j += 1
        }
        return sum
    }
}
