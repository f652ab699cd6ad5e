/// EQUiSat framing (Brown University's EQUiSat, 435.55 MHz): a Pacific Crest XDL Micro radio in its
/// transparent 4-FSK mode at 4800 Bd (tones ±2400 and ±800 Hz; no scrambler, no radio FEC). Facts from
/// the satellite team's decoder (BrownSpaceEngineering/gr-equisat_decoder) and Daniel Estévez's analysis.
///
/// A packet on the air: a preamble of the outer tones, two low then two high (up to ~184 symbols), a
/// 24-symbol frame sync, then 80-symbol blocks of 18 bytes. Symbols carry two bits, Gray coded: outer +
/// = 01, inner + = 00, inner − = 10, outer − = 11. In each block, 8 groups of 10 symbols each start with
/// one overhead symbol; data symbol i of group k is symbol 8i + k of the block, and bytes 2i and 2i + 1
/// are the high and the low bits of symbols 8i...8i + 7 (first symbol = most significant bit).
/// The block bytes: 5 bytes of radio header, then EQUiSat's 255-byte packet: the callsign WL9XZE (6
/// bytes, outside the code) and a Reed-Solomon codeword of 249 bytes (217 data + 32 parity; field
/// polynomial 0x11D, roots α^1...α^32, the rscode library's code, shortened).
///
/// Receive: the demodulator gives symbol amplitudes (`FSKDemodulator` with 4 tones). A preamble is at
/// least 96 symbols that keep the two-low-two-high pattern (one odd symbol at a time is forgiven); its
/// levels give the DC and the outer level, and a decision-directed slicer follows the four levels
/// through the packet. The sync's length is known but not its content, so the first block is tried at
/// the expected symbol, up to two after it and eight before (a run can end late), in both polarities,
/// until the codeword decodes (with soft erasures when hard decoding fails). Output, as the team's decoder: the callsign and the 217 data bytes (223 bytes).
/// A packet whose codeword decodes gets the known callsign (its bytes are counted in
/// `correctedSymbols` when the received ones differ); one that does not is reported as failed only
/// when its callsign is within 8 bits of WL9XZE.
public struct EQUiSatDeframer: Deframer {
    public static let framingName = "EQUiSat"
    public static let callsign: [UInt8] = Array("WL9XZE".utf8)
    /// Shortest preamble accepted, in symbols (the satellite team's decoder's minimum).
    public static let minimumPreamble = 96
    public static let syncSymbols = 24
    public static let blockSymbols = 80
    public static let blockBytes = 18
    public static let headerBytes = 5
    public static let codewordBytes = 249
    public static let parity = 32
    /// Blocks that hold the header and the packet (5 + 255 bytes).
    public static let blocks = (headerBytes + callsign.count + codewordBytes + blockBytes - 1) / blockBytes
    /// Output: callsign and data bytes.
    public static let frameBytes = callsign.count + codewordBytes - parity
    /// First-block offsets tried around the expected one: the preamble's end is known to a symbol or two,
    /// and sync symbols that happen to continue the pattern make the run end late (each further symbol
    /// fits with a chance of about 1 in 4; 8 late: about 1 packet in 10^4 is lost).
    static let offsets = [0, -1, 1, -2, 2] + (3...8).map { -$0 }
    static let slack = 2
    /// Symbols collected after the preamble.
    static let window = syncSymbols - 1 + slack + blocks * blockSymbols

    static let reedSolomon: ReedSolomonCode = {
        // Fixed valid parameters: cannot fail.
        try! ReedSolomonCode(fieldPolynomial: 0x11D, firstConsecutiveRoot: 1, primitiveElement: 1, parityCount: parity)
    }()
    static let softErasures = ReedSolomonSoftErasures(parity: parity)

    struct Candidate {
        /// Stream position of `symbols[0]`: the first symbol after the preamble.
        var start: Int
        var dc: Float
        var outer: Float
        var symbols: [Float] = []
    }

    var position = 0
    /// The last four symbols, oldest first: a run starts with symbols close to the one four before and
    /// far from the one two before.
    var previous: (Float, Float, Float, Float) = (0, 0, 0, 0)
    var run = 0
    /// Mean of the run's symbols at each position modulo 4: once the run is long enough, each symbol is
    /// compared with these (so one odd symbol spoils no later comparison).
    var cycle: [Float] = [0, 0, 0, 0]
    var cycleCount: [Float] = [0, 0, 0, 0]
    /// Symbols since a symbol that did not fit the run, kept until it is clear whether the run goes on.
    var tail: [Float] = []
    var pending: [Candidate] = []

