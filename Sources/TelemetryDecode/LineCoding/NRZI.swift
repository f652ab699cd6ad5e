/// NRZI line coding as used by AX.25/HDLC: a 0 bit is a change of level, a 1 bit is no change.
///
/// Bits are `UInt8` values 0 or 1, one per element. Both directions keep one bit of state, so a
/// stream may be processed in chunks of any size.
public struct NRZIDecoder: Sendable {
    @usableFromInline var previous: UInt8

    public init(initialLevel: UInt8 = 0) { previous = initialLevel & 1 }

    /// Decodes levels to data bits in place.
    @inlinable
    public mutating func process(_ bits: UnsafeMutableBufferPointer<UInt8>) {
        var prev = previous
        for i in bits.indices {
            let level = bits[i] & 1
            bits[i] = (level ^ prev) ^ 1
            prev = level
        }
        previous = prev
    }

    public mutating func process(_ bits: inout [UInt8]) {
        bits.withUnsafeMutableBufferPointer { process($0) }
    }

    public mutating func reset(initialLevel: UInt8 = 0) { previous = initialLevel & 1 }
}

public struct NRZIEncoder: Sendable {
    @usableFromInline var level: UInt8

    public init(initialLevel: UInt8 = 0) { level = initialLevel & 1 }

    /// Encodes data bits to levels in place.
    @inlinable
    public mutating func process(_ bits: UnsafeMutableBufferPointer<UInt8>) {
        var l = level
        for i in bits.indices {
            l ^= (bits[i] & 1) ^ 1
            bits[i] = l
        }
        level = l
    }

    public mutating func process(_ bits: inout [UInt8]) {
        bits.withUnsafeMutableBufferPointer { process($0) }
    }
}
