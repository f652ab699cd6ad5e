/// Lucky-7 custom framing (Silicon Labs Si4463): 16-bit sync word 0x2DD4 (sent MSB first), then a
/// fixed 37-byte packet whose bits are XORed, in transmission order, with the PN9 sequence
/// (x^9 + x^5 + 1) seeded 0x1E1; the packet is 35 data bytes and the CC11xx CRC-16 (MSB first).
/// Output is the 35 data bytes, as gr-satellites.
///
/// The sync word is searched with up to `syncErrors` bit errors (default 1, as gr-satellites) in both
/// polarities; an inverted hit inverts the packet that follows. `checkPassed` = CRC matched.
public struct Lucky7Deframer: Deframer {
    public static let syncWord: UInt16 = 0x2DD4
    public static let framingName = "Lucky-7"
    public static let packetLength = 37
    static let whitening: [UInt8] = CC11xxCoding.pn9Bits(seed: 0x1E1, count: 8 * packetLength)

    public let syncErrors: Int
    var collector: SyncWordFrameCollector
    var completed: [SyncWordFrameCollector.Candidate] = []
    var position = 0

    public init(syncErrors: Int = 1, detectInverted: Bool = true) {
        self.syncErrors = syncErrors
        collector = SyncWordFrameCollector(
            syncWord: UInt64(Self.syncWord), syncLength: 16, maxErrors: syncErrors, detectInverted: detectInverted,
            frameBits: 8 * Self.packetLength, maxPending: 32)
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
            if let frame = Self.decode(bits: c.bits, end: c.end) { frames.append(frame) }
        }
    }

    /// Decodes the whitened packet bits (0/1) after the sync word; nil when there are fewer than 296.
    public static func decode(bits: [UInt8], end: Int = 0) -> DecodedFrame? {
        guard bits.count >= 8 * packetLength else { return nil }
        var clear = [UInt8](repeating: 0, count: 8 * packetLength)
        for i in 0..<clear.count { clear[i] = (bits[i] ^ whitening[i]) & 1 }
        let packet = SyncWordFrameCollector.pack(clear)
        let ok = CC11xxCoding.crcMatches(packet[...])
        return DecodedFrame(
            bytes: Array(packet[0..<(packetLength - 2)]), framing: framingName, checkPassed: ok, symbolPosition: end)
    }

    /// The whitened bits that follow the sync word for a 35-byte `payload` (nil otherwise).
    public static func encode(_ payload: [UInt8]) -> [UInt8]? {
        guard payload.count == packetLength - 2 else { return nil }
        let crc = CC11xxCoding.crc16.checksum(payload)
        let packet = payload + [UInt8(truncatingIfNeeded: crc >> 8), UInt8(truncatingIfNeeded: crc)]
        var bits: [UInt8] = []
        for b in packet { for k in (0..<8).reversed() { bits.append((b >> UInt8(k)) & 1) } }
        for i in bits.indices { bits[i] ^= whitening[i] }
        return bits
    }
}
