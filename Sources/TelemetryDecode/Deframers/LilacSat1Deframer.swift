/// LilacSat-1 ("LilacSat-1" framing, also BY02): BPSK 9600 Bd carrying a K = 7, r = 1/2 convolutional
/// code (CCSDS convention: 0171 then 0133 inverted), differentially precoded *before* the encoder, so
/// the receiver Viterbi-decodes, then differentially decodes (bit XOR previous bit).
///
/// Decoded stream layout (public description of the LilacSat-1 downlink):
/// `0x1ACFFC1D | 116 bytes`, the 116 bytes CCSDS-randomised (h(x) = x^8+x^7+x^5+x^3+1, all-ones start,
/// restarted right after the sync word). Counting the 4 sync bytes, the 120 bytes are five 24-byte
/// blocks; in each block the first 17 bytes are data and the last 7 a Codec2 voice frame. The data
/// bytes (13 + 4 × 17 = 81 per packet) are a slice of a continuous KISS byte stream (the satellite's
/// telemetry and digipeater frames, KISS-escaped and separated by FENDs).
///
/// Output: one `DecodedFrame` per packet carrying those 81 data bytes (a "chunk" of the KISS stream,
/// the same PDUs gr-satellites outputs). Codec2 bytes are dropped.
///
/// Integrity: the chunk format has **no checksum**. What the format offers is the 32-bit sync word
/// (accepted with up to `syncErrors` bit errors, 4 by default as gr-satellites) and the redundancy of
/// the rate 1/2 code: the decided bits are encoded again and compared with the received symbols'
/// hard decisions. A packet sent with the code disagrees only where the channel flipped symbols;
/// the best path through noise still disagrees with about one symbol in six (measured 0.16–0.18 per
/// packet). A chunk is emitted only when in each quarter of the packet at most `maxSymbolErrorRate`
/// of the symbols needed correcting (0.1 by default; the packets of both shared recordings need
/// 0 or 1 of 1856), so noise, sync look-alikes and packets cut off by the end of a signal give no
/// chunk. `correctedSymbols` holds the symbols corrected in the packet.
///
/// Two Viterbi decoders run, one per C1/C2 alignment; a chunk both find (same bytes, nearly the same
/// position) is emitted once. BPSK phase ambiguity needs no handling: the code is transparent and the
/// differential decoding removes the inversion.
public struct LilacSat1Deframer: Deframer {
    public static let syncWord: UInt32 = 0x1ACF_FC1D
    /// Bytes after the sync word.
    public static let packetLength = 116
    /// Sync word bytes counted as the start of the first block.
    public static let headerLength = 4
    /// Block size, and its Codec2 tail.
    public static let blockLength = 24
    public static let codec2Length = 7
    /// Data bytes per packet: 5 × (24 − 7) − 4.
    public static let chunkLength = 5 * (blockLength - codec2Length) - headerLength

    public struct Configuration: Sendable, Hashable {
        public var syncErrors: Int
        /// Packets collected at the same time per alignment (a sync look-alike inside a packet must not
        /// hide the real next sync word).
        public var maxPending: Int
        public var framing: String
        /// Largest share of the code symbols in any quarter of a packet the Viterbi decoder may have
        /// corrected (0...0.5).
        public var maxSymbolErrorRate: Double
        public init(syncErrors: Int = 4, maxPending: Int = 6, framing: String = "LilacSat-1", maxSymbolErrorRate: Double = 0.1) {
            self.syncErrors = max(0, min(syncErrors, 8))
            self.maxPending = max(1, maxPending)
            self.framing = framing
            self.maxSymbolErrorRate = max(0, min(maxSymbolErrorRate, 0.5))
        }
    }

    struct Pending: Sendable {
        var bytes: [UInt8]
        var bitCount = 0
        var syncErrors: Int
        /// Received symbols (two per bit) that disagree with the decided bits encoded again.
        var symbolErrors = 0
        /// The same in the current quarter of the packet, and the most in any quarter so far.
        var quarterErrors = 0
        var worstQuarter = 0
    }

