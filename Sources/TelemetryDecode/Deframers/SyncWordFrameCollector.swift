/// Streaming search for a sync word of up to 64 bits in hard bits, in either polarity, and
/// collection of the bits that follow each hit. Used by the small custom framings built on
/// transceiver chips (CC11xx packets, GEOSCAN, HADES, 3CAT-1, Lucky-7, IDEASSat, S-NET).
///
/// Every hit with at most `maxErrors` bit errors opens a candidate (up to `maxPending` at a time);
/// a candidate is complete after `frameBits` bits, or earlier when `length` (called once
/// `headerBits` bits have arrived) says fewer are needed. Bits of inverted hits are inverted back.
struct SyncWordFrameCollector: Sendable {
    struct Candidate: Sendable {
        /// Stream index of the first bit after the sync word.
        var start: Int
        var inverted: Bool
        var syncErrors: Int
        /// Hard bits (0/1), polarity-corrected.
        var bits: [UInt8] = []
        /// Soft symbols (polarity-corrected, 255 = strong 1), kept when `keepSoftSymbols`.
        var soft: [UInt8] = []
        var needed: Int
        var headerChecked = false
        /// Stream index just after the last collected bit.
        var end: Int { start + bits.count }
    }

    let syncWord: UInt64
    let syncLength: Int
    let mask: UInt64
    let maxErrors: Int
    let detectInverted: Bool
    let frameBits: Int
    let headerBits: Int
    let maxPending: Int
    let keepSoftSymbols: Bool
    /// Pending candidates a new sync hit makes pointless (e.g. ones that have collected only preamble
    /// flags, which the new hit starts after): removed at each hit, before the `maxPending` check.
    let supersededByHit: (@Sendable (Candidate) -> Bool)?
    var shift: UInt64 = 0
    var seen = 0
    /// Stream index of the next symbol `collect` takes.
    var position = 0
    var pending: [Candidate] = []
    /// Sync hits (both polarities) and hits dropped because too many candidates were open.
    var syncHits = 0
    var droppedHits = 0

    init(
        syncWord: UInt64, syncLength: Int, maxErrors: Int, detectInverted: Bool, frameBits: Int,
        headerBits: Int = 0, maxPending: Int = 8, keepSoftSymbols: Bool = false,
        supersededByHit: (@Sendable (Candidate) -> Bool)? = nil
    ) {
        self.keepSoftSymbols = keepSoftSymbols
        self.supersededByHit = supersededByHit
        let n = max(1, min(64, syncLength))
        self.syncLength = n
        self.mask = n == 64 ? ~0 : (UInt64(1) << UInt64(n)) - 1
        self.syncWord = syncWord & mask
        // With inversion detection, n/2 or more errors would match both polarities.
        self.maxErrors = max(0, min(maxErrors, detectInverted ? (n - 1) / 2 : n - 1))
        self.detectInverted = detectInverted
        self.frameBits = max(1, frameBits)
        self.headerBits = max(0, min(headerBits, self.frameBits))
        self.maxPending = max(1, maxPending)
    }

    mutating func reset() {
        shift = 0
        seen = 0
        position = 0
        pending.removeAll(keepingCapacity: true)
    }

    /// Feeds one hard bit (and, when `keepSoftSymbols`, its soft symbol) at stream index `position`; finished candidates go to `completed`.
    /// `length` gets the first `headerBits` bits and returns the total bit count wanted (clamped to
    /// `headerBits...frameBits`), or nil to drop the candidate.
    @inline(__always)
    mutating func push(
        _ bit: UInt8, soft symbol: UInt8 = 0, at position: Int, length: ([UInt8]) -> Int? = { _ in nil as Int? },
        completed: inout [Candidate]
    ) {
        let b = bit & 1
        if !pending.isEmpty {
            var k = 0
            while k < pending.count {
                pending[k].bits.append(pending[k].inverted ? b ^ 1 : b)
                if keepSoftSymbols { pending[k].soft.append(pending[k].inverted ? 255 - symbol : symbol) }
                var remove = false
                if !pending[k].headerChecked && headerBits > 0 && pending[k].bits.count == headerBits {
                    pending[k].headerChecked = true
                    if let total = length(pending[k].bits) {
                        pending[k].needed = max(headerBits, min(frameBits, total))
                    } else {
                        remove = true
                    }
                }
                if !remove && pending[k].bits.count >= pending[k].needed {
                    completed.append(pending[k])
                    remove = true
                }
                if remove { pending.remove(at: k) } else { k += 1 }
            }
        }
        shift = ((shift << 1) | UInt64(b)) & mask
        if seen < syncLength {
            seen += 1
            if seen < syncLength { return }
        }
        let errors = (shift ^ syncWord).nonzeroBitCount
        let inverted: Bool
        let e: Int
        if errors <= maxErrors {
            inverted = false
            e = errors
        } else if detectInverted && syncLength - errors <= maxErrors {
            inverted = true
            e = syncLength - errors
        } else {
            return
        }
        syncHits += 1
        if let superseded = supersededByHit { pending.removeAll(where: superseded) }
        guard pending.count < maxPending else {
            droppedHits += 1
            return
        }
        var c = Candidate(start: position + 1, inverted: inverted, syncErrors: e, needed: frameBits)
        c.bits.reserveCapacity(frameBits)
        if keepSoftSymbols { c.soft.reserveCapacity(frameBits) }
        pending.append(c)
    }

