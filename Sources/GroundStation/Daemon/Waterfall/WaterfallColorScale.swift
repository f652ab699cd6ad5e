import TelemetryDecode

/// How dB values map to colours: a fixed range, or one taken from percentiles of the data (so a few
/// strong bins do not wash out the noise floor). Values outside the range clamp to its ends.
public enum WaterfallColorScale: Sendable, Equatable {
    case fixed(minimum: Float, maximum: Float)
    /// Percentiles in 0...100 of all values, e.g. `.automatic(low: 2, high: 99.8)`.
    case automatic(low: Double, high: Double)

    public static let standard = WaterfallColorScale.automatic(low: 2, high: 99.8)

    /// The dB range the colours span (at least 1 dB wide).
    public func range(of values: [Float]) -> (minimum: Float, maximum: Float) {
        var lo: Float, hi: Float
        switch self {
        case .fixed(let a, let b):
            lo = min(a, b)
            hi = max(a, b)
        case .automatic(let low, let high):
            let finite = values.filter { $0.isFinite }.sorted()
            guard !finite.isEmpty else { return (-100, 0) }
            func percentile(_ p: Double) -> Float {
                let q = min(100, max(0, p)) / 100
                return finite[Int((q * Double(finite.count - 1)).rounded())]
            }
            lo = percentile(min(low, high))
            hi = percentile(max(low, high))
        }
        if !(hi - lo >= 1) { hi = lo + 1 }
        return (lo, hi)
    }

    /// Black through blue, cyan, yellow and orange to white; r+g+b rises at every step, so stronger
    /// is always brighter.
    static let stops: [(Float, RGBImage.Color)] = [
        (0.00, .init(0, 0, 0)), (0.15, .init(0, 0, 120)), (0.35, .init(0, 90, 200)), (0.55, .init(0, 190, 190)),
        (0.75, .init(220, 220, 0)), (0.90, .init(255, 160, 60)), (1.00, .init(255, 255, 255)),
    ]

    /// The colour of `fraction` (0 = minimum, 1 = maximum; clamped).
    static func color(_ fraction: Float) -> RGBImage.Color {
        let f = fraction.isFinite ? min(1, max(0, fraction)) : 0
        for i in 1..<stops.count where f <= stops[i].0 {
            let (f0, c0) = stops[i - 1], (f1, c1) = stops[i]
            let t = (f - f0) / (f1 - f0)
            func mix(_ a: UInt8, _ b: UInt8) -> UInt8 { UInt8((Float(a) + (Float(b) - Float(a)) * t).rounded()) }
            return .init(mix(c0.r, c1.r), mix(c0.g, c1.g), mix(c0.b, c1.b))
        }
        return stops[stops.count - 1].1
    }
}
