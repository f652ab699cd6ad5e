/// Światowid image downlink (9k6 FSK, the SatRevolution custom protocol), as gr-satellites deframes it:
/// sync word 0x5B5BDDDD (sent MSB first, searched exactly by default), then a packet whose bytes are
/// sent least significant bit first: a 16-bit little-endian length field V, then V − 8 bytes (at most
/// 8198: gr-satellites looks at 8200 bytes after the sync word) cut into 58-byte Reed-Solomon
/// codewords (the last one may be shorter, a shortened codeword; no codeword starts in the last two
/// bytes, and a last piece of 10 bytes or fewer is dropped). The code: GF(2^8) with polynomial 0x11D, first consecutive root 0, primitive element 1,
/// 10 parity bytes (RS(58,48), t = 5), conventional basis, parity last.
///
/// Each codeword that decodes is one output frame: its data bytes without the parity (48 for a full
/// codeword), as gr-satellites outputs them. In image packets each 48-byte frame is a little-endian
/// 16-bit block counter followed by 46 bytes of a JPEG file (Daniel Estévez, "Światowid image
/// decoder", destevez.net, August 2019); assembling the image is left to a file receiver.
///
/// Sources: gr-satellites `swiatowid_deframer` and the blocks it uses (`reflect_bytes`,
/// `swiatowid_packet_crop`, `swiatowid_packet_split`, `decode_rs(8, 0x11d, 0, 1, 10, 1)`), the
/// Swiatowid SatYAML file and the blog posts "Decoding Światowid" / "Światowid image decoder".
///
/// Streaming: codewords are decoded as soon as their last byte arrives, so memory is one codeword
/// per open packet. Soft decisions: a codeword that fails hard decoding is retried with its least
/// reliable bytes erased (`ReedSolomonSoftErasures`). Both polarities are searched (FSK may arrive
/// inverted). A codeword that stays uncorrectable is reported with `checkPassed: false` (its data
/// bytes as received) when the sync word matched with at most `failureReportMaxSyncErrors` errors.
public struct SwiatowidDeframer: Deframer {
    public static let syncWord: UInt32 = 0x5B5B_DDDD
    public static let framingName = "Swiatowid"
    /// Bytes after the sync word that gr-satellites looks at.
    public static let window = 8200
    public static let codewordSize = 58
    public static let parity = 10
    public static let dataPerCodeword = codewordSize - parity
    /// Largest V − 8 that fits the window with its 2 length bytes.
    public static let maxPacketLength = window - 2

    /// RS(255, 245) with the parameters above; a shorter block is a shortened codeword.
    static let code: ReedSolomonCode = try! ReedSolomonCode(
        fieldPolynomial: 0x11D, firstConsecutiveRoot: 0, primitiveElement: 1, parityCount: parity)
    /// Hard decoding alone accepts a random 58-byte word with probability about 4e-6 (Σ_{i≤5} C(58,i)·255^i /
    /// 256^10); a 1e-6 bound on the erasure retries keeps them stricter than that and still allows 4
    /// erasures plus 2 errors (6 wrong bytes, one more than hard decoding). The default 1e-10 would allow
    /// nothing hard decoding does not already do.
    static let erasures = ReedSolomonSoftErasures(parity: parity, falseAcceptanceBound: 1e-6)

    /// A packet being read after its length field.
    struct Packet: Sendable {
        var inverted: Bool
        var syncErrors: Int
        var length: Int
        /// Bytes of the packet read so far.
        var read = 0
        var byte: UInt8 = 0
        var bitInByte = 0
        var weakest: UInt8 = 255
        var block: [UInt8] = []
        var reliability: [UInt8] = []
    }

    public let syncErrors: Int
    public var failureReportMaxSyncErrors = 1
    /// Packets read at the same time (a false sync inside a packet opens another).
    public var maxOpenPackets = 4
    var collector: SyncWordFrameCollector
    var completed: [SyncWordFrameCollector.Candidate] = []
    var packets: [Packet] = []
    var position = 0

    /// gr-satellites' default sync threshold is 0 bit errors.
    public init(syncErrors: Int = 0, detectInverted: Bool = true) {
        self.syncErrors = syncErrors
        collector = SyncWordFrameCollector(
            syncWord: UInt64(Self.syncWord), syncLength: 32, maxErrors: syncErrors, detectInverted: detectInverted,
            frameBits: 16)
    }

    public mutating func reset() {
        collector.reset()
        packets.removeAll()
        position = 0
    }

    public mutating func process(_ symbols: UnsafeBufferPointer<UInt8>, into frames: inout [DecodedFrame]) {
        for s in symbols {
            if !packets.isEmpty { feedPackets(s, into: &frames) }
            collector.push(s >= 128 ? 1 : 0, at: position, completed: &completed)
            if !completed.isEmpty {
                for c in completed { open(c) }
                completed.removeAll(keepingCapacity: true)
            }
            position += 1
        }
    }

