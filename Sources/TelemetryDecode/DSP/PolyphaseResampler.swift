/// Why a resampler cannot be built.
public enum ResamplerError: Error, Sendable, Hashable, CustomStringConvertible {
    case invalidRate(input: Double, output: Double)
    case invalidBand(passband: Double, stopband: Double, inputRate: Double)

    public var description: String {
        switch self {
        case .invalidRate(let i, let o): "resampler rates must be positive and finite (input \(i) Hz, output \(o) Hz)"
        case .invalidBand(let p, let s, let r):
            "resampler band edges must satisfy 0 < passband < stopband ≤ input rate (passband \(p) Hz, stopband \(s) Hz, input \(r) Hz)"
        }
    }
}

/// Streaming sample-rate conversion by any ratio, rational or not: a polyphase filter bank
/// (`PolyphaseFilterBank`) and a fractional phase accumulator.
///
/// The time of the next output is kept as whole input samples plus an exact fraction (a ratio of
/// integers when both rates are whole numbers of Hz, 40-bit fixed point otherwise), so the output
/// does not depend on how the input is cut into blocks: 1 sample at a time and the whole signal
/// at once give bit-identical results. The filter's history is the only state carried between
/// blocks; buffers are reused, so a steady stream allocates nothing per block.
public struct PolyphaseResampler<Sample: ResamplerSample>: Sendable {
    public let inputRate: Double
    public let outputRate: Double
    public let bank: PolyphaseFilterBank
    /// Input samples per output sample: `stepWhole + stepNumerator / denominator`.
    let stepWhole: Int
    let stepNumerator: Int
    let denominator: Int
    /// The next output's time: `whole + numerator / denominator` input samples after the first
    /// sample of the next block; the newest sample it uses is the one at `whole`.
    var whole = 0
    var numerator = 0
    /// The last `tapsPerPhase - 1` input samples (as floats), then the current block.
    var history: [Float]

    /// Converts from `inputRate` to `outputRate` (Hz). The low-pass passes `passband` Hz and rejects
    /// by `attenuation` dB from `stopband` Hz on; by default 40 % and 50 % of the lower of the two
    /// rates, so the band that fits both rates is kept and nothing aliases into it.
    public init(
        inputRate: Double, outputRate: Double, passband: Double? = nil, stopband: Double? = nil, attenuation: Double = 70
    ) throws(ResamplerError) {
        guard inputRate.isFinite, outputRate.isFinite, inputRate > 0, outputRate > 0 else {
            throw .invalidRate(input: inputRate, output: outputRate)
        }
        let narrow = min(inputRate, outputRate)
        let pass = passband ?? 0.4 * narrow
        let stop = stopband ?? 0.5 * narrow
        guard pass.isFinite, stop.isFinite, pass > 0, stop > pass, stop <= inputRate else {
            throw .invalidBand(passband: pass, stopband: stop, inputRate: inputRate)
        }
        self.inputRate = inputRate
        self.outputRate = outputRate
        bank = PolyphaseFilterBank(
            inputRate: inputRate, passband: pass, stopband: stop, attenuation: attenuation.isFinite ? attenuation : 70,
            lanes: Sample.lanes)
        // Whole-Hz rates: an exact ratio of integers; otherwise a 40-bit binary fraction.
        if inputRate == inputRate.rounded(), outputRate == outputRate.rounded(), inputRate < 0x1p40, outputRate < 0x1p40 {
            let a = Int(inputRate), b = Int(outputRate)
            var x = a, y = b
            while y != 0 { (x, y) = (y, x % y) }
            let num = a / x, den = b / x
            stepWhole = num / den
            stepNumerator = num % den
            denominator = den
        } else {
            let step = inputRate / outputRate
            let w = step.rounded(.down)
            denominator = 1 << 40
            stepWhole = Int(w)
            stepNumerator = min(denominator - 1, Int(((step - w) * 0x1p40).rounded()))
        }
        history = [Float](repeating: 0, count: (bank.tapsPerPhase - 1) * Sample.lanes)
        history.reserveCapacity(history.count + 8192 * Sample.lanes)
    }

    /// Output samples per input sample.
    public var ratio: Double { outputRate / inputRate }

    /// Forgets the history (as if the stream started again).
    public mutating func reset() {
        whole = 0
        numerator = 0
        let keep = (bank.tapsPerPhase - 1) * Sample.lanes
        history.removeAll(keepingCapacity: true)
        history.append(contentsOf: repeatElement(0, count: keep))
    }

    /// Appends the output samples that `input` completes to `out`.
    public mutating func process(_ input: UnsafeBufferPointer<Sample>, into out: inout [Sample]) {
        let n = input.count
        guard n > 0 else { return }
        let lanes = Sample.lanes
        let keep = (bank.tapsPerPhase - 1) * lanes
        UnsafeRawBufferPointer(input).withMemoryRebound(to: Float.self) { history.append(contentsOf: $0) }
        let width = bank.width
        let phases = bank.phases
        let den = denominator
        var w = whole, num = numerator
        bank.coefficients.withUnsafeBufferPointer { cb in
            history.withUnsafeBufferPointer { hb in
                guard let c = cb.baseAddress, let h = hb.baseAddress else { return }
                let rawC = UnsafeRawPointer(c), rawH = UnsafeRawPointer(h)
                while w < n {
                    // Phase between stored sub-filters p and p+1, at fraction mu.
                    let scaled = num &* phases
                    let p = scaled / den
                    let mu = Float(scaled - p * den) / Float(den)
                    let coeff = p * 2 * width * 4
                    let x0 = w * lanes * 4
                    var acc = SIMD8<Float>(repeating: 0)
                    var j = 0
                    if mu == 0 {
                        while j < width {
                            let t = rawC.loadUnaligned(fromByteOffset: coeff + j * 4, as: SIMD8<Float>.self)
                            let x = rawH.loadUnaligned(fromByteOffset: x0 + j * 4, as: SIMD8<Float>.self)
                            acc += t * x
                            j += 8
                        }
                    } else {
                        let m = SIMD8<Float>(repeating: mu)
                        let diff = coeff + width * 4
                        while j < width {
                            let t = rawC.loadUnaligned(fromByteOffset: coeff + j * 4, as: SIMD8<Float>.self)
                            let d = rawC.loadUnaligned(fromByteOffset: diff + j * 4, as: SIMD8<Float>.self)
                            let x = rawH.loadUnaligned(fromByteOffset: x0 + j * 4, as: SIMD8<Float>.self)
                            acc += (t + m * d) * x
                            j += 8
                        }
                    }
                    out.append(Sample.reduce(acc))
                    num += stepNumerator
                    if num >= den {
                        num -= den
                        w += 1
                    }
                    w += stepWhole
                }
            }
        }
        whole = w - n
        numerator = num
        // Keep the newest `keep` floats at the front; the capacity stays for the next block.
        let total = history.count
        history.withUnsafeMutableBufferPointer { b in
            let from = total - keep
            for k in 0..<keep { b[k] = b[from + k] }
        }
        history.removeLast(total - keep)
    }
}
