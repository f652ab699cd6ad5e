/// Builds the HDLC bit stream for frames: opening flags, data and FCS LSB first with bit stuffing,
/// closing flag. Output bits are `UInt8` 0/1, before NRZI and scrambling.
public struct HDLCFramer: Sendable {
    public var fcs: CRCAlgorithm
    /// Flags sent before each frame (a transmitter's TX delay and a receiver's settling time).
    public var preambleFlags: Int
    /// Flags sent after each frame.
    public var postambleFlags: Int

    public init(fcs: CRCAlgorithm = .x25, preambleFlags: Int = 4, postambleFlags: Int = 1) {
        self.fcs = fcs
        self.preambleFlags = preambleFlags
        self.postambleFlags = max(1, postambleFlags)
    }

    /// Appends the bits of one frame (`bytes` without FCS) to `bits`.
    public func encode(_ bytes: [UInt8], into bits: inout [UInt8]) {
        func flag() {
            bits.append(0)
            for _ in 0..<6 { bits.append(1) }
            bits.append(0)
        }
        for _ in 0..<preambleFlags { flag() }
        let crc = fcs.checksum(bytes)
        var ones = 0
        func put(_ byte: UInt8) {
            for i in 0..<8 {
                let b = (byte >> UInt8(i)) & 1
                bits.append(b)
                if b == 1 {
                    ones += 1
                    if ones == 5 {
                        bits.append(0)
                        ones = 0
                    }
                } else {
                    ones = 0
                }
            }
        }
        for b in bytes { put(b) }
        put(UInt8(truncatingIfNeeded: crc))
        put(UInt8(truncatingIfNeeded: crc >> 8))
        for _ in 0..<postambleFlags { flag() }
    }

    public func encode(_ bytes: [UInt8]) -> [UInt8] {
        var bits: [UInt8] = []
        encode(bytes, into: &bits)
        return bits
    }
}
