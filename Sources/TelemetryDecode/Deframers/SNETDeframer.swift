/// S-NET custom framing (TU Berlin): 32-bit sync word 0x04CF5FC8 (sent MSB first), then
///
/// - the LTU header: 210 bits = 14 BCH(15,5,7) codewords interleaved (bit i of codeword j is bit
///   14·i + j); the 5 data bits of each, last first, give 70 header bits: SrcId 7, DstId 7, FrCntTx 4,
///   FrCntRx 4, SNR 4, AiTypeSrc 4, AiTypeDst 4, DfcId 2, six flags, PduLength 10, CRC13 13, CRC5 5;
/// - the PDU: uncoded (AiTypeSrc 0) or in blocks of 16 BCH codewords (AiTypeSrc 1: (15,11),
///   2: (15,7), 3: (15,5)) interleaved the same way (bit i of codeword j is bit 16·i + j); the data
///   bits of a block, in order, form bytes sent least significant bit first; PduLength bytes are kept.
///
/// With `Checks.onBoard` (S-NET) both checks follow the satellites' (buggy) implementation as
/// gr-satellites documents it: CRC-5 (polynomial 0x15, initial 0x1F) over the first 65 header bits +
/// 1011011 with the 9 bytes taken in reverse order and byte 4 replaced by byte 3; CRC-13 (0x1CF5,
/// initial 0x1FFF, feedback when the top bit OR the data bit is set) over the PDU bytes in reverse
/// order. `Checks.fixed` is the corrected framing SALSAT flies (gr-satellites' `buggy_crc` off): the
/// same CRC-5 over the bits in order, and a plain CRC-13 over the PDU bytes in order, each most
/// significant bit first. Output: the PDU bytes.
///
/// Frames whose header fails BCH or CRC-5 are dropped (nothing to report); a PDU that fails BCH or
/// CRC-13 is reported as failed. The sync word is searched in both polarities with up to
/// `syncErrors` bit errors.
public struct SNETDeframer: Deframer {
    public static let syncWord: UInt32 = 0x04CF_5FC8
    public static let framingName = "S-NET"
    static let headerBits = 210
    static let maxBits = 8 * 512

    /// Which CRC implementations the transmitter uses.
    public enum Checks: Sendable, Hashable {
        /// S-NET's on-board implementation, with its bugs.
        case onBoard
        /// The corrected one (SALSAT).
        case fixed

        var framing: String { self == .onBoard ? SNETDeframer.framingName : "SALSAT" }
    }

    /// SALSAT's CRC-13 (check value of "123456789": 0x0356).
    static let fixedCRC13 = CRCAlgorithm(name: "CRC-13/SALSAT", width: 13, polynomial: 0x1CF5, initial: 0x1FFF, reflected: false, xorOut: 0)

    public struct Header: Sendable, Hashable {
        public var srcId: Int
        public var dstId: Int
        public var aiTypeSrc: Int
        public var pduLength: Int
        public var crc13: Int
        public var crc5: Int
        /// Correction count of the header's BCH codewords.
        public var corrected: Int
    }

    public let syncErrors: Int
    public let checks: Checks
    var collector: SyncWordFrameCollector
    var completed: [SyncWordFrameCollector.Candidate] = []
    var position = 0

    public init(syncErrors: Int = 4, detectInverted: Bool = true, checks: Checks = .onBoard) {
        self.syncErrors = syncErrors
        self.checks = checks
        collector = SyncWordFrameCollector(
            syncWord: UInt64(Self.syncWord), syncLength: 32, maxErrors: syncErrors, detectInverted: detectInverted,
            frameBits: Self.maxBits, headerBits: Self.headerBits, maxPending: 8)
    }

    public mutating func reset() {
        collector.reset()
        position = 0
    }

    public mutating func process(_ symbols: UnsafeBufferPointer<UInt8>, into frames: inout [DecodedFrame]) {
        completed.removeAll(keepingCapacity: true)
        let checks = checks
        for s in symbols {
            collector.push(s >= 128 ? 1 : 0, at: position, length: { Self.frameBits($0, checks: checks) }, completed: &completed)
            position += 1
        }
        for c in completed {
            if let frame = Self.decode(bits: c.bits, end: c.end, checks: checks) { frames.append(frame) }
        }
    }

    /// PDU data bits per codeword and the code, by AiTypeSrc (nil: uncoded).
    static func pduCode(_ aiType: Int) -> SNETBCH15?? {
        switch aiType {
        case 0: return .some(nil)
        case 1: return .some(.d3)
        case 2: return .some(.d5)
        case 3: return .some(.d7)
        default: return nil
        }
    }