    public init() {}

    public mutating func process(_ symbols: UnsafeBufferPointer<UInt8>, into frames: inout [DecodedFrame]) {
        for s in symbols {
            let v = Float(s) - 128
            for i in pending.indices { pending[i].symbols.append(v) }
            if let first = pending.first, first.symbols.count >= Self.window {
                pending.removeFirst()
                if let frame = Self.decode(first) { frames.append(frame) }
            }
            track(v)
            position += 1
        }
    }

    /// End of input: packets cut short are decoded with the first-block offsets that still fit.
    public mutating func finish(into frames: inout [DecodedFrame]) {
        for c in pending {
            if let frame = Self.decode(c) { frames.append(frame) }
        }
        pending.removeAll()
    }

    /// Preamble detection. Two low, two high repeat every four symbols: a run starts with symbols close
    /// to the one four before and far from the one two before (by at least a sixth of full scale; the
    /// distance to the one four before within a third of that), so DC offsets do not matter. From 16
    /// symbols on, each symbol is compared with the run's mean at its place in the cycle instead, within
    /// a quarter of the high−low distance (an inner tone is a third away). A symbol that does not fit is forgiven when the next two fit
    /// (a noise spike); otherwise the run ends at it and, if long enough, a packet candidate starts there.
    mutating func track(_ v: Float) {
        let (fourBack, _, twoBack, _) = previous
        previous = (previous.1, previous.2, previous.3, v)
        let slot = position & 3
        let fits: Bool
        if run < 16 {
            let swing = abs(v - twoBack)
            fits = tail.isEmpty && swing >= 42 && abs(v - fourBack) <= swing / 3
        } else {
            let spread = cycle.max()! - cycle.min()!
            fits = abs(v - cycle[slot]) <= spread / 4
        }
        if fits {
            run += 1
            cycleCount[slot] += 1
            cycle[slot] += (v - cycle[slot]) / cycleCount[slot]
            if !tail.isEmpty {
                tail.append(v)
                if tail.count == 3 { tail.removeAll(keepingCapacity: true) }
            }
            return
        }
        if run >= 16, tail.isEmpty {
            tail.append(v)
            return
        }
        // The first four symbols of a preamble have nothing to compare with.
        if run >= Self.minimumPreamble - 4, pending.count < 4 {
            let sorted = cycle.sorted()
            let high = (sorted[2] + sorted[3]) / 2, low = (sorted[0] + sorted[1]) / 2
            pending.append(Candidate(
                start: position - tail.count, dc: (high + low) / 2, outer: (high - low) / 2, symbols: tail + [v]))
        }
        run = 0
        tail.removeAll(keepingCapacity: true)
        cycle = [0, 0, 0, 0]
        cycleCount = [0, 0, 0, 0]
    }

    /// Decodes a collected candidate: every first-block offset and polarity until one codeword decodes.
    static func decode(_ c: Candidate) -> DecodedFrame? {
        var failed: DecodedFrame? = nil
        for offset in offsets {
            let first = syncSymbols - 1 + offset
            guard first >= 0, first + blocks * blockSymbols <= c.symbols.count else { continue }
            for polarity: Float in [1, -1] {
                let end = c.start + first + blocks * blockSymbols
                let (bytes, soft) = slice(c.symbols[first..<(first + blocks * blockSymbols)], dc: c.dc, outer: c.outer, polarity: polarity)
                let callStart = headerBytes, codeStart = headerBytes + callsign.count
                let received = Array(bytes[callStart..<codeStart])
                var codeword = Array(bytes[codeStart..<(codeStart + codewordBytes)])
                var corrected: Int? = try? reedSolomon.decode(&codeword)
                if corrected == nil {
                    let reliability = ReedSolomonSoftErasures.byteReliability(soft[(8 * codeStart)..<(8 * (codeStart + codewordBytes))])
                    corrected = softErasures.recover(&codeword, reliability: reliability) { block, erasures in
                        try reedSolomon.decode(&block, erasures: erasures)
                    }?.corrected
                }
                if let corrected {
                    let callsignFixes = zip(received, callsign).filter { $0 != $1 }.count
                    return DecodedFrame(
                        bytes: callsign + codeword.prefix(codewordBytes - parity), framing: framingName, checkPassed: true,
                        correctedSymbols: corrected + callsignFixes, symbolPosition: end)
                }
                let bitErrors = zip(received, callsign).reduce(0) { $0 + ($1.0 ^ $1.1).nonzeroBitCount }
                if failed == nil, bitErrors <= 8 {
                    failed = DecodedFrame(
                        bytes: received + codeword.prefix(codewordBytes - parity), framing: framingName, checkPassed: false,
                        symbolPosition: end)
                }
            }
        }
        return failed
    }

