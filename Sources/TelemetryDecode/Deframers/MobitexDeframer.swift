/// Mobitex and Mobitex-NX framing (TU Berlin's BEESAT, TechnoSat, TUBIN; AMGU-1, SOKRAT): FSK, NRZ.
///
/// Public description of the format (TU Berlin's TNC-NX documentation and D. Estévez's notes on BEESAT):
/// a 16-bit frame sync, `0x5765` (Mobitex) or `0x0EF0` (Mobitex-NX), then
/// - two control bytes and one FEC byte: its high nibble is the (12, 8) parity of the first control byte,
///   its low nibble that of the second; the low 5 bits of the first control byte are the number of data
///   blocks less one;
/// - Mobitex-NX only: six callsign bytes and their CRC-16/XMODEM, high byte first (not BEESAT-1; plain
///   Mobitex, e.g. AMGU-1, sends the data blocks right after the control bytes);
/// - 1 to 32 data blocks of 30 bytes. A block is 240 bits: scrambled by a 9-stage LFSR (x⁹ + x⁵ + 1,
///   all ones at the first block of a frame, running on through the frame's blocks), written into a
///   12-row × 20-column matrix by rows and read by columns, then 20 (12, 8) codewords (two per three bytes)
///   whose 8 data bits carry 18 message bytes and their CRC-16/X-25, high byte first.
///
/// The (12, 8) code corrects one bit per codeword. The callsign and its CRC are corrected by flipping up
/// to `callsignBitFlips` bits (fewest first). When the satellite's callsign is known (TUBIN DP0TBN,
/// BEESAT-9 DP0BEM, a catalogue entry's `callsign`), they are instead accepted within
/// `knownCallsignBitErrors` of it and its CRC, and replaced by them: 64 known bits make a far stronger
/// check than the CRC alone. Output, as TU Berlin's ground software and gr-satellites produce it (a
/// TUBiX20 "master frame"): control bytes, callsign and callsign CRC (when sent), the 18 message bytes
/// of each block, then `0xAA`, a 32-bit little-endian mask of the blocks whose CRC failed, `0xBB`.
/// `checkPassed` = every block's CRC matched; a frame with some bad blocks is reported failed, one whose
/// blocks all failed is not reported (a false sync that passed the header checks by chance).
///
/// Frames shorter than their control byte says: AMGU-1 and SOKRAT announce 9 or 30 blocks but send 6,
/// and the next frame's sync follows the sixth block. When at least `minimumLeadingBlocks` blocks
/// pass their CRC and every block after them fails, the frame is output as those blocks alone (the
/// control bytes as sent, an empty bad-block mask): every byte of it passed a CRC. Two leading
/// blocks make a false sync's chance of passing 2⁻³², against 2⁻¹⁶ for one.
public struct MobitexDeframer: Deframer {
    public static let syncMobitex: UInt16 = 0x5765
    public static let syncNX: UInt16 = 0x0EF0
    public static let blockLength = 30
    public static let messageLength = 18
    public static let maxBlocks = 32

    public enum Variant: String, Sendable, Hashable, CaseIterable {
        /// As the framing has it: a callsign in Mobitex-NX, none in Mobitex; the block count from the control byte.
        case standard
        /// Mobitex-NX without the callsign.
        case beesat1 = "BEESAT-1"
        /// Always 32 blocks, whatever the control byte says.
        case beesat9 = "BEESAT-9"
    }

    public struct Configuration: Sendable, Hashable {
        public var nx: Bool
        public var variant: Variant
        public var syncErrors: Int
        public var callsignBitFlips: Int
        /// The satellite's callsign field as sent, when known: 6 ASCII characters (padded with spaces)
        /// and their CRC (`callsignField`); the initializer takes the callsign as text.
        public var knownCallsign: [UInt8]?
        /// Bit errors accepted in the 64 bits of a known callsign and its CRC (gr-satellites: 12).
        public var knownCallsignBitErrors: Int
        public var detectInverted: Bool
        public var maxPending: Int
        /// Good blocks needed before the first bad one to output a frame cut after them (0: never cut).
        public var minimumLeadingBlocks: Int
        public var framing: String
        public init(
            nx: Bool = false, variant: Variant = .standard, syncErrors: Int = 2, callsignBitFlips: Int = 2, detectInverted: Bool = true,
            maxPending: Int = 16, minimumLeadingBlocks: Int = 2, knownCallsign: String? = nil, knownCallsignBitErrors: Int = 12,
            framing: String? = nil
        ) {
            self.knownCallsign = knownCallsign.map { Self.callsignField($0) }
            self.knownCallsignBitErrors = max(0, min(knownCallsignBitErrors, 16))
            self.minimumLeadingBlocks = minimumLeadingBlocks > 0 ? max(2, minimumLeadingBlocks) : 0
            self.nx = nx
            self.variant = variant
            self.syncErrors = max(0, min(syncErrors, 4))
            self.callsignBitFlips = max(0, min(callsignBitFlips, 3))
            self.detectInverted = detectInverted
            self.maxPending = max(1, maxPending)
            self.framing = framing ?? (nx ? "Mobitex-NX" : "Mobitex")
        }

