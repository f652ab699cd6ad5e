/// Reaktor Hello World custom framing (TI CC1125 packet engine): sync word 0x352E352E (sent MSB
/// first), then the CC11xx-whitened (PN9) packet `L | L bytes | CRC-16` with the CC11xx CRC-16 over
/// the length byte and the data. Output is the L data bytes (without the length byte and the CRC),
/// as gr-satellites. At most 255 bytes follow the sync word.
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
public struct ReaktorHelloWorldDeframer: Deframer {
    public static let syncWord: UInt32 = 0x352E_352E
    public static let framingName = "Reaktor Hello World"
    /// Bytes after the sync word that gr-satellites looks at.
    public static let window = 255

    public let syncErrors: Int
    public var repairMaxSyncErrors = 1
    public var repairCandidates = 10
    var collector: SyncWordFrameCollector
    var completed: [SyncWordFrameCollector.Candidate] = []
    var position = 0

    public init(syncErrors: Int = 4, detectInverted: Bool = true) {
        self.syncErrors = syncErrors
        collector = SyncWordFrameCollector(
            syncWord: UInt64(Self.syncWord), syncLength: 32, maxErrors: syncErrors, detectInverted: detectInverted,
            frameBits: 8 * Self.window, headerBits: 8, keepSoftSymbols: true)
    }

    public mutating func reset() {
        collector.reset()
        position = 0
    }

    public mutating func process(_ symbols: UnsafeBufferPointer<UInt8>, into frames: inout [DecodedFrame]) {
        completed.removeAll(keepingCapacity: true)
        for s in symbols {
            collector.push(s >= 128 ? 1 : 0, soft: s, at: position, length: Self.packetBits, completed: &completed)
            position += 1
        }
        for c in completed {
            guard var frame = Self.decode(SyncWordFrameCollector.pack(c.bits), end: c.end) else { continue }
            if !frame.checkPassed && c.syncErrors <= repairMaxSyncErrors,
               let repaired = Self.repair(c, candidates: repairCandidates) {
                frame = repaired
            }
            frames.append(frame)
        }
    }

    /// Tries flipping one or two of the `candidates` least reliable bits after the length byte; returns
    /// the frame when exactly one pattern passes the CRC.
    static func repair(_ c: SyncWordFrameCollector.Candidate, candidates: Int) -> DecodedFrame? {
        let n = min(c.bits.count, c.soft.count)
        guard n > 8, candidates > 0 else { return nil }
        var order = Array(8..<n)
        order.sort { abs(Int(c.soft[$0]) - 128) < abs(Int(c.soft[$1]) - 128) }
        let weakest = Array(order.prefix(candidates))
        var found: DecodedFrame?
        var bits = c.bits
        func attempt(_ flips: [Int]) -> Bool {
            for i in flips { bits[i] ^= 1 }
            defer { for i in flips { bits[i] ^= 1 } }
            guard let f = decode(SyncWordFrameCollector.pack(bits), end: c.end), f.checkPassed else { return true }
            if found != nil { found = nil; return false }
            var g = f
            g.correctedSymbols = flips.count
            found = g
            return true
        }
        for a in 0..<weakest.count {
            if !attempt([weakest[a]]) { return nil }
            for b in (a + 1)..<weakest.count where !attempt([weakest[a], weakest[b]]) { return nil }
        }
        return found
    }

    /// Total bits of the packet whose first (whitened) byte is given, or nil when it cannot be one.
    static func packetBits(_ header: [UInt8]) -> Int? {
        guard let first = SyncWordFrameCollector.pack(header).first else { return nil }
        let length = Int(first ^ ReaktorCC11xx.whitening[0])
        guard length >= 1, length + 3 <= window else { return nil }
        return 8 * (length + 3)
    }

    /// Decodes the (whitened) bytes after the sync word; nil when they cannot be a packet.
    public static func decode(_ whitened: [UInt8], end: Int = 0) -> DecodedFrame? {
        var bytes = whitened
        ReaktorCC11xx.dewhiten(&bytes)
        guard let first = bytes.first else { return nil }
        let length = Int(first)
        guard length >= 1, length + 3 <= bytes.count else { return nil }
        let ok = ReaktorCC11xx.crcMatches(bytes[0..<(length + 3)])
        return DecodedFrame(
            bytes: Array(bytes[1..<(length + 1)]), framing: framingName, checkPassed: ok, symbolPosition: end)
    }

    /// The bytes that follow the sync word for `payload` (1...252 bytes): whitened `L | payload | CRC`.
    public static func encode(_ payload: [UInt8]) -> [UInt8] {
        var packet = [UInt8(truncatingIfNeeded: payload.count)] + payload
        let crc = ReaktorCC11xx.crc16.checksum(packet)
        packet.append(UInt8(truncatingIfNeeded: crc >> 8))
        packet.append(UInt8(truncatingIfNeeded: crc))
        ReaktorCC11xx.dewhiten(&packet)
        return packet
    }
}
