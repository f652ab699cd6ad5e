#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Coherent BPSK: channel filter, automatic gain, carrier acquisition from the squared signal's
/// spectrum, a Costas loop for phase, zero-crossing symbol timing, soft symbols.
///
/// The front end follows the carrier: while the loop is locked, the frequency it tracks is handed to
/// the mixer (every ~10 ms), so the narrow channel filter stays centred on a signal that drifts with
/// Doppler far beyond the filter's width. The loop keeps the handed-over frequency for as long as
/// the samples mixed before the change are still in the filters, so the hand-over costs no phase.
///
/// After the carrier is mixed to 0 Hz the baseband is resampled (`PolyphaseResampler`) when the input
/// rate gives few and fractional samples per symbol (9600 Bd in 44.1 kHz audio) or far more than
/// needed (1200 Bd in 2.4 Msps IQ); see `WorkingRate`. Everything after that runs at `workingRate`.
///
/// Input is real audio with the carrier at `carrier` Hz (SSB receiver audio) or complex baseband
/// with the carrier `carrier` Hz from the centre. The phase ambiguity of BPSK remains: deframers
/// either use a differential code (NRZI, differential precoding) or test both polarities.
public struct BPSKDemodulator: Sendable {
    public struct Configuration: Sendable, Hashable {
        public var sampleRate: Double
        public var baudRate: Double
        public var carrier: Double
        /// Largest carrier error searched for, Hz.
        public var maximumOffset: Double
        /// Costas loop noise bandwidth as a fraction of the baud rate.
        public var loopBandwidth: Double
        /// Symbol timing loop gain (fraction of each measured timing error corrected).
        public var clockGain: Double

        public init(
            sampleRate: Double, baudRate: Double, carrier: Double, maximumOffset: Double? = nil, loopBandwidth: Double = 0.01,
            clockGain: Double = 0.08
        ) {
            self.sampleRate = sampleRate
            self.baudRate = baudRate
            self.carrier = carrier
            self.maximumOffset = maximumOffset ?? max(600, baudRate * 0.5)
            self.loopBandwidth = loopBandwidth
            self.clockGain = clockGain
        }
    }

    public let configuration: Configuration
    /// The rate after the optional resampler, at which filtering, carrier and symbol recovery run.
    public let workingRate: Double
    /// Smallest Costas loop noise bandwidth, Hz.
    public static let minimumLoopBandwidthHz = 30.0
    // Front end: mixer (following the carrier) and channel filter.
    var mixOffset: Double = 0
    var mixPhase: Double = 0
    /// Input samples per front-end chunk (~10 ms): how often the mixer may follow the loop.
    let chunk: Int
    /// Working-rate samples between the mixer and the loop (filter and resampler group delays).
    let frontDelay: Int
    /// Frequency steps handed to the mixer whose samples are still in the filters: (samples left, rad/sample).
    var inFlight: [(samples: Int, step: Double)] = []
    /// Exponential average of I² − Q² after the loop: near 1 when locked, near 0 on noise.
    var lock: Float = 0
    /// Acquisition windows (~0.1 s) since the squared signal last showed a carrier line.
    var windowsSinceLine = Int.max / 2
    /// The loop's frequency (Hz) when the last acquisition window showed a clear carrier line there: the
    /// mixer may take this much over at once (0 when there is nothing confirmed to hand over).
    var confirmedOffset = 0.0
    /// Seconds of input so far, in front-end chunks (the follower's time axis).
    var clock = 0.0
    /// (seconds, mixer offset) over the last 3 s of following, for the drift rate while silent.
    var followed: [(time: Double, offset: Double)] = []
    /// How far the mixer may follow from `carrier`, Hz.
    public let maximumFollow: Double

