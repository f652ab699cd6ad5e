/// DIY-1's HopeRF RFM22 packets (500 baud FSK, 437.125 MHz): sync word 0x2DD4 (16 bits, sent MSB first,
/// searched exactly as gr-satellites' default), then a 4-byte header, a length byte L, L data bytes
/// and a CRC-16/XMODEM (polynomial 0x1021, initial 0, not reflected, no final XOR) over header, length
/// and data, sent high byte first. No whitening. Output is header, length and data (the CRC removed),
/// as gr-satellites; the shortest frame is 5 bytes (L = 0).
///
/// Sources: gr-satellites `diy1_deframer` (newest version: `crc16_ccitt_zero`, 262 bytes after the sync
/// word, crop to 5 + L + 2 bytes; its `uart_decode` helper is defined but not used) and the DIY-1
/// SatYAML file.
///
/// Both polarities are searched (FSK may arrive inverted). A 16-bit sync word is hit by noise about
/// once in 30000 bits per polarity, so what a frame whose CRC fails may get is gated on the frame
/// looking like a signal (at most `repairCandidates` of its bits ambiguous, soft value within 48 of
/// 128): only then it gets the soft repair of `CC11xxPacketDeframer` (one or two of the least reliable
/// bits after the length byte flipped, accepted only when exactly one pattern passes) and, failing
/// that, is reported with `checkPassed: false`.
public struct DIY1Deframer: Deframer {
    public static let syncWord: UInt16 = 0x2DD4
    public static let framingName = "DIY-1"
    /// Bytes after the sync word that gr-satellites looks at.
    public static let window = 262
    public static let headerSize = 4
    /// CRC-16/XMODEM ("CRC-16 CCITT zero" in gr-satellites).
    public static let crc = CRCAlgorithm.xmodem

    public let syncErrors: Int
    public var repairCandidates = 10
    var collector: SyncWordFrameCollector
    var completed: [SyncWordFrameCollector.Candidate] = []

    public init(syncErrors: Int = 0, detectInverted: Bool = true) {
        self.syncErrors = syncErrors
        collector = SyncWordFrameCollector(
            syncWord: UInt64(Self.syncWord), syncLength: 16, maxErrors: syncErrors, detectInverted: detectInverted,
            frameBits: 8 * Self.window, headerBits: 8 * (Self.headerSize + 1), keepSoftSymbols: true)
    }

    public mutating func reset() {
        collector.reset()
    }

    public mutating func process(_ symbols: UnsafeBufferPointer<UInt8>, into frames: inout [DecodedFrame]) {
        completed.removeAll(keepingCapacity: true)
        collector.collect(symbols, length: Self.packetBits, completed: &completed)
        for c in completed {
            guard var frame = Self.decode(SyncWordFrameCollector.pack(c.bits), end: c.end) else { continue }
            if !frame.checkPassed {
                guard looksLikeSignal(c) else { continue }
                if let repaired = c.softRepair(
                    candidates: repairCandidates, from: 8 * (Self.headerSize + 1), decode: { Self.decode($0, end: c.end) }) {
                    frame = repaired
                }
            }
            frames.append(frame)
        }
    }

    /// Whether few enough of the candidate's bits are ambiguous for repair and failure reports to make sense.
    func looksLikeSignal(_ c: SyncWordFrameCollector.Candidate) -> Bool {
        var ambiguous = 0
        for s in c.soft where s >= 80 && s < 176 {
            ambiguous += 1
            if ambiguous > repairCandidates { return false }
        }
        return true
    }

    /// Total bits of the packet whose header and length byte are given.
    static func packetBits(_ header: [UInt8]) -> Int? {
        let bytes = SyncWordFrameCollector.pack(header)
        guard bytes.count == headerSize + 1 else { return nil }
        return 8 * (headerSize + 1 + Int(bytes[headerSize]) + 2)
    }

    /// Decodes the bytes after the sync word; nil when they cannot be a packet.
    public static func decode(_ received: [UInt8], end: Int = 0) -> DecodedFrame? {
        guard received.count > headerSize else { return nil }
        let size = headerSize + 1 + Int(received[headerSize])
        guard size + 2 <= received.count else { return nil }
        let computed = crc.checksum(received[0..<size])
        let sent = UInt32(received[size]) << 8 | UInt32(received[size + 1])
        return DecodedFrame(
            bytes: Array(received[0..<size]), framing: framingName, checkPassed: computed == sent, symbolPosition: end)
    }

    /// The bytes that follow the sync word for a 4-byte `header` and `data` (0...255 bytes; nil
    /// otherwise): header, L, data, CRC (high byte first).
    public static func encode(header: [UInt8], data: [UInt8]) -> [UInt8]? {
        guard header.count == headerSize, data.count <= 255 else { return nil }
        var packet = header + [UInt8(data.count)] + data
        let c = crc.checksum(packet)
        packet.append(UInt8(truncatingIfNeeded: c >> 8))
        packet.append(UInt8(truncatingIfNeeded: c))
        return packet
    }
}
