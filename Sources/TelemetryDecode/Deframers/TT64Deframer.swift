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

    struct Pending: Sendable {
        var bytes: [UInt8]
        var bitCount = 0
        var inverted: Bool
        var syncErrors: Int
    }

    public let configuration: Configuration
    var register: UInt16 = 0
    var bitsSeen = 0
    var position = 0
    var pending: [Pending] = []
    var recent: [(bytes: [UInt8], position: Int)] = []

    /// RS(64, 48): field 0x11D, fcr 1, prim 1, 16 parity bytes.
    static let reedSolomon: ReedSolomonCode? = try? ReedSolomonCode(
        fieldPolynomial: 0x11D, firstConsecutiveRoot: 1, primitiveElement: 1, parityCount: 16)

    public init(_ configuration: Configuration = Configuration()) {
        self.configuration = configuration
    }

    public var framing: String { configuration.framing }

    public mutating func reset() {
        register = 0
        bitsSeen = 0
        position = 0
        pending.removeAll()
        recent.removeAll()
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
                if n + 1 == 8 * Self.blockLength {
                    let p = pending.remove(at: k)
                    emit(p, into: &frames)
                    continue
                }
                k += 1
            }
            register = register << 1 | UInt16(bit)
            guard bitsSeen >= 16, pending.count < configuration.maxPending else { continue }
            let errors = (register ^ Self.syncWord).nonzeroBitCount
            if errors <= maxErrors {
                pending.append(Pending(bytes: [UInt8](repeating: 0, count: Self.blockLength), inverted: false, syncErrors: errors))
            } else if configuration.detectInverted && 16 - errors <= maxErrors {
                pending.append(Pending(bytes: [UInt8](repeating: 0, count: Self.blockLength), inverted: true, syncErrors: 16 - errors))
            }
        }
    }

    mutating func emit(_ p: Pending, into frames: inout [DecodedFrame]) {
        guard let body = Self.decodeBlock(p.bytes) else { return }
        if !body.checkPassed && p.syncErrors > 0 { return }
        if body.checkPassed {
            recent.removeAll { position - $0.position > 16 * Self.blockLength }
            if recent.contains(where: { $0.bytes == body.bytes }) { return }
            recent.append((body.bytes, position))
        }
        frames.append(
            DecodedFrame(
                bytes: body.bytes, framing: configuration.framing, checkPassed: body.checkPassed,
                correctedSymbols: body.corrected, symbolPosition: position))
    }

    /// Decodes a 64-byte block: RS, then CRC. nil when the block has the wrong size.
    public static func decodeBlock(_ block: [UInt8]) -> (bytes: [UInt8], checkPassed: Bool, corrected: Int)? {
        guard block.count == blockLength, let rs = reedSolomon else { return nil }
        var codeword = block
        var corrected = 0
        var rsPassed = true
        do throws(ReedSolomonError) {
            corrected = try rs.decode(&codeword)
        } catch {
            rsPassed = false
            codeword = block
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
