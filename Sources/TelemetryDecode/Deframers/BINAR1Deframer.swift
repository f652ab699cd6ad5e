/// BINAR-1 custom framing ("BINAR-1"): FSK, NRZ, no scrambler.
///
/// Facts (gr-satellites' BINAR-1 deframer and BINAR-1 telemetry definition): a 0xAA preamble, the
/// 0x7E sync byte, then `L | L bytes | CRC-16`, the CRC being CRC-16/CCITT-FALSE (poly 0x1021, init
/// 0xFFFF, not reflected, no final xor) over the length byte and the data, sent high byte first. L was
/// meant to be always 0x56 (86: the telemetry packet) but other values (0x4B) have been seen, so any
/// L is taken. gr-satellites searches the 16 bits 0xAA7E (the last preamble byte and the sync byte)
/// with 0 bit errors by default and outputs the length byte and the data (the CRC dropped): 1 + L
/// bytes.
///
/// A 16-bit sync word lets noise open a candidate every 32768 bits or so, so the extra steps are
/// reserved for candidates whose preceding 16 bits are preamble too (0xAAAAAA7E with at most
/// `repairMaxSyncErrors` errors): soft repair of a failed CRC (one or two of the `repairCandidates`
/// least reliable bits after the length byte flipped, accepted only when exactly one pattern passes)
/// and reporting a failed frame (`checkPassed: false`). Repair is also skipped unless some bits are
/// unsure and at most 1/16 are (`WeakBitRepairGate`): random content after a clean preamble is not
/// worth the risk.
public struct BINAR1Deframer: Deframer {
    public static let framingName = "BINAR-1"
    /// The last preamble byte and the sync byte, as gr-satellites searches them.
    public static let syncWord: UInt16 = 0xAA7E
    /// Three preamble bytes and the sync byte: what a near-exact sync means here.
    public static let extendedSyncWord: UInt32 = 0xAAAA_AA7E
    /// CRC-16/CCITT-FALSE (CRC-16/IBM-3740).
    public static let crc16 = CRCAlgorithm.ibm3740
    /// Bytes after the sync word that gr-satellites looks at (length byte, 255 data bytes, CRC).
    public static let window = 255 + 3

    public let syncErrors: Int
    public var repairMaxSyncErrors = 1
    public var repairCandidates = 10
    var collector: SyncWordFrameCollector
    var completed: [SyncWordFrameCollector.Candidate] = []
    /// Errors of the extended sync word at each open candidate (keyed by its start).
    var extendedErrors: [Int: Int] = [:]
    var history: UInt32 = 0
    var position = 0

    /// `syncErrors`: bit errors allowed in the 16-bit 0xAA7E (gr-satellites' default: 0).
    public init(syncErrors: Int = 0, detectInverted: Bool = true) {
        self.syncErrors = syncErrors
        collector = SyncWordFrameCollector(
            syncWord: UInt64(Self.syncWord), syncLength: 16, maxErrors: syncErrors, detectInverted: detectInverted,
            frameBits: 8 * Self.window, headerBits: 8, keepSoftSymbols: true)
    }

    public mutating func reset() {
        collector.reset()
        extendedErrors.removeAll()
        history = 0
        position = 0
    }

    public mutating func process(_ symbols: UnsafeBufferPointer<UInt8>, into frames: inout [DecodedFrame]) {
        completed.removeAll(keepingCapacity: true)
        for s in symbols {
            let bit: UInt8 = s >= 128 ? 1 : 0
            history = history << 1 | UInt32(bit)
            let hits = collector.syncHits
            collector.push(bit, soft: s, at: position, length: { Self.packetBits($0) }, completed: &completed)
            if collector.syncHits != hits, let c = collector.pending.last, c.start == position + 1 {
                let expected = c.inverted ? ~Self.extendedSyncWord : Self.extendedSyncWord
                extendedErrors[c.start] = (history ^ expected).nonzeroBitCount
            }
            position += 1
        }
        for c in completed {
            let nearExact = (extendedErrors.removeValue(forKey: c.start) ?? 32) <= repairMaxSyncErrors
            if let frame = c.checkedFrame(
                nearExact: nearExact, repairCandidates: repairCandidates, fromBit: 8,
                tryRepair: WeakBitRepairGate.worthTrying(c.soft.dropFirst(8)), decode: { Self.decode($0, end: c.end) })
            {
                frames.append(frame)
            }
        }
        // Candidates dropped by the length check leave their entry behind; keep only open ones.
        if extendedErrors.count > 16 {
            let open = Set(collector.pending.map(\.start))
            extendedErrors = extendedErrors.filter { open.contains($0.key) }
        }
    }

    /// Total bits of the packet whose length byte is given.
    static func packetBits(_ header: [UInt8]) -> Int? {
        guard let length = SyncWordFrameCollector.pack(header).first else { return nil }
        return 8 * (Int(length) + 3)
    }

    /// Decodes the bytes after the sync word; nil when they are too few for the length byte's packet.
    public static func decode(_ received: [UInt8], end: Int = 0) -> DecodedFrame? {
        guard let first = received.first else { return nil }
        let n = Int(first) + 1
        guard received.count >= n + 2 else { return nil }
        let crc = crc16.checksum(received[0..<n])
        let ok = crc == UInt32(received[n]) << 8 | UInt32(received[n + 1])
        return DecodedFrame(bytes: Array(received[0..<n]), framing: framingName, checkPassed: ok, symbolPosition: end)
    }

    /// The bytes after the sync word for `payload` (0...255 bytes): `L | payload | CRC` (CRC high byte
    /// first). The deframer outputs `L | payload`.
    public static func encode(_ payload: [UInt8]) -> [UInt8] {
        precondition(payload.count <= 255)
        var packet = [UInt8(payload.count)] + payload
        let crc = crc16.checksum(packet)
        packet.append(UInt8(truncatingIfNeeded: crc >> 8))
        packet.append(UInt8(truncatingIfNeeded: crc))
        return packet
    }
}
