/// AALTO-1's TI CC1125 packets (9k6 FSK, 437.22 MHz): sync word 0x352E352E (sent MSB first), then
/// `L | L bytes | CRC-16`, PN9-whitened as a whole like every CC11xx packet, with CRC-16/X-25
/// (polynomial 0x1021, initial 0xFFFF, reflected, final XOR 0xFFFF: the AX.25 FCS) over the length
/// byte and the data, sent low byte first. Output is the L data bytes (without the length byte and the
/// CRC), as gr-satellites. gr-satellites looks at 258 bytes after the sync word, so L may be 1...255
/// (an empty packet, L = 0, is not reported).
///
/// Sources: gr-satellites `aalto1_deframer` (sync word, default threshold of 4 bit errors, PN9
/// scrambler, `cc11xx_packet_crop(True)`, `crc16_ccitt_x25`, `pdu_head_tail(3, 1)`), the AALTO-1
/// SatYAML file, and Aalto University's "Radio Amateurs" page for Aalto-1 (CC1125 packet protocol,
/// sync word 0x35 0x2E 0x35 0x2E, variable length packets, 9600 bit/s, 437.220 MHz).
///
/// The sync word is searched with up to `syncErrors` bit errors in both polarities. A packet whose CRC
/// fails after a near-exact sync word (at most `repairMaxSyncErrors` errors) gets the soft repair of
/// `CC11xxPacketDeframer` (one or two of the least reliable bits after the length byte flipped,
/// accepted only when exactly one pattern passes) and, if still failing, is reported with
/// `checkPassed: false`.
public struct AALTO1Deframer: Deframer {
    public static let syncWord: UInt32 = 0x352E_352E
    public static let framingName = "AALTO-1"
    /// Bytes after the sync word that gr-satellites looks at.
    public static let window = 258

    public let syncErrors: Int
    public var repairMaxSyncErrors = 1
    public var repairCandidates = 10
    var collector: SyncWordFrameCollector
    var completed: [SyncWordFrameCollector.Candidate] = []

    public init(syncErrors: Int = 4, detectInverted: Bool = true) {
        self.syncErrors = syncErrors
        collector = SyncWordFrameCollector(
            syncWord: UInt64(Self.syncWord), syncLength: 32, maxErrors: syncErrors, detectInverted: detectInverted,
            frameBits: 8 * Self.window, headerBits: 8, keepSoftSymbols: true)
    }

    public mutating func reset() {
        collector.reset()
    }

    public mutating func process(_ symbols: UnsafeBufferPointer<UInt8>, into frames: inout [DecodedFrame]) {
        completed.removeAll(keepingCapacity: true)
        collector.collect(symbols, length: Self.packetBits, completed: &completed)
        for c in completed {
            if let frame = c.checkedFrame(
                nearExact: c.syncErrors <= repairMaxSyncErrors, repairCandidates: repairCandidates, fromBit: 8,
                decode: { Self.decode($0, end: c.end) })
            {
                frames.append(frame)
            }
        }
    }

    /// Total bits of the packet whose first (whitened) byte is given, or nil when it cannot be one.
    static func packetBits(_ header: [UInt8]) -> Int? {
        guard let first = SyncWordFrameCollector.pack(header).first else { return nil }
        let length = Int(first ^ CC11xxCoding.whitening[0])
        guard length >= 1 else { return nil }
        return 8 * (length + 3)
    }

    /// Decodes the (whitened) bytes after the sync word; nil when they cannot be a packet.
    public static func decode(_ received: [UInt8], end: Int = 0) -> DecodedFrame? {
        var bytes = received
        CC11xxCoding.dewhiten(&bytes)
        guard let first = bytes.first else { return nil }
        let length = Int(first)
        guard length >= 1, length + 3 <= bytes.count else { return nil }
        let crc = CRCAlgorithm.x25.checksum(bytes[0..<(length + 1)])
        let sent = UInt32(bytes[length + 1]) | UInt32(bytes[length + 2]) << 8
        return DecodedFrame(
            bytes: Array(bytes[1..<(length + 1)]), framing: framingName, checkPassed: crc == sent, symbolPosition: end)
    }

    /// The bytes that follow the sync word for `payload` (1...255 bytes; nil otherwise):
    /// `L | payload | CRC (low byte first)`, whitened.
    public static func encode(_ payload: [UInt8]) -> [UInt8]? {
        guard (1...255).contains(payload.count) else { return nil }
        var packet = [UInt8(payload.count)] + payload
        let crc = CRCAlgorithm.x25.checksum(packet)
        packet.append(UInt8(truncatingIfNeeded: crc))
        packet.append(UInt8(truncatingIfNeeded: crc >> 8))
        CC11xxCoding.dewhiten(&packet)
        return packet
    }
}
