/// AX5043 FEC packets ("AX5043" framing, e.g. CAPE-3): the ON Semiconductor AX5043's HDLC framing
/// with its built-in forward error correction.
///
/// Format (public descriptions of the AX5043 FEC mode):
/// - HDLC frames (flags 0x7E, bit stuffing, bytes LSB first, no NRZI, no scrambler) with a
///   CRC-16/USB FCS (reflected 0x8005, init 0xFFFF, final XOR 0xFFFF), sent low byte first.
/// - The HDLC bit stream is convolutionally encoded, K = 5, r = 1/2, generators 0o23 / 0o35 (taps on
///   the window with the newest bit as most significant: 0b10011 and 0b11101), the first output of
///   every pair inverted.
/// - The coded stream is interleaved in blocks of 16 bits as a 4 × 4 matrix (written by rows, read by
///   columns).
/// - Two flags, coded and interleaved, give the 32-bit sync word `0x8AE68AE6`; the info bit after it is
///   the last bit of the second flag.
///
/// The deframer looks for the sync word (up to `syncErrors` bit errors, both polarities), takes the
/// `blockSymbols` symbols after it, de-interleaves them, runs a soft-decision Viterbi decoder (start state
/// 15 from the sync word's flag, traceback from the best end state), then HDLC-deframes the decoded bits and emits the
/// first frame whose FCS checks (without the FCS). Only frames whose FCS matched are emitted, always
/// with `checkPassed == true`; frames shorter than `minimumBytes` are ignored. The preamble of flags
/// gives several sync words per packet: a frame decoded again from a later one is emitted once.
public struct AX5043Deframer: Deframer {
    public static let syncWord: UInt32 = 0x8AE6_8AE6
    /// Generator taps over the 5-bit window, bit 4 = newest input bit.
    static let taps: (UInt8, UInt8) = (0b10011, 0b11101)

    public struct Configuration: Sendable, Hashable {
        public var syncErrors: Int
        public var detectInverted: Bool
        /// Coded symbols taken after each sync word (a multiple of 16; 4000 covers 250-byte frames).
        public var blockSymbols: Int
        public var minimumBytes: Int
        public var maxPending: Int
        public var framing: String
        public init(
            syncErrors: Int = 4, detectInverted: Bool = true, blockSymbols: Int = 4000, minimumBytes: Int = 3,
            maxPending: Int = 16, framing: String = "AX5043"
        ) {
            self.syncErrors = max(0, min(syncErrors, 8))
            self.detectInverted = detectInverted
            self.blockSymbols = max(64, (blockSymbols + 15) / 16 * 16)
            self.minimumBytes = max(1, minimumBytes)
            self.maxPending = max(1, maxPending)
            self.framing = framing
        }
    }

    struct Pending: Sendable {
        var start: Int
        var inverted: Bool
    }

    public let configuration: Configuration
    /// Recent symbols; `buffer[0]` is symbol `bufferStart`.
    var buffer: [UInt8] = []
    var bufferStart = 0
    var register: UInt32 = 0
    var position = 0
    var pending: [Pending] = []
    var recent = RecentFrames()

    public init(_ configuration: Configuration = Configuration()) {
        self.configuration = configuration
    }

    public var framing: String { configuration.framing }

    public mutating func reset() {
        buffer.removeAll()
        bufferStart = 0
        register = 0
        position = 0
        pending.removeAll()
        recent.removeAll()
    }

    public mutating func process(_ symbols: UnsafeBufferPointer<UInt8>, into frames: inout [DecodedFrame]) {
        let n = configuration.blockSymbols
        for s in symbols {
            buffer.append(s)
            position += 1
            register = register << 1 | (s >= 128 ? 1 : 0)
            if position >= 32 && pending.count < configuration.maxPending {
                let errors = (register ^ Self.syncWord).nonzeroBitCount
                if errors <= configuration.syncErrors {
                    pending.append(Pending(start: position, inverted: false))
                } else if configuration.detectInverted && 32 - errors <= configuration.syncErrors {
                    pending.append(Pending(start: position, inverted: true))
                }
            }
            if let first = pending.first, position - first.start == n {
                pending.removeFirst()
                let from = first.start - bufferStart
                if from >= 0 && from + n <= buffer.count {
                    decode(Array(buffer[from..<(from + n)]), inverted: first.inverted, into: &frames)
                }
            }
        }
        // Keep what pending blocks (and the next possible one) still need.
        let keepFrom = min(pending.first?.start ?? position, position)
        let drop = keepFrom - bufferStart
        if drop > 4096 {
            buffer.removeFirst(drop)
            bufferStart = keepFrom
        }
    }