    /// Feeds soft symbols (hard decision at 128), keeping the stream position itself.
    mutating func collect(
        _ symbols: UnsafeBufferPointer<UInt8>, length: ([UInt8]) -> Int? = { _ in nil as Int? }, completed: inout [Candidate]
    ) {
        for s in symbols {
            push(s >= 128 ? 1 : 0, soft: s, at: position, length: length, completed: &completed)
            position += 1
        }
    }

    /// Packs hard bits MSB first into bytes (a trailing partial byte is dropped).
    static func pack<C: Collection>(_ bits: C) -> [UInt8] where C.Element == UInt8, C.Index == Int {
        var out: [UInt8] = []
        out.reserveCapacity(bits.count / 8)
        var i = bits.startIndex
        while i + 8 <= bits.endIndex {
            var v: UInt8 = 0
            for j in 0..<8 { v = (v << 1) | (bits[i + j] & 1) }
            out.append(v)
            i += 8
        }
        return out
    }
}

extension SyncWordFrameCollector.Candidate {
    /// Sureness of each whole byte from bit `from` on (`ReedSolomonSoftErasures.byteReliability`); empty
    /// without soft symbols.
    func byteReliability(fromBit from: Int = 0) -> [UInt8] {
        soft.count > from ? ReedSolomonSoftErasures.byteReliability(soft[from...]) : []
    }

    /// The frame `decode` makes of this candidate, with the policy the CRC framings share: a frame that
    /// fails after a near-exact sync word gets `softRepair` (when `tryRepair`), and a failed frame is
    /// reported only after such a sync word, since noise makes plenty of weaker hits. Nil: nothing to report.
    func checkedFrame(
        nearExact: Bool, repairCandidates: Int, fromBit: Int, tryRepair: Bool = true, decode: ([UInt8]) -> DecodedFrame?
    ) -> DecodedFrame? {
        guard var frame = decode(SyncWordFrameCollector.pack(bits)) else { return nil }
        if !frame.checkPassed && nearExact && tryRepair,
            let repaired = softRepair(candidates: repairCandidates, from: fromBit, decode: decode)
        {
            frame = repaired
        }
        return frame.checkPassed || nearExact ? frame : nil
    }

    /// Soft repair of a candidate whose check failed: flips one or two of the `candidates` least reliable
    /// bits from bit `from` on and returns the frame when exactly one pattern makes `decode` pass its
    /// check (`correctedSymbols` = bits flipped); nil when none or several do. Needs the soft symbols.
    func softRepair(candidates: Int, from: Int, decode: ([UInt8]) -> DecodedFrame?) -> DecodedFrame? {
        let n = min(bits.count, soft.count)
        guard n > from, candidates > 0 else { return nil }
        var order = Array(from..<n)
        order.sort { abs(Int(soft[$0]) - 128) < abs(Int(soft[$1]) - 128) }
        let weakest = Array(order.prefix(candidates))
        var found: DecodedFrame?
        var trial = bits
        func attempt(_ flips: [Int]) -> Bool {
            for i in flips { trial[i] ^= 1 }
            defer { for i in flips { trial[i] ^= 1 } }
            guard let f = decode(SyncWordFrameCollector.pack(trial)), f.checkPassed else { return true }
            if found != nil { found = nil; return false }
            var g = f
            g.correctedSymbols = flips.count
            found = g
            return true
        }
        for a in 0..<weakest.count {
            if !attempt([weakest[a]]) { return nil }
            for b in (a + 1)..<weakest.count where !attempt([weakest[a], weakest[b]]) { return nil }
        }
        return found
    }
}
