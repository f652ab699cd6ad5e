/// MRC-100 RA framing ("MRC-100 RA"): FSK, NRZ, no scrambler, the repeat-accumulate code of SMOG-P
/// (`SMOGRACode`) with MRC-100's own sync word, frame size and CRC.
///
/// Facts (gr-satellites' SMOG-P RA deframer, MRC-100 variant, and its documentation; SatYAML MRC-100):
/// - sync word 0xE31C9DAE (32 bits, MSB first), gr-satellites' default threshold 4 bit errors;
/// - then a 126-byte frame RA-coded to 252 bytes (2016 bits, soft-decoded here);
/// - bytes 1 and 2 of the frame hold a CRC-16/CCITT-FALSE (poly 0x1021, init 0xFFFF, not reflected,
///   no final xor), low byte first, computed over byte 0 and bytes 3...125.
///
/// Output (`OutputOrder`): gr-satellites moves the CRC to the end to check it and then applies that
/// same move once more (its "inverse" block ignores its inverse flag), so what gr-satellites prints is
/// the frame rotated: byte 0, bytes 5...125, bytes 1...4. `.grSatellites` reproduces that exactly;
/// `.transmitted` gives the frame as sent (what the second move was meant to restore). The CRC bytes
/// are kept in both.
///
/// A frame is good when its CRC passes and the decoded frame, re-encoded, disagrees with the received
/// hard decisions in at most `maxDisagreement` of the coded bits (`correctedSymbols` = that count). A
/// frame whose CRC fails is reported (`checkPassed: false`) only after a sync word with at most
/// `reportFailedMaxSyncErrors` errors.
public struct MRC100RADeframer: Deframer {
    public static let framingName = "MRC-100 RA"
    public static let syncWord: UInt32 = 0xE31C_9DAE
    public static let defaultFrameSize = 126
    /// CRC-16/CCITT-FALSE (CRC-16/IBM-3740).
    public static let crc16 = CRCAlgorithm.ibm3740

    public enum OutputOrder: Sendable, Hashable {
        /// As gr-satellites prints it: byte 0, bytes 5..., bytes 1...4.
        case grSatellites
        /// As transmitted: CRC in bytes 1 and 2.
        case transmitted
    }

    public struct Configuration: Sendable, Hashable {
        /// Frame size before coding, bytes (126 on MRC-100; even, 8...4096).
        public var frameSize: Int
        public var syncErrors: Int
        public var detectInverted: Bool
        /// Largest accepted fraction of coded bits that disagree with the re-encoded frame.
        public var maxDisagreement: Double
        public var reportFailedMaxSyncErrors: Int
        public var outputOrder: OutputOrder
        public init(
            frameSize: Int = MRC100RADeframer.defaultFrameSize, syncErrors: Int = 4, detectInverted: Bool = true,
            maxDisagreement: Double = 0.1, reportFailedMaxSyncErrors: Int = 1, outputOrder: OutputOrder = .grSatellites
        ) {
            self.frameSize = frameSize
            self.syncErrors = max(0, min(syncErrors, 8))
            self.detectInverted = detectInverted
            self.maxDisagreement = max(0, min(maxDisagreement, 0.2))
            self.reportFailedMaxSyncErrors = reportFailedMaxSyncErrors
            self.outputOrder = outputOrder
        }
    }

    public let configuration: Configuration
    let code: SMOGRACode?
    var collector: SyncWordFrameCollector
    var completed: [SyncWordFrameCollector.Candidate] = []
    var position = 0
    var recent = RecentFrames()

    public init(_ configuration: Configuration = Configuration()) {
        self.configuration = configuration
        code = SMOGRACode(frameBytes: configuration.frameSize)
        collector = SyncWordFrameCollector(
            syncWord: UInt64(Self.syncWord), syncLength: 32, maxErrors: configuration.syncErrors,
            detectInverted: configuration.detectInverted, frameBits: 8 * (code?.codedBytes ?? 1), maxPending: 4,
            keepSoftSymbols: true)
    }

    public mutating func process(_ symbols: UnsafeBufferPointer<UInt8>, into frames: inout [DecodedFrame]) {
        guard let code else { return }
        completed.removeAll(keepingCapacity: true)
        for s in symbols {
            collector.push(s >= 128 ? 1 : 0, soft: s, at: position, completed: &completed)
            position += 1
        }
        for c in completed { decode(c, code: code, into: &frames) }
    }

    mutating func decode(_ c: SyncWordFrameCollector.Candidate, code: SMOGRACode, into frames: inout [DecodedFrame]) {
        // Soft symbols are already polarity-corrected; positive LLR = 0, as SMOGRACode wants.
        let llr = c.soft.map { (127.5 - Float($0)) / 16 }
        guard let result = code.decode(llr) else { return }
        let crcOK = Self.crcMatches(result.frame)
        let codeOK = Double(result.disagreements) <= configuration.maxDisagreement * Double(llr.count)
        let good = crcOK && codeOK
        // Noise makes plenty of 4-error sync hits; a failed frame is worth reporting only after a
        // near-exact one.
        guard good || c.syncErrors <= configuration.reportFailedMaxSyncErrors else { return }
        let bytes = Self.output(result.frame, order: configuration.outputOrder)
        if good && recent.isRepeat(bytes, at: c.end, window: 2 * llr.count) { return }
        frames.append(
            DecodedFrame(
                bytes: bytes, framing: Self.framingName, checkPassed: good,
                correctedSymbols: good ? result.disagreements : 0, symbolPosition: c.end))
    }

    /// Whether the CRC in bytes 1-2 (low byte first) matches byte 0 and bytes 3... of a decoded frame.
    public static func crcMatches(_ frame: [UInt8]) -> Bool {
        guard frame.count >= 3 else { return false }
        return crc(frame) == UInt16(frame[1]) | UInt16(frame[2]) << 8
    }

    /// The CRC MRC-100 puts in bytes 1-2: over byte 0 and bytes 3... of `frame`.
    public static func crc(_ frame: [UInt8]) -> UInt16 {
        var s = crc16.stream()
        s.update(frame[0..<1])
        s.update(frame[3...])
        return UInt16(truncatingIfNeeded: s.value)
    }

    /// The transmitted frame (CRC in bytes 1-2) rearranged as `order` says.
    public static func output(_ frame: [UInt8], order: OutputOrder) -> [UInt8] {
        guard order == .grSatellites, frame.count >= 5 else { return frame }
        return [frame[0]] + frame[5...] + frame[1..<5]
    }

    /// The frame for `payload` (frame size − 2 bytes: byte 0, then bytes 3...): the CRC put in bytes 1-2.
    public static func frame(payload: [UInt8]) -> [UInt8] {
        precondition(!payload.isEmpty)
        var f = [payload[0], 0, 0] + payload[1...]
        let crc = crc(f)
        f[1] = UInt8(crc & 0xFF)
        f[2] = UInt8(crc >> 8)
        return f
    }

    /// The coded bytes sent after the sync word for `payload` (frame size − 2 bytes), or nil when the
    /// frame size is not one the RA code takes.
    public static func encode(_ payload: [UInt8]) -> [UInt8]? {
        guard let code = SMOGRACode(frameBytes: payload.count + 2) else { return nil }
        return code.encode(frame(payload: payload))
    }
}
