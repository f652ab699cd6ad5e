/// A rate 1/2, constraint length 7 convolutional code of the CCSDS 131.0-B family.
///
/// Conventions used throughout gsd's convolutional coding:
/// - The encoder register starts at 0. For every input bit `b` the register becomes
///   `register = (register << 1 | b) & 0x7F`, so bit 0 holds the newest bit and bit 6 the oldest.
/// - Polynomials are given in the usual octal notation (`0o171`, `0o133`) where the leftmost (most
///   significant of 7) bit is the tap on the *current* input bit; ``tapMask1``/``tapMask2`` are the
///   bit-reversed masks applied to `register`.
/// - For each input bit two channel symbols are produced, first C1 (from ``g1``) then C2 (from ``g2``);
///   each may be inverted.
/// - Soft symbols are `UInt8`: 0 = confident 0, 255 = confident 1, 128 = no information (erasure).
///
/// Only codes whose two polynomials both tap the newest and the oldest register bit are supported
/// (true for 0171/0133); this gives the trellis its butterfly structure, which the decoder relies on.
public struct ConvolutionalCode: Sendable, Hashable, CustomStringConvertible {
    /// Constraint length (register length including the current bit). Always 7.
    public static let constraintLength = 7
    /// Number of trellis states, 2^(K-1).
    public static let stateCount = 64
    /// Number of zero bits that return the encoder to state 0 (K - 1).
    public static let tailLength = 6

    /// First polynomial in octal notation (CCSDS: 0o171).
    public let g1: UInt8
    /// Second polynomial in octal notation (CCSDS: 0o133).
    public let g2: UInt8
    /// Whether the C1 output symbol is inverted.
    public let invertsFirst: Bool
    /// Whether the C2 output symbol is inverted (CCSDS 131.0-B rate 1/2: yes).
    public let invertsSecond: Bool

    /// Tap mask of `g1` over the register (bit 0 = newest input bit).
    public let tapMask1: UInt8
    /// Tap mask of `g2` over the register (bit 0 = newest input bit).
    public let tapMask2: UInt8

    /// CCSDS 131.0-B rate 1/2: G1 = 0171 first, G2 = 0133 second and inverted. This is what libfec's
    /// `viterbi27` with the CCSDS convention and gr-satellites use (checked against the shared vectors).
    public static let ccsds = ConvolutionalCode(uncheckedG1: 0o171, g2: 0o133, invertsFirst: false, invertsSecond: true)

    /// The same polynomials without any inversion (NASA-DSN / "Voyager" convention; also the encoder
    /// underneath the CCSDS punctured rates 2/3 ... 7/8).
    public static let nasaDSN = ConvolutionalCode(uncheckedG1: 0o171, g2: 0o133, invertsFirst: false, invertsSecond: false)

    /// A K = 7 code from two octal polynomials.
    /// - Throws: ``ConvolutionalCodingError/unsupportedPolynomials(g1:g2:)`` unless both polynomials are
    ///   7-bit values that tap the newest and the oldest register bit.
    public init(g1: UInt8, g2: UInt8, invertsFirst: Bool = false, invertsSecond: Bool = false) throws(ConvolutionalCodingError) {
        for g in [g1, g2] where g & 0x80 != 0 || g & 0x41 != 0x41 {
            throw .unsupportedPolynomials(g1: g1, g2: g2)
        }
        self.init(uncheckedG1: g1, g2: g2, invertsFirst: invertsFirst, invertsSecond: invertsSecond)
    }

    private init(uncheckedG1 g1: UInt8, g2: UInt8, invertsFirst: Bool, invertsSecond: Bool) {
        self.g1 = g1
        self.g2 = g2
        self.invertsFirst = invertsFirst
        self.invertsSecond = invertsSecond
        self.tapMask1 = Self.reverse7(g1)
        self.tapMask2 = Self.reverse7(g2)
    }

    /// The two output bits (C1, C2) for a 7-bit encoder register value (bit 0 = newest input bit).
    @inlinable
    public func outputs(register: Int) -> (UInt8, UInt8) {
        let r = UInt8(truncatingIfNeeded: register) & 0x7F
        let c1 = UInt8((r & tapMask1).nonzeroBitCount & 1) ^ (invertsFirst ? 1 : 0)
        let c2 = UInt8((r & tapMask2).nonzeroBitCount & 1) ^ (invertsSecond ? 1 : 0)
        return (c1, c2)
    }

    public var description: String {
        let o1 = String(g1, radix: 8), o2 = String(g2, radix: 8)
        return "K=7 r=1/2 G1=0\(o1)\(invertsFirst ? " inverted" : "") G2=0\(o2)\(invertsSecond ? " inverted" : "")"
    }

    private static func reverse7(_ g: UInt8) -> UInt8 {
        var out: UInt8 = 0
        for i in 0..<7 where g & (1 << i) != 0 { out |= 1 << (6 - i) }
        return out
    }
}

/// Errors from the convolutional encoder, the Viterbi decoders and (de)puncturing.
public enum ConvolutionalCodingError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The polynomials do not describe a supported K = 7 code.
    case unsupportedPolynomials(g1: UInt8, g2: UInt8)
    /// A rate 1/2 symbol block must have an even number of symbols.
    case oddSymbolCount(Int)
    /// A zero-tail block needs at least the 6 tail steps (12 symbols).
    case blockTooShort(symbols: Int, minimum: Int)
    /// The caller's output buffer cannot hold the decoded bits.
    case outputTooSmall(needed: Int, available: Int)
    /// A state number outside 0..<64.
    case invalidState(Int)
    /// The streaming traceback depth must be in 8...4096.
    case invalidTracebackDepth(Int)

    public var description: String {
        switch self {
        case let .unsupportedPolynomials(g1, g2):
            return "unsupported polynomials 0\(String(g1, radix: 8)) / 0\(String(g2, radix: 8)): need 7-bit polynomials tapping the first and last register bit"
        case let .oddSymbolCount(n): return "rate 1/2 block has an odd number of symbols (\(n))"
        case let .blockTooShort(n, m): return "block of \(n) symbols is shorter than the \(m)-symbol zero tail"
        case let .outputTooSmall(n, a): return "output buffer holds \(a) but \(n) are needed"
        case let .invalidState(s): return "trellis state \(s) is outside 0..<64"
        case let .invalidTracebackDepth(d): return "traceback depth \(d) is outside 8...4096"
        }
    }
}
