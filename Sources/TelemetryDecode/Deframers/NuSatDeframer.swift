/// ÑuSat custom framing ("NuSat"), as used by NuSat 1 (40k FSK): FSK, NRZ.
///
/// Facts (gr-satellites' NuSat deframer and NuSat decoder): sync word 0x01E5AACC (32 bits, MSB first;
/// gr-satellites' default threshold 0 bit errors), then a 64-byte block protected by a Reed-Solomon
/// code over GF(2^8) (field polynomial 0x11D, first consecutive root 1, primitive element 1, 4 parity
/// symbols: a shortened RS(64, 60), 2 byte errors corrected). After decoding, byte 0 is the packet
/// length L (< 62), byte 1 a CRC-8 (polynomial 0x07, init 0, not reflected, no final xor: CRC-8/SMBUS)
/// of the descrambled packet, and bytes 2..<2+L the packet XORed with a fixed 64-byte sequence
/// (`scramblerSequence`). The output is the descrambled packet (L bytes); gsd drops empty packets
/// (L = 0), which gr-satellites would output as empty PDUs.
///
/// gr-satellites decodes the block as a full-length libfec codeword with the 191 missing bytes zero
/// at its end; that is the same code, except that libfec would accept "corrections" inside the
/// zeros, which this decoder (shortened code) refuses. So gsd may reject, as beyond correction, a
/// rare damaged block that gr-satellites passes on to its CRC-8.
///
/// No erasure retry: with only 4 parity bytes, erasing even 2 weak bytes lets a random block pass the
/// code 1 time in 65536 (and the CRC-8 then 1 in 256), far weaker than the 1e-10 gsd asks of
/// `ReedSolomonSoftErasures`. A block that fails is reported (`checkPassed: false`, the descrambled
/// bytes as received) only after a sync word with at most `reportFailedMaxSyncErrors` errors.
public struct NuSatDeframer: Deframer {
    public static let framingName = "NuSat"
    public static let syncWord: UInt32 = 0x01E5_AACC
    public static let blockSize = 64
    public static let headerSize = 2
    /// Largest packet the decoder takes (the length byte must be below blockSize − headerSize).
    public static let maximumLength = blockSize - headerSize - 1
    /// Packet scrambling sequence (XORed onto packet byte i), from gr-satellites' NuSat decoder.
    public static let scramblerSequence: [UInt8] = [
        0x1D, 0x8B, 0x06, 0x0C, 0x54, 0xDF, 0x21, 0xCB, 0x5C, 0x74, 0xE3, 0x15, 0x68, 0x04, 0x41, 0x91,
        0x7A, 0x3D, 0x7A, 0x81, 0x30, 0x57, 0x1A, 0x0A, 0x09, 0xDB, 0x33, 0x57, 0x1F, 0x86, 0xEF, 0x58,
        0xE0, 0x16, 0xBD, 0x9B, 0xA6, 0x42, 0xFB, 0x09, 0xD6, 0xCB, 0xE1, 0x27, 0x8E, 0xE7, 0x95, 0x1B,
        0x46, 0x4C, 0xEE, 0xC3, 0x75, 0x7D, 0xA6, 0x1C, 0xF2, 0x45, 0x01, 0x00, 0xFE, 0xAF, 0xFD, 0x03,
    ]
    /// CRC-8/SMBUS.
    public static let crc8 = CRCAlgorithm(name: "CRC-8/SMBUS", width: 8, polynomial: 0x07, initial: 0, reflected: false, xorOut: 0)
    // The parameters are valid, so construction cannot fail.
    public static let code = try! ReedSolomonCode(fieldPolynomial: 0x11D, firstConsecutiveRoot: 1, primitiveElement: 1, parityCount: 4)

    public let syncErrors: Int
    public var reportFailedMaxSyncErrors = 1
    var collector: SyncWordFrameCollector
    var completed: [SyncWordFrameCollector.Candidate] = []
    var position = 0

    /// `syncErrors`: bit errors allowed in the sync word (gr-satellites' default: 0).
    public init(syncErrors: Int = 0, detectInverted: Bool = true) {
        self.syncErrors = syncErrors
        collector = SyncWordFrameCollector(
            syncWord: UInt64(Self.syncWord), syncLength: 32, maxErrors: syncErrors, detectInverted: detectInverted,
            frameBits: 8 * Self.blockSize)
    }

    public mutating func reset() {
        collector.reset()
        position = 0
    }

    public mutating func process(_ symbols: UnsafeBufferPointer<UInt8>, into frames: inout [DecodedFrame]) {
        completed.removeAll(keepingCapacity: true)
        for s in symbols {
            collector.push(s >= 128 ? 1 : 0, at: position, completed: &completed)
            position += 1
        }
        for c in completed {
            guard let frame = Self.decode(SyncWordFrameCollector.pack(c.bits), end: c.end) else { continue }
            guard frame.checkPassed || c.syncErrors <= reportFailedMaxSyncErrors else { continue }
            frames.append(frame)
        }
    }

    /// Decodes a received 64-byte block; nil when it is not one, or its length byte (as received,
    /// when the code fails) is 0 or too large.
    public static func decode(_ received: [UInt8], end: Int = 0) -> DecodedFrame? {
        guard received.count == blockSize else { return nil }
        var block = received
        let corrected = try? code.decode(&block)
        let length = Int(block[0])
        guard length >= 1, length <= maximumLength else { return nil }
        let packet = (0..<length).map { block[headerSize + $0] ^ scramblerSequence[$0] }
        let ok = corrected != nil && crc8.checksum(packet) == UInt32(block[1])
        return DecodedFrame(
            bytes: packet, framing: framingName, checkPassed: ok, correctedSymbols: ok ? corrected ?? 0 : 0,
            symbolPosition: end)
    }

    /// The 64-byte block sent after the sync word for `packet` (1...58 bytes): length, CRC-8, scrambled
    /// packet, zero fill, Reed-Solomon parity.
    public static func encode(_ packet: [UInt8]) -> [UInt8] {
        precondition((1...(blockSize - headerSize - code.parityCount)).contains(packet.count))
        var data = [UInt8(packet.count), UInt8(truncatingIfNeeded: crc8.checksum(packet))]
        data += packet.enumerated().map { $0.element ^ scramblerSequence[$0.offset] }
        data += [UInt8](repeating: 0, count: blockSize - code.parityCount - data.count)
        // 60 data bytes are within the code's range, so encoding cannot fail.
        return try! code.encode(data)
    }
}