    /// Bits per quarter of a packet (the code check's window).
    static let quarterBits = 8 * packetLength / 4

    /// Hard decisions of the symbols a branch received, by symbol number, kept until the Viterbi
    /// decoder has decided their bits (its delay is at most 2 × traceback depth plus one input block).
    static let historyLength = 1 << 15
    /// Input is decoded in blocks of at most this many symbols so the history always covers the delay.
    static let decodeBlockLength = 8192

    struct Branch: Sendable {
        var offset: Int
        var skip: Int
        var viterbi: ViterbiStreamDecoder?
        var previous: UInt8 = 0
        var register: UInt32 = 0
        var bitsSeen = 0
        var pending: [Pending] = []
        /// Hard decisions (0/1) of received symbols, `historyLength` ring by symbol number.
        var history = [UInt8](repeating: 0, count: LilacSat1Deframer.historyLength)
        var symbolsSeen = 0
        /// The last decided bits, newest in bit 0: the encoder register that re-creates the symbols.
        var encoder = 0
    }

    public let configuration: Configuration
    var branches: [Branch]
    var recent: [(bytes: [UInt8], position: Int)] = []
    var bits: [UInt8] = []

    public init(_ configuration: Configuration = Configuration()) {
        self.configuration = configuration
        branches = (0..<2).map { offset in
            let viterbi = try? ViterbiStreamDecoder(code: .ccsds, tracebackDepth: 64, startState: .unknown)
            return Branch(offset: offset, skip: offset, viterbi: viterbi)
        }
    }

    public var framing: String { configuration.framing }

    public mutating func reset() {
        for i in branches.indices {
            branches[i].skip = branches[i].offset
            branches[i].viterbi?.reset()
            branches[i].previous = 0
            branches[i].register = 0
            branches[i].bitsSeen = 0
            branches[i].pending.removeAll()
            branches[i].symbolsSeen = 0
            branches[i].encoder = 0
        }
        recent.removeAll()
    }

    public mutating func process(_ symbols: UnsafeBufferPointer<UInt8>, into frames: inout [DecodedFrame]) {
        let first = frames.count
        for b in branches.indices {
            var input = symbols
            let skip = min(branches[b].skip, input.count)
            if skip > 0 {
                input = UnsafeBufferPointer(rebasing: input[skip...])
                branches[b].skip -= skip
            }
            while !input.isEmpty, var viterbi = branches[b].viterbi {
                let block = UnsafeBufferPointer(rebasing: input.prefix(Self.decodeBlockLength))
                input = UnsafeBufferPointer(rebasing: input.dropFirst(block.count))
                branches[b].viterbi = nil
                let mask = Self.historyLength - 1
                var n = branches[b].symbolsSeen
                for s in block {
                    branches[b].history[n & mask] = s >= 128 ? 1 : 0
                    n += 1
                }
                branches[b].symbolsSeen = n
                bits.removeAll(keepingCapacity: true)
                viterbi.decode(block, into: &bits)
                branches[b].viterbi = viterbi
                consume(branch: b, into: &frames)
            }
        }
        if frames.count - first > 1 { frames[first...].sort { $0.symbolPosition < $1.symbolPosition } }
    }

    /// Ends the stream: flushes both Viterbi decoders so a packet ending near the end is not lost.
    public mutating func finish(into frames: inout [DecodedFrame]) {
        for b in branches.indices {
            guard var viterbi = branches[b].viterbi else { continue }
            branches[b].viterbi = nil
            bits.removeAll(keepingCapacity: true)
            do { try viterbi.flush(into: &bits) } catch {}
            branches[b].viterbi = viterbi
            consume(branch: b, into: &frames)
        }
    }

