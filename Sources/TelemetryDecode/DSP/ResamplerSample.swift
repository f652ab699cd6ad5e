/// A sample type the polyphase resampler handles: `lanes` consecutive `Float`s in memory (1 for real
/// samples, 2 for `ComplexSample`, whose buffers may be viewed as interleaved re/im floats).
public protocol ResamplerSample: Sendable {
    static var lanes: Int { get }
    /// The output sample from an eight-lane accumulator of tap × history products, where lane `k`
    /// holds products for float `k % lanes` of a sample.
    static func reduce(_ accumulator: SIMD8<Float>) -> Self
}

extension Float: ResamplerSample {
    @inlinable public static var lanes: Int { 1 }
    @inlinable @inline(__always)
    public static func reduce(_ a: SIMD8<Float>) -> Float { a.sum() }
}

extension ComplexSample: ResamplerSample {
    @inlinable public static var lanes: Int { 2 }
    @inlinable @inline(__always)
    public static func reduce(_ a: SIMD8<Float>) -> ComplexSample {
        ComplexSample(re: (a[0] + a[2]) + (a[4] + a[6]), im: (a[1] + a[3]) + (a[5] + a[7]))
    }
}
