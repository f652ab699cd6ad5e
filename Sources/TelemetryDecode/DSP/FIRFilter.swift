/// A real FIR filter with its own delay line (streaming), and windowed-sinc low-pass design.
public struct FIRFilter: Sendable {
    public let taps: [Float]
    @usableFromInline var delay: [Float]
    /// [delay | input] for the current block; kept between calls so no block allocates.
    @usableFromInline var work: [Float] = []
    @usableFromInline var filled = 0

    public init(taps: [Float]) {
        self.taps = taps.isEmpty ? [1] : taps
        delay = [Float](repeating: 0, count: self.taps.count - 1)
    }

    /// Low-pass with `cutoff` (Hz, -6 dB) at `sampleRate`, Hamming window, unity DC gain.
    public static func lowPass(cutoff: Double, sampleRate: Double, taps count: Int) -> [Float] {
        let n = max(1, count | 1)
        let fc = min(0.5, cutoff / sampleRate)
        let mid = Double(n - 1) / 2
        var h = (0..<n).map { i -> Double in
            let t = Double(i) - mid
            let sinc = t == 0 ? 2 * fc : sin(2 * Double.pi * fc * t) / (Double.pi * t)
            let w = 0.54 - 0.46 * cos(2 * Double.pi * Double(i) / Double(max(1, n - 1)))
            return sinc * w
        }
        let g = h.reduce(0, +)
        if g != 0 { h = h.map { $0 / g } }
        return h.map { Float($0) }
    }

    /// Filters `input` into `output` (same count). Keeps the last taps-1 inputs for the next call.
    public mutating func process(_ input: UnsafeBufferPointer<Float>, into output: UnsafeMutableBufferPointer<Float>) {
        let m = taps.count
        if m == 1 {
            for i in input.indices { output[i] = input[i] * taps[0] }
            return
        }
        // Work on [delay | input] so the inner loop never branches on the boundary.
        work.removeAll(keepingCapacity: true)
        work.append(contentsOf: delay)
        work.append(contentsOf: input)
        work.withUnsafeBufferPointer { w in
            taps.withUnsafeBufferPointer { t in
                for i in 0..<input.count {
                    var acc: Float = 0
                    let base = w.baseAddress! + i
                    for k in 0..<m { acc += t[m - 1 - k] * base[k] }
                    output[i] = acc
                }
            }
        }
        let keep = m - 1
        work.withUnsafeBufferPointer { w in
            delay.withUnsafeMutableBufferPointer { d in
                for k in 0..<keep { d[k] = w[w.count - keep + k] }
            }
        }
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