    var filterI: FIRFilter
    var filterQ: FIRFilter
    var bufI: [Float] = []
    var bufQ: [Float] = []
    var outI: [Float] = []
    var outQ: [Float] = []
    // Optional resampling of the mixed-down baseband.
    var resampler: PolyphaseResampler<ComplexSample>?
    var mixed: [ComplexSample] = []
    var resampled: [ComplexSample] = []
    // Gain.
    var level: Float = 0
    // Carrier acquisition.
    let fft: FFT
    var searchRe: [Float] = []
    var searchIm: [Float] = []
    var searchFill = 0
    // Costas loop (phase in radians, frequency in radians per sample).
    var phase: Double = 0
    var frequency: Double = 0
    let alpha: Double
    let beta: Double
    // Symbol recovery.
    var baseband: [Float] = []
    var sync: ZeroCrossingSynchronizer
    var scaler = SoftSymbolScaler()
    var symbols: [Float] = []

    public init(_ c: Configuration) {
        configuration = c
        chunk = max(64, Int(c.sampleRate / 100))
        maximumFollow = max(3_000, 5 * c.maximumOffset)
        // Few fractional samples per symbol: up to a whole number; wide IQ: down to about 48 kHz.
        let target = WorkingRate.choose(
            inputRate: c.sampleRate, baudRate: c.baudRate, maximumSamplesPerSymbol: 64,
            preferredSamplesPerSymbol: max(8, Int((48_000 / c.baudRate).rounded(.up))))
        resampler = target == c.sampleRate ? nil : try? PolyphaseResampler(inputRate: c.sampleRate, outputRate: target)
        let rate = resampler == nil ? c.sampleRate : target
        workingRate = rate
        let cutoff = c.baudRate * 0.7
        let taps = FIRFilter.lowPass(cutoff: cutoff, sampleRate: rate, taps: Int(3 * rate / c.baudRate) | 1)
        filterI = FIRFilter(taps: taps)
        filterQ = FIRFilter(taps: taps)
        // About 0.1 s of signal per carrier estimate, as a power of two.
        fft = FFT(size: Int(rate * 0.1))
        // At low baud rates a fraction of the baud is only a few Hz: too narrow to follow Doppler
        // drift (a 2nd-order loop's phase error under a ramp grows as 1/Bn²), so keep at least 30 Hz.
        let bn = max(c.loopBandwidth * c.baudRate, Self.minimumLoopBandwidthHz) / rate * 2 * Double.pi
        let zeta = 0.707
        let theta = bn / (zeta + 1 / (4 * zeta))
        let d = 1 + 2 * zeta * theta + theta * theta
        alpha = 4 * zeta * theta / d
        beta = 4 * theta * theta / d
        sync = ZeroCrossingSynchronizer(samplesPerSymbol: rate / c.baudRate, gain: c.clockGain)
        let resamplerDelay = resampler.map { Double($0.bank.tapsPerPhase) / 2 * rate / c.sampleRate } ?? 0
        frontDelay = taps.count / 2 + Int(resamplerDelay.rounded())
    }

    /// The mixer's phase step now (carrier plus what it has followed).
    var mixStep: Double { -2 * Double.pi * (configuration.carrier + mixOffset) / configuration.sampleRate }

    /// Real input (audio with the carrier at `carrier` Hz).
    public mutating func process(_ x: UnsafeBufferPointer<Float>, into out: inout [UInt8]) {
        var start = 0
        while start < x.count {
            let end = min(x.count, start + chunk)
            bufI.removeAll(keepingCapacity: true)
            bufQ.removeAll(keepingCapacity: true)
            var p = mixPhase
            let step = mixStep
            for s in x[start..<end] {
                bufI.append(s * Float(cos(p)))
                bufQ.append(s * Float(sin(p)))
                p += step
            }
            mixPhase = p.truncatingRemainder(dividingBy: 2 * Double.pi)
            filterAndDemodulate(into: &out)
            followCarrier(samples: end - start)
            start = end
        }
    }

