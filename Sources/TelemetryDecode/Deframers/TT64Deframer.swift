/// TT-64 framing (QB50 AT03 / AT04): FSK, NRZ, no scrambler.
///
/// Public description of the format: 16-bit sync word `0x2DD4` (MSB first), then a 64-byte block that
/// is a Reed-Solomon (64, 48) codeword over GF(2^8) with field polynomial 0x11D, first consecutive root
/// 1 and primitive element 1 (16 parity bytes, corrects 8 byte errors; a shortened RS(255, 239)).
/// The 48 data bytes end in a CRC-16/ARC (reflected poly 0x8005, init 0, no final XOR), sent low
/// byte first, so the CRC over all 48 bytes is 0. The output is the 46 bytes before the CRC.
///
/// `checkPassed` = RS decoding succeeded *and* the CRC matched; a failed candidate is reported with
/// `checkPassed == false` only when its sync word was exact (otherwise every 1-error sync look-alike in
/// noise would produce a failure). The sync word is searched with up to `syncErrors` bit errors (1 by
/// default, as gr-satellites) in the received polarity, and, with `detectInverted`, in the inverted one
/// (an inverted hit inverts the block).
public struct TT64Deframer: Deframer {
    public static let syncWord: UInt16 = 0x2DD4
    public static let blockLength = 64
    public static let dataLength = 48
    public static let frameLength = 46

    public struct Configuration: Sendable, Hashable {
        public var syncErrors: Int
        public var detectInverted: Bool
        public var maxPending: Int
        public var framing: String
        public init(syncErrors: Int = 1, detectInverted: Bool = true, maxPending: Int = 8, framing: String = "TT-64") {
            self.syncErrors = max(0, min(syncErrors, 4))
            self.detectInverted = detectInverted
            self.maxPending = max(1, maxPending)
            self.framing = framing
        }
    }

    public let configuration: Configuration
    var collector: SyncWordFrameCollector
    var position = 0
    var completed: [SyncWordFrameCollector.Candidate] = []
    var recent = RecentFrames()

    /// RS(64, 48): field 0x11D, fcr 1, prim 1, 16 parity bytes.
    static let reedSolomon: ReedSolomonCode? = try? ReedSolomonCode(
        fieldPolynomial: 0x11D, firstConsecutiveRoot: 1, primitiveElement: 1, parityCount: 16)

    public init(_ configuration: Configuration = Configuration()) {
        self.configuration = configuration
        collector = SyncWordFrameCollector(
            syncWord: UInt64(Self.syncWord), syncLength: 16, maxErrors: configuration.syncErrors,
            detectInverted: configuration.detectInverted, frameBits: 8 * Self.blockLength, maxPending: configuration.maxPending,
            keepSoftSymbols: true)
    }

    public var framing: String { configuration.framing }

    public mutating func reset() {
        collector.reset()
        position = 0
        recent.removeAll()
    }

    public mutating func process(_ symbols: UnsafeBufferPointer<UInt8>, into frames: inout [DecodedFrame]) {
        for s in symbols {
            position += 1
            collector.push(s >= 128 ? 1 : 0, soft: s, at: position, completed: &completed)
            guard !completed.isEmpty else { continue }
            for c in completed {
                emit(SyncWordFrameCollector.pack(c.bits), reliability: c.byteReliability(), syncErrors: c.syncErrors, into: &frames)
            }
            completed.removeAll(keepingCapacity: true)
        }
    }

    mutating func emit(_ block: [UInt8], reliability: [UInt8], syncErrors: Int, into frames: inout [DecodedFrame]) {
        guard let body = Self.decodeBlock(block, reliability: reliability) else { return }
        if !body.checkPassed && syncErrors > 0 { return }
        if body.checkPassed, recent.isRepeat(body.bytes, at: position, window: 16 * Self.blockLength) { return }
        frames.append(
            DecodedFrame(
                bytes: body.bytes, framing: configuration.framing, checkPassed: body.checkPassed,
                correctedSymbols: body.corrected, symbolPosition: position))
    }

    static let softErasures = ReedSolomonSoftErasures(parity: 16)

    /// Decodes a 64-byte block: RS (when hard decoding fails, again with the weakest bytes erased if
    /// `reliability` gives each byte's sureness), then CRC. nil when the block has the wrong size.
    public static func decodeBlock(_ block: [UInt8], reliability: [UInt8] = []) -> (bytes: [UInt8], checkPassed: Bool, corrected: Int)? {
        guard block.count == blockLength, let rs = reedSolomon else { return nil }
        var codeword = block
        var corrected = 0
        var rsPassed = true
        do throws(ReedSolomonError) {
            corrected = try rs.decode(&codeword)
        } catch {
            codeword = block
            if reliability.count >= blockLength,
                let recovery = softErasures.recover(&codeword, reliability: Array(reliability[0..<blockLength]), code: rs)
            {
                corrected = recovery.corrected
            } else {
                rsPassed = false
            }
        }
        let data = Array(codeword[0..<dataLength])
        let crcPassed = crc16ARC(data) == 0
        return (Array(data[0..<frameLength]), rsPassed && crcPassed, rsPassed ? corrected : 0)
    }

    /// CRC-16/ARC: reflected polynomial 0x8005 (0xA001), init 0, no final XOR.
    public static func crc16ARC(_ bytes: some Sequence<UInt8>) -> UInt16 {
        var crc: UInt16 = 0
        for b in bytes {
            crc ^= UInt16(b)
            for _ in 0..<8 { crc = crc & 1 != 0 ? (crc >> 1) ^ 0xA001 : crc >> 1 }
        }
        return crc
    }

    /// The 64-byte block (after the sync word) carrying `frame` (46 bytes; padded with zeros or cut).
    public static func encodeBlock(_ frame: [UInt8]) -> [UInt8] {
        var data = Array(frame.prefix(frameLength))
        if data.count < frameLength { data.append(contentsOf: repeatElement(0, count: frameLength - data.count)) }
        let crc = crc16ARC(data)
        data.append(UInt8(crc & 0xFF))
        data.append(UInt8(crc >> 8))
        guard let rs = reedSolomon, let parity = try? rs.encode(data) else { return data }
        return parity.count == blockLength ? parity : data + parity
    }
}
