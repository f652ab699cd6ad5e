/// YUSAT framing: the ad-hoc AX.25-like protocol of YUSAT-1 (NORAD 47439, 436.250 MHz, 9600 baud FSK,
/// AX.25 telemetry, per the gr-satellites SatYAML file and supported-satellites list).
///
/// Facts, from gr-satellites' YUSAT deframer (read for facts only): an HDLC flag 0x7E, searched with
/// no bit errors, then the frame and its FCS up to the next byte-aligned 0x7E, with no NRZI, no
/// scrambling and no bit stuffing; bits are packed MSB first. gr-satellites looks at the 256 bytes
/// after the opening flag and takes, in order, each 0x7E byte among them as the closing flag; the
/// first cut whose last two bytes are the CRC-16/X.25 (polynomial 0x1021, initial 0xFFFF, reflected,
/// final XOR 0xFFFF, low byte first) of the bytes before them is output without the FCS.
///
/// Differences from gr-satellites, both deliberate: a frame whose data holds a 0x7E byte is found
/// (gr-satellites computes the later cuts from a wrong offset and loses it); frames shorter than
/// `minimumLength` bytes (default 15, an AX.25 address field and control byte) are not reported
/// (gr-satellites outputs any that pass the FCS).
///
/// A flag directly followed by another flag opens no frame (the later flag does). The flag is searched
/// in both polarities (FSK); an inverted flag inverts the frame that follows. With an 8-bit sync word
/// and a 16-bit check, random input yields a frame passing the FCS about once in 10^7 bits;
/// `requireAX25Addresses` (off by default, as gr-satellites) removes nearly all of them by also asking
/// for two plausible AX.25 addresses (`AX25BitRepair.plausibleAddresses`).
///
/// Soft repair: when a cut fails its FCS, one or two of the `repairCandidates` least reliable bits of
/// the cut are tried flipped; a repaired frame is accepted only when exactly one pattern passes and it
/// carries plausible AX.25 addresses. Failed frames are not reported: without a length field the
/// extent of a damaged frame is unknown.
public struct YUSATDeframer: Deframer {
    public static let framingName = "YUSAT"
    public static let flag: UInt8 = 0x7E
    /// Bytes after the opening flag that gr-satellites looks at (closing flag included).
    public static let window = 256
    static let fcs = CRCAlgorithm.x25

    public var minimumLength: Int
    public var requireAX25Addresses: Bool
    public var repairCandidates = 10
    /// Frames being collected at most (random bits open one every 128 bits, each lasts ≤ 2048 bits).
    public var maxPending = 64
    let detectInverted: Bool

    struct Candidate {
        var inverted: Bool
        /// Soft symbols after the flag, polarity-corrected.
        var soft: [UInt8] = []
        var bytes: [UInt8] = []
        var partial: UInt8 = 0
    }

    var pending: [Candidate] = []
    var shift: UInt8 = 0
    var seen = 0
    var position = 0

    public init(minimumLength: Int = 15, requireAX25Addresses: Bool = false, detectInverted: Bool = true) {
        self.minimumLength = max(1, minimumLength)
        self.requireAX25Addresses = requireAX25Addresses
        self.detectInverted = detectInverted
    }

    public mutating func reset() {
        pending.removeAll()
        shift = 0
        seen = 0
        position = 0
    }

    public mutating func process(_ symbols: UnsafeBufferPointer<UInt8>, into frames: inout [DecodedFrame]) {
        for s in symbols {
            let bit: UInt8 = s >= 128 ? 1 : 0
            var k = 0
            while k < pending.count {
                // Taken out so that its buffers stay uniquely referenced while they grow.
                var c = pending[k]
                pending[k] = Candidate(inverted: false)
                if step(&c, symbol: s, into: &frames) {
                    pending[k] = c
                    k += 1
                } else {
                    pending.remove(at: k)
                }
            }
            shift = shift << 1 | bit
            seen = min(seen + 1, 8)
            if seen == 8 && pending.count < maxPending {
                if shift == Self.flag {
                    pending.append(Candidate(inverted: false))
                } else if detectInverted && shift == ~Self.flag {
                    pending.append(Candidate(inverted: true))
                }
            }
            position += 1
        }
    }

