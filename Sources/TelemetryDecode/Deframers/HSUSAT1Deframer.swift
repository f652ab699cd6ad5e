/// HSU-SAT1's custom frames (1k2 AFSK, 437.28 MHz), with the FEC of F4GOH's "CONVOLUTION" library.
///
/// On the air everything after the 33-bit sync word `111000110111101100010110011111101` (0xE37B167E and
/// the stop bit of the UART-coded 0x7E) is UART 8N1: every byte is a start bit, the 8 data bits least
/// significant first, and a stop bit. gr-satellites takes 118 such bytes after the sync word, ignores the
/// first 16 and the start/stop bits, and treats the other 102 bytes as the FEC codeword:
/// - the first 96 bytes are block-interleaved in blocks of 8 bytes (a bit-matrix transpose: bit q,
///   least significant first, of byte j of a block is bit j of byte q); the last 6 are not interleaved;
/// - the 102 bytes are XORed with a period-127 bit sequence (b[n] = b[n-4] XOR b[n-7], starting
///   0000111, bytes MSB first: 0E F2 C9 02 ...);
/// - the result is the r = 1/2, K = 3 convolutional code with polynomials 7, 5 (output of 7 first)
///   of 51 bytes (MSB first) starting in state 0: 48 data bytes, the CRC-16/X-25 of them (polynomial
///   0x1021, initial 0xFFFF, reflected, final XOR 0xFFFF) sent most significant byte first, and a 0x00
///   byte that terminates the trellis. As gr-satellites, only the first 804 coded bits (the data, the CRC
///   and 2 tail bits) are decoded.
///
/// Output: the 48 data bytes (CRC and tail stripped), as gr-satellites. This decoder runs a soft-decision
/// Viterbi on the soft symbols (gr-satellites: hard decisions) that ends in state 0.
///
/// Sources: gr-satellites `hsu_sat1_deframer` (sync word, default threshold of 4 bit errors, packet
/// length (16 + 102) x 10 bits, UART decoding, deinterleaver, scrambler table, `viterbi_decoder(3, [7, 5])`,
/// `crc16_ccitt_x25(swap_endianness=False)`), gr-satellites' `viterbi.cc` (code conventions: output of
/// each polynomial in order, trellis from state 0) and the HSU-SAT1 SatYAML file.
///
/// The sync word is searched with up to `syncErrors` bit errors in both polarities. Frames whose CRC
/// fails are reported (`checkPassed: false`) only after a sync word with at most `reportMaxSyncErrors`
/// errors, the policy of `SyncWordFrameCollector.Candidate.checkedFrame`; there is no further repair, the
/// Viterbi decoder being the correction. `correctedSymbols` counts the coded bits (hard decisions) the
/// decoder changed.
public struct HSUSAT1Deframer: Deframer {
    public static let framingName = "HSU-SAT1"
    /// The sync word's 33 bits, first sent in the most significant place.
    public static let syncWord: UInt64 = 0b1_1100_0110_1111_0110_0010_1100_1111_1101
    public static let syncLength = 33
    /// UART bytes after the sync word that are ignored.
    public static let headerBytes = 16
    /// Bytes of the FEC codeword.
    public static let codewordBytes = 102
    /// Data bytes of a frame (the output).
    public static let payloadBytes = 48
    /// Bits after the sync word that gr-satellites takes: 118 UART bytes of 10 bits.
    public static let frameBits = (headerBytes + codewordBytes) * 10
    /// Coded bits that are decoded: 400 data and CRC bits and 2 tail bits.
    static let decodedCodedBits = 2 * (8 * (payloadBytes + 2) + 2)

    public let syncErrors: Int
    public var reportMaxSyncErrors = 1
    var collector: SyncWordFrameCollector
    var completed: [SyncWordFrameCollector.Candidate] = []

