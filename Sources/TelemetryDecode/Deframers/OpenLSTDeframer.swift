/// OpenLST framing (the TI CC1110 radio of the OpenLST project, used by DORA): sync word 0xD391D391
/// (MSB first), then the CC1110 hardware FEC (TI DN504) over a PN9-whitened packet
/// `L | L − 2 bytes | CRC-16`, where L counts the bytes after it (CRC included) and the CRC-16 is the
/// CC11xx one (polynomial 0x8005, initial 0xFFFF, not reflected) over the length byte and the data,
/// sent least significant byte first. Output is the L − 2 bytes between length byte and CRC, as
/// gr-satellites (`openlst_deframer`: length byte and CRC removed).
///
/// FEC (DN504): the n = L + 1 whitened bytes plus a trellis terminator (0x0B when n is odd, 0x0B 0x0B
/// when even) go through a rate-1/2, K = 4 convolutional code (per input bit, first output
/// b0^b2^b3, second b0^b1^b2^b3, b0 the newest bit; encoder starts at zero), four 2-bit code symbols
/// to a byte, and every 4-byte block is interleaved as a 4×4 transpose of its 2-bit symbols, so
/// 4 × (n / 2 + 1) bytes follow the sync word. gr-satellites collects 512 bytes, so L ≤ 252 here.
///
/// Decoding: the length byte comes from a hard-decision Viterbi over the first 8 coded bytes; the
/// packet is then decoded with a soft-decision Viterbi (start state 0, best end state). The sync word
/// is searched with up to `syncErrors` bit errors in both polarities; failed packets are reported only
/// after a near-exact sync word (`checkedFrame`'s policy; no bit-flip repair, the FEC does that).
/// `correctedSymbols` = received code bits that differ from the re-encoded decision.
public struct OpenLSTDeframer: Deframer {
    public static let syncWord: UInt32 = 0xD391_D391
    public static let framingName = "OpenLST"
    /// Largest length byte gr-satellites can decode (its 512-byte window).
    public static let maxLengthByte = 252

    public var repairMaxSyncErrors = 1
    var collector: SyncWordFrameCollector
    var completed: [SyncWordFrameCollector.Candidate] = []

    public init(syncErrors: Int = 4, detectInverted: Bool = true) {
        collector = SyncWordFrameCollector(
            syncWord: UInt64(Self.syncWord), syncLength: 32, maxErrors: syncErrors, detectInverted: detectInverted,
            frameBits: 8 * Self.codedBytes(packetBytes: Self.maxLengthByte + 1), headerBits: 64, keepSoftSymbols: true)
    }

    public mutating func reset() {
        collector.reset()
    }

    public mutating func process(_ symbols: UnsafeBufferPointer<UInt8>, into frames: inout [DecodedFrame]) {
        completed.removeAll(keepingCapacity: true)
        collector.collect(symbols, length: { Self.packetBits($0) }, completed: &completed)
        for c in completed {
            let soft = c.soft
            if let frame = c.checkedFrame(
                nearExact: c.syncErrors <= repairMaxSyncErrors, repairCandidates: 0, fromBit: 0, tryRepair: false,
                decode: { _ in Self.decode(soft: soft, end: c.end) })
            {
                frames.append(frame)
            }
        }
    }

    /// Coded bytes after the sync word for a packet of `n` bytes (length byte and CRC included).
    static func codedBytes(packetBytes n: Int) -> Int { 4 * (n / 2 + 1) }

    /// Total coded bits of the packet whose first 64 coded bits are given, or nil when the length is invalid.
    static func packetBits(_ header: [UInt8]) -> Int? {
        guard header.count >= 64 else { return nil }
        let decoded = viterbi(soft: header.prefix(64).map { $0 & 1 == 1 ? 255 : 0 })
        guard decoded.count >= 8 else { return nil }
        var first: UInt8 = 0
        for k in 0..<8 { first = (first << 1) | decoded[k] }
        let length = Int(first ^ CC11xxCoding.whitening[0])
        guard length >= 3, length <= maxLengthByte else { return nil }
        return 8 * codedBytes(packetBytes: length + 1)
    }

    /// Decodes the soft symbols after the sync word (polarity-corrected, 255 = strong 1); nil when
    /// they cannot be a packet.
    public static func decode(soft: [UInt8], end: Int = 0) -> DecodedFrame? {
        guard soft.count >= 64, soft.count % 32 == 0 else { return nil }
        let bits = viterbi(soft: soft)
        var bytes = SyncWordFrameCollector.pack(bits)
        CC11xxCoding.dewhiten(&bytes)
        guard let first = bytes.first else { return nil }
        let length = Int(first)
        let n = length + 1
        guard length >= 3, length <= maxLengthByte, soft.count >= 8 * codedBytes(packetBytes: n) else { return nil }
        let crc = CC11xxCoding.crc16.checksum(bytes[0..<(n - 2)])
        let sent = UInt32(bytes[n - 2]) | UInt32(bytes[n - 1]) << 8
        // Code bits that disagree with the re-encoded decision.
        let recoded = deinterleavedCode(bits)
        let received = deinterleave(soft.map { $0 >= 128 ? 1 : 0 })
        var corrected = 0
        for i in 0..<min(recoded.count, received.count) where recoded[i] != received[i] { corrected += 1 }
        return DecodedFrame(
            bytes: Array(bytes[1..<(n - 2)]), framing: framingName, checkPassed: crc == sent,
            correctedSymbols: corrected, symbolPosition: end)
    }

