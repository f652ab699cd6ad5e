/// GomSpace NanoCom AX100 framings, both with the sync word 0x930B51DE (sent MSB first) unless
/// configured otherwise (FORESAIL-1 sends ASM+Golay frames behind the CCSDS ASM 0x1ACFFC1D):
///
/// - `.asmGolay` ("AX100 ASM+Golay"): `sync | Golay(24,12) length field (3 bytes) | length bytes`,
///   the bytes CCSDS-scrambled (unless `ccsdsScrambler` is off) and Reed-Solomon coded; decoded like
///   U482C with Viterbi off, scrambler on, RS on whatever the flags say, in a 255-byte window after
///   the sync word (so at most 252 coded bytes).
/// - `.reedSolomon` ("AX100 Reed Solomon", "mode 5"): the whole bit stream is G3RUH-scrambled
///   (1 + x^12 + x^17, self-synchronising; no NRZI), and after descrambling reads
///   `sync | L (1 byte) | L − 1 bytes RS codeword`, where L counts itself and the 32 parity bytes.
///   Output is the corrected data as received (as gr-satellites 4.4); `swapCSPHeader` optionally
///   byte-reverses the 4-byte CSP header as older gr-satellites versions did.
///
/// Both use RS(255,223) with CCSDS parameters in the conventional basis (libfec `decode_rs_8`),
/// shortened to the frame. `checkPassed` = RS succeeded; `correctedSymbols` = RS corrections;
/// the output has no RS parity. The sync word is searched with up to `syncErrors` bit errors in both
/// polarities; an inverted hit inverts the frame that follows.
public struct AX100Deframer: Deframer {
    public static let syncWord: UInt32 = 0x930B_51DE
    /// FORESAIL-1's sync word: the CCSDS attached sync marker (gr-satellites' framing "FORESAIL-1").
    public static let foresail1SyncWord: UInt32 = 0x1ACF_FC1D

    public enum Mode: Sendable, Hashable {
        case asmGolay
        case reedSolomon
    }

    public struct Configuration: Sendable, Hashable {
        public var mode: Mode
        /// ASM+Golay only: CCSDS scrambling of the coded bytes (gr-satellites' `scrambler: CCSDS`, the default).
        public var ccsdsScrambler: Bool
        /// Sync word bit errors tolerated (gr-satellites' default is 4).
        public var syncErrors: Int
        public var detectInverted: Bool
        /// Frame candidates collected at the same time.
        public var maxPendingFrames: Int
        /// Reed Solomon mode only: byte-reverse the 4-byte CSP header on output, as gr-satellites'
        /// 2016-2019 `ax100_decode` did. Off by default: gr-satellites 4.4 outputs the bytes as received
        /// (checked against its reference frames).
        public var swapCSPHeader: Bool
        public var syncWord: UInt32
        public var framing: String

        public init(
            mode: Mode, ccsdsScrambler: Bool = true, syncErrors: Int = 4, detectInverted: Bool = true,
            maxPendingFrames: Int = 4, swapCSPHeader: Bool = false, syncWord: UInt32 = AX100Deframer.syncWord,
            framing: String? = nil
        ) {
            self.mode = mode
            self.syncWord = syncWord
            self.ccsdsScrambler = ccsdsScrambler
            self.syncErrors = syncErrors
            self.detectInverted = detectInverted
            self.maxPendingFrames = maxPendingFrames
            self.swapCSPHeader = swapCSPHeader
            self.framing = framing ?? (mode == .asmGolay ? "AX100 ASM+Golay" : "AX100 Reed Solomon")
        }

        /// FORESAIL-1: ASM+Golay frames behind the CCSDS ASM.
        public static let foresail1 = Configuration(
            mode: .asmGolay, syncWord: AX100Deframer.foresail1SyncWord, framing: "FORESAIL-1")
    }

    public let configuration: Configuration
    var golay: U482CDeframer?
    var collector: GomSpaceSyncCollector
    var descrambler = G3RUHDescrambler()
    var rsStatistics = GomSpaceDeframerStatistics()
    var completed: [GomSpaceSyncCollector.Candidate] = []
    var bits: [UInt8] = []
    /// Sureness (|soft − 128|) of the last 17 channel symbols, oldest first: a descrambled bit is as
    /// sure as the weakest of the three channel bits it is made of.
    var channelReliability = [UInt8](repeating: 0, count: 17)
    var descrambledSoft: [UInt8] = []
    var position = 0