    /// Slices `symbols` (whole blocks, centred amplitudes) into bytes, with one soft bit (0...255, 128 =
    /// unsure) per byte bit. The four levels start from the preamble's and follow each decision.
    static func slice(_ symbols: ArraySlice<Float>, dc: Float, outer: Float, polarity: Float) -> (bytes: [UInt8], soft: [UInt8]) {
        // Levels in the polarity-corrected frame, for symbols 0 (inner +), 1 (outer +), 2 (inner −), 3 (outer −).
        var level: [Float] = [outer / 3, outer, -outer / 3, -outer]
        let scale = 127 / max(outer, 1)
        var hard: [UInt8] = []
        var msbSoft: [UInt8] = []
        var lsbSoft: [UInt8] = []
        hard.reserveCapacity(symbols.count)
        for raw in symbols {
            let x = polarity * (raw - dc)
            var best = 0
            for k in 1..<4 where abs(x - level[k]) < abs(x - level[best]) { best = k }
            level[best] += (x - level[best]) / 16
            hard.append(UInt8(best))
            // High bit: 1 below zero (the midpoint of the inner levels); low bit: 1 beyond the
            // inner/outer threshold on its side.
            let zero = (level[0] + level[2]) / 2
            let threshold = x >= zero ? (level[0] + level[1]) / 2 : (level[2] + level[3]) / 2
            let outward = x >= zero ? x - threshold : threshold - x
            msbSoft.append(softBit((zero - x) * scale))
            lsbSoft.append(softBit(outward * scale * 2))
        }
        var bytes: [UInt8] = []
        var soft: [UInt8] = []
        bytes.reserveCapacity(blocks * blockBytes)
        soft.reserveCapacity(8 * blocks * blockBytes)
        for b in 0..<(hard.count / blockSymbols) {
            let base = b * blockSymbols
            for i in 0..<9 {
                var high: UInt8 = 0, low: UInt8 = 0
                var highSoft: [UInt8] = [], lowSoft: [UInt8] = []
                for k in 0..<8 {
                    let n = base + 10 * k + 1 + i
                    high = high << 1 | hard[n] >> 1
                    low = low << 1 | hard[n] & 1
                    highSoft.append(msbSoft[n])
                    lowSoft.append(lsbSoft[n])
                }
                bytes += [high, low]
                soft += highSoft + lowSoft
            }
        }
        return (bytes, soft)
    }

    static func softBit(_ v: Float) -> UInt8 { UInt8(128 + Int(min(127, max(-128, v)).rounded())) }

    /// The symbols (0...3) of the blocks that carry `payload` (217 bytes) as EQUiSat sends them: header
    /// (`header`, 5 bytes), callsign, codeword, zero fill to whole blocks; overhead symbols 0. Nil
    /// for another payload length.
    public static func encodeSymbols(_ payload: [UInt8], header: [UInt8] = [0xFF, 0x00, 0x02, 0x00, 0xFF]) -> [UInt8]? {
        guard payload.count == codewordBytes - parity, header.count == headerBytes,
            let parityBytes = try? reedSolomon.encode(payload)
        else { return nil }
        var bytes = header + callsign + payload + parityBytes.suffix(parity)
        bytes += [UInt8](repeating: 0, count: blocks * blockBytes - bytes.count)
        var out: [UInt8] = []
        for b in 0..<blocks {
            var block = [UInt8](repeating: 0, count: blockSymbols)
            for i in 0..<9 {
                let high = bytes[b * blockBytes + 2 * i], low = bytes[b * blockBytes + 2 * i + 1]
                for k in 0..<8 {
                    block[10 * k + 1 + i] = (high >> (7 - k) & 1) << 1 | low >> (7 - k) & 1
                }
            }
            out += block
        }
        return out
    }
}
