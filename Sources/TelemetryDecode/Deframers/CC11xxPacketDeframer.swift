/// Variable-length packets of the TI CC11xx packet engine and its look-alikes: a 32-bit sync word (sent
/// MSB first), then `L | L bytes | CRC-16` with the CC11xx CRC-16 over the length byte and the data,
/// PN9-whitened or not. Output is the L data bytes (without the length byte and the CRC), as
/// gr-satellites. At most 255 bytes follow the sync word.
///
/// Formats: Reaktor Hello World (CC1125, sync 0x352E352E, whitened), Light-1 (the same packet after
/// sync 0x930B51DE, used by Light-1, BlueWalker 3 and the Bluebirds) and BINAR-2 (sync 0xD391D391, not
/// whitened).
///
/// The sync word is searched with up to `syncErrors` bit errors in both polarities; an inverted hit
/// inverts the packet that follows. `checkPassed` = CRC matched.
///
/// Soft repair: when the CRC fails on a packet whose sync word matched with at most
/// `repairMaxSyncErrors` errors, the `repairCandidates` least reliable bits after the length byte are
/// tried flipped, one or two at a time; the packet is accepted only when exactly one pattern makes
/// the CRC match (`correctedSymbols` = bits flipped). With a near-exact sync word required, random
/// input almost never reaches this step (about 1.5e-8 candidates per bit); a real but badly corrupted
/// packet is wrongly accepted with probability about 55/65536. On reaktor_hello_world.wav this recovers
/// the one packet whose CRC bytes arrive with bit errors (its data bytes are intact).
public struct CC11xxPacketDeframer: Deframer {
    public struct Format: Sendable, Equatable {
        public var framingName: String
        public var syncWord: UInt32
        public var whitened: Bool

        public static let reaktorHelloWorld = Format(framingName: "Reaktor Hello World", syncWord: 0x352E_352E, whitened: true)
        public static let light1 = Format(framingName: "Light-1", syncWord: 0x930B_51DE, whitened: true)
        public static let binar2 = Format(framingName: "BINAR-2", syncWord: 0xD391_D391, whitened: false)
    }

    /// Bytes after the sync word that gr-satellites looks at.
    public static let window = 255

    public let format: Format
    public let syncErrors: Int
    public var repairMaxSyncErrors = 1
    public var repairCandidates = 10
    var collector: SyncWordFrameCollector
    var completed: [SyncWordFrameCollector.Candidate] = []
    var position = 0

    public init(_ format: Format = .reaktorHelloWorld, syncErrors: Int = 4, detectInverted: Bool = true) {
        self.format = format
        self.syncErrors = syncErrors
        collector = SyncWordFrameCollector(
            syncWord: UInt64(format.syncWord), syncLength: 32, maxErrors: syncErrors, detectInverted: detectInverted,
            frameBits: 8 * Self.window, headerBits: 8, keepSoftSymbols: true)
    }

    public mutating func reset() {
        collector.reset()
        position = 0
    }

    public mutating func process(_ symbols: UnsafeBufferPointer<UInt8>, into frames: inout [DecodedFrame]) {
        completed.removeAll(keepingCapacity: true)
        let format = format
        for s in symbols {
            collector.push(s >= 128 ? 1 : 0, soft: s, at: position, length: { Self.packetBits($0, format) }, completed: &completed)
            position += 1
        }
        for c in completed {
            guard var frame = Self.decode(SyncWordFrameCollector.pack(c.bits), format, end: c.end) else { continue }
            if !frame.checkPassed && c.syncErrors <= repairMaxSyncErrors,
               let repaired = c.softRepair(candidates: repairCandidates, from: 8, decode: { Self.decode($0, format, end: c.end) }) {
                frame = repaired
            }
            frames.append(frame)
        }
    }

    /// Total bits of the packet whose first (possibly whitened) byte is given, or nil when it cannot be one.
    static func packetBits(_ header: [UInt8], _ format: Format) -> Int? {
        guard let first = SyncWordFrameCollector.pack(header).first else { return nil }
        let length = Int(format.whitened ? first ^ CC11xxCoding.whitening[0] : first)
        guard length >= 1, length + 3 <= window else { return nil }
        return 8 * (length + 3)
    }

    /// Decodes the bytes after the sync word; nil when they cannot be a packet.
    public static func decode(_ received: [UInt8], _ format: Format = .reaktorHelloWorld, end: Int = 0) -> DecodedFrame? {
        var bytes = received
        if format.whitened { CC11xxCoding.dewhiten(&bytes) }
        guard let first = bytes.first else { return nil }
        let length = Int(first)
        guard length >= 1, length + 3 <= bytes.count else { return nil }
        let ok = CC11xxCoding.crcMatches(bytes[0..<(length + 3)])
        return DecodedFrame(
            bytes: Array(bytes[1..<(length + 1)]), framing: format.framingName, checkPassed: ok, symbolPosition: end)
    }

    /// The bytes that follow the sync word for `payload` (1...252 bytes): `L | payload | CRC`, whitened
    /// when the format is.
    public static func encode(_ payload: [UInt8], _ format: Format = .reaktorHelloWorld) -> [UInt8] {
        var packet = [UInt8(truncatingIfNeeded: payload.count)] + payload
        let crc = CC11xxCoding.crc16.checksum(packet)
        packet.append(UInt8(truncatingIfNeeded: crc >> 8))
        packet.append(UInt8(truncatingIfNeeded: crc))
        if format.whitened { CC11xxCoding.dewhiten(&packet) }
        return packet
    }
}
