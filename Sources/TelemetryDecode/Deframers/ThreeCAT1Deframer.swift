/// 3CAT-1 custom framing (TI CC1101): sync word 0xD391D391 (sent MSB first), then 255 bytes
/// CC11xx-whitened (PN9) forming one Reed-Solomon (255,223) codeword with field polynomial 0x11D,
/// first consecutive root 1, primitive element 1 (α) and 32 parity bytes. Output is the 223 data bytes
/// (corrected), as gr-satellites' `decode_rs_general(0x11d, 1, 1, 32)`.
///
/// The sync word is searched with up to `syncErrors` bit errors in both polarities; an inverted hit
/// inverts the block that follows. `checkPassed` = RS decoding succeeded (on the hard bytes, or with the
/// weakest bytes erased: `ReedSolomonSoftErasures`); `correctedSymbols` = bytes corrected. A block RS
/// cannot decode is reported as failed, with the uncorrected data.
public struct ThreeCAT1Deframer: Deframer {
    public static let syncWord: UInt32 = 0xD391_D391
    public static let framingName = "3CAT-1"
    public static let blockLength = 255
    public static let dataLength = 223

    /// RS(255,223) over GF(2^8)/0x11D, fcr 1, prim 1.
    static let code: ReedSolomonCode? = {
        guard let field = try? GaloisField256(polynomial: 0x11D) else { return nil }
        return try? ReedSolomonCode(field: field, firstConsecutiveRoot: 1, primitiveElement: 1, parityCount: 32)
    }()

    public let syncErrors: Int
    var collector: SyncWordFrameCollector
    var completed: [SyncWordFrameCollector.Candidate] = []

    public init(syncErrors: Int = 4, detectInverted: Bool = true) {
        self.syncErrors = syncErrors
        collector = SyncWordFrameCollector(
            syncWord: UInt64(Self.syncWord), syncLength: 32, maxErrors: syncErrors, detectInverted: detectInverted,
            frameBits: 8 * Self.blockLength, keepSoftSymbols: true)
    }

    public mutating func reset() {
        collector.reset()
    }

    public mutating func process(_ symbols: UnsafeBufferPointer<UInt8>, into frames: inout [DecodedFrame]) {
        completed.removeAll(keepingCapacity: true)
        collector.collect(symbols, completed: &completed)
        for c in completed {
            if let frame = Self.decode(SyncWordFrameCollector.pack(c.bits), reliability: c.byteReliability(), end: c.end) {
                frames.append(frame)
            }
        }
    }

    static let softErasures = ReedSolomonSoftErasures(parity: 32)

    /// Decodes the 255 (whitened) bytes after the sync word; nil when there are fewer. `reliability`
    /// (per byte, optional) names the bytes to erase when hard decoding fails.
    public static func decode(_ whitened: [UInt8], reliability: [UInt8] = [], end: Int = 0) -> DecodedFrame? {
        guard whitened.count >= blockLength, let code else { return nil }
        var block = Array(whitened[0..<blockLength])
        CC11xxCoding.dewhiten(&block)
        let received = Array(block[0..<dataLength])
        do throws(ReedSolomonError) {
            let corrected = try code.decode(&block)
            return DecodedFrame(
                bytes: Array(block[0..<dataLength]), framing: framingName, checkPassed: true,
                correctedSymbols: corrected, symbolPosition: end)
        } catch {
            if reliability.count >= blockLength,
                let recovery = softErasures.recover(&block, reliability: Array(reliability[0..<blockLength]), code: code)
            {
                return DecodedFrame(
                    bytes: Array(block[0..<dataLength]), framing: framingName, checkPassed: true,
                    correctedSymbols: recovery.corrected, symbolPosition: end)
            }
            return DecodedFrame(bytes: received, framing: framingName, checkPassed: false, symbolPosition: end)
        }
    }

    /// The 255 whitened bytes that follow the sync word for a 223-byte `payload` (nil otherwise).
    public static func encode(_ payload: [UInt8]) -> [UInt8]? {
        guard payload.count == dataLength, let code, var block = try? code.encode(payload) else { return nil }
        CC11xxCoding.dewhiten(&block)
        return block
    }
}
