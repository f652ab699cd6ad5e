import TelemetryDecode

/// How one scalar (a real sample, or one of I and Q) is stored. All multi-byte encodings are
/// little-endian; integers are two's complement except `u8` (offset binary, centre 127.5).
public enum SampleEncoding: String, Sendable, Hashable, CaseIterable {
    case u8, s8, s16, s24, s32, f32

    public var bytesPerScalar: Int {
        switch self {
        case .u8, .s8: 1
        case .s16: 2
        case .s24: 3
        case .s32, .f32: 4
        }
    }
}

/// A raw sample layout: an encoding, real or interleaved I/Q.
///
/// Names: the encoding name (`u8`, `s8`, `s16`, `s24`, `s32`, `f32`) for real samples, prefixed with `c`
/// for complex I/Q (`cu8` = RTL-SDR, `cs8` = HackRF, `cs16`, `cf32` = GNU Radio complex).
/// Conversion scales to about ±1.0: u8 → (x − 127.5) / 127.5, s8 → x / 128, s16 → x / 32768,
/// s24 → x / 2²³, s32 → x / 2³¹, f32 unchanged.
public struct SampleFormat: Sendable, Hashable, CustomStringConvertible {
    public var encoding: SampleEncoding
    public var isComplex: Bool

    public init(encoding: SampleEncoding, isComplex: Bool) {
        self.encoding = encoding
        self.isComplex = isComplex
    }

    public static let cu8 = SampleFormat(encoding: .u8, isComplex: true)
    public static let cs8 = SampleFormat(encoding: .s8, isComplex: true)
    public static let cs16 = SampleFormat(encoding: .s16, isComplex: true)
    public static let cs24 = SampleFormat(encoding: .s24, isComplex: true)
    public static let cs32 = SampleFormat(encoding: .s32, isComplex: true)
    public static let cf32 = SampleFormat(encoding: .f32, isComplex: true)
    public static let u8 = SampleFormat(encoding: .u8, isComplex: false)
    public static let s8 = SampleFormat(encoding: .s8, isComplex: false)
    public static let s16 = SampleFormat(encoding: .s16, isComplex: false)
    public static let s24 = SampleFormat(encoding: .s24, isComplex: false)
    public static let s32 = SampleFormat(encoding: .s32, isComplex: false)
    public static let f32 = SampleFormat(encoding: .f32, isComplex: false)

    /// The formats accepted for raw files (`--format`), in the order shown in help and errors.
    public static let rawFormats: [SampleFormat] = [.cu8, .cs8, .cs16, .cf32, .f32, .s16, .u8, .s8, .cs24, .s24, .cs32, .s32]

    /// Parses a format name such as `cu8`, `cs16` or `f32` (case-insensitive; `cs16le`/`cs16_le` too).
    public init?(name: String) {
        var n = name.lowercased()
        if n.hasSuffix("_le") { n.removeLast(3) } else if n.hasSuffix("le") && n.count > 3 { n.removeLast(2) }
        var complex = false
        if n.hasPrefix("c") {
            complex = true
            n.removeFirst()
        }
        guard let e = SampleEncoding(rawValue: n) else { return nil }
        self.init(encoding: e, isComplex: complex)
    }

    public var name: String { (isComplex ? "c" : "") + encoding.rawValue }
    public var description: String { name }
    public var kind: SampleKind { isComplex ? .complex : .real }

    /// Scalars per sample: 2 for I/Q, 1 for real.
    public var scalarsPerSample: Int { isComplex ? 2 : 1 }

    /// Bytes per sample (both I and Q for complex formats).
    public var bytesPerSample: Int { encoding.bytesPerScalar * scalarsPerSample }

    // MARK: conversion

    /// u8 → Float, computed once: (x − 127.5) / 127.5.
    static let u8Table: [Float] = (0..<256).map { (Float($0) - 127.5) / 127.5 }