    mutating func decode(_ block: [UInt8], inverted: Bool, into frames: inout [DecodedFrame]) {
        let bits = Self.decodeBlock(block, inverted: inverted)
        guard let frame = Self.firstFrame(in: bits, minimumBytes: configuration.minimumBytes) else { return }
        if recent.isRepeat(frame, at: position, window: 4 * configuration.blockSymbols) { return }
        frames.append(DecodedFrame(bytes: frame, framing: configuration.framing, checkPassed: true, symbolPosition: position))
    }

    /// De-interleaves, un-inverts and Viterbi-decodes a block of soft symbols (a multiple of 16) that
    /// followed the sync word; returns the decoded bits (one per byte).
    public static func decodeBlock(_ block: [UInt8], inverted: Bool = false) -> [UInt8] {
        let count = block.count / 16 * 16
        guard count >= 2 else { return [] }
        var coded = [UInt8](repeating: 128, count: count)
        for base in stride(from: 0, to: count, by: 16) {
            for j in 0..<4 {
                for k in 0..<4 {
                    var s = block[base + 4 * k + j]
                    if inverted { s = 255 - s }
                    coded[base + 4 * j + k] = s
                }
            }
        }
        return viterbi(coded)
    }

    /// Soft-decision Viterbi over a block of coded symbols (pairs; the first of each pair inverted by
    /// the encoder), start state 15 (favoured), traceback from the best end state.
    static func viterbi(_ coded: [UInt8]) -> [UInt8] {
        let steps = coded.count / 2
        guard steps > 0 else { return [] }
        // Expected output pair for window w (5 bits, bit 4 = newest input).
        var expected = [(UInt8, UInt8)](repeating: (0, 0), count: 32)
        for w in 0..<32 {
            let a = UInt8((UInt8(w) & taps.0).nonzeroBitCount & 1) ^ 1
            let b = UInt8((UInt8(w) & taps.1).nonzeroBitCount & 1)
            expected[w] = (a, b)
        }
        // The sync word ends with four ones of a flag: start in state 15 (others penalised, not excluded).
        var metrics = [Int](repeating: 4 * 255, count: 16)
        metrics[15] = 0
        var next = [Int](repeating: 0, count: 16)
        var decisions = [UInt8](repeating: 0, count: steps * 16)
        for t in 0..<steps {
            let s0 = Int(coded[2 * t]), s1 = Int(coded[2 * t + 1])
            // cost of hypothesising bit value v for a soft symbol s
            let c0 = (s0, 255 - s0), c1 = (s1, 255 - s1)
            for state in 0..<16 {
                // state = last 4 input bits, bit 3 = newest. Predecessors: p = (state << 1 | x) & 15, input = state >> 3.
                let input = state >> 3
                var best = Int.max
                var choice: UInt8 = 0
                for x in 0..<2 {
                    let prev = ((state << 1) | x) & 15
                    let w = (input << 4) | prev
                    let e = expected[w]
                    let m = metrics[prev] + (e.0 == 0 ? c0.0 : c0.1) + (e.1 == 0 ? c1.0 : c1.1)
                    if m < best {
                        best = m
                        choice = UInt8(x)
                    }
                }
                next[state] = best
                decisions[t * 16 + state] = choice
            }
            let floor = next.min() ?? 0
            for i in 0..<16 { metrics[i] = next[i] - floor }
        }
        var state = 0
        for i in 1..<16 where metrics[i] < metrics[state] { state = i }
        var bits = [UInt8](repeating: 0, count: steps)
        for t in stride(from: steps - 1, through: 0, by: -1) {
            bits[t] = UInt8(state >> 3)
            let x = Int(decisions[t * 16 + state])
            state = ((state << 1) | x) & 15
        }
        return bits
    }