        /// The 8 callsign bytes as sent: 6 ASCII characters (cut or padded with spaces) and their
        /// CRC-16/XMODEM, high byte first.
        static func callsignField(_ callsign: String) -> [UInt8] {
            let ascii = Array(callsign.utf8.prefix(6))
            let text = ascii + [UInt8](repeating: 0x20, count: 6 - ascii.count)
            let crc = UInt16(CRCAlgorithm.xmodem.checksum(text))
            return text + [UInt8(crc >> 8), UInt8(crc & 0xFF)]
        }
    }

    struct Pending: Sendable {
        var bytes: [UInt8]
        var bitCount = 0
        var inverted: Bool
        /// Bytes to collect: the header, then the header and the blocks once the header is read.
        var needed: Int
        var headerRead = false
        var corrected = 0
    }

    public let configuration: Configuration
    let syncWord: UInt16
    let headerLength: Int
    var register: UInt16 = 0
    var bitsSeen = 0
    var position = 0
    var pending: [Pending] = []
    var recent = RecentFrames()

    public init(_ configuration: Configuration = Configuration()) {
        self.configuration = configuration
        syncWord = configuration.nx ? Self.syncNX : Self.syncMobitex
        headerLength = configuration.nx && configuration.variant != .beesat1 ? 11 : 3
    }

    public mutating func process(_ symbols: UnsafeBufferPointer<UInt8>, into frames: inout [DecodedFrame]) {
        let maxErrors = configuration.syncErrors
        for s in symbols {
            let bit: UInt8 = s >= 128 ? 1 : 0
            position += 1
            bitsSeen += 1
            var k = 0
            while k < pending.count {
                let n = pending[k].bitCount
                if (bit != 0) != pending[k].inverted { pending[k].bytes[n >> 3] |= 0x80 >> UInt8(n & 7) }
                pending[k].bitCount = n + 1
                if n + 1 == 8 * pending[k].needed {
                    if !pending[k].headerRead {
                        // The header decides the length; a header that fails its checks ends the candidate.
                        if readHeader(&pending[k]) { k += 1 } else { pending.remove(at: k) }
                        continue
                    }
                    emit(pending.remove(at: k), into: &frames)
                    continue
                }
                k += 1
            }
            register = register << 1 | UInt16(bit)
            guard bitsSeen >= 16, pending.count < configuration.maxPending else { continue }
            let errors = (register ^ syncWord).nonzeroBitCount
            let capacity = headerLength + Self.maxBlocks * Self.blockLength
            if errors <= maxErrors {
                pending.append(Pending(bytes: [UInt8](repeating: 0, count: capacity), inverted: false, needed: headerLength))
            } else if configuration.detectInverted && 16 - errors <= maxErrors {
                pending.append(Pending(bytes: [UInt8](repeating: 0, count: capacity), inverted: true, needed: headerLength))
            }
        }
    }

    /// End of input: a frame whose header was read yields its complete blocks (as a frame cut short,
    /// so at least `minimumLeadingBlocks` of them); SOKRAT's recording ends before the 30 blocks its
    /// control byte announces.
    public mutating func finish(into frames: inout [DecodedFrame]) {
        let waiting = pending
        pending.removeAll()
        guard configuration.minimumLeadingBlocks > 0 else { return }
        for var p in waiting where p.headerRead {
            let complete = (p.bitCount / 8 - headerLength) / Self.blockLength
            guard complete >= configuration.minimumLeadingBlocks else { continue }
            p.needed = headerLength + complete * Self.blockLength
            emit(p, into: &frames)
        }
    }