    /// The coded bytes that follow the sync word for `payload` (1...250 bytes); nil outside that.
    public static func encode(_ payload: [UInt8]) -> [UInt8]? {
        guard (1...(maxLengthByte - 2)).contains(payload.count) else { return nil }
        var packet = [UInt8(payload.count + 2)] + payload
        let crc = CC11xxCoding.crc16.checksum(packet)
        packet.append(UInt8(truncatingIfNeeded: crc))
        packet.append(UInt8(truncatingIfNeeded: crc >> 8))
        CC11xxCoding.dewhiten(&packet)
        packet += packet.count % 2 == 1 ? [0x0B] : [0x0B, 0x0B]
        var bits: [UInt8] = []
        for b in packet { for k in (0..<8).reversed() { bits.append((b >> UInt8(k)) & 1) } }
        let code = deinterleavedCode(bits)
        // Interleaving is an involution on each 32-bit block.
        return SyncWordFrameCollector.pack(deinterleave(code))
    }

    // MARK: - DN504 code and interleaver

    /// Code bits (2 per input bit, in symbol order) of `bits`, encoder starting at zero.
    static func deinterleavedCode(_ bits: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(2 * bits.count)
        var register = 0
        for b in bits {
            register = ((register << 1) | Int(b & 1)) & 0xF
            let o = outputs[register]
            out.append(o >> 1)
            out.append(o & 1)
        }
        return out
    }

    /// Symbol (first bit × 2 + second bit) for each 4-bit register value (bit 0 = newest input).
    static let outputs: [UInt8] = (0..<16).map { r in
        let b0 = r & 1, b1 = (r >> 1) & 1, b2 = (r >> 2) & 1, b3 = (r >> 3) & 1
        return UInt8(((b0 ^ b2 ^ b3) << 1) | (b0 ^ b1 ^ b2 ^ b3))
    }

    /// For each bit index of a 32-bit block after the (de)interleaver, the received index it comes from.
    /// The block is read as a little-endian word, cut into sixteen 2-bit symbols from its top, laid out
    /// as a 4×4 grid row by row, and written back column by column.
    static let permutation: [Int] = {
        func bitOfWord(_ index: Int) -> Int { 8 * (index / 8) + 7 - index % 8 }   // stream index → word bit
        var perm = [Int](repeating: 0, count: 32)
        for index in 0..<32 {
            let wordBit = bitOfWord(index)
            let group = (31 - wordBit) / 2, high = wordBit % 2 == 1
            let row = group / 4, column = group % 4
            let outGroup = 4 * column + row
            let outWordBit = 31 - 2 * outGroup - (high ? 0 : 1)
            let outIndex = 8 * (outWordBit / 8) + 7 - outWordBit % 8
            perm[outIndex] = index
        }
        return perm
    }()

    /// Applies the block (de)interleaver to whole 32-element blocks (a partial tail is dropped).
    static func deinterleave<T>(_ stream: [T]) -> [T] {
        var out: [T] = []
        out.reserveCapacity(stream.count)
        var base = 0
        while base + 32 <= stream.count {
            for k in 0..<32 { out.append(stream[base + permutation[k]]) }
            base += 32
        }
        return out
    }

    /// Soft-decision Viterbi over received soft symbols (interleaved, 255 = strong 1): decoded bits,
    /// starting from state 0 and tracing back from the best end state.
    static func viterbi(soft received: [UInt8]) -> [UInt8] {
        let soft = deinterleave(received)
        let steps = soft.count / 2
        guard steps > 0 else { return [] }
        let big = Int.max / 4
        var metric = [Int](repeating: big, count: 8)
        metric[0] = 0
        var next = [Int](repeating: 0, count: 8)
        var decisions = [UInt8](repeating: 0, count: steps)   // bit s: predecessor had its oldest bit set
        for t in 0..<steps {
            let s0 = Int(soft[2 * t]), s1 = Int(soft[2 * t + 1])
            let cost: [Int] = [s0 + s1, s0 + 255 - s1, 255 - s0 + s1, 510 - s0 - s1]   // symbol 0...3
            var d: UInt8 = 0
            for state in 0..<8 {
                let p0 = state >> 1, p1 = p0 | 4
                let m0 = metric[p0] + cost[Int(outputs[state])]
                let m1 = metric[p1] + cost[Int(outputs[state | 8])]
                if m1 < m0 {
                    next[state] = m1
                    d |= 1 << UInt8(state)
                } else {
                    next[state] = m0
                }
            }
            decisions[t] = d
            swap(&metric, &next)
        }
        var state = 0
        for s in 1..<8 where metric[s] < metric[state] { state = s }
        var bits = [UInt8](repeating: 0, count: steps)
        for t in stride(from: steps - 1, through: 0, by: -1) {
            bits[t] = UInt8(state & 1)
            let high = (decisions[t] >> UInt8(state)) & 1
            state = (state >> 1) | (Int(high) << 2)
        }
        return bits
    }
}