    /// Converts `count` scalars from `bytes` (which must hold `count * bytesPerScalar` bytes, any
    /// alignment) into `out[0..<count]`.
    public static func convert(
        _ encoding: SampleEncoding, _ bytes: UnsafeRawBufferPointer, count: Int,
        into out: UnsafeMutablePointer<Float>
    ) {
        precondition(bytes.count >= count * encoding.bytesPerScalar, "conversion source too short")
        guard count > 0, let src = bytes.baseAddress else { return }
        switch encoding {
        case .u8:
            u8Table.withUnsafeBufferPointer { table in
                let t = table.baseAddress.unsafelyUnwrapped
                let s = src.assumingMemoryBound(to: UInt8.self)
                for i in 0..<count { out[i] = t[Int(s[i])] }
            }
        case .s8:
            let s = src.assumingMemoryBound(to: Int8.self)
            let k: Float = 1.0 / 128
            for i in 0..<count { out[i] = Float(s[i]) * k }
        case .s16:
            let k: Float = 1.0 / 32768
            for i in 0..<count {
                out[i] = Float(Int16(littleEndian: src.loadUnaligned(fromByteOffset: 2 * i, as: Int16.self))) * k
            }
        case .s24:
            let k: Float = 1.0 / 8_388_608
            let s = src.assumingMemoryBound(to: UInt8.self)
            for i in 0..<count {
                let j = 3 * i
                let u = UInt32(s[j]) << 8 | UInt32(s[j + 1]) << 16 | UInt32(s[j + 2]) << 24
                out[i] = Float(Int32(bitPattern: u) >> 8) * k
            }
        case .s32:
            let k: Float = 1.0 / 2_147_483_648
            for i in 0..<count {
                out[i] = Float(Int32(littleEndian: src.loadUnaligned(fromByteOffset: 4 * i, as: Int32.self))) * k
            }
        case .f32:
            #if _endian(little)
            UnsafeMutableRawPointer(out).copyMemory(from: src, byteCount: 4 * count)
            #else
            for i in 0..<count {
                out[i] = Float(bitPattern: UInt32(littleEndian: src.loadUnaligned(fromByteOffset: 4 * i, as: UInt32.self)))
            }
            #endif
        }
    }

    /// Converts whole samples: `bytes.count / bytesPerSample` samples (at most `maxSamples`) into
    /// `out`, which holds `scalarsPerSample` floats per sample. Returns the number of samples.
    @discardableResult
    public func convert(_ bytes: UnsafeRawBufferPointer, into out: UnsafeMutableBufferPointer<Float>) -> Int {
        let samples = min(bytes.count / bytesPerSample, out.count / scalarsPerSample)
        guard samples > 0, let base = out.baseAddress else { return 0 }
        Self.convert(encoding, bytes, count: samples * scalarsPerSample, into: base)
        return samples
    }

    /// The reverse: quantises floats (about ±1.0, clamped) to this encoding, appending to `bytes`.
    /// Exactly inverts `convert` for values that are representable (e.g. k / 32768 for s16).
    public static func encode(_ encoding: SampleEncoding, _ values: UnsafeBufferPointer<Float>, appendingTo bytes: inout [UInt8]) {
        bytes.reserveCapacity(bytes.count + values.count * encoding.bytesPerScalar)
        switch encoding {
        case .u8:
            for v in values { bytes.append(UInt8(clamping: Int((clean(v) * 127.5 + 127.5).rounded()))) }
        case .s8:
            for v in values { bytes.append(UInt8(bitPattern: Int8(clamping: Int((clean(v) * 128).rounded())))) }
        case .s16:
            for v in values {
                let q = Int16(clamping: Int((clean(v) * 32768).rounded()))
                bytes.append(UInt8(truncatingIfNeeded: q))
                bytes.append(UInt8(truncatingIfNeeded: q >> 8))
            }
        case .s24:
            for v in values {
                let q = min(max(Int((Double(clean(v)) * 8_388_608).rounded()), -8_388_608), 8_388_607)
                bytes.append(UInt8(truncatingIfNeeded: q))
                bytes.append(UInt8(truncatingIfNeeded: q >> 8))
                bytes.append(UInt8(truncatingIfNeeded: q >> 16))
            }
        case .s32:
            for v in values {
                let q = Int32(clamping: Int((Double(clean(v)) * 2_147_483_648).rounded()))
                bytes.append(contentsOf: q.littleEndianBytes)
            }
        case .f32:
            for v in values { bytes.append(contentsOf: v.bitPattern.littleEndianBytes) }
        }
    }

    /// NaN quantises to 0 rather than trapping in an integer conversion; infinities clamp.
    @inline(__always)
    private static func clean(_ v: Float) -> Float {
        v.isNaN ? 0 : min(max(v, -4), 4)
    }
}