    /// Complex input (baseband with the carrier at `carrier` Hz from the centre).
    public mutating func process(_ z: UnsafeBufferPointer<ComplexSample>, into out: inout [UInt8]) {
        var start = 0
        while start < z.count {
            let end = min(z.count, start + chunk)
            bufI.removeAll(keepingCapacity: true)
            bufQ.removeAll(keepingCapacity: true)
            var p = mixPhase
            let step = mixStep
            for s in z[start..<end] {
                let c = Float(cos(p)), sn = Float(sin(p))
                bufI.append(s.re * c - s.im * sn)
                bufQ.append(s.re * sn + s.im * c)
                p += step
            }
            mixPhase = p.truncatingRemainder(dividingBy: 2 * Double.pi)
            filterAndDemodulate(into: &out)
            followCarrier(samples: end - start)
            start = end
        }
    }

    /// While locked on a carrier, moves the loop's frequency into the mixer (within `maximumFollow` of
    /// `carrier`). "Locked" needs both a Costas lock (I² − Q² averaging above 0.35) and a carrier line
    /// in the last acquisition window: a loop idling on noise also shows some I² − Q², and following
    /// noise would carry the mixer away between transmissions. Between transmissions the mixer goes on
    /// at the drift rate it followed last (for up to 15 s): Doppler does not stop while a satellite is
    /// silent, and a carrier that returns off by more than the search range would be missed.
    mutating func followCarrier(samples: Int) {
        let dt = Double(samples) / configuration.sampleRate
        clock += dt
        guard lock > 0.35, windowsSinceLine == 0 else {
            if let last = followed.last, clock - last.time < 15, let rate = driftRate() {
                mixOffset = max(-maximumFollow, min(maximumFollow, mixOffset + rate * dt))
            }
            return
        }
        followed.append((clock, mixOffset))
        followed.removeAll { clock - $0.time > 3 }
        let hz = frequency * workingRate / (2 * Double.pi)
        guard abs(hz) >= 1 else { return }
        // At most 5 Hz per ~10 ms (500 Hz/s, beyond any Doppler rate), so the loop's wandering as a
        // transmission ends moves the mixer little; but an offset the carrier line has confirmed is
        // handed over at once: until the mixer has it, the channel filter (±0.7 baud) sits off the
        // signal, and at 500 Hz/s a 300 Hz offset took 0.6 s, longer than many transmitters' lead-in.
        let confirmed = confirmedOffset * hz > 0 ? min(abs(confirmedOffset), abs(hz)) : 0
        confirmedOffset = 0
        let limit = max(5, confirmed)
        let target = max(-maximumFollow, min(maximumFollow, mixOffset + max(-limit, min(limit, hz))))
        let moved = target - mixOffset
        guard moved != 0 else { return }
        mixOffset = target
        let step = 2 * Double.pi * moved / workingRate
        frequency -= step
        inFlight.append((frontDelay, step))
    }