    public init(_ configuration: Configuration) {
        self.configuration = configuration
        collector = GomSpaceSyncCollector(
            syncWord: configuration.syncWord, maxErrors: configuration.syncErrors, detectInverted: configuration.detectInverted,
            headerBytes: 1, maxPending: configuration.maxPendingFrames, keepSoftSymbols: true)
        if configuration.mode == .asmGolay {
            golay = U482CDeframer(Self.golayConfiguration(configuration))
        }
    }

    public init(mode: Mode) { self.init(Configuration(mode: mode)) }

    static func golayConfiguration(_ c: Configuration) -> U482CDeframer.Configuration {
        U482CDeframer.Configuration(
            viterbi: .off, scrambler: c.ccsdsScrambler ? .on : .off, reedSolomon: .on, syncErrors: c.syncErrors,
            detectInverted: c.detectInverted, maxPendingFrames: c.maxPendingFrames, syncWord: c.syncWord,
            window: 255, framing: c.framing)
    }

    public var framing: String { configuration.framing }
    public var statistics: GomSpaceDeframerStatistics { golay?.statistics ?? rsStatistics }

    public mutating func reset() {
        golay?.reset()
        collector.reset()
        descrambler.reset()
        channelReliability = [UInt8](repeating: 0, count: 17)
        rsStatistics = GomSpaceDeframerStatistics()
        position = 0
    }

    public mutating func process(_ symbols: UnsafeBufferPointer<UInt8>, into frames: inout [DecodedFrame]) {
        if golay != nil {
            golay?.process(symbols, into: &frames)
            return
        }
        rsStatistics.symbols += symbols.count
        bits.removeAll(keepingCapacity: true)
        bits.append(contentsOf: symbols.lazy.map { $0 >= 128 ? 1 : 0 })
        bits.withUnsafeMutableBufferPointer { descrambler.process($0) }
        softenDescrambledBits(symbols)
        completed.removeAll(keepingCapacity: true)
        for (bit, soft) in zip(bits, descrambledSoft) {
            collector.push(
                bit, soft: soft, at: position, statistics: &rsStatistics,
                header: { header in
                    let length = Int(header.first ?? 0)
                    guard length >= Self.minimumLength else {
                        return .failure(.lengthTooShort(length: length, minimum: Self.minimumLength))
                    }
                    return .success(length)
                },
                completed: &completed)
            position += 1
        }
        for candidate in completed {
            do throws(GomSpaceFrameError) {
                let body = try Self.decodeReedSolomonFrame(
                    candidate.bytes, softSymbols: candidate.soft, swapCSPHeader: configuration.swapCSPHeader)
                if body.checkPassed { rsStatistics.framesPassed += 1 } else { rsStatistics.reedSolomonFailures += 1 }
                frames.append(
                    DecodedFrame(
                        bytes: body.bytes, framing: configuration.framing, checkPassed: body.checkPassed,
                        correctedSymbols: body.correctedSymbols, symbolPosition: candidate.end))
            } catch {
                rsStatistics.lengthRejected += 1
            }
        }
    }

    /// Soft symbols for the descrambled `bits` of `symbols` (out[n] = in[n] ^ in[n−12] ^ in[n−17]).
    mutating func softenDescrambledBits(_ symbols: UnsafeBufferPointer<UInt8>) {
        descrambledSoft.removeAll(keepingCapacity: true)
        var history = channelReliability
        history.reserveCapacity(17 + symbols.count)
        for s in symbols { history.append(s >= 128 ? s - 128 : 127 - s) }
        for i in 0..<symbols.count {
            let sure = min(history[i + 17], history[i + 5], history[i])
            descrambledSoft.append(bits[i] == 1 ? 128 + min(sure, 127) : 127 - sure)
        }
        channelReliability = Array(history.suffix(17))
    }

    /// Smallest Reed Solomon mode length byte: itself, one data byte and 32 parity bytes.
    public static let minimumLength = 1 + 1 + GomSpaceReedSolomon.parity

    /// A decoded Reed Solomon mode frame.
    public struct Body: Sendable, Hashable {
        public var bytes: [UInt8]
        public var correctedSymbols: Int
        public var checkPassed: Bool
        public var reedSolomonError: ReedSolomonError?
    }

