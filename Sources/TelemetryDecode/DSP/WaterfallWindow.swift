#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The taper applied to each FFT block of a waterfall: trades frequency resolution for leakage.
public enum WaterfallWindow: String, Sendable, CaseIterable {
    /// No taper: narrowest peak, strongest leakage (-13 dB sidelobes).
    case rectangular
    /// Raised cosine: the usual compromise (-31 dB sidelobes).
    case hann
    /// 4-term Blackman-Harris: weak signals next to strong ones (-92 dB sidelobes).
    case blackmanHarris

    /// The periodic window of length n.
    public func coefficients(_ n: Int) -> [Float] {
        (0..<n).map { i in
            let x = 2 * Double.pi * Double(i) / Double(n)
            switch self {
            case .rectangular: return 1
            case .hann: return Float(0.5 - 0.5 * cos(x))
            case .blackmanHarris:
                return Float(0.35875 - 0.48829 * cos(x) + 0.14128 * cos(2 * x) - 0.01168 * cos(3 * x))
            }
        }
    }
}
