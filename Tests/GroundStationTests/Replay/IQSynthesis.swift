import Foundation
import TelemetryDecode

/// Turns real audio recordings (48 kHz FM-receiver or SSB audio) into complex baseband as an SDR
/// would have captured the same signal: FM-modulated (FSK/AFSK audio) or as the analytic signal of
/// SSB audio (BPSK), upsampled, moved to a frequency offset with a Doppler ramp, with white noise.
enum IQSynthesis {
    enum Kind: Sendable, CustomStringConvertible {
        /// FM-modulate the audio with this RMS deviation (Hz).
        case fm(deviation: Double)
        /// SSB audio with the signal's carrier at `carrier` Hz: analytic signal, carrier moved to the offset.
        case ssb(carrier: Double)

        var description: String {
            switch self {
            case .fm(let d): "FM \(Int(d)) Hz rms deviation"
            case .ssb(let c): "analytic, audio carrier \(Int(c)) Hz"
            }
        }
    }

    struct Plan: Sendable, CustomStringConvertible {
        var kind: Kind
        /// Upsampling factor from the audio rate to the IQ rate.
        var upsample: Int
        /// Where the signal (FM carrier or BPSK carrier) sits at the start of the recording, Hz (what
        /// a user passes as `--f-offset` after tuning to the signal).
        var offset: Double
        /// Doppler: linear frequency ramp in Hz/s from the start of the recording, limited to
        /// `maximumDrift` Hz away from `offset`; the demodulators must track it.
        var driftRate: Double
        var maximumDrift: Double = 2_000
        /// A further frequency shift over time (seconds from the start → Hz), e.g. a predicted Doppler curve.
        var doppler: FrequencyProfile? = nil
        /// Signal-to-noise ratio in `noiseBandwidth` Hz, dB (signal amplitude 0.5, noise complex white).
        var snr: Double
        var noiseBandwidth: Double
        var seed: UInt64

        var description: String {
            "\(kind), ×\(upsample), offset \(Int(offset)) Hz, ramp \(Int(driftRate)) Hz/s, SNR \(snr) dB in \(Int(noiseBandwidth)) Hz"
        }
    }

    static let amplitude: Float = 0.5

    /// Complex baseband at `audioRate * plan.upsample` for `audio`.
    static func make(audio: [Float], audioRate: Double, plan: Plan) -> [ComplexSample] {
        let l = plan.upsample
        let rate = audioRate * Double(l)
        var x = audio
        let mean = x.reduce(0, +) / Float(max(1, x.count))
        for i in x.indices { x[i] -= mean }

        // Baseband at the audio rate: real FM message, or the analytic signal shifted so the carrier is at 0 Hz.
        var message: [Float] = []
        var analyticRe: [Float] = [], analyticIm: [Float] = []
        switch plan.kind {
        case .fm(let deviation):
            // Scale so that the RMS of the audio is `deviation` (NRZ data has |x| ≈ RMS; scaling by
            // the peaks instead would let clicks in the recording set a tiny data deviation).
            let rms = (x.reduce(Float(0)) { $0 + $1 * $1 } / Float(max(1, x.count))).squareRoot()
            let k = Float(deviation) / max(1e-6, rms)
            message = interpolate(x.map { $0 * k }, by: l, cutoff: 0.45)
        case .ssb(let carrier):
            let (re, im) = analytic(x)
            // Move the audio carrier to 0 Hz at the audio rate, then interpolate I and Q.
            var bi = [Float](repeating: 0, count: re.count), bq = bi
            let step = -2 * Double.pi * carrier / audioRate
            for n in re.indices {
                let p = step * Double(n)
                let c = Float(cos(p)), s = Float(sin(p))
                bi[n] = re[n] * c - im[n] * s
                bq[n] = re[n] * s + im[n] * c
            }
            // The analytic signal of audio spans 0…24 kHz, i.e. −carrier…24k−carrier after the shift.
            analyticRe = interpolate(bi, by: l, cutoff: 0.5)
            analyticIm = interpolate(bq, by: l, cutoff: 0.5)
            let level = (zip(analyticRe, analyticIm).reduce(Float(0)) { $0 + $1.0 * $1.0 + $1.1 * $1.1 } / Float(max(1, analyticRe.count))).squareRoot()
            let g = level > 0 ? 1 / level : 1
            for i in analyticRe.indices {
                analyticRe[i] *= g
                analyticIm[i] *= g
            }
        }

        let count = max(message.count, analyticRe.count)
        var rng = SplitMix64(seed: plan.seed)
        let noisePower = pow(10, -plan.snr / 10) * Double(amplitude * amplitude) * rate / plan.noiseBandwidth
        let sigma = Float((noisePower / 2).squareRoot())
        var out = [ComplexSample](repeating: .zero, count: count)
        var phase = 0.0
        for n in 0..<count {
            let t = Double(n) / rate
            let drift = max(-plan.maximumDrift, min(plan.maximumDrift, plan.driftRate * t))
            let f = plan.offset + drift + (plan.doppler?.frequency(at: t) ?? 0)
            var re: Float, im: Float
            switch plan.kind {
            case .fm:
                phase += 2 * Double.pi * (f + Double(message[n])) / rate
                re = Float(cos(phase))
                im = Float(sin(phase))
            case .ssb:
                phase += 2 * Double.pi * f / rate
                let c = Float(cos(phase)), s = Float(sin(phase))
                re = analyticRe[n] * c - analyticIm[n] * s
                im = analyticRe[n] * s + analyticIm[n] * c
            }
            if phase > 2 * Double.pi { phase -= 2 * Double.pi } else if phase < -2 * Double.pi { phase += 2 * Double.pi }
            let (g1, g2) = gaussianPair(&rng)
            out[n] = ComplexSample(re: amplitude * re + sigma * g1, im: amplitude * im + sigma * g2)
        }
        return out
    }

