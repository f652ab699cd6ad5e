#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// In-place radix-2 complex FFT of a fixed power-of-two size, with twiddles computed once.
/// Used off the per-sample path (carrier search, waterfalls), so clarity beats the last few percent.
public struct FFT: Sendable {
    public let size: Int
    let cosTable: [Float]
    let sinTable: [Float]
    let bitReverse: [Int]

    public init(size: Int) {
        var n = 1
        while n < max(2, size) { n <<= 1 }
        self.size = n
        cosTable = (0..<(n / 2)).map { Float(cos(-2 * Double.pi * Double($0) / Double(n))) }
        sinTable = (0..<(n / 2)).map { Float(sin(-2 * Double.pi * Double($0) / Double(n))) }
        var bits = 0
        while 1 << bits < n { bits += 1 }
        bitReverse = (0..<n).map { i in
            var r = 0
            for b in 0..<bits where i & (1 << b) != 0 { r |= 1 << (bits - 1 - b) }
            return r
        }
    }

    /// Forward transform of `re`/`im` (each `size` long) in place.
    public func transform(re: inout [Float], im: inout [Float]) {
        let n = size
        guard re.count == n, im.count == n else { return }
        for i in 0..<n {
            let j = bitReverse[i]
            if j > i {
                re.swapAt(i, j)
                im.swapAt(i, j)
            }
        }
        var len = 2
        while len <= n {
            let half = len / 2
            let step = n / len
            var start = 0
            while start < n {
                for k in 0..<half {
                    let wr = cosTable[k * step], wi = sinTable[k * step]
                    let a = start + k, b = a + half
                    let tr = re[b] * wr - im[b] * wi
                    let ti = re[b] * wi + im[b] * wr
                    re[b] = re[a] - tr
                    im[b] = im[a] - ti
                    re[a] += tr
                    im[a] += ti
                }
                start += len
            }
            len <<= 1
        }
    }
}
