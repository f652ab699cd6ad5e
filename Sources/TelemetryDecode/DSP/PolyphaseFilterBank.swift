#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The taps of a polyphase resampler: one Kaiser-windowed low-pass prototype, designed at `phases`
/// times the input rate, split into `phases` sub-filters of `tapsPerPhase` taps each.
///
/// Each phase is stored ready for the inner loop: its taps reversed (oldest sample first), every tap
/// repeated `lanes` times (so complex history is filtered as interleaved floats in one pass), padded
/// to whole SIMD8 vectors, and followed by the difference to the next phase, so a fractional phase
/// between two stored ones is `taps + μ·difference` (linear interpolation of the prototype).
public struct PolyphaseFilterBank: Sendable {
    public let phases: Int
    /// Taps per phase in input samples (padded: a multiple of 8 / lanes).
    public let tapsPerPhase: Int
    public let lanes: Int
    /// Floats per stored phase vector: `tapsPerPhase * lanes`, a multiple of 8.
    public let width: Int
    /// Group delay of the filter, in input samples.
    public let delay: Double
    /// Prototype length (before padding).
    public let prototypeLength: Int
    /// Per phase: `width` reversed, lane-repeated taps, then `width` differences to the next phase.
    public let coefficients: [Float]

    /// `passband`/`stopband`: edges in Hz at `inputRate`; `attenuation`: stopband rejection in dB.
    /// The caller validates the arguments (`PolyphaseResampler.init` does).
    init(inputRate: Double, passband: Double, stopband: Double, attenuation: Double, lanes: Int) {
        self.lanes = lanes
        // Linear interpolation between phases errs by about (π·f/L)²/8 for content at f cycles per
        // input sample; the stopband edge bounds f. 256·f phases keep that below -80 dB.
        let f = stopband / inputRate
        var l = 8
        while l < 128 && Double(l) < 256 * f { l <<= 1 }
        phases = l
        // Kaiser's estimate of the length for `attenuation` dB over the transition band.
        let a = max(21, attenuation)
        let transition = 2 * Double.pi * (stopband - passband) / (inputRate * Double(l))
        let m = max(2, Int(((a - 7.95) / (2.285 * transition)).rounded(.up)) + 1)
        let beta = a > 50 ? 0.1102 * (a - 8.7) : 0.5842 * pow(a - 21, 0.4) + 0.07886 * (a - 21)
        let fc = (passband + stopband) / 2 / (inputRate * Double(l))
        let mid = Double(m - 1) / 2
        var h = [Double](repeating: 0, count: m)
        let i0b = Self.besselI0(beta)
        for i in 0..<m {
            let t = Double(i) - mid
            let sinc = t == 0 ? 2 * fc : sin(2 * Double.pi * fc * t) / (Double.pi * t)
            let r = 2 * Double(i) / Double(m - 1) - 1
            h[i] = sinc * Self.besselI0(beta * max(0, 1 - r * r).squareRoot()) / i0b
        }
        // Each phase (every l-th tap) then has unity gain at DC.
        let sum = h.reduce(0, +)
        if sum != 0 { for i in h.indices { h[i] *= Double(l) / sum } }
        prototypeLength = m
        delay = mid / Double(l)
        let perVector = max(1, 8 / lanes)
        let n = ((m + l - 1) / l + perVector - 1) / perVector * perVector
        tapsPerPhase = n
        width = n * lanes
        // Sub-filter q (0...l) applied to x[i-j] is h[j·l + q]; q = l is phase 0 one sample later.
        func tap(_ q: Int, _ j: Int) -> Double {
            let k = j * l + q
            return k < m ? h[k] : 0
        }
        var c = [Float](repeating: 0, count: l * 2 * n * lanes)
        for p in 0..<l {
            let base = p * 2 * n * lanes
            for k in 0..<n {
                let j = n - 1 - k  // reversed: the oldest sample of the window first
                let v = tap(p, j), next = tap(p + 1, j)
                for lane in 0..<lanes {
                    c[base + k * lanes + lane] = Float(v)
                    c[base + n * lanes + k * lanes + lane] = Float(next - v)
                }
            }
        }
        coefficients = c
    }

    /// Zeroth-order modified Bessel function of the first kind (power series).
    static func besselI0(_ x: Double) -> Double {
        var sum = 1.0, term = 1.0
        let q = x * x / 4
        var k = 1.0
        while term > sum * 1e-17 {
            term *= q / (k * k)
            sum += term
            k += 1
        }
        return sum
    }
}
