/// Symbol timing recovery for NRZ-like baseband: a digital PLL steered by the zero crossings of the
/// (matched-filtered) signal, which fall half a symbol away from the ideal sampling instants.
///
/// Each output is the interpolated signal value at a sampling instant: positive means bit 1.
public struct ZeroCrossingSynchronizer: Sendable {
    /// Symbols per input sample (baud / sample rate).
    public let step: Double
    /// Fraction of each measured timing error corrected at once.
    public let gain: Double
    @usableFromInline var phase: Double = 0
    @usableFromInline var previous: Float = 0
    /// Input samples consumed so far (for mapping symbols back to time).
    public private(set) var samplesIn = 0
    public private(set) var symbolsOut = 0

    public init(samplesPerSymbol: Double, gain: Double = 0.15) {
        step = 1 / max(1.0001, samplesPerSymbol)
        self.gain = gain
    }

    public mutating func process(_ x: UnsafeBufferPointer<Float>, into out: inout [Float]) {
        var p = phase
        var prev = previous
        let st = step
        let g = gain
        for v in x {
            var next = p + st
            var adjust = 0.0
            if (prev < 0) != (v < 0), prev != v {
                let fz = Double(prev / (prev - v))
                var pz = p + fz * st
                pz -= pz.rounded(.down)
                adjust = g * (pz - 0.5)
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
        samplesIn += x.count
    }
}