    /// Bits of the whole frame (header included) from its first 210 bits, or nil to drop it.
    static func frameBits(_ bits: [UInt8], checks: Checks) -> Int? {
        guard let h = header(bits, checks: checks), let code = pduCode(h.aiTypeSrc) else { return nil }
        let total = headerBits + (code.map { blocks(h.pduLength, $0) * 240 } ?? 8 * h.pduLength)
        return total <= maxBits ? total : nil
    }

    /// BCH blocks (16 codewords) that carry `length` PDU bytes.
    static func blocks(_ length: Int, _ code: SNETBCH15) -> Int {
        let perBlock = 16 * code.dataBits / 8
        return (length + perBlock - 1) / perBlock
    }

    /// CRC-5 of the header's first 65 bits (+ 1011011), as `checks` computes it.
    static func crc5(_ header65: [UInt8], checks: Checks) -> Int {
        var crcBits = Array(header65[0..<65]) + [1, 0, 1, 1, 0, 1, 1]
        if checks == .onBoard {
            var rows = (0..<9).map { Array(crcBits[(8 * $0)..<(8 * $0 + 8)]) }
            rows.reverse()
            rows[4] = rows[3]
            crcBits = rows.flatMap { $0 }
        }
        var crc = 0x1F
        for b in crcBits {
            let c = (crc >> 4) & 1
            crc = (crc << 1) & 0x1F
            if c != Int(b & 1) { crc ^= 0x15 }
        }
        return crc
    }

    /// CRC-13 of the PDU, as `checks` computes it.
    static func crc13(_ pdu: [UInt8], checks: Checks) -> Int {
        guard checks == .onBoard else { return Int(fixedCRC13.checksum(pdu)) }
        var crc = 0x1FFF
        for byte in pdu.reversed() {
            for k in (0..<8).reversed() {
                let bit = Int(byte >> UInt8(k)) & 1
                let c = (crc >> 12) & 1
                crc = (crc << 1) & 0x1FFF
                if c == 1 || bit == 1 { crc ^= 0x1CF5 }
            }
        }
        return crc
    }

    /// Decodes and checks the LTU header (first 210 bits); nil when BCH or CRC-5 fails or the PDU is empty.
    public static func header(_ bits: [UInt8], checks: Checks = .onBoard) -> Header? {
        guard bits.count >= headerBits else { return nil }
        var data: [UInt8] = []
        data.reserveCapacity(72)
        var corrected = 0
        for j in 0..<14 {
            var word = ArraySlice((0..<15).map { bits[14 * $0 + j] })
            let r = SNETBCH15.d7.decode(&word)
            guard r.ok else { return nil }
            corrected += r.corrected
            for i in (10..<15).reversed() { data.append(word[i]) }
        }
        func field(_ from: Int, _ n: Int) -> Int { (from..<(from + n)).reduce(0) { ($0 << 1) | Int(data[$1]) } }
        let h = Header(
            srcId: field(0, 7), dstId: field(7, 7), aiTypeSrc: field(26, 4), pduLength: field(42, 10),
            crc13: field(52, 13), crc5: field(65, 5), corrected: corrected)
        guard crc5(data, checks: checks) == h.crc5, h.pduLength > 0 else { return nil }
        return h
    }

    /// Decodes the bits after the sync word; nil when the header is not valid or bits are missing.
    public static func decode(bits: [UInt8], end: Int = 0, checks: Checks = .onBoard) -> DecodedFrame? {
        guard let h = header(bits, checks: checks), let code = pduCode(h.aiTypeSrc) else { return nil }
        var dataBits: [UInt8] = []
        var ok = true
        var corrected = h.corrected
        if let code {
            let n = blocks(h.pduLength, code)
            guard bits.count >= headerBits + 240 * n else { return nil }
            for k in 0..<n {
                let base = headerBits + 240 * k
                for j in 0..<16 {
                    var word = ArraySlice((0..<15).map { bits[base + 16 * $0 + j] })
                    let r = code.decode(&word)
                    if !r.ok { ok = false }
                    corrected += r.corrected
                    dataBits.append(contentsOf: word[(15 - code.dataBits)..<15])
                }
            }
        } else {
            guard bits.count >= headerBits + 8 * h.pduLength else { return nil }
            dataBits = Array(bits[headerBits..<(headerBits + 8 * h.pduLength)])
        }
        guard dataBits.count >= 8 * h.pduLength else { return nil }
        // Bytes are sent least significant bit first.
        var pdu = [UInt8](repeating: 0, count: h.pduLength)
        for i in 0..<h.pduLength {
            var v: UInt8 = 0
            for k in 0..<8 { v |= (dataBits[8 * i + k] & 1) << UInt8(k) }
            pdu[i] = v
        }
        if crc13(pdu, checks: checks) != h.crc13 { ok = false }
        return DecodedFrame(bytes: pdu, framing: checks.framing, checkPassed: ok, correctedSymbols: corrected, symbolPosition: end)
    }
}
