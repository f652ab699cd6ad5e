/// A CRC of width 8...32 described by its Rocksoft/Williams parameters, with slicing-by-8 tables.
///
/// Reflected (LSB-first) and non-reflected (MSB-first) algorithms share one kernel shape: eight bytes
/// are loaded as one word, the register is folded into it, and eight table look-ups finish the step.
/// Instances are immutable and cheap to share; the common ones are `static let`s built once.
public final class CRCAlgorithm: Sendable {
    public let name: String
    public let width: Int
    public let polynomial: UInt32
    public let initial: UInt32
    public let reflected: Bool
    public let xorOut: UInt32

    /// Eight 256-entry tables, back to back: table k maps a byte to the CRC of that byte followed by k zero bytes.
    @usableFromInline let tables: [UInt32]
    @usableFromInline let mask: UInt32

    /// `reflected` covers refin = refout = true; every CRC gsd needs has refin == refout.
    public init(name: String, width: Int, polynomial: UInt32, initial: UInt32, reflected: Bool, xorOut: UInt32) {
        precondition((8...32).contains(width), "CRC width must be 8...32")
        self.name = name
        self.width = width
        self.polynomial = polynomial
        self.initial = initial
        self.reflected = reflected
        self.xorOut = xorOut
        let mask: UInt32 = width == 32 ? .max : (1 << UInt32(width)) - 1
        self.mask = mask
        var t = [UInt32](repeating: 0, count: 8 * 256)
        if reflected {
            let rpoly = Self.reverse(polynomial, width: width)
            for i in 0..<256 {
                var c = UInt32(i)
                for _ in 0..<8 { c = (c & 1) != 0 ? (c >> 1) ^ rpoly : c >> 1 }
                t[i] = c
            }
            for k in 1..<8 {
                for i in 0..<256 {
                    let p = t[(k - 1) * 256 + i]
                    t[k * 256 + i] = (p >> 8) ^ t[Int(p & 0xFF)]
                }
            }
        } else {
            let top = UInt32(1) << UInt32(width - 1)
            for i in 0..<256 {
                var c = UInt32(i) << UInt32(width - 8)
                for _ in 0..<8 { c = (c & top) != 0 ? ((c << 1) ^ polynomial) & mask : (c << 1) & mask }
                t[i] = c
            }
            for k in 1..<8 {
                for i in 0..<256 {
                    let p = t[(k - 1) * 256 + i]
                    t[k * 256 + i] = ((p << 8) & mask) ^ t[Int((p >> UInt32(width - 8)) & 0xFF)]
                }
            }
        }
        self.tables = t
    }

    @usableFromInline static func reverse(_ value: UInt32, width: Int) -> UInt32 {
        var v = value, r: UInt32 = 0
        for _ in 0..<width {
            r = (r << 1) | (v & 1)
            v >>= 1
        }
        return r
    }

    /// The register value before any data.
    /// Rocksoft's init is stated unreflected; a reflected register holds it bit-reversed.
    public var start: UInt32 { reflected ? Self.reverse(initial, width: width) : initial }

    /// Advances a raw register over `bytes` (no init, no final xor).
    @inlinable
    public func update(_ register: UInt32, _ bytes: UnsafeRawBufferPointer) -> UInt32 {
        var crc = register
        let count = bytes.count
        guard count > 0, let base = bytes.baseAddress else { return crc }
        tables.withUnsafeBufferPointer { tp in
            let t = tp.baseAddress!
            var i = 0
            if reflected {
                while i + 8 <= count {
                    let w = UInt64(littleEndian: base.loadUnaligned(fromByteOffset: i, as: UInt64.self)) ^ UInt64(crc)
                    crc = t[7 * 256 + Int(w & 0xFF)] ^ t[6 * 256 + Int((w >> 8) & 0xFF)]
                        ^ t[5 * 256 + Int((w >> 16) & 0xFF)] ^ t[4 * 256 + Int((w >> 24) & 0xFF)]
                        ^ t[3 * 256 + Int((w >> 32) & 0xFF)] ^ t[2 * 256 + Int((w >> 40) & 0xFF)]
                        ^ t[1 * 256 + Int((w >> 48) & 0xFF)] ^ t[Int(w >> 56)]
                    i += 8
                }
                while i < count {
                    let b = base.load(fromByteOffset: i, as: UInt8.self)
                    crc = (crc >> 8) ^ t[Int((crc ^ UInt32(b)) & 0xFF)]
                    i += 1
                }
            } else {
                let shift = UInt64(64 - width)
                let m = mask
                while i + 8 <= count {
                    let w = UInt64(bigEndian: base.loadUnaligned(fromByteOffset: i, as: UInt64.self)) ^ (UInt64(crc) << shift)
                    crc = t[7 * 256 + Int(w >> 56)] ^ t[6 * 256 + Int((w >> 48) & 0xFF)]
                        ^ t[5 * 256 + Int((w >> 40) & 0xFF)] ^ t[4 * 256 + Int((w >> 32) & 0xFF)]
                        ^ t[3 * 256 + Int((w >> 24) & 0xFF)] ^ t[2 * 256 + Int((w >> 16) & 0xFF)]
                        ^ t[1 * 256 + Int((w >> 8) & 0xFF)] ^ t[Int(w & 0xFF)]
                    i += 8
                }
                let down = UInt32(width - 8)
                while i < count {
                    let b = base.load(fromByteOffset: i, as: UInt8.self)
                    crc = ((crc << 8) & m) ^ t[Int(((crc >> down) ^ UInt32(b)) & 0xFF)]
                    i += 1
                }
            }
        }
        return crc
    }

