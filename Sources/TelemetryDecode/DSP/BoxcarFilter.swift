/// Running sum over the last `length` samples: the matched filter for rectangular (NRZ) symbols.
/// Keeps its delay line, so chunked input gives the same output as whole input.
public struct BoxcarFilter: Sendable {
    @usableFromInline var history: [Float]
    @usableFromInline var index = 0
    @usableFromInline var sum: Float = 0
    @usableFromInline var sinceRefresh = 0

    public init(length: Int) {
        history = [Float](repeating: 0, count: max(1, length))
    }

    public var length: Int { history.count }

    @inlinable
    public mutating func process(_ x: UnsafeMutableBufferPointer<Float>) {
        let n = history.count
        let scale = 1 / Float(n)
        history.withUnsafeMutableBufferPointer { h in
            for i in x.indices {
                let v = x[i]
                sum += v - h[index]
                h[index] = v
                index += 1
                if index == n { index = 0 }
                x[i] = sum * scale
            }
        }
        // Re-add from scratch now and then so float rounding cannot accumulate.
        sinceRefresh += x.count
        if sinceRefresh > 1 << 16 {
            sinceRefresh = 0
            sum = history.reduce(0, +)
        }
    }
}
