/// SMOG-P / ATL-1 RA-coded frames ("SMOG-P RA") and SMOG-1's ("SMOG-1 RA"): FSK, NRZ, no scrambler.
///
/// Public description of the format: a sync word, then a 128- or 256-byte frame coded with the
/// repeat-accumulate code (`SMOGRACode`, 260 or 514 bytes on air). SMOG-P and ATL-1 use the 16-bit
/// sync `0x2DD4`; SMOG-1 uses the 48-bit `0x2DD463C53599` and ends its frames with a CRC-16/ARC over
/// the whole frame (the CRC of all bytes is 0; gr-satellites keeps the CRC bytes in the output).
///
/// Decoding is soft (belief propagation from the demodulator's soft symbols). SMOG-P frames have no
/// CRC, so the code itself is the check: a frame is emitted only when the decoded frame, re-encoded,
/// disagrees with the received hard decisions in at most `maxDisagreement` of the coded bits (a clean
/// frame: a few percent; noise, or a frame at a wrong offset: around 40 percent). SMOG-1 frames must
/// also pass the CRC.
public struct SMOGRADeframer: Deframer {
    public static let syncSMOGP: UInt64 = 0x2DD4
    public static let syncSMOG1: UInt64 = 0x2DD4_63C5_3599

    public struct Configuration: Sendable, Hashable {
        /// Frame size before coding, bytes (128 or 256 on the satellites).
        public var frameSize: Int
        /// SMOG-1 protocol: 48-bit sync word and CRC-16/ARC.
        public var smog1: Bool
        public var syncErrors: Int
        public var detectInverted: Bool
        /// Largest accepted fraction of coded bits that disagree with the re-encoded frame.
        public var maxDisagreement: Double
        public var framing: String
        public init(frameSize: Int = 128, smog1: Bool = false, syncErrors: Int? = nil, detectInverted: Bool = true, maxDisagreement: Double = 0.1, framing: String? = nil) {
            self.frameSize = frameSize
            self.smog1 = smog1
            self.syncErrors = max(0, min(syncErrors ?? (smog1 ? 6 : 0), smog1 ? 10 : 2))
            self.detectInverted = detectInverted
            self.maxDisagreement = max(0, min(maxDisagreement, 0.2))
            self.framing = framing ?? (smog1 ? "SMOG-1 RA" : "SMOG-P RA")
        }
    }

    struct Pending: Sendable {
        var soft: [UInt8]
        var inverted: Bool
    }

    public let configuration: Configuration
    let code: SMOGRACode?
    let syncWord: UInt64
    let syncBits: Int
    var register: UInt64 = 0
    var bitsSeen = 0
    var position = 0
    var pending: [Pending] = []
    var recent = RecentFrames()

    public init(_ configuration: Configuration = Configuration()) {
        self.configuration = configuration
        code = SMOGRACode(frameBytes: configuration.frameSize)
        syncWord = configuration.smog1 ? Self.syncSMOG1 : Self.syncSMOGP
        syncBits = configuration.smog1 ? 48 : 16
    }

    public mutating func process(_ symbols: UnsafeBufferPointer<UInt8>, into frames: inout [DecodedFrame]) {
        guard let code else { return }
        let needed = code.codedBytes * 8
        let mask: UInt64 = (1 << UInt64(syncBits)) - 1
        for s in symbols {
            position += 1
            bitsSeen += 1
            var k = 0
            while k < pending.count {
                pending[k].soft.append(s)
                if pending[k].soft.count == needed {
                    let p = pending.remove(at: k)
                    emit(p, code: code, into: &frames)
                    continue
                }
                k += 1
            }
            register = (register << 1 | (s >= 128 ? 1 : 0)) & mask
            guard bitsSeen >= syncBits, pending.count < 6 else { continue }
            let errors = (register ^ syncWord).nonzeroBitCount
            if errors <= configuration.syncErrors {
                pending.append(Pending(soft: [], inverted: false))
            } else if configuration.detectInverted && syncBits - errors <= configuration.syncErrors {
                pending.append(Pending(soft: [], inverted: true))
            }
        }
    }

    mutating func emit(_ p: Pending, code: SMOGRACode, into frames: inout [DecodedFrame]) {
        let sign: Float = p.inverted ? -1 : 1
        let llr = p.soft.map { sign * (127.5 - Float($0)) / 16 }
        guard let result = code.decode(llr) else { return }
        let total = llr.count
        guard Double(result.disagreements) <= configuration.maxDisagreement * Double(total) else { return }
        if configuration.smog1 && TT64Deframer.crc16ARC(result.frame) != 0 { return }
        if recent.isRepeat(result.frame, at: position, window: 2 * total) { return }
        frames.append(
            DecodedFrame(
                bytes: result.frame, framing: configuration.framing, checkPassed: true,
                correctedSymbols: result.disagreements, symbolPosition: position))
    }
}
