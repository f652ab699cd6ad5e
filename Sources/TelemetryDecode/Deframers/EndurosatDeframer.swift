/// Packets of the Endurosat UHF transceiver (catalogue name "Endurosat"). Used, per the gr-satellites
/// SatYAML files, by GASPACS (437.365 MHz, 9600 baud FSK, beside its AX.25 G3RUH downlink) and JAGSAT-1
/// (NORAD 53771, 437.365 MHz, 9600 baud FSK).
///
/// Facts, from gr-satellites' Endurosat deframer and the blocks it chains (read for facts only): a
/// preamble of five 0xAA bytes, the flag 0x7E, a length byte L (0...128), L packet bytes, and a CRC-16
/// over the length byte and the packet: polynomial 0x1021, initial value 0xFFFF, not reflected, no final
/// XOR (CRC-16/IBM-3740, "CCITT-FALSE"), sent high byte first. gr-satellites searches the 16 bits
/// 0xAA7E with no bit errors by default and packs the bits that follow MSB first (its comment says
/// the bytes are sent LSB first, but its packing, length and CRC handling all read them MSB first, and
/// that is what is reproduced here). Output is the length byte and the packet (L + 1 bytes, without the
/// CRC), as gr-satellites outputs them.
///
/// The 16-bit word is searched with up to `syncErrors` bit errors (default 0, as gr-satellites) in both
/// polarities (FSK); an inverted hit inverts the packet that follows. A 16-bit word is a weak sync
/// (random bits match it every 32768 bits, counting both polarities), so the extra steps are reserved
/// for hits whose whole 32-bit window, the last three preamble bytes and the flag (0xAAAAAA7E), has at
/// most `repairMaxSyncErrors` errors: only those get the soft repair of `CC11xxPacketDeframer` (one or
/// two of the `repairCandidates` least reliable bits after the length byte flipped, accepted only when
/// exactly one pattern makes the CRC match) and only their failed packets are reported.
public struct EndurosatDeframer: Deframer {
    public static let framingName = "Endurosat"
    /// The last preamble byte and the flag, as gr-satellites searches them.
    public static let syncWord: UInt16 = 0xAA7E
    /// What precedes the length byte on air.
    public static let header: [UInt8] = [0xAA, 0xAA, 0xAA, 0xAA, 0xAA, 0x7E]
    public static let maxPacketLength = 128
    static let crc = CRCAlgorithm.ibm3740
    /// The window a hit must match nearly exactly for repair and failure reports.
    static let longSync: UInt32 = 0xAAAA_AA7E

    public let syncErrors: Int
    /// Errors allowed over the 32-bit window 0xAAAAAA7E for soft repair and failed-packet reports.
    public var repairMaxSyncErrors = 1
    public var repairCandidates = 10
    var collector: SyncWordFrameCollector
    var completed: [SyncWordFrameCollector.Candidate] = []
    var window: UInt32 = 0
    var position = 0

    public init(syncErrors: Int = 0, detectInverted: Bool = true) {
        self.syncErrors = syncErrors
        collector = SyncWordFrameCollector(
            syncWord: UInt64(Self.syncWord), syncLength: 16, maxErrors: syncErrors, detectInverted: detectInverted,
            frameBits: 8 * (Self.maxPacketLength + 3), headerBits: 8, keepSoftSymbols: true)
    }

    public mutating func reset() {
        collector.reset()
        window = 0
        position = 0
    }

    public mutating func process(_ symbols: UnsafeBufferPointer<UInt8>, into frames: inout [DecodedFrame]) {
        completed.removeAll(keepingCapacity: true)
        for s in symbols {
            let bit: UInt8 = s >= 128 ? 1 : 0
            window = window << 1 | UInt32(bit)
            let hits = collector.syncHits
            collector.push(bit, soft: s, at: position, length: Self.packetBits, completed: &completed)
            if collector.syncHits != hits, let k = collector.pending.indices.last, collector.pending[k].start == position + 1 {
                // A new candidate: its sync errors are counted over the 32-bit window instead, so that
                // `repairMaxSyncErrors` judges as strong a sync as the 32-bit framings do.
                let e = (window ^ Self.longSync).nonzeroBitCount
                collector.pending[k].syncErrors = collector.pending[k].inverted ? 32 - e : e
            }
            position += 1
        }
        for c in completed {
            if let frame = c.checkedFrame(
                nearExact: c.syncErrors <= repairMaxSyncErrors, repairCandidates: repairCandidates, fromBit: 8,
                decode: { Self.decode($0, end: c.end) })
            {
                frames.append(frame)
            }
        }
    }

    /// Total bits of the packet whose length byte is given, or nil when it cannot be one.
    static func packetBits(_ header: [UInt8]) -> Int? {
        guard let length = SyncWordFrameCollector.pack(header).first, Int(length) <= maxPacketLength else { return nil }
        return 8 * (Int(length) + 3)
    }

    /// Decodes the bytes after the flag (`L | packet | CRC`, more may follow); nil when they cannot be a
    /// packet (L above 128 or too few bytes).
    public static func decode(_ received: [UInt8], end: Int = 0) -> DecodedFrame? {
        guard let first = received.first else { return nil }
        let length = Int(first)
        guard length <= maxPacketLength, received.count >= length + 3 else { return nil }
        let body = received[0..<(length + 1)]
        let sent = UInt32(received[length + 1]) << 8 | UInt32(received[length + 2])
        return DecodedFrame(
            bytes: Array(body), framing: framingName, checkPassed: crc.checksum(body) == sent, symbolPosition: end)
    }

    /// The bytes that follow the flag for `packet` (0...128 bytes): `L | packet | CRC`; nil when longer.
    public static func encode(_ packet: [UInt8]) -> [UInt8]? {
        guard packet.count <= maxPacketLength else { return nil }
        var out = [UInt8(packet.count)] + packet
        let value = crc.checksum(out)
        out.append(UInt8(truncatingIfNeeded: value >> 8))
        out.append(UInt8(truncatingIfNeeded: value))
        return out
    }
}