    /// Differentially decodes `bits` (decided bits of branch `b`), collects packets and searches sync words.
    mutating func consume(branch b: Int, into frames: inout [DecodedFrame]) {
        var branch = branches[b]
        branches[b].pending = []
        let maxErrors = configuration.syncErrors
        let code = ConvolutionalCode.ccsds
        let mask = Self.historyLength - 1
        for raw in bits {
            // Symbols this bit produced at the encoder, against what was received for it.
            branch.encoder = (branch.encoder << 1 | Int(raw)) & 0x7F
            let (c1, c2) = code.outputs(register: branch.encoder)
            let at = 2 * branch.bitsSeen
            let wrong = Int(c1 ^ branch.history[at & mask]) + Int(c2 ^ branch.history[(at + 1) & mask])
            let bit = raw ^ branch.previous
            branch.previous = raw
            branch.bitsSeen += 1
            // Packets being collected take this bit first.
            var k = 0
            while k < branch.pending.count {
                let n = branch.pending[k].bitCount
                if bit != 0 { branch.pending[k].bytes[n >> 3] |= 0x80 >> UInt8(n & 7) }
                branch.pending[k].bitCount = n + 1
                branch.pending[k].symbolErrors += wrong
                branch.pending[k].quarterErrors += wrong
                if (n + 1) % Self.quarterBits == 0 {
                    branch.pending[k].worstQuarter = max(branch.pending[k].worstQuarter, branch.pending[k].quarterErrors)
                    branch.pending[k].quarterErrors = 0
                }
                if n + 1 == 8 * Self.packetLength {
                    let p = branch.pending.remove(at: k)
                    let position = branch.offset + 2 * branch.bitsSeen
                    emit(p, position: position, into: &frames)
                    continue
                }
                k += 1
            }
            branch.register = branch.register << 1 | UInt32(bit)
            if branch.bitsSeen >= 32 && (branch.register ^ Self.syncWord).nonzeroBitCount <= maxErrors
                && branch.pending.count < configuration.maxPending
            {
                branch.pending.append(
                    Pending(
                        bytes: [UInt8](repeating: 0, count: Self.packetLength),
                        syncErrors: (branch.register ^ Self.syncWord).nonzeroBitCount))
            }
        }
        branches[b] = branch
    }

    mutating func emit(_ p: Pending, position: Int, into frames: inout [DecodedFrame]) {
        guard Double(p.worstQuarter) <= configuration.maxSymbolErrorRate * Double(2 * Self.quarterBits) else { return }
        let chunk = Self.chunk(fromPacket: p.bytes)
        let window = 2 * 8 * (Self.packetLength + 4)
        recent.removeAll { abs(position - $0.position) > window }
        if recent.contains(where: { $0.bytes == chunk && abs(position - $0.position) <= 64 }) { return }
        recent.append((chunk, position))
        frames.append(
            DecodedFrame(
                bytes: chunk, framing: configuration.framing, checkPassed: true, correctedSymbols: p.symbolErrors,
                symbolPosition: position))
    }

    /// The 81 KISS-stream bytes of a (still randomised) 116-byte packet that followed the sync word.
    public static func chunk(fromPacket packet: [UInt8]) -> [UInt8] {
        var bytes = Array(packet.prefix(packetLength))
        if bytes.count < packetLength { bytes.append(contentsOf: repeatElement(0, count: packetLength - bytes.count)) }
        CCSDSRandomizer.apply(to: &bytes)
        var out: [UInt8] = []
        out.reserveCapacity(chunkLength)
        let data = blockLength - codec2Length
        for k in 0..<packetLength where (k + headerLength) % blockLength < data {
            out.append(bytes[k])
        }
        return out
    }

    /// The 116-byte packet (randomised, as sent after the sync word) carrying `chunk` (81 bytes) and
    /// the Codec2 bytes `codec2` (5 × 7 bytes; zeros when shorter).
    public static func packet(chunk: [UInt8], codec2: [UInt8] = []) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(packetLength)
        var d = 0
        var c = 0
        let data = blockLength - codec2Length
        for k in 0..<packetLength {
            if (k + headerLength) % blockLength < data {
                bytes.append(d < chunk.count ? chunk[d] : 0)
                d += 1
            } else {
                bytes.append(c < codec2.count ? codec2[c] : 0)
                c += 1
            }
        }
        CCSDSRandomizer.apply(to: &bytes)
        return bytes
    }
}
