/// Removes a slowly varying offset (an FM discriminator's output carries the carrier's frequency error
/// as DC) with a one-pole high-pass: y = x - mean, mean tracking over about `timeConstant` samples.
public struct DCBlocker: Sendable {
    @usableFromInline var mean: Float = 0
    @usableFromInline let alpha: Float

    public init(timeConstant: Float) {
        alpha = 1 / max(1, timeConstant)
    }

    @inlinable
    public mutating func process(_ x: UnsafeMutableBufferPointer<Float>) {
        var m = mean
        let a = alpha
        for i in x.indices {
            m += a * (x[i] - m)
            x[i] -= m
        }
        mean = m
    }
}
