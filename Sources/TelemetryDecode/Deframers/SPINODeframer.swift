/// SPINO framing ("SPINO"): FSK, NRZ, no scrambler.
///
/// Facts (gr-satellites' SPINO deframer, which cites the SPINO team's 2023 specification slides): sync
/// word 0x2EFC9827 (32 bits, MSB first; gr-satellites' default threshold 0 bit errors), then a
/// 240-byte window holding one frame: 14 bytes of AX.25 addresses, then bytes whose 16-bit
/// little-endian field at bytes 16-17 is the length L, the frame being 14 + L bytes followed by a
/// CRC-16/XMODEM (poly 0x1021, init 0, not reflected, no final xor) of those bytes, low byte first;
/// the rest of the window is padding. Output: the 14 + L bytes (CRC dropped), as gr-satellites.
///
/// gsd takes L ≥ 4 (so that the length field itself is under the CRC; gr-satellites would also take
/// 0...3) and 14 + L + 2 ≤ 240. A frame whose CRC fails after a sync word with at most
/// `repairMaxSyncErrors` errors gets weak-bit repair (one or two of the `repairCandidates` least
/// reliable bits flipped, accepted only when exactly one pattern passes, tried only when some bits are
/// unsure and at most 1/16 are: `WeakBitRepairGate`), and is reported failed (`checkPassed: false`)
/// otherwise.
public struct SPINODeframer: Deframer {
    public static let framingName = "SPINO"
    public static let syncWord: UInt32 = 0x2EFC_9827
    public static let window = 240
    /// AX.25 address bytes before the part the length counts.
    public static let addressBytes = 14
    /// CRC-16/XMODEM.
    public static let crc16 = CRCAlgorithm.xmodem

    public let syncErrors: Int
    public var repairMaxSyncErrors = 1
    public var repairCandidates = 10
    var collector: SyncWordFrameCollector
    var completed: [SyncWordFrameCollector.Candidate] = []

    /// `syncErrors`: bit errors allowed in the sync word (gr-satellites' default: 0).
    public init(syncErrors: Int = 0, detectInverted: Bool = true) {
        self.syncErrors = syncErrors
        collector = SyncWordFrameCollector(
            syncWord: UInt64(Self.syncWord), syncLength: 32, maxErrors: syncErrors, detectInverted: detectInverted,
            frameBits: 8 * Self.window, headerBits: 8 * 18, keepSoftSymbols: true)
    }

    public mutating func reset() {
        collector.reset()
    }

    public mutating func process(_ symbols: UnsafeBufferPointer<UInt8>, into frames: inout [DecodedFrame]) {
        completed.removeAll(keepingCapacity: true)
        // Header bits that cannot start a frame drop the candidate (nil); a repair may still change the
        // length, so the window is collected whenever it is plausible.
        collector.collect(symbols, length: { Self.frameBits($0) }, completed: &completed)
        for c in completed {
            if let frame = c.checkedFrame(
                nearExact: c.syncErrors <= repairMaxSyncErrors, repairCandidates: repairCandidates, fromBit: 0,
                tryRepair: WeakBitRepairGate.worthTrying(c.soft[...]), decode: { Self.decode($0, end: c.end) })
            {
                frames.append(frame)
            }
        }
    }

    /// The length field of a frame's first 18 bytes, when it is one gsd takes.
    static func length(_ header: some Collection<UInt8>) -> Int? {
        let b = Array(header.prefix(18))
        guard b.count == 18 else { return nil }
        let length = Int(b[16]) | Int(b[17]) << 8
        guard length >= 4, addressBytes + length + 2 <= window else { return nil }
        return length
    }

    static func frameBits(_ headerBits: [UInt8]) -> Int? {
        length(SyncWordFrameCollector.pack(headerBits)).map { 8 * (addressBytes + $0 + 2) }
    }

    /// Decodes the bytes after the sync word; nil when there are too few or the length field is not one
    /// gsd takes.
    public static func decode(_ received: [UInt8], end: Int = 0) -> DecodedFrame? {
        guard let length = length(received) else { return nil }
        let n = addressBytes + length
        guard received.count >= n + 2 else { return nil }
        let ok = crc16.checksum(received[0..<n]) == UInt32(received[n]) | UInt32(received[n + 1]) << 8
        return DecodedFrame(bytes: Array(received[0..<n]), framing: framingName, checkPassed: ok, symbolPosition: end)
    }

    /// The bytes after the sync word for `frame` (18...238 bytes, its bytes 16-17 already holding
    /// `frame.count − 14` little-endian): the frame and its CRC, low byte first, padded with zeros to
    /// the 240-byte window when `pad`.
    public static func encode(_ frame: [UInt8], pad: Bool = true) -> [UInt8] {
        precondition(frame.count >= 18 && frame.count + 2 <= window)
        precondition(Int(frame[16]) | Int(frame[17]) << 8 == frame.count - addressBytes)
        let crc = crc16.checksum(frame)
        var out = frame + [UInt8(truncatingIfNeeded: crc), UInt8(truncatingIfNeeded: crc >> 8)]
        if pad { out += [UInt8](repeating: 0, count: window - out.count) }
        return out
    }

    /// A frame of `payload` after a 16-byte `header` (the 14 AX.25 address bytes and the two bytes before
    /// the length field, which gr-satellites does not describe), with the length field filled in.
    public static func frame(header: [UInt8], payload: [UInt8]) -> [UInt8] {
        precondition(header.count == 16)
        let length = 4 + payload.count
        return header + [UInt8(truncatingIfNeeded: length), UInt8(truncatingIfNeeded: length >> 8)] + payload
    }
}
