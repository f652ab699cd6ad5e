/// One complex baseband (I/Q) sample: `re` is I, `im` is Q.
///
/// Laid out as two consecutive `Float`s (stride 8, no padding), the same as interleaved cf32 I/Q, so a
/// buffer of samples may be viewed as `2 * count` floats with `withMemoryRebound(to: Float.self, ...)`.
@frozen
public struct ComplexSample: Sendable, Hashable, CustomStringConvertible {
    public var re: Float
    public var im: Float

    @inlinable @inline(__always)
    public init(re: Float, im: Float) {
        self.re = re
        self.im = im
    }

    @inlinable @inline(__always)
    public init(_ re: Float, _ im: Float) {
        self.re = re
        self.im = im
    }

    public static let zero = ComplexSample(re: 0, im: 0)

    /// The complex conjugate (re, -im).
    @inlinable @inline(__always)
    public var conjugate: ComplexSample { ComplexSample(re: re, im: -im) }

    /// |z|², cheaper than `magnitude` and enough for power and comparisons.
    @inlinable @inline(__always)
    public var magnitudeSquared: Float { re * re + im * im }

    @inlinable @inline(__always)
    public var magnitude: Float { magnitudeSquared.squareRoot() }

    public var description: String { im < 0 ? "\(re)-\(-im)i" : "\(re)+\(im)i" }

    @inlinable @inline(__always)
    public static func + (a: ComplexSample, b: ComplexSample) -> ComplexSample {
        ComplexSample(re: a.re + b.re, im: a.im + b.im)
    }

    @inlinable @inline(__always)
    public static func - (a: ComplexSample, b: ComplexSample) -> ComplexSample {
        ComplexSample(re: a.re - b.re, im: a.im - b.im)
    }

    @inlinable @inline(__always)
    public static prefix func - (a: ComplexSample) -> ComplexSample {
        ComplexSample(re: -a.re, im: -a.im)
    }

    @inlinable @inline(__always)
    public static func * (a: ComplexSample, b: ComplexSample) -> ComplexSample {
        ComplexSample(re: a.re * b.re - a.im * b.im, im: a.re * b.im + a.im * b.re)
    }

    @inlinable @inline(__always)
    public static func * (a: ComplexSample, s: Float) -> ComplexSample {
        ComplexSample(re: a.re * s, im: a.im * s)
    }

    @inlinable @inline(__always)
    public static func * (s: Float, a: ComplexSample) -> ComplexSample {
        ComplexSample(re: a.re * s, im: a.im * s)
    }

    @inlinable @inline(__always)
    public static func += (a: inout ComplexSample, b: ComplexSample) {
        a.re += b.re
        a.im += b.im
    }

    @inlinable @inline(__always)
    public static func -= (a: inout ComplexSample, b: ComplexSample) {
        a.re -= b.re
        a.im -= b.im
    }

    @inlinable @inline(__always)
    public static func *= (a: inout ComplexSample, b: ComplexSample) {
        a = a * b
    }

    @inlinable @inline(__always)
    public static func *= (a: inout ComplexSample, s: Float) {
        a.re *= s
        a.im *= s
    }
}
