/// Variable-length packets of the Semtech SX126x FSK packet engine as gr-satellites decodes them
/// (FOSSASAT, Grizu-263A): a sync word, then `L | L bytes | CRC-16` (CRC sent high byte first, over
/// the length byte and the data), all whitened. Output is the L data bytes.
///
/// Whitening, per gr-satellites' chain (reflect the bits of each byte, GNU Radio's
/// `additive_scrambler_bb(0x21, seed, 8)` per packet, reflect again): the bytes read MSB first are
/// XORed with the PN9 sequence (x^9 + x^5 + 1) in transmission order, one step per bit, restarted
/// at the first byte after the sync word. The seed is 0x1FF for FOSSASAT (as the CC11xx) and 0x100
/// for Grizu-263A (the SX126x's reset value), so Grizu-263A's length byte goes out in clear.
///
/// gr-satellites cuts a fixed window after the sync word (255 bytes for FOSSASAT, 258 for
/// Grizu-263A), so a packet must fit in it: L ≤ window − 3. L = 0 would be an empty frame; it is
/// not reported.
///
/// The sync word is searched with up to `syncErrors` bit errors in both polarities (FSK may arrive
/// inverted); an inverted hit inverts the packet that follows. When the CRC fails after a hit with at
/// most `repairMaxSyncErrors` errors, the soft repair of `CC11xxPacketDeframer` is tried (one or two
/// of the `repairCandidates` least reliable bits after the length byte flipped, accepted only when
/// exactly one pattern passes), and a packet that still fails is reported as failed. Hits with more
/// errors yield good packets only.
struct SX126xPacketDeframer: Sendable {
    struct Format: Sendable {
        var framingName: String
        var syncWord: UInt64
        var syncLength: Int
        var whiteningSeed: UInt16
        var crc: CRCAlgorithm
        /// Bytes after the sync word that gr-satellites looks at.
        var window: Int
        /// Whitening bytes for the window (XOR with the bytes read MSB first).
        let whitening: [UInt8]

        init(framingName: String, syncWord: UInt64, syncLength: Int, whiteningSeed: UInt16, crc: CRCAlgorithm, window: Int) {
            self.framingName = framingName
            self.syncWord = syncWord
            self.syncLength = syncLength
            self.whiteningSeed = whiteningSeed
            self.crc = crc
            self.window = window
            whitening = SyncWordFrameCollector.pack(CC11xxCoding.pn9Bits(seed: whiteningSeed, count: 8 * window))
        }

        var maxLength: Int { window - 3 }
    }

    let format: Format
    let syncErrors: Int
    var repairMaxSyncErrors: Int
    var repairCandidates = 10
    var collector: SyncWordFrameCollector
    var completed: [SyncWordFrameCollector.Candidate] = []

    init(_ format: Format, syncErrors: Int, repairMaxSyncErrors: Int, detectInverted: Bool) {
        self.format = format
        self.repairMaxSyncErrors = repairMaxSyncErrors
        collector = SyncWordFrameCollector(
            syncWord: format.syncWord, syncLength: format.syncLength, maxErrors: syncErrors,
            detectInverted: detectInverted, frameBits: 8 * format.window, headerBits: 8, keepSoftSymbols: true)
        self.syncErrors = collector.maxErrors
    }

    mutating func reset() {
        collector.reset()
    }

    mutating func process(_ symbols: UnsafeBufferPointer<UInt8>, into frames: inout [DecodedFrame]) {
        completed.removeAll(keepingCapacity: true)
        let format = format
        collector.collect(symbols, length: { Self.packetBits($0, format) }, completed: &completed)
        for c in completed {
            if let frame = c.checkedFrame(
                nearExact: c.syncErrors <= repairMaxSyncErrors, repairCandidates: repairCandidates, fromBit: 8,
                decode: { Self.decode($0, format, end: c.end) })
            {
                frames.append(frame)
            }
        }
    }

    /// Total bits of the packet whose first (whitened) byte is given, or nil when it cannot be one.
    static func packetBits(_ header: [UInt8], _ format: Format) -> Int? {
        guard let first = SyncWordFrameCollector.pack(header).first else { return nil }
        let length = Int(first ^ format.whitening[0])
        guard length >= 1, length <= format.maxLength else { return nil }
        return 8 * (length + 3)
    }

    /// Decodes the bytes after the sync word (more may follow); nil when they cannot be a packet.
    static func decode(_ received: [UInt8], _ format: Format, end: Int) -> DecodedFrame? {
        guard let first = received.first else { return nil }
        let length = Int(first ^ format.whitening[0])
        guard length >= 1, length <= format.maxLength, received.count >= length + 3 else { return nil }
        var bytes = Array(received[0..<(length + 3)])
        for i in bytes.indices { bytes[i] ^= format.whitening[i] }
        let sent = UInt32(bytes[length + 1]) << 8 | UInt32(bytes[length + 2])
        let ok = format.crc.checksum(bytes[0..<(length + 1)]) == sent
        return DecodedFrame(bytes: Array(bytes[1..<(length + 1)]), framing: format.framingName, checkPassed: ok, symbolPosition: end)
    }

    /// The whitened bytes that follow the sync word for `payload`; nil when empty or too long.
    static func encode(_ payload: [UInt8], _ format: Format) -> [UInt8]? {
        guard !payload.isEmpty, payload.count <= format.maxLength else { return nil }
        var packet = [UInt8(payload.count)] + payload
        let crc = format.crc.checksum(packet)
        packet.append(UInt8(truncatingIfNeeded: crc >> 8))
        packet.append(UInt8(truncatingIfNeeded: crc))
        for i in packet.indices { packet[i] ^= format.whitening[i] }
        return packet
    }
}
