/// Turns symbol amplitudes into 8-bit soft symbols (0 = strong 0, 255 = strong 1, 128 = no information)
/// with an automatic gain that tracks the mean magnitude at the sampling instants.
public struct SoftSymbolScaler: Sendable {
    @usableFromInline var level: Float = 0
    @usableFromInline let rate: Float

    public init(trackingSymbols: Float = 64) { rate = 1 / max(1, trackingSymbols) }

    @inlinable
    public mutating func process(_ symbols: UnsafeBufferPointer<Float>, into out: inout [UInt8]) {
        var l = level
        for s in symbols {
            let m = abs(s)
            l = l == 0 ? m : l + rate * (m - l)
            let scaled = l > 0 ? s / l * 96 : 0
            let v = min(127, max(-127, scaled))
            out.append(UInt8(128 + Int(v.rounded())))
        }
        level = l
    }
}