    public init(syncErrors: Int = 4, detectInverted: Bool = true) {
        self.syncErrors = syncErrors
        collector = SyncWordFrameCollector(
            syncWord: Self.syncWord, syncLength: Self.syncLength, maxErrors: syncErrors, detectInverted: detectInverted,
            frameBits: Self.frameBits, keepSoftSymbols: true)
    }

    public mutating func reset() {
        collector.reset()
    }

    public mutating func process(_ symbols: UnsafeBufferPointer<UInt8>, into frames: inout [DecodedFrame]) {
        completed.removeAll(keepingCapacity: true)
        collector.collect(symbols, completed: &completed)
        for c in completed {
            if let frame = c.checkedFrame(
                nearExact: c.syncErrors <= reportMaxSyncErrors, repairCandidates: 0, fromBit: 0, tryRepair: false,
                decode: { _ in Self.decode(symbols: c.soft, end: c.end) })
            {
                frames.append(frame)
            }
        }
    }

    /// The scrambling sequence over the codeword, bytes MSB first.
    static let scrambler: [UInt8] = {
        var bits: [UInt8] = [0, 0, 0, 0, 1, 1, 1]
        while bits.count < 8 * codewordBytes { bits.append(bits[bits.count - 4] ^ bits[bits.count - 7]) }
        return SyncWordFrameCollector.pack(bits)
    }()

    /// The 8-byte block transpose of the interleaver (an involution) over the first 96 bytes.
    static func transpose(_ bytes: inout [UInt8]) {
        let blocks = (bytes.count - 6) / 8
        for b in 0..<blocks {
            let block = Array(bytes[(8 * b)..<(8 * b + 8)])
            for j in 0..<8 {
                var v: UInt8 = 0
                for q in 0..<8 { v |= ((block[q] >> UInt8(j)) & 1) << UInt8(q) }
                bytes[8 * b + j] = v
            }
        }
    }

    /// Encoder outputs (polynomial 7, then 5) for input `u` in state `s` (bit 1: previous input, bit 0:
    /// the one before).
    @inline(__always)
    static func outputs(state s: Int, input u: Int) -> (Int, Int) {
        let p1 = s >> 1, p2 = s & 1
        return (u ^ p1 ^ p2, u ^ p2)
    }

    /// Decodes the soft symbols (255 = 1, polarity-corrected) after the sync word; nil when fewer than
    /// `frameBits` are given.
    public static func decode(symbols: [UInt8], end: Int = 0) -> DecodedFrame? {
        guard symbols.count >= frameBits else { return nil }
        // UART decoding and deinterleaving: the soft value of each codeword bit, bytes MSB first.
        var coded = [UInt8](repeating: 128, count: 8 * codewordBytes)
        for k in 0..<codewordBytes {
            for i in 0..<8 {   // data bit i (least significant first) of UART byte k
                let s = symbols[(headerBytes + k) * 10 + 1 + i]
                let (byte, bit): (Int, Int)
                if k < codewordBytes - 6 {
                    // Bit i of received byte k is bit (k % 8) of codeword byte 8 * block + i.
                    (byte, bit) = (k - k % 8 + i, k % 8)
                } else {
                    (byte, bit) = (k, i)
                }
                let index = 8 * byte + 7 - bit
                let scrambled = (scrambler[index >> 3] >> UInt8(7 - index & 7)) & 1
                coded[index] = scrambled == 1 ? 255 - s : s
            }
        }
        // Soft Viterbi over 402 steps from state 0 to state 0.
        let steps = decodedCodedBits / 2
        let infinity = Int.max / 4
        var metric = [0, infinity, infinity, infinity]
        var decisions = [UInt8](repeating: 0, count: steps * 4)
        for t in 0..<steps {
            let a = Int(coded[2 * t]), b = Int(coded[2 * t + 1])
            var next = [infinity, infinity, infinity, infinity]
            for s in 0..<4 where metric[s] < infinity {
                for u in 0..<2 {
                    let (c0, c1) = outputs(state: s, input: u)
                    let cost = metric[s] + (c0 == 1 ? 255 - a : a) + (c1 == 1 ? 255 - b : b)
                    let n = (u << 1) | (s >> 1)
                    if cost < next[n] {
                        next[n] = cost
                        decisions[4 * t + n] = UInt8(s)
                    }
                }
            }
            metric = next
        }
        var info = [UInt8](repeating: 0, count: steps)
        var state = 0
        for t in stride(from: steps - 1, through: 0, by: -1) {
            info[t] = UInt8(state >> 1)
            state = Int(decisions[4 * t + state])
        }
        // Coded bits the decoder changed.
        var corrected = 0
        state = 0
        for t in 0..<steps {
            let u = Int(info[t])
            let (c0, c1) = outputs(state: state, input: u)
            if (coded[2 * t] >= 128 ? 1 : 0) != c0 { corrected += 1 }
            if (coded[2 * t + 1] >= 128 ? 1 : 0) != c1 { corrected += 1 }
            state = (u << 1) | (state >> 1)
        }
        let bytes = SyncWordFrameCollector.pack(info.prefix(8 * (payloadBytes + 2)))
        let crc = CRCAlgorithm.x25.checksum(bytes[0..<payloadBytes])
        let sent = UInt32(bytes[payloadBytes]) << 8 | UInt32(bytes[payloadBytes + 1])
        return DecodedFrame(
            bytes: Array(bytes[0..<payloadBytes]), framing: framingName, checkPassed: crc == sent,
            correctedSymbols: corrected, symbolPosition: end)
    }