    mutating func filterAndDemodulate(into out: inout [UInt8]) {
        if var r = resampler {
            resampler = nil  // so `r` holds the only reference to its buffers (no copy on write)
            mixed.removeAll(keepingCapacity: true)
            for k in bufI.indices { mixed.append(ComplexSample(re: bufI[k], im: bufQ[k])) }
            resampled.removeAll(keepingCapacity: true)
            mixed.withUnsafeBufferPointer { r.process($0, into: &resampled) }
            resampler = r
            bufI.removeAll(keepingCapacity: true)
            bufQ.removeAll(keepingCapacity: true)
            for z in resampled {
                bufI.append(z.re)
                bufQ.append(z.im)
            }
        }
        let n = bufI.count
        if outI.count != n { outI = [Float](repeating: 0, count: n) }
        if outQ.count != n { outQ = [Float](repeating: 0, count: n) }
        bufI.withUnsafeBufferPointer { s in outI.withUnsafeMutableBufferPointer { filterI.process(s, into: $0) } }
        bufQ.withUnsafeBufferPointer { s in outQ.withUnsafeMutableBufferPointer { filterQ.process(s, into: $0) } }
        baseband.removeAll(keepingCapacity: true)
        let rate = 1 / Float(workingRate / configuration.baudRate * 50)
        for k in 0..<n {
            var i = outI[k], q = outQ[k]
            let m = (i * i + q * q).squareRoot()
            level = level == 0 ? m : level + rate * (m - level)
            if level > 0 {
                i /= level
                q /= level
            }
            acquire(i, q)
            // Costas loop: rotate by -phase, error = I·Q sign-normalised.
            let c = Float(cos(phase)), s = Float(sin(phase))
            let ri = i * c + q * s
            let rq = q * c - i * s
            let err = Double((ri > 0 ? rq : -rq))
            lock += 0.002 * ((ri * ri - rq * rq) - lock)
            frequency += beta * err
            // Samples mixed before a hand-over still carry the frequency handed over.
            var pending = 0.0
            if !inFlight.isEmpty {
                for j in inFlight.indices {
                    pending += inFlight[j].step
                    inFlight[j].samples -= 1
                }
                inFlight.removeAll { $0.samples <= 0 }
            }
            phase += frequency + pending + alpha * err
            if phase > Double.pi { phase -= 2 * Double.pi } else if phase < -Double.pi { phase += 2 * Double.pi }
            baseband.append(ri)
        }
        symbols.removeAll(keepingCapacity: true)
        baseband.withUnsafeBufferPointer { sync.process($0, into: &symbols) }
        symbols.withUnsafeBufferPointer { scaler.process($0, into: &out) }
    }

    /// The mixer's drift over the last seconds of following (least-squares slope, Hz/s), when they span
    /// at least a second.
    func driftRate() -> Double? {
        guard let first = followed.first, let last = followed.last, last.time - first.time >= 1 else { return nil }
        let n = Double(followed.count)
        let mt = followed.reduce(0) { $0 + $1.time } / n
        let mf = followed.reduce(0) { $0 + $1.offset } / n
        var num = 0.0, den = 0.0
        for p in followed {
            num += (p.time - mt) * (p.offset - mf)
            den += (p.time - mt) * (p.time - mt)
        }
        return den > 0 ? max(-500, min(500, num / den)) : nil
    }

    /// Collects the squared signal; each full window, finds the strongest line within the search
    /// range (twice the carrier error) and, when it stands well above the rest, retunes the loop.
    mutating func acquire(_ i: Float, _ q: Float) {
        if searchRe.count != fft.size {
            searchRe = [Float](repeating: 0, count: fft.size)
            searchIm = [Float](repeating: 0, count: fft.size)
        }
        // Square after removing the loop's current frequency so the line shows the residual error.
        let c = Float(cos(phase)), s = Float(sin(phase))
        let ri = i * c + q * s, rq = q * c - i * s
        searchRe[searchFill] = ri * ri - rq * rq
        searchIm[searchFill] = 2 * ri * rq
        searchFill += 1
        guard searchFill == fft.size else { return }
        searchFill = 0
        var re = searchRe, im = searchIm
        fft.transform(re: &re, im: &im)
        let n = fft.size
        let binHz = workingRate / Double(n)
        let span = min(n / 2 - 1, Int(2 * configuration.maximumOffset / binHz))
        var best = 0, bestPower: Float = 0, total: Float = 0
        for k in -span...span {
            let idx = (k + n) % n
            let pw = re[idx] * re[idx] + im[idx] * im[idx]
            total += pw
            if pw > bestPower {
                bestPower = pw
                best = k
            }
        }
        let mean = total / Float(2 * span + 1)
        // A clear line means a carrier is there (noise alone has none): only then may the mixer follow.
        windowsSinceLine = bestPower > 30 * mean ? 0 : windowsSinceLine + 1
        guard bestPower > 30 * mean else {
            confirmedOffset = 0
            return
        }
        // A clear line, and not just the residual the loop is already tracking: retune.
        if abs(best) > 1 { frequency += 2 * Double.pi * (Double(best) * binHz / 2) / workingRate }
        // The loop now sits on the line: what it holds is a measured carrier, not wandering.
        confirmedOffset = frequency * workingRate / (2 * Double.pi)
    }
}

