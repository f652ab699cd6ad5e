/// Symbol timing recovery for NRZ-like baseband: a digital PLL steered by the zero crossings of the
/// (matched-filtered) signal, which fall half a symbol away from the ideal sampling instants.
///
/// The loop is second order: besides correcting each crossing's timing error (`gain`), it learns the
/// symbol rate (`rateGain`). A first-order loop under a rate error settles off the symbol centre by
/// about the error over the gain per crossing: a transmitter (or recorder) clock 1.5 % off, as 3CAT-2's
/// in the shared recordings, puts every sample ~0.3 symbols off and the frame is lost.
///
/// The rate only learns while the crossings look like a signal's: their timing errors spread little
/// (variance below `signalVariance`; on noise they are uniform, variance 1/12), though under a rate
/// error they may all sit off centre. Learning from noise walked the rate to its bound (±3 %) between
/// transmissions. It is also leaky and bounded by `maximumRateError`.
///
/// Each output is the interpolated signal value at a sampling instant: positive means bit 1.
public struct ZeroCrossingSynchronizer: Sendable {
    /// Symbols per input sample (baud / sample rate).
    public let step: Double
    /// Fraction of each measured timing error corrected at once.
    public let gain: Double
    /// Fraction of each measured timing error added to the rate correction (0: a first-order loop).
    public let rateGain: Double
    /// Fraction of the rate correction forgotten at each crossing.
    public let rateLeak: Double
    /// Largest rate correction, as a fraction of the nominal rate.
    public let maximumRateError: Double
    /// Largest variance of the crossings' timing errors (symbols²) for the rate to learn from them.
    public static let signalVariance = 0.04
    @usableFromInline var phase: Double = 0
    @usableFromInline var previous: Float = 0
    /// Running mean and mean square of the crossings' timing errors (about 32 crossings).
    var errorMean = 0.0
    var errorSquare = 1.0 / 12
    /// The learned rate correction, as a fraction of the nominal rate.
    public private(set) var rateError: Double = 0
    /// Input samples consumed so far (for mapping symbols back to time).
    public private(set) var samplesIn = 0
    public private(set) var symbolsOut = 0

    /// `rateGain` defaults to gain²/16: an overdamped loop (damping 2). Critically damped (gain²/4), the
    /// rate wanders more on noisy symbols: it lost one of ao27's two reference frames.
    /// `rateLeak` 1/512 per crossing.
    public init(
        samplesPerSymbol: Double, gain: Double = 0.15, rateGain: Double? = nil, rateLeak: Double = 1.0 / 512,
        maximumRateError: Double = 0.03
    ) {
        step = 1 / max(1.0001, samplesPerSymbol)
        self.gain = gain
        self.rateGain = rateGain ?? gain * gain / 16
        self.rateLeak = rateLeak
        self.maximumRateError = maximumRateError
    }

    public mutating func process(_ x: UnsafeBufferPointer<Float>, into out: inout [Float]) {
        var p = phase
        var prev = previous
        var rate = rateError
        var mean = errorMean, square = errorSquare
        let limit = Self.signalVariance
        let nominal = step
        var st = nominal * (1 + rate)
        let g = gain, gi = rateGain, keep = 1 - rateLeak, bound = maximumRateError
        for v in x {
            var next = p + st
            var adjust = 0.0
            if (prev < 0) != (v < 0), prev != v {
                let fz = Double(prev / (prev - v))
                var pz = p + fz * st
                pz -= pz.rounded(.down)
                let e = pz - 0.5
                adjust = g * e
                if gi > 0 {
                    mean += (e - mean) / 32
                    square += (e * e - square) / 32
                    // A crossing late in the symbol (e > 0) means the count runs fast: slow it down.
                    let learn = square - mean * mean < limit ? gi * e : 0
                    rate = max(-bound, min(bound, rate * keep - learn))
                    st = nominal * (1 + rate)
                }
            }
            if next >= 1 {
                let f = Float((1 - p) / st)
                out.append(prev + f * (v - prev))
                next -= 1
            }
            p = next - adjust
            prev = v
        }
        symbolsOut = out.count
        phase = p
        previous = prev
        rateError = rate
        errorMean = mean
        errorSquare = square
        samplesIn += x.count
    }
}
