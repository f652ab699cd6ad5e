#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Mixes a real signal down by `carrier` Hz, low-passes the complex result and returns its
/// instantaneous frequency in units of the sample rate (cycles per sample): the classic quadrature
/// FM discriminator, used for AFSK tones in audio and for FSK carried at an audio offset.
///
/// DC in the input is removed first (a one-pole blocker with a corner near 20 Hz, far below any
/// tone): audio from an FM demodulator carries the RF carrier's frequency error and Doppler as DC,
/// which would otherwise sit inside the pass band as a spurious line at −`carrier` Hz.
public struct FMDiscriminator: Sendable {
    let phaseStep: Double
    var phase: Double = 0
    var dc: DCBlocker
    var input: [Float] = []
    var lowPassI: FIRFilter
    var lowPassQ: FIRFilter
    var i: [Float] = []
    var q: [Float] = []
    var fi: [Float] = []
    var fq: [Float] = []
    var lastI: Float = 0
    var lastQ: Float = 0

    /// `bandwidth`: one-sided low-pass cutoff in Hz around the carrier (deviation plus half the baud rate).
    public init(carrier: Double, bandwidth: Double, sampleRate: Double) {
        phaseStep = 2 * Double.pi * carrier / sampleRate
        dc = DCBlocker(timeConstant: Float(sampleRate / (2 * Double.pi * 20)))
        let taps = FIRFilter.lowPass(cutoff: bandwidth, sampleRate: sampleRate, taps: Int(4 * sampleRate / max(1, bandwidth)) | 1)
        lowPassI = FIRFilter(taps: taps)
        lowPassQ = FIRFilter(taps: taps)
    }

    /// Appends one frequency value per input sample to `out` (cycles/sample, positive above the carrier).
    public mutating func process(_ x: UnsafeBufferPointer<Float>, into out: inout [Float]) {
        let n = x.count
        i.removeAll(keepingCapacity: true)
        q.removeAll(keepingCapacity: true)
        input.removeAll(keepingCapacity: true)
        input.append(contentsOf: x)
        input.withUnsafeMutableBufferPointer { dc.process($0) }
        var p = phase
        for s in input {
            i.append(s * Float(cos(p)))
            q.append(-s * Float(sin(p)))
            p += phaseStep
            if p > 2 * Double.pi { p -= 2 * Double.pi }
        }
        phase = p
        if fi.count != n { fi = [Float](repeating: 0, count: n) }
        if fq.count != n { fq = [Float](repeating: 0, count: n) }
        i.withUnsafeBufferPointer { src in fi.withUnsafeMutableBufferPointer { lowPassI.process(src, into: $0) } }
        q.withUnsafeBufferPointer { src in fq.withUnsafeMutableBufferPointer { lowPassQ.process(src, into: $0) } }
        let scale = Float(1 / (2 * Double.pi))
        var pi = lastI, pq = lastQ
        for k in 0..<n {
            let ci = fi[k], cq = fq[k]
            // z[k] * conj(z[k-1])
            let re = ci * pi + cq * pq
            let im = cq * pi - ci * pq
            out.append(atan2f(im, re) * scale)
            pi = ci
            pq = cq
        }
        lastI = pi
        lastQ = pq
    }
}
