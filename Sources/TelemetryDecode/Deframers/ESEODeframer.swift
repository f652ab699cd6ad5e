/// ESEO framing (ESA's ESEO, 9600 and 4800 Bd FSK): an AX.25-like frame protected by a CRC-16/XMODEM
/// (MSB first), line-coded as AX.25 is (bytes LSB first, NRZI, G3RUH scrambling, bit stuffing), then
/// packed into bytes and protected by a shortened Reed-Solomon (255,239) code (conventional basis, field
/// polynomial 0x11D, roots α^1...α^16), each codeword byte sent LSB first between pairs of 0x7E flags.
///
/// Receive: after the 16-bit sync 0x7E7E (exact, either polarity) 257 bytes are collected; the codeword
/// ends at a byte-aligned 0x7E7E pair (tried in order: parity bytes may contain one). Its bytes are
/// bit-reversed, RS-corrected, and the data bytes undone: de-stuffing (a sixth 1 ends the candidate),
/// G3RUH descrambling, NRZI decoding (both from a zero state), LSB-first packing. Output: the frame
/// without its CRC, as gr-satellites. `correctedSymbols` = bytes the RS decoder changed; a codeword it
/// cannot correct gives nothing (its 16 parity bytes make false frames from noise practically impossible).
public struct ESEODeframer: Deframer {
    public static let syncWord: UInt16 = 0x7E7E
    public static let framingName = "ESEO"
    /// Bytes after the sync word looked at: a full codeword and its closing flags.
    public static let window = 257
    public static let parityCount = 16

    static let reedSolomon: ReedSolomonCode = {
        // Fixed valid parameters: cannot fail.
        try! ReedSolomonCode(fieldPolynomial: 0x11D, firstConsecutiveRoot: 1, primitiveElement: 1, parityCount: parityCount)
    }()

    var collector: SyncWordFrameCollector
    var completed: [SyncWordFrameCollector.Candidate] = []
    var position = 0

    public init(detectInverted: Bool = true) {
        // Flags open a candidate at every flag pair; one that has collected nothing but flags is
        // superseded by the next hit (which starts after them), so only the last one before a codeword
        // stays open.
        collector = SyncWordFrameCollector(
            syncWord: UInt64(Self.syncWord), syncLength: 16, maxErrors: 0, detectInverted: detectInverted,
            frameBits: 8 * Self.window, maxPending: 16, supersededByHit: Self.onlyFlags)
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
            if let frame = Self.decode(SyncWordFrameCollector.pack(c.bits), end: c.end) { frames.append(frame) }
        }
    }

    /// Decodes the bytes after a sync word; nil when no codeword in them corrects.
    public static func decode(_ received: [UInt8], end: Int = 0) -> DecodedFrame? {
        var index = 0
        while index + 1 < received.count {
            defer { index += 1 }
            guard received[index] == 0x7E, received[index + 1] == 0x7E else { continue }
            guard index > parityCount else { continue }
            var codeword = received[0..<index].map(bitReversed)
            guard let corrected = try? reedSolomon.decode(&codeword) else { continue }
            guard let frame = lineDecode(Array(codeword.dropLast(parityCount))) else { return nil }
            let ok = frame.count > 2 && CRCAlgorithm.xmodem.checksum(frame.dropLast(2))
                == UInt32(frame[frame.count - 2]) << 8 | UInt32(frame[frame.count - 1])
            return DecodedFrame(
                bytes: Array(frame.dropLast(2)), framing: framingName, checkPassed: ok, correctedSymbols: corrected, symbolPosition: end)
        }
        return nil
    }

    /// Whether a candidate has collected only whole 0x7E flags so far.
    @Sendable static func onlyFlags(_ c: SyncWordFrameCollector.Candidate) -> Bool {
        let bits = c.bits
        guard !bits.isEmpty, bits.count % 8 == 0 else { return false }
        let flag: [UInt8] = [0, 1, 1, 1, 1, 1, 1, 0]
        for i in bits.indices where bits[i] != flag[i % 8] { return false }
        return true
    }

    static func bitReversed(_ b: UInt8) -> UInt8 {
        var r: UInt8 = 0
        for i in 0..<8 where b & (1 << i) != 0 { r |= 0x80 >> i }
        return r
    }

    /// RS data bytes to frame bytes (CRC included); nil on a stuffing violation or an empty frame.
    static func lineDecode(_ data: [UInt8]) -> [UInt8]? {
        var bits: [UInt8] = []
        bits.reserveCapacity(8 * data.count)
        var ones = 0
        for byte in data {
            for k in 0..<8 {
                let bit = (byte >> (7 - k)) & 1
                if ones == 5 {
                    ones = 0
                    if bit == 1 { return nil }
                    continue  // the stuffed 0
                }
                ones = bit == 1 ? ones + 1 : 0
                bits.append(bit)
            }
        }
        var descrambler = G3RUHDescrambler()
        descrambler.process(&bits)
        var nrzi = NRZIDecoder(initialLevel: 0)
        nrzi.process(&bits)
        let count = bits.count / 8
        guard count > 0 else { return nil }
        var out = [UInt8](repeating: 0, count: count)
        for i in 0..<count {
            var v: UInt8 = 0
            for k in 0..<8 { v |= bits[8 * i + k] << UInt8(k) }
            out[i] = v
        }
        return out
    }

    /// The bytes sent after the sync word for `frame` (without CRC): CRC, line coding (pad bits 0),
    /// RS parity, each byte LSB first, then closing flags. For tests and tools.
    public static func encode(_ frame: [UInt8]) -> [UInt8] {
        let crc = CRCAlgorithm.xmodem.checksum(frame)
        let full = frame + [UInt8(truncatingIfNeeded: crc >> 8), UInt8(truncatingIfNeeded: crc)]
        var bits: [UInt8] = []
        for byte in full { for k in 0..<8 { bits.append((byte >> k) & 1) } }
        var nrzi = NRZIEncoder(initialLevel: 0)
        nrzi.process(&bits)
        var scrambler = G3RUHScrambler()
        scrambler.process(&bits)
        var stuffed: [UInt8] = []
        var ones = 0
        for bit in bits {
            stuffed.append(bit)
            ones = bit == 1 ? ones + 1 : 0
            if ones == 5 { stuffed.append(0); ones = 0 }
        }
        while stuffed.count % 8 != 0 { stuffed.append(0) }
        let data = SyncWordFrameCollector.pack(stuffed)
        let codeword = (try? reedSolomon.encode(data)) ?? data
        return codeword.map(bitReversed) + [0x7E, 0x7E]
    }
}
