import Foundation

/// Moves complex baseband by a time-varying frequency: each sample is multiplied by e^{-j·φ(t)} with
/// φ' = 2π·f(t), so a signal whose frequency follows `profile` (a satellite's Doppler curve) comes out at
/// a fixed place. Software Doppler correction, as opposed to retuning the receiver: the phase stays
/// continuous, so no symbol is lost to a retune, and the same works on a recording.
///
/// The frequency is re-evaluated every `segment` samples (about a millisecond); within a segment a
/// recurrence rotates the oscillator and each segment starts from an exact cos/sin of the phase, so
/// rounding never accumulates.
public struct FrequencyShifter: Sendable {
    public let sampleRate: Double
    public var profile: FrequencyProfile
    /// Seconds on the profile's time axis of the first sample (the stream's start).
    public let startTime: Double
    /// Samples processed or skipped so far.
    public private(set) var sampleCount: Int = 0
    private var phase: Double = 0
    private let segment: Int

    public init(sampleRate: Double, profile: FrequencyProfile, startTime: Double = 0) {
        self.sampleRate = sampleRate
        self.profile = profile
        self.startTime = startTime
        segment = max(16, Int(sampleRate / 1000))
    }

    /// The shift applied at the current position, hertz.
    public var currentFrequency: Double { profile.frequency(at: startTime + Double(sampleCount) / sampleRate) }

    /// Shifts `x` in place.
    public mutating func process(_ x: UnsafeMutableBufferPointer<ComplexSample>) {
        var i = 0
        while i < x.count {
            let n = min(segment, x.count - i)
            // The segment's frequency at its middle: linear changes average out exactly.
            let mid = startTime + (Double(sampleCount) + Double(n) / 2) / sampleRate
            let step = -2 * Double.pi * profile.frequency(at: mid) / sampleRate
            var c = Float(cos(phase)), s = Float(sin(phase))
            let c0 = Float(cos(step)), s0 = Float(sin(step))
            for k in i..<(i + n) {
                let z = x[k]
                x[k] = ComplexSample(re: z.re * c - z.im * s, im: z.re * s + z.im * c)
                let nc = c * c0 - s * s0
                s = s * c0 + c * s0
                c = nc
            }
            phase = (phase + step * Double(n)).truncatingRemainder(dividingBy: 2 * Double.pi)
            sampleCount += n
            i += n
        }
    }

    /// `count` samples are missing (a drop): time moves on and the phase with it, as if they had passed.
    public mutating func skip(samples count: Int) {
        guard count > 0 else { return }
        let mid = startTime + (Double(sampleCount) + Double(count) / 2) / sampleRate
        phase = (phase - 2 * Double.pi * profile.frequency(at: mid) * Double(count) / sampleRate)
            .truncatingRemainder(dividingBy: 2 * Double.pi)
        sampleCount += count
    }
}