    /// The register after the final xor: the CRC value as published.
    @inlinable public func finalize(_ register: UInt32) -> UInt32 { (register ^ xorOut) & mask }

    /// CRC of a whole buffer.
    @inlinable
    public func checksum(_ bytes: UnsafeRawBufferPointer) -> UInt32 { finalize(update(start, bytes)) }

    /// CRC of a byte collection.
    @inlinable
    public func checksum<C: Collection>(_ bytes: C) -> UInt32 where C.Element == UInt8 {
        if let r = bytes.withContiguousStorageIfAvailable({ checksum(UnsafeRawBufferPointer($0)) }) { return r }
        return Array(bytes).withUnsafeBytes { checksum($0) }
    }

    /// A streaming CRC computation; feed it chunks of any size.
    public func stream() -> CRCStream { CRCStream(algorithm: self) }
}

/// Incremental CRC over chunks.
public struct CRCStream: Sendable {
    public let algorithm: CRCAlgorithm
    public private(set) var register: UInt32

    public init(algorithm: CRCAlgorithm) {
        self.algorithm = algorithm
        self.register = algorithm.start
    }

    public mutating func update<C: Collection>(_ bytes: C) where C.Element == UInt8 {
        let alg = algorithm
        let r = register
        if let n = bytes.withContiguousStorageIfAvailable({ alg.update(r, UnsafeRawBufferPointer($0)) }) {
            register = n
        } else {
            register = Array(bytes).withUnsafeBytes { alg.update(r, $0) }
        }
    }

    public var value: UInt32 { algorithm.finalize(register) }
}

extension CRCAlgorithm {
    /// CRC-16/X-25: the AX.25 / HDLC frame check sequence (transmitted LSB first, low byte first).
    public static let x25 = CRCAlgorithm(
        name: "CRC-16/X-25", width: 16, polynomial: 0x1021, initial: 0xFFFF, reflected: true, xorOut: 0xFFFF)
    /// CRC-16/IBM-3740 (CCITT-FALSE): the CCSDS TM frame error control field.
    public static let ibm3740 = CRCAlgorithm(
        name: "CRC-16/IBM-3740", width: 16, polynomial: 0x1021, initial: 0xFFFF, reflected: false, xorOut: 0)
    /// CRC-16/XMODEM (CCITT with a zero start): Mobitex callsigns, ESEO.
    public static let xmodem = CRCAlgorithm(
        name: "CRC-16/XMODEM", width: 16, polynomial: 0x1021, initial: 0, reflected: false, xorOut: 0)
    /// CRC-16/KERMIT.
    public static let kermit = CRCAlgorithm(
        name: "CRC-16/KERMIT", width: 16, polynomial: 0x1021, initial: 0, reflected: true, xorOut: 0)
    /// CRC-32/ISO-HDLC (the zlib / Ethernet CRC-32).
    public static let crc32 = CRCAlgorithm(
        name: "CRC-32/ISO-HDLC", width: 32, polynomial: 0x04C1_1DB7, initial: 0xFFFF_FFFF, reflected: true,
        xorOut: 0xFFFF_FFFF)
    /// CRC-32C (Castagnoli, iSCSI), used by several CubeSat protocols (CSP).
    public static let crc32c = CRCAlgorithm(
        name: "CRC-32C", width: 32, polynomial: 0x1EDC_6F41, initial: 0xFFFF_FFFF, reflected: true,
        xorOut: 0xFFFF_FFFF)
}