    /// Feeds one symbol to a candidate; false when it is finished (frame found, or nothing to find).
    func step(_ c: inout Candidate, symbol s: UInt8, into frames: inout [DecodedFrame]) -> Bool {
        let soft = c.inverted ? 255 - s : s
        c.soft.append(soft)
        c.partial = c.partial << 1 | (soft >= 128 ? 1 : 0)
        guard c.soft.count % 8 == 0 else { return true }
        let byte = c.partial
        if byte == Self.flag {
            // A flag right after the opening one: this was preamble, the later flag opens the frame.
            if c.bytes.isEmpty { return false }
            if let frame = check(c) {
                frames.append(frame)
                return false
            }
        }
        c.bytes.append(byte)
        return c.bytes.count < Self.window
    }

    /// The frame when the bytes collected so far (before a 0x7E) pass the FCS, directly or repaired.
    func check(_ c: Candidate) -> DecodedFrame? {
        guard c.bytes.count >= minimumLength + 2 else { return nil }
        let end = position + 1
        if let frame = Self.decode(c.bytes, end: end), frame.checkPassed,
           !requireAX25Addresses || AX25BitRepair.plausibleAddresses(frame.bytes) {
            return frame
        }
        return repair(c, end: end)
    }

    /// Flips one or two of the weakest bits of the cut; the frame when exactly one pattern passes the
    /// FCS, and it carries plausible AX.25 addresses.
    func repair(_ c: Candidate, end: Int) -> DecodedFrame? {
        let n = 8 * c.bytes.count
        guard repairCandidates > 0 else { return nil }
        // The weakest bits, kept sorted by sureness (insertion into a short list).
        var weakest: [(index: Int, sureness: Int)] = []
        for i in 0..<n {
            let sureness = abs(Int(c.soft[i]) - 128)
            if weakest.count == repairCandidates, sureness >= weakest[weakest.count - 1].sureness { continue }
            let at = weakest.firstIndex { $0.sureness > sureness } ?? weakest.count
            weakest.insert((i, sureness), at: at)
            if weakest.count > repairCandidates { weakest.removeLast() }
        }
        var trial = c.bytes
        var found: DecodedFrame?
        func flip(_ i: Int) { trial[i >> 3] ^= 0x80 >> UInt8(i & 7) }
        func attempt(_ flips: [Int]) -> Bool {
            for i in flips { flip(i) }
            defer { for i in flips { flip(i) } }
            guard let f = Self.decode(trial, end: end), f.checkPassed else { return true }
            if found != nil { found = nil; return false }
            var g = f
            g.correctedSymbols = flips.count
            found = g
            return true
        }
        for a in 0..<weakest.count {
            if !attempt([weakest[a].index]) { return nil }
            for b in (a + 1)..<weakest.count where !attempt([weakest[a].index, weakest[b].index]) { return nil }
        }
        guard let f = found, AX25BitRepair.plausibleAddresses(f.bytes) else { return nil }
        return f
    }

    /// Decodes the bytes between the flags (frame and FCS); nil when fewer than 3.
    public static func decode(_ cut: [UInt8], end: Int = 0) -> DecodedFrame? {
        guard cut.count > 2 else { return nil }
        let body = cut[0..<(cut.count - 2)]
        let sent = UInt32(cut[cut.count - 2]) | UInt32(cut[cut.count - 1]) << 8
        return DecodedFrame(bytes: Array(body), framing: framingName, checkPassed: fcs.checksum(body) == sent, symbolPosition: end)
    }

    /// The bytes sent for `frame`: opening flag, frame, FCS (low byte first), closing flag; nil when the
    /// frame is empty or does not fit gr-satellites' 256-byte window (253 bytes at most).
    public static func encode(_ frame: [UInt8]) -> [UInt8]? {
        guard !frame.isEmpty, frame.count + 2 < window else { return nil }
        let value = fcs.checksum(frame)
        return [flag] + frame + [UInt8(truncatingIfNeeded: value), UInt8(truncatingIfNeeded: value >> 8), flag]
    }
}