    /// The first HDLC frame (FCS removed) in `bits` whose CRC-16/USB matches. The bits are read as if
    /// preceded by a flag's first seven bits (the sync word ends one bit before a flag's end).
    public static func firstFrame(in bits: [UInt8], minimumBytes: Int = 3) -> [UInt8]? {
        var ones = 6
        var inFrame = false
        var frameBits: [UInt8] = []
        for b in bits {
            if b != 0 {
                ones += 1
                if inFrame { frameBits.append(1) }
                if ones > 6 { inFrame = false; frameBits.removeAll(keepingCapacity: true) }  // abort
                continue
            }
            if ones == 6 {
                // Flag: closes the frame being collected (minus the flag's 0111111) and opens a new one.
                if inFrame {
                    frameBits.removeLast(min(7, frameBits.count))
                    if let f = check(frameBits, minimumBytes: minimumBytes) { return f }
                }
                inFrame = true
                frameBits.removeAll(keepingCapacity: true)
            } else if ones == 5 {
                // Stuffed zero: dropped.
            } else if inFrame {
                frameBits.append(0)
            }
            ones = 0
            if frameBits.count > 8 * 2048 { inFrame = false; frameBits.removeAll(keepingCapacity: true) }
        }
        return nil
    }

    static func check(_ bits: [UInt8], minimumBytes: Int) -> [UInt8]? {
        guard bits.count % 8 == 0, bits.count / 8 >= minimumBytes + 2 else { return nil }
        var bytes = [UInt8](repeating: 0, count: bits.count / 8)
        for (i, b) in bits.enumerated() where b != 0 { bytes[i >> 3] |= 1 << UInt8(i & 7) }
        let body = Array(bytes[0..<(bytes.count - 2)])
        let fcs = crc16USB(body)
        guard bytes[bytes.count - 2] == UInt8(fcs & 0xFF), bytes[bytes.count - 1] == UInt8(fcs >> 8) else { return nil }
        return body
    }

    /// CRC-16/USB: reflected 0x8005 (0xA001), init 0xFFFF, final XOR 0xFFFF.
    public static func crc16USB(_ bytes: some Sequence<UInt8>) -> UInt16 {
        var crc: UInt16 = 0xFFFF
        for b in bytes {
            crc ^= UInt16(b)
            for _ in 0..<8 { crc = crc & 1 != 0 ? (crc >> 1) ^ 0xA001 : crc >> 1 }
        }
        return crc ^ 0xFFFF
    }

    // MARK: Encoding (tests, simulators)

    /// Channel bits for `frame`: a 0 bit, `preambleFlags` flags, the frame with its FCS (bit-stuffed), two closing
    /// flags, coded, inverted and interleaved (padded to a multiple of 8 info bits).
    public static func encode(_ frame: [UInt8], preambleFlags: Int = 8) -> [UInt8] {
        let flag: [UInt8] = [0, 1, 1, 1, 1, 1, 1, 0]
        // One leading bit puts the interleaver's 8-bit groups at the flags' last bit, as on the air
        // (the sync word starts there).
        var info: [UInt8] = [0]
        for _ in 0..<preambleFlags { info += flag }
        let fcs = crc16USB(frame)
        var ones = 0
        for byte in frame + [UInt8(fcs & 0xFF), UInt8(fcs >> 8)] {
            for i in 0..<8 {
                let b = (byte >> UInt8(i)) & 1
                info.append(b)
                if b == 1 {
                    ones += 1
                    if ones == 5 { info.append(0); ones = 0 }
                } else {
                    ones = 0
                }
            }
        }
        info += flag + flag
        while info.count % 8 != 0 { info.append(0) }
        var coded: [UInt8] = []
        var window: UInt8 = 0
        for b in info {
            window = (window >> 1) | (b << 4)
            coded.append(UInt8((window & taps.0).nonzeroBitCount & 1) ^ 1)
            coded.append(UInt8((window & taps.1).nonzeroBitCount & 1))
        }
        var out = coded
        for base in stride(from: 0, to: coded.count, by: 16) {
            for j in 0..<4 { for k in 0..<4 { out[base + 4 * k + j] = coded[base + 4 * j + k] } }
        }
        return out
    }
}