    /// Decodes the (G3RUH-descrambled) bytes after the sync word of a Reed Solomon mode frame: the
    /// length byte, then the codeword. Extra bytes are ignored. A Reed-Solomon failure is reported in the
    /// body (with the uncorrected data); bad lengths and missing bytes throw.
    public static func decodeReedSolomonFrame(_ bytes: [UInt8], swapCSPHeader: Bool = false) throws(GomSpaceFrameError) -> Body {
        try decodeReedSolomonFrame(bytes, softSymbols: [], swapCSPHeader: swapCSPHeader)
    }

    /// `softSymbols`: descrambled soft symbols of the bytes after the length byte (may be empty); when
    /// Reed-Solomon fails on the hard bytes, they name the weak bytes to erase.
    static func decodeReedSolomonFrame(
        _ bytes: [UInt8], softSymbols: [UInt8], swapCSPHeader: Bool
    ) throws(GomSpaceFrameError) -> Body {
        guard let first = bytes.first else { throw .truncated(expected: 1, actual: 0) }
        let length = Int(first)
        guard length >= minimumLength else { throw .lengthTooShort(length: length, minimum: minimumLength) }
        guard bytes.count >= length else { throw .truncated(expected: length, actual: bytes.count) }
        var codeword = Array(bytes[1..<length])
        let dataCount = codeword.count - GomSpaceReedSolomon.parity
        var body: Body
        do throws(GomSpaceFrameError) {
            let corrected = try GomSpaceReedSolomon.decode(&codeword)
            body = Body(bytes: Array(codeword[0..<dataCount]), correctedSymbols: corrected, checkPassed: true)
        } catch {
            if let recovery = GomSpaceReedSolomon.recover(&codeword, softSymbols: softSymbols) {
                body = Body(bytes: Array(codeword[0..<dataCount]), correctedSymbols: recovery.corrected, checkPassed: true)
            } else {
                var rsError = ReedSolomonError.uncorrectable
                if case let .reedSolomon(e) = error { rsError = e }
                body = Body(
                    bytes: Array(bytes[1..<(1 + dataCount)]), correctedSymbols: 0, checkPassed: false, reedSolomonError: rsError)
            }
        }
        if swapCSPHeader && body.bytes.count >= 4 { body.bytes[0..<4].reverse() }
        return body
    }

    /// The bytes that follow the sync word of a Reed Solomon mode frame carrying `payload` (1...222
    /// bytes, as output by the decoder), before G3RUH scrambling.
    public static func encodeReedSolomonFrame(_ payload: [UInt8], swapCSPHeader: Bool = false) throws(GomSpaceFrameError) -> [UInt8] {
        guard payload.count + GomSpaceReedSolomon.parity + 1 <= 255 else {
            throw .lengthBeyondWindow(length: payload.count + GomSpaceReedSolomon.parity + 1, limit: 255)
        }
        var data = payload
        if swapCSPHeader && data.count >= 4 { data[0..<4].reverse() }
        let codeword = try GomSpaceReedSolomon.encode(data)
        return [UInt8(truncatingIfNeeded: codeword.count + 1)] + codeword
    }

    /// The bytes that follow the sync word of an ASM+Golay frame carrying `payload` (1...220 bytes).
    public static func encodeASMGolayFrame(_ payload: [UInt8], ccsdsScrambler: Bool = true) throws(GomSpaceFrameError) -> [UInt8] {
        guard payload.count + GomSpaceReedSolomon.parity <= 252 else {
            throw .lengthBeyondWindow(length: payload.count + GomSpaceReedSolomon.parity, limit: 252)
        }
        return try U482CDeframer.encodeFrame(payload, scrambled: ccsdsScrambler, reedSolomon: true)
    }

    /// Decodes the bytes after the sync word of an ASM+Golay frame.
    public static func decodeASMGolayFrame(_ bytes: [UInt8], ccsdsScrambler: Bool = true) throws(GomSpaceFrameError) -> U482CDeframer.Body {
        try U482CDeframer.decodeFrame(bytes, configuration: golayConfiguration(Configuration(mode: .asmGolay, ccsdsScrambler: ccsdsScrambler)))
    }
}
