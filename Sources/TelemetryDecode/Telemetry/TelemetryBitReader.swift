/// Reads big-endian bit fields and byte-order-aware integers from a frame, most significant bit first.
public struct TelemetryBitReader {
    public let bytes: [UInt8]
    /// Position in bits from the start.
    public var position: Int = 0

    public init(_ bytes: [UInt8]) { self.bytes = bytes }

    public var bitsLeft: Int { bytes.count * 8 - position }

    /// `bits` (1...64) bits as an unsigned number; little endian swaps whole bytes (bits must be a multiple of 8).
    /// The caller checks `bitsLeft` first.
    public mutating func read(bits: Int, endian: TelemetryEndian = .big) -> UInt64 {
        var v: UInt64 = 0
        if position & 7 == 0 && bits & 7 == 0 {
            var i = position >> 3
            let n = bits >> 3
            if endian == .big {
                for _ in 0..<n { v = v << 8 | UInt64(bytes[i]); i += 1 }
            } else {
                for k in 0..<n { v |= UInt64(bytes[i + k]) << (8 * UInt64(k)) }
            }
            position += bits
            return v
        }
        var remaining = bits
        while remaining > 0 {
            let byte = bytes[position >> 3]
            let used = position & 7
            let take = min(8 - used, remaining)
            let chunk = (UInt64(byte) >> UInt64(8 - used - take)) & ((1 << UInt64(take)) - 1)
            v = v << UInt64(take) | chunk
            remaining -= take
            position += take
        }
        if endian == .little && bits > 8 { v = Self.swapBytes(v, bits: bits) }
        return v
    }

    /// `count` whole bytes (aligned or not).
    public mutating func readBytes(_ count: Int) -> [UInt8] {
        if position & 7 == 0 {
            let start = position >> 3
            position += count * 8
            return Array(bytes[start..<start + count])
        }
        var out = [UInt8](repeating: 0, count: count)
        for i in 0..<count { out[i] = UInt8(read(bits: 8)) }
        return out
    }

    /// Reverses the byte order of the low `bits` bits (a multiple of 8).
    static func swapBytes(_ v: UInt64, bits: Int) -> UInt64 {
        var out: UInt64 = 0
        var x = v
        for _ in 0..<(bits / 8) { out = out << 8 | (x & 0xFF); x >>= 8 }
        return out
    }

    /// Sign-extends the low `bits` bits.
    static func signExtend(_ v: UInt64, bits: Int) -> Int64 {
        if bits >= 64 { return Int64(bitPattern: v) }
        let shift = UInt64(64 - bits)
        return Int64(bitPattern: v << shift) >> Int64(shift)
    }
}

/// Writes what `TelemetryBitReader` reads: the encoder's output stream.
public struct TelemetryBitWriter {
    public private(set) var bytes: [UInt8] = []
    public private(set) var position: Int = 0

    public init() {}

    public mutating func write(_ value: UInt64, bits: Int, endian: TelemetryEndian = .big) {
        var v = bits < 64 ? value & ((1 << UInt64(bits)) - 1) : value
        if endian == .little && bits > 8 { v = TelemetryBitReader.swapBytes(v, bits: bits) }
        var remaining = bits
        while remaining > 0 {
            if position & 7 == 0 { bytes.append(0) }
            let used = position & 7
            let take = min(8 - used, remaining)
            let chunk = UInt8((v >> UInt64(remaining - take)) & ((1 << UInt64(take)) - 1))
            bytes[bytes.count - 1] |= chunk << UInt8(8 - used - take)
            remaining -= take
            position += take
        }
    }

    public mutating func write(bytes data: [UInt8]) {
        for b in data { write(UInt64(b), bits: 8) }
    }
}
