/// IDEASSat ad-hoc framing: NRZI (no transition = 1), then a UART-like byte stream (10 bits per byte:
/// start bit, 8 data bits MSB first, stop bit). A message is 9 subpackets of 40 bytes, each an AX.25
/// header (17 bytes incl. a subpacket counter), 22 payload bytes and a 0x7E flag. The 40-bit sync is the
/// UART coding of 41 30 F0 00, the end of the first subpacket's header, so the first 17 bytes are not
/// seen. The payload bytes of the 9 subpackets, without the last 11 (padding), end with a
/// CRC-16/CCITT-FALSE (least significant byte first) over all but their first 4 bytes.
///
/// Output, as gr-satellites: the 15 header bytes 1...15 of the second subpacket, then the payload
/// without the CRC (200 bytes). `checkPassed` = CRC matched (gr-satellites 4.4 outputs the frame even
/// when it does not). NRZI makes the framing polarity-independent; the sync must match exactly.
public struct IDEASSatDeframer: Deframer {
    public static let syncWord: UInt64 = 0b0010000011000110000101111000010000000001
    public static let framingName = "IDEASSat"
    static let subpackets = 9
    static let subpacketLength = 40
    static let headerLength = 17
    static let messageBits = 10 * (subpackets * subpacketLength - headerLength)

    static let crc16 = CRCAlgorithm(
        name: "CRC-16/CCITT-FALSE", width: 16, polynomial: 0x1021, initial: 0xFFFF, reflected: false, xorOut: 0)

    var collector: SyncWordFrameCollector
    var completed: [SyncWordFrameCollector.Candidate] = []
    var previous: UInt8 = 0
    var position = 0

    public init() {
        collector = SyncWordFrameCollector(
            syncWord: Self.syncWord, syncLength: 40, maxErrors: 0, detectInverted: false,
            frameBits: Self.messageBits, maxPending: 4)
    }

    public mutating func reset() {
        collector.reset()
        previous = 0
        position = 0
    }

    public mutating func process(_ symbols: UnsafeBufferPointer<UInt8>, into frames: inout [DecodedFrame]) {
        completed.removeAll(keepingCapacity: true)
        for s in symbols {
            let bit: UInt8 = s >= 128 ? 1 : 0
            collector.push(bit == previous ? 1 : 0, at: position, completed: &completed)
            previous = bit
            position += 1
        }
        for c in completed {
            if let frame = Self.decode(bits: c.bits, end: c.end) { frames.append(frame) }
        }
    }

    /// Decodes the NRZI-decoded bits after the sync word; nil when there are too few.
    public static func decode(bits: [UInt8], end: Int = 0) -> DecodedFrame? {
        guard bits.count >= messageBits else { return nil }
        var message = [UInt8](repeating: 0, count: headerLength)
        message.reserveCapacity(subpackets * subpacketLength)
        var i = 0
        while i + 10 <= messageBits {
            var v: UInt8 = 0
            for k in 1...8 { v = (v << 1) | (bits[i + k] & 1) }
            message.append(v)
            i += 10
        }
        guard message.count == subpackets * subpacketLength else { return nil }
        let header = Array(message[(subpacketLength + 1)..<(subpacketLength + 16)])
        var payload: [UInt8] = []
        for p in 0..<subpackets {
            let base = p * subpacketLength
            payload.append(contentsOf: message[(base + headerLength)..<(base + subpacketLength - 1)])
        }
        payload.removeLast(11)
        let n = payload.count
        let crc = crc16.checksum(payload[4..<(n - 2)])
        let sent = UInt32(payload[n - 2]) | UInt32(payload[n - 1]) << 8
        return DecodedFrame(
            bytes: header + payload[0..<(n - 2)], framing: framingName, checkPassed: crc == sent, symbolPosition: end)
    }
}