    /// The packet length (V − 8) from the two length bytes as received (bits in transmission order),
    /// or nil when no codeword could follow.
    public static func packetLength(_ first: UInt8, _ second: UInt8) -> Int? {
        let v = Int(reflect(first)) | Int(reflect(second)) << 8
        let length = v - 8
        // Fewer than 11 bytes hold no codeword gr-satellites would decode.
        guard length > parity, length <= maxPacketLength else { return nil }
        return length
    }

    mutating func open(_ c: SyncWordFrameCollector.Candidate) {
        let header = SyncWordFrameCollector.pack(c.bits)
        guard header.count == 2, let length = Self.packetLength(header[0], header[1]), packets.count < maxOpenPackets
        else { return }
        var p = Packet(inverted: c.inverted, syncErrors: c.syncErrors, length: length)
        p.block.reserveCapacity(Self.codewordSize)
        p.reliability.reserveCapacity(Self.codewordSize)
        packets.append(p)
    }

    mutating func feedPackets(_ symbol: UInt8, into frames: inout [DecodedFrame]) {
        var k = 0
        while k < packets.count {
            let s = packets[k].inverted ? 255 - symbol : symbol
            let bit: UInt8 = s >= 128 ? 1 : 0
            // Least significant bit first.
            packets[k].byte |= bit << UInt8(packets[k].bitInByte)
            packets[k].weakest = min(packets[k].weakest, s >= 128 ? s - 128 : 127 - s)
            packets[k].bitInByte += 1
            if packets[k].bitInByte == 8 {
                packets[k].block.append(packets[k].byte)
                packets[k].reliability.append(packets[k].weakest)
                packets[k].byte = 0
                packets[k].weakest = 255
                packets[k].bitInByte = 0
                packets[k].read += 1
                let count = packets[k].block.count, read = packets[k].read, length = packets[k].length
                if count == Self.codewordSize || read == length {
                    // gr-satellites starts a codeword only before the last two bytes, and needs more than
                    // `parity` bytes in it.
                    if read - count < length - 2 && count > Self.parity,
                       let frame = Self.decodeCodeword(packets[k].block, reliability: packets[k].reliability, end: position + 1),
                       frame.checkPassed || packets[k].syncErrors <= failureReportMaxSyncErrors {
                        frames.append(frame)
                    }
                    packets[k].block.removeAll(keepingCapacity: true)
                    packets[k].reliability.removeAll(keepingCapacity: true)
                }
                if packets[k].read == packets[k].length {
                    packets.remove(at: k)
                    continue
                }
            }
            k += 1
        }
    }

    /// Decodes one codeword (11...58 bytes, data then parity, bytes already in their normal bit order):
    /// the data bytes, corrected, or the received data with `checkPassed: false`. `reliability` (per
    /// byte, higher is surer) enables the erasure retry.
    public static func decodeCodeword(_ received: [UInt8], reliability: [UInt8]? = nil, end: Int = 0) -> DecodedFrame? {
        guard received.count > parity, received.count <= codewordSize else { return nil }
        var block = received
        var corrected: Int? = try? code.decode(&block)
        if corrected == nil, let reliability, reliability.count == block.count {
            corrected = erasures.recover(&block, reliability: reliability, code: code)?.corrected
        }
        let data = Array((corrected == nil ? received : block).prefix(received.count - parity))
        return DecodedFrame(
            bytes: data, framing: framingName, checkPassed: corrected != nil, correctedSymbols: corrected ?? 0,
            symbolPosition: end)
    }

    /// Decodes the bytes that follow the sync word, as received (every frame of the packet, good or not).
    public static func decode(_ afterSync: [UInt8]) -> [DecodedFrame] {
        guard afterSync.count >= 2, let length = packetLength(afterSync[0], afterSync[1]),
              afterSync.count >= 2 + length else { return [] }
        let packet = afterSync[2..<(2 + length)].map(reflect)
        var frames: [DecodedFrame] = []
        for start in stride(from: 0, to: length - 2, by: codewordSize) {
            let piece = Array(packet[start..<min(start + codewordSize, length)])
            if let f = decodeCodeword(piece) { frames.append(f) }
        }
        return frames
    }

    /// The bytes sent after the sync word for `data` (1 byte or more; nil if the packet would exceed
    /// the window): length field, then codewords of up to 48 data bytes and their parity, every byte
    /// bit-reversed (sent LSB first).
    public static func encode(_ data: [UInt8]) -> [UInt8]? {
        guard !data.isEmpty else { return nil }
        let codewords = (data.count + dataPerCodeword - 1) / dataPerCodeword
        let length = data.count + parity * codewords
        guard length <= maxPacketLength else { return nil }
        var packet = [UInt8(truncatingIfNeeded: length + 8), UInt8(truncatingIfNeeded: (length + 8) >> 8)]
        for start in stride(from: 0, to: data.count, by: dataPerCodeword) {
            packet += try! code.encode(Array(data[start..<min(start + dataPerCodeword, data.count)]))
        }
        return packet.map(reflect)
    }

    @inline(__always) static func reflect(_ b: UInt8) -> UInt8 {
        var v = b, r: UInt8 = 0
        for _ in 0..<8 {
            r = (r << 1) | (v & 1)
            v >>= 1
        }
        return r
    }
}
