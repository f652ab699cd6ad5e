/// The G3RUH / K9NG self-synchronising scrambler, polynomial 1 + x^12 + x^17, used by 9600 Bd FSK
/// packet radio and many CubeSats.
///
/// The scrambler feeds back its own output: out[n] = in[n] ^ out[n-12] ^ out[n-17].
/// The descrambler feeds forward the received bits: out[n] = in[n] ^ in[n-12] ^ in[n-17], so it
/// resynchronises by itself 17 bits after any start or bit slip.
public struct G3RUHScrambler: Sendable {
    @usableFromInline var history: UInt32 = 0

    public init() {}

    @inlinable
    public mutating func process(_ bits: UnsafeMutableBufferPointer<UInt8>) {
        var h = history
        for i in bits.indices {
            let out = (bits[i] ^ UInt8(truncatingIfNeeded: h >> 11) ^ UInt8(truncatingIfNeeded: h >> 16)) & 1
            h = (h << 1) | UInt32(out)
            bits[i] = out
        }
        history = h
    }

    public mutating func process(_ bits: inout [UInt8]) {
        bits.withUnsafeMutableBufferPointer { process($0) }
    }
}

public struct G3RUHDescrambler: Sendable {
    @usableFromInline var history: UInt32 = 0

    public init() {}

    @inlinable
    public mutating func process(_ bits: UnsafeMutableBufferPointer<UInt8>) {
        var h = history
        for i in bits.indices {
            let input = bits[i] & 1
            bits[i] = (input ^ UInt8(truncatingIfNeeded: h >> 11) ^ UInt8(truncatingIfNeeded: h >> 16)) & 1
            h = (h << 1) | UInt32(input)
        }
        history = h
    }

    public mutating func process(_ bits: inout [UInt8]) {
        bits.withUnsafeMutableBufferPointer { process($0) }
    }

    public mutating func reset() { history = 0 }
}