    /// Corrects the header in place and sets how many bytes the frame has; false when it is not a header.
    func readHeader(_ p: inout Pending) -> Bool {
        p.headerRead = true
        guard let c0 = MobitexCode.decode(UInt16(p.bytes[0]) << 4 | UInt16(p.bytes[2] >> 4)),
              let c1 = MobitexCode.decode(UInt16(p.bytes[1]) << 4 | UInt16(p.bytes[2] & 0x0F))
        else { return false }
        p.bytes[0] = c0.byte
        p.bytes[1] = c1.byte
        p.bytes[2] = MobitexCode.parity(c0.byte) << 4 | MobitexCode.parity(c1.byte)
        p.corrected += c0.corrected + c1.corrected
        if headerLength > 3, let known = configuration.knownCallsign {
            let errors = zip(p.bytes[3..<11], known).reduce(0) { $0 + ($1.0 ^ $1.1).nonzeroBitCount }
            guard errors <= configuration.knownCallsignBitErrors else { return false }
            p.bytes.replaceSubrange(3..<11, with: known)
            p.corrected += errors
        } else if headerLength > 3 {
            guard let flips = Self.correctCallsign(&p.bytes, maxFlips: configuration.callsignBitFlips) else { return false }
            // A callsign is printable ASCII; a false sync rarely passes this and the CRC together.
            guard p.bytes[3..<9].allSatisfy({ $0 >= 0x20 && $0 < 0x7F }) else { return false }
            p.corrected += flips
        }
        let blocks = configuration.variant == .beesat9 ? Self.maxBlocks : Int(p.bytes[0] & 0x1F) + 1
        p.needed = headerLength + blocks * Self.blockLength
        return true
    }

    /// Makes bytes 3..<9 (callsign) and 9..<11 (its CRC, high byte first) agree by flipping the fewest bits,
    /// at most `maxFlips`; returns how many were flipped, nil when none within the limit does.
    static func correctCallsign(_ bytes: inout [UInt8], maxFlips: Int) -> Int? {
        // CRC-16/XMODEM is linear: flipping bit i changes (CRC of callsign) XOR (received CRC) by delta[i].
        let syndrome = UInt16(CRCAlgorithm.xmodem.checksum(bytes[3..<9])) ^ (UInt16(bytes[9]) << 8 | UInt16(bytes[10]))
        if syndrome == 0 { return 0 }
        let deltas = callsignDeltas
        func flip(_ i: Int) { bytes[3 + i / 8] ^= 0x80 >> UInt8(i % 8) }
        if maxFlips >= 1, let i = deltas.firstIndex(of: syndrome) {
            flip(i)
            return 1
        }
        guard maxFlips >= 2 else { return nil }
        for i in 0..<deltas.count {
            for j in (i + 1)..<deltas.count where deltas[i] ^ deltas[j] == syndrome {
                flip(i)
                flip(j)
                return 2
            }
        }
        guard maxFlips >= 3 else { return nil }
        for i in 0..<deltas.count {
            for j in (i + 1)..<deltas.count {
                let partial = deltas[i] ^ deltas[j] ^ syndrome
                for m in (j + 1)..<deltas.count where deltas[m] == partial {
                    flip(i)
                    flip(j)
                    flip(m)
                    return 3
                }
            }
        }
        return nil
    }

    /// The syndrome change of flipping each of the 64 callsign + CRC bits (MSB first).
    static let callsignDeltas: [UInt16] = (0..<64).map { i in
        if i < 48 {
            var b = [UInt8](repeating: 0, count: 6)
            b[i / 8] = 0x80 >> UInt8(i % 8)
            return UInt16(CRCAlgorithm.xmodem.checksum(b))
        }
        return UInt16(0x8000) >> UInt16(i - 48)
    }

    mutating func emit(_ p: Pending, into frames: inout [DecodedFrame]) {
        var frame = Self.decodeFrame(p.bytes[0..<p.needed], headerLength: headerLength)
        guard frame.goodBlocks > 0 else { return }
        // Good blocks, then only bad ones: the frame ended after the good ones.
        let leading = frame.badBlockMask.trailingZeroBitCount
        if frame.badBlockMask != 0, configuration.minimumLeadingBlocks > 0, leading >= configuration.minimumLeadingBlocks,
            frame.goodBlocks == leading
        {
            frame = Self.decodeFrame(p.bytes[0..<headerLength + leading * Self.blockLength], headerLength: headerLength)
        }
        let good = frame.badBlockMask == 0
        if good {
            if recent.isRepeat(frame.bytes, at: position, window: 8 * 2 * p.needed) { return }
        }
        frames.append(
            DecodedFrame(
                bytes: frame.bytes, framing: configuration.framing, checkPassed: good,
                correctedSymbols: p.corrected + frame.corrected, symbolPosition: position))
    }

