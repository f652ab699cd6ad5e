/// Turns symbol amplitudes into 8-bit soft symbols (0 = strong 0, 255 = strong 1, 128 = no information)
/// with an automatic gain that tracks the mean magnitude at the sampling instants and maps it to `target`.
/// Two-level symbols all have the mean magnitude (96: room for noise). Four-level symbols need a lower
/// target so the outer levels (1.5 times the mean on random data) are not clipped.
public struct SoftSymbolScaler: Sendable {
    @usableFromInline var level: Float = 0
    @usableFromInline let rate: Float
    @usableFromInline let target: Float

    public init(trackingSymbols: Float = 64, target: Float = 96) {
        rate = 1 / max(1, trackingSymbols)
        self.target = target
    }

    @inlinable
    public mutating func process(_ symbols: UnsafeBufferPointer<Float>, into out: inout [UInt8]) {
        var l = level
        for s in symbols {
            let m = abs(s)
            l = l == 0 ? m : l + rate * (m - l)
            let scaled = l > 0 ? s / l * target : 0
            let v = min(127, max(-127, scaled))
            out.append(UInt8(128 + Int(v.rounded())))
        }
        level = l
    }
}
