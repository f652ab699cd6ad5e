#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Complex baseband (IQ) to real FM-demodulated samples: frequency shift by `-offset`, low-pass,
/// decimation by an integer factor, quadrature discriminator. The output looks like an FM
/// receiver's audio at `sampleRate / decimation`, so the audio demodulators take it from there.
public struct ComplexFMDemodulator: Sendable {
    public let decimation: Int
    public let outputRate: Double
    let phaseStep: Double
    var phase: Double = 0
    var lowPass: FIRFilter
    var lowPassQ: FIRFilter
    var i: [Float] = []
    var q: [Float] = []
    var fi: [Float] = []
    var fq: [Float] = []
    var skip = 0
    var lastI: Float = 0
    var lastQ: Float = 0
    /// Scale so that the output is in Hz / (outputRate / 2π)… i.e. cycles per output sample × 2.
    let scale: Float

    /// `bandwidth`: one-sided signal bandwidth in Hz (deviation plus half the baud rate, or the
    /// audio bandwidth for AFSK); `minimumOutputRate`: the decimated rate must stay above this.
    public init(sampleRate: Double, offset: Double, bandwidth: Double, minimumOutputRate: Double) {
        let d = max(1, Int(sampleRate / max(1, minimumOutputRate)))
        decimation = d
        outputRate = sampleRate / Double(d)
        phaseStep = -2 * Double.pi * offset / sampleRate
        let cutoff = min(bandwidth, outputRate / 2 * 0.9)
        let taps = FIRFilter.lowPass(cutoff: cutoff, sampleRate: sampleRate, taps: Int(4 * sampleRate / max(1, cutoff)) | 1)
        lowPass = FIRFilter(taps: taps)
        lowPassQ = FIRFilter(taps: taps)
        scale = Float(1 / Double.pi)
    }

    /// Appends the demodulated real samples (about ±1 at full deviation of half the output rate).
    public mutating func process(_ x: UnsafeBufferPointer<ComplexSample>, into out: inout [Float]) {
        let n = x.count
        i.removeAll(keepingCapacity: true)
        q.removeAll(keepingCapacity: true)
        var p = phase
        let c0 = cos(phaseStep), s0 = sin(phaseStep)
        var c = cos(p), s = sin(p)
        for z in x {
            // z * e^{jp}
            i.append(z.re * Float(c) - z.im * Float(s))
            q.append(z.re * Float(s) + z.im * Float(c))
            let nc = c * c0 - s * s0
            s = s * c0 + c * s0
            c = nc
            p += phaseStep
        }
        // Recompute the oscillator exactly once per block so rounding never accumulates.
        p = p.truncatingRemainder(dividingBy: 2 * Double.pi)
        phase = p
        fi = [Float](repeating: 0, count: n)
        fq = [Float](repeating: 0, count: n)
        i.withUnsafeBufferPointer { src in fi.withUnsafeMutableBufferPointer { lowPass.process(src, into: $0) } }
        q.withUnsafeBufferPointer { src in fq.withUnsafeMutableBufferPointer { lowPassQ.process(src, into: $0) } }
        var k = skip
        var pi = lastI, pq = lastQ
        while k < n {
            let ci = fi[k], cq = fq[k]
            let re = ci * pi + cq * pq
            let im = cq * pi - ci * pq
            out.append(atan2f(im, re) * scale)
            pi = ci
            pq = cq
            k += decimation
        }
        skip = k - n
        lastI = pi
        lastQ = pq
    }
}
