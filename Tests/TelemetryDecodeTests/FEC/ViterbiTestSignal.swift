import Foundation
import TelemetryDecode

/// Reproducible test signals for the convolutional code tests.
enum ViterbiTestSignal {
    static func randomBits(_ count: Int, rng: inout SplitMix64) -> [UInt8] {
        (0..<count).map { _ in UInt8(truncatingIfNeeded: rng.next() >> 63) }
    }

    /// BPSK over AWGN at `ebN0` dB for a rate `rate` code, quantised to soft bytes (128 ± 64 nominal).
    static func awgn(_ hard: [UInt8], ebN0: Double, rate: Double = 0.5, rng: inout SplitMix64) -> [UInt8] {
        let sigma = (1.0 / (2.0 * rate * pow(10, ebN0 / 10))).squareRoot()
        return hard.map { h in
            let u1 = (Double(rng.next() >> 11) + 1) / Double(1 << 53)
            let u2 = Double(rng.next() >> 11) / Double(1 << 53)
            let n = (-2 * log(u1)).squareRoot() * cos(2 * Double.pi * u2)
            let x = (h != 0 ? 1.0 : -1.0) + sigma * n
            return UInt8(max(0, min(255, (128 + 64 * x).rounded())))
        }
    }

    /// Soft symbols from hard ones with `flips` random symbols inverted.
    static func flipped(_ hard: [UInt8], flips: [Int]) -> [UInt8] {
        var soft = ConvolutionalEncoder.softSymbols(fromHard: hard)
        for i in flips { soft[i] = 255 - soft[i] }
        return soft
    }

    static func bits(ofHex hex: String, count: Int) -> [UInt8] {
        let bytes = Hex.bytes(hex)
        return (0..<count).map { (bytes[$0 >> 3] >> (7 - UInt8($0 & 7))) & 1 }
    }

    static func errors(_ a: [UInt8], _ b: [UInt8]) -> Int { zip(a, b).filter { $0 != $1 }.count }
}