    /// Decodes the data blocks after a corrected header into a master frame.
    public static func decodeFrame(_ raw: ArraySlice<UInt8>, headerLength: Int)
        -> (bytes: [UInt8], badBlockMask: UInt32, goodBlocks: Int, corrected: Int)
    {
        let raw = Array(raw)
        var out: [UInt8] = Array(raw[0..<2])
        if headerLength > 3 { out += raw[3..<11] }
        var scrambler = MobitexScrambler()
        var mask: UInt32 = 0
        var good = 0
        var corrected = 0
        let blocks = (raw.count - headerLength) / blockLength
        for b in 0..<blocks {
            let start = headerLength + b * blockLength
            let block = decodeBlock(raw[start..<start + blockLength], scrambler: &scrambler)
            out += block.message
            corrected += block.corrected
            if block.crcOK { good += 1 } else { mask |= 1 << UInt32(b) }
        }
        out.append(0xAA)
        out += [UInt8(mask & 0xFF), UInt8(mask >> 8 & 0xFF), UInt8(mask >> 16 & 0xFF), UInt8(mask >> 24)]
        out.append(0xBB)
        return (out, mask, good, corrected)
    }

    /// One 30-byte block: descrambled, de-interleaved, (12, 8)-decoded; the 18 message bytes and whether
    /// their CRC matched.
    static func decodeBlock(_ block: ArraySlice<UInt8>, scrambler: inout MobitexScrambler)
        -> (message: [UInt8], crcOK: Bool, corrected: Int)
    {
        var bits = [UInt8](repeating: 0, count: 240)
        var k = 0
        for byte in block {
            for shift in stride(from: 7, through: 0, by: -1) {
                bits[k] = (byte >> UInt8(shift) & 1) ^ scrambler.next()
                k += 1
            }
        }
        // Written by rows of 20, read by columns of 12.
        var codewords = [UInt16](repeating: 0, count: 20)
        for c in 0..<20 {
            for r in 0..<12 {
                let index = c * 12 + r
                codewords[index / 12] |= UInt16(bits[r * 20 + c]) << UInt16(11 - index % 12)
            }
        }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(20)
        var corrected = 0
        var uncorrectable = false
        for w in codewords {
            if let d = MobitexCode.decode(w) {
                bytes.append(d.byte)
                corrected += d.corrected
            } else {
                bytes.append(UInt8(w >> 4))
                uncorrectable = true
            }
        }
        let message = Array(bytes[0..<messageLength])
        let crc = UInt16(bytes[18]) << 8 | UInt16(bytes[19])
        let ok = !uncorrectable && UInt16(CRCAlgorithm.x25.checksum(message)) == crc
        return (message, ok, corrected)
    }
}

/// Mobitex's (12, 8) code: 8 data bits and 4 parity bits, each parity bit the even parity of the data
/// bits a row of its check matrix selects; corrects one bit error per codeword.
public enum MobitexCode {
    /// Check matrix rows over the 8 data bits (MSB first), for parity bits 3…0.
    static let rows: [UInt8] = [0xEC, 0xD3, 0xBA, 0x75]

    /// The 4 parity bits of a data byte.
    public static func parity(_ byte: UInt8) -> UInt8 {
        var p: UInt8 = 0
        for (i, row) in rows.enumerated() { p |= UInt8((byte & row).nonzeroBitCount & 1) << UInt8(3 - i) }
        return p
    }

    /// The 12-bit codeword of a data byte (data in the high 8 bits).
    public static func encode(_ byte: UInt8) -> UInt16 { UInt16(byte) << 4 | UInt16(parity(byte)) }

    /// Syndrome → the bit (0 = least significant of the 12) a single error there produces.
    static let errorBit: [Int8] = {
        var table = [Int8](repeating: -1, count: 16)
        for bit in 0..<12 { table[Int(syndrome(1 << UInt16(bit)))] = Int8(bit) }
        return table
    }()

    static func syndrome(_ w: UInt16) -> UInt8 { parity(UInt8(w >> 4)) ^ UInt8(w & 0x0F) }

    /// The data byte of a received codeword, with one bit error corrected; nil when the syndrome is not
    /// that of a single error.
    public static func decode(_ w: UInt16) -> (byte: UInt8, corrected: Int)? {
        let s = syndrome(w & 0x0FFF)
        if s == 0 { return (UInt8(w >> 4 & 0xFF), 0) }
        let bit = errorBit[Int(s)]
        guard bit >= 0 else { return nil }
        return (UInt8((w ^ (1 << UInt16(bit))) >> 4 & 0xFF), 1)
    }
}

/// Mobitex's block scrambler: a 9-stage LFSR (x⁹ + x⁵ + 1) starting at all ones, XORed onto the bits.
struct MobitexScrambler: Sendable {
    var register: UInt16 = 0x1FF

    mutating func next() -> UInt8 {
        let out = UInt8(register & 1)
        if (register ^ register >> 4) & 1 == 1 { register |= 0x200 }
        register = register >> 1 & 0x1FF
        return out
    }
}