    /// Decodes hard bits (0/1) after the sync word.
    public static func decode(bits: [UInt8], end: Int = 0) -> DecodedFrame? {
        decode(symbols: bits.map { $0 & 1 == 1 ? 255 : 0 }, end: end)
    }

    /// The 102-byte FEC codeword (interleaved and scrambled) for 48 payload bytes; nil for other sizes.
    public static func encodeCodeword(_ payload: [UInt8]) -> [UInt8]? {
        guard payload.count == payloadBytes else { return nil }
        let crc = CRCAlgorithm.x25.checksum(payload)
        let message = payload + [UInt8(truncatingIfNeeded: crc >> 8), UInt8(truncatingIfNeeded: crc), 0]
        var coded: [UInt8] = []
        coded.reserveCapacity(8 * codewordBytes)
        var state = 0
        for byte in message {
            for i in (0..<8).reversed() {
                let u = Int(byte >> UInt8(i)) & 1
                let (c0, c1) = outputs(state: state, input: u)
                coded.append(UInt8(c0))
                coded.append(UInt8(c1))
                state = (u << 1) | (state >> 1)
            }
        }
        var bytes = SyncWordFrameCollector.pack(coded)
        for i in bytes.indices { bytes[i] ^= scrambler[i] }
        transpose(&bytes)
        return bytes
    }

    /// The bits (0/1) that follow the sync word for 48 payload bytes: the 16 `header` bytes (ignored by
    /// the decoder) and the codeword, UART 8N1 coded. Nil unless the sizes are 48 and 16.
    public static func encode(_ payload: [UInt8], header: [UInt8] = [UInt8](repeating: 0, count: 16)) -> [UInt8]? {
        guard header.count == headerBytes, let codeword = encodeCodeword(payload) else { return nil }
        var bits: [UInt8] = []
        bits.reserveCapacity(frameBits)
        for byte in header + codeword {
            bits.append(0)
            for i in 0..<8 { bits.append((byte >> UInt8(i)) & 1) }
            bits.append(1)
        }
        return bits
    }

    /// The sync word's bits (0/1) in transmission order.
    public static var syncBits: [UInt8] {
        (0..<syncLength).reversed().map { UInt8((syncWord >> UInt64($0)) & 1) }
    }
}