    /// Two independent standard normal values (Box–Muller).
    static func gaussianPair(_ rng: inout SplitMix64) -> (Float, Float) {
        let u1 = max(Double(rng.next() >> 11) * 0x1p-53, 1e-300)
        let u2 = Double(rng.next() >> 11) * 0x1p-53
        let r = (-2 * log(u1)).squareRoot()
        return (Float(r * cos(2 * Double.pi * u2)), Float(r * sin(2 * Double.pi * u2)))
    }

    /// Interpolation by `l` (zero stuffing + windowed-sinc low-pass with `cutoff` × the input rate,
    /// run polyphase so only the non-zero inputs are multiplied).
    static func interpolate(_ x: [Float], by l: Int, cutoff: Double) -> [Float] {
        guard l > 1 else { return x }
        let perPhase = 24
        let n = perPhase * l + 1
        let fc = min(0.5, cutoff) / Double(l)
        let mid = Double(n - 1) / 2
        let h: [Float] = (0..<n).map { i in
            let t = Double(i) - mid
            let sinc = t == 0 ? 2 * fc : sin(2 * Double.pi * fc * t) / (Double.pi * t)
            let w = 0.42 - 0.5 * cos(2 * Double.pi * Double(i) / Double(n - 1)) + 0.08 * cos(4 * Double.pi * Double(i) / Double(n - 1))
            return Float(sinc * w * Double(l))
        }
        let delay = (n - 1) / 2
        var y = [Float](repeating: 0, count: x.count * l)
        x.withUnsafeBufferPointer { xs in
            h.withUnsafeBufferPointer { hs in
                y.withUnsafeMutableBufferPointer { ys in
                    for m in 0..<ys.count {
                        // y[m] = Σ_k h[k] u[m + delay − k], u non-zero at multiples of l.
                        let p = m + delay
                        var k = p % l
                        var acc: Float = 0
                        while k < n {
                            let j = (p - k) / l
                            if j < 0 { break }
                            if j < xs.count { acc += hs[k] * xs[j] }
                            k += l
                        }
                        ys[m] = acc
                    }
                }
            }
        }
        return y
    }

    /// The analytic signal x + j·H{x} with a windowed FIR Hilbert transformer (real part delayed to match).
    static func analytic(_ signal: [Float]) -> ([Float], [Float]) {
        let n = 255
        let mid = n / 2
        // Pad so the filter delay is flushed, and drop the delay at the end: output aligned with input.
        let x = signal + [Float](repeating: 0, count: mid)
        var h = [Float](repeating: 0, count: n)
        for i in 0..<n {
            let t = i - mid
            guard t % 2 != 0 else { continue }
            let w = 0.42 - 0.5 * cos(2 * Double.pi * Double(i) / Double(n - 1)) + 0.08 * cos(4 * Double.pi * Double(i) / Double(n - 1))
            h[i] = Float(2 / (Double.pi * Double(t)) * w)
        }
        var re = [Float](repeating: 0, count: x.count)
        var im = [Float](repeating: 0, count: x.count)
        x.withUnsafeBufferPointer { xs in
            for i in 0..<xs.count {
                re[i] = i >= mid ? xs[i - mid] : 0
                var acc: Float = 0
                var k = (mid + 1) % 2
                while k < n {
                    let j = i - k
                    if j < 0 { break }
                    acc += h[k] * xs[j]
                    k += 2
                }
                im[i] = acc
            }
        }
        return (Array(re.dropFirst(mid)), Array(im.dropFirst(mid)))
    }
}
