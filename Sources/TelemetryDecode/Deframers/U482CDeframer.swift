/// GomSpace NanoCom U482C framing (and, with other parameters, the AX100 "ASM+Golay" mode):
///
/// ```
/// sync word (32 bits) | Golay(24,12) length field (3 bytes) | `length` coded bytes
/// ```
/// The length field (see `GomSpaceLengthField`) carries the coded length and three flags that say
/// how the bytes were coded, applied by the receiver in this order: Viterbi (r = 1/2, K = 7; `length`
/// coded bytes carry `length / 2 − 1` bytes), CCSDS descrambling, then Reed-Solomon RS(255,223) in the
/// conventional basis, shortened (its 32 parity bytes are removed from the output).
///
/// Input is soft symbols (0 = strong 0, 255 = strong 1), sliced at 128 except for the Viterbi decoder,
/// which gets the soft symbols themselves. The sync word is searched with
/// up to `syncErrors` bit errors in both polarities (FSK audio can come out inverted); an inverted hit
/// inverts the bits that follow. Each flag can be forced on/off or follow the frame (`.auto`).
///
/// Frames: `checkPassed` is true only when Reed-Solomon was applied and succeeded (a frame without RS
/// has no integrity check and is emitted with `checkPassed == false`); `correctedSymbols` counts RS
/// corrections. Frames whose Golay field is uncorrectable or whose length does not fit are counted in
/// `statistics` and not emitted.
///
/// The convolutional code is K = 7, r = 1/2 with polynomials 0o133 (first symbol) and 0o171 (second),
/// neither inverted, starting in state 0; the coder appends one zero byte, so `length` coded bytes
/// hold `length / 2 − 1` data bytes and the decoder ends in state 0 after 6 of those 8 tail bits.
public struct U482CDeframer: Deframer {
    /// U482C sync word, sent MSB first.
    public static let syncWord: UInt32 = 0xC3AA_6655

    /// The U482C convolutional code: G1 = 0o133 sent first, G2 = 0o171 second, no inversion
    /// (Karn's `V27POLYA`, `V27POLYB` = 0x6d, 0x4f in gr-satellites' `u482c_decode`).
    public static let convolutionalCode: ConvolutionalCode? = try? ConvolutionalCode(g1: 0o133, g2: 0o171)

    /// Whether a decoding step is applied.
    public enum Step: Sendable, Hashable {
        /// As the frame's length-field flag says.
        case auto
        case on
        case off

        func applies(flag: Bool) -> Bool {
            switch self {
            case .auto: flag
            case .on: true
            case .off: false
            }
        }
    }

    public struct Configuration: Sendable, Hashable {
        public var viterbi: Step
        public var scrambler: Step
        public var reedSolomon: Step
        /// Sync word bit errors tolerated (gr-satellites' default is 4).
        public var syncErrors: Int
        /// Also accept the complemented sync word and invert the frame that follows.
        public var detectInverted: Bool
        /// Frame candidates collected at the same time (a false sync hit must not hide a real one).
        public var maxPendingFrames: Int
        public var syncWord: UInt32
        /// Bytes after the sync word a frame may occupy, length field included (U482C: 258).
        public var window: Int
        public var framing: String

        public init(
            viterbi: Step = .auto, scrambler: Step = .auto, reedSolomon: Step = .auto, syncErrors: Int = 4,
            detectInverted: Bool = true, maxPendingFrames: Int = 4, syncWord: UInt32 = U482CDeframer.syncWord,
            window: Int = 258, framing: String = "U482C"
        ) {
            self.viterbi = viterbi
            self.scrambler = scrambler
            self.reedSolomon = reedSolomon
            self.syncErrors = syncErrors
            self.detectInverted = detectInverted
            self.maxPendingFrames = maxPendingFrames
            self.syncWord = syncWord
            self.window = window
            self.framing = framing
        }
    }

    /// A decoded frame body.
    public struct Body: Sendable, Hashable {
        public var field: GomSpaceLengthField
        /// Payload: Viterbi-decoded, descrambled, RS-corrected and without parity, as applicable.
        public var bytes: [UInt8]
        public var correctedSymbols: Int
        /// Reed-Solomon was applied and succeeded.
        public var checkPassed: Bool
        /// Why Reed-Solomon failed (nil when it passed or was not applied).
        public var reedSolomonError: ReedSolomonError?
    }

    public let configuration: Configuration
    public private(set) var statistics = GomSpaceDeframerStatistics()
    var collector: GomSpaceSyncCollector
    var completed: [GomSpaceSyncCollector.Candidate] = []
    var viterbiDecoder: ViterbiDecoder?
    var position = 0

    public init(_ configuration: Configuration = Configuration()) {
        self.configuration = configuration
        collector = GomSpaceSyncCollector(
            syncWord: configuration.syncWord, maxErrors: configuration.syncErrors,
            detectInverted: configuration.detectInverted, headerBytes: 3,
            maxPending: configuration.maxPendingFrames,
            keepSoftSymbols: configuration.viterbi != .off || configuration.reedSolomon != .off)
        if configuration.viterbi != .off, let code = Self.convolutionalCode {
            viterbiDecoder = ViterbiDecoder(code: code)
        }
    }

    public var framing: String { configuration.framing }

    /// Forgets partial frames, the stream position and the counters.
    public mutating func reset() {
        collector.reset()
        statistics = GomSpaceDeframerStatistics()
        position = 0
    }

    public mutating func process(_ symbols: UnsafeBufferPointer<UInt8>, into frames: inout [DecodedFrame]) {
        let cfg = configuration
        statistics.symbols += symbols.count
        completed.removeAll(keepingCapacity: true)
        for s in symbols {
            let bit: UInt8 = s >= 128 ? 1 : 0
            collector.push(
                bit, soft: s, at: position, statistics: &statistics,
                header: { header in
                    do throws(GomSpaceFrameError) {
                        let field = try GomSpaceLengthField.decode(header)
                        try Self.validate(field, configuration: cfg)
                        return .success(3 + field.length)
                    } catch {
                        return .failure(error)
                    }
                },
                completed: &completed)
            position += 1
        }
        for candidate in completed { emit(candidate, into: &frames) }
    }

    mutating func emit(_ candidate: GomSpaceSyncCollector.Candidate, into frames: inout [DecodedFrame]) {
        do throws(GomSpaceFrameError) {
            let body = try Self.decodeFrame(
                candidate.bytes, softSymbols: candidate.soft, configuration: configuration, viterbi: &viterbiDecoder)
            if body.checkPassed { statistics.framesPassed += 1 }
            if body.reedSolomonError != nil { statistics.reedSolomonFailures += 1 }
            frames.append(
                DecodedFrame(
                    bytes: body.bytes, framing: configuration.framing, checkPassed: body.checkPassed,
                    correctedSymbols: body.correctedSymbols, symbolPosition: candidate.end))
        } catch {
            switch error {
            case .viterbiUnsupported: statistics.viterbiUnsupported += 1
            case .golayUncorrectable: statistics.golayFailures += 1
            default: statistics.lengthRejected += 1
            }
        }
    }

    /// Checks that a length field describes a frame this configuration can decode.
    static func validate(_ field: GomSpaceLengthField, configuration cfg: Configuration) throws(GomSpaceFrameError) {
        let limit = cfg.window - 3
        guard field.length <= limit else { throw .lengthBeyondWindow(length: field.length, limit: max(0, limit)) }
        let viterbi = cfg.viterbi.applies(flag: field.viterbi)
        let rs = cfg.reedSolomon.applies(flag: field.reedSolomon)
        if viterbi && convolutionalCode == nil { throw .viterbiUnsupported }
        let data = rs ? GomSpaceReedSolomon.parity + 1 : 1
        let minimum = viterbi ? 2 * (data + 1) : data
        guard field.length >= minimum else { throw .lengthTooShort(length: field.length, minimum: minimum) }
    }

    /// Decodes the bytes that follow the sync word (length field first; extra bytes are ignored).
    /// Hard decisions only (a Viterbi-coded frame is decoded from them). Throws for an uncorrectable
    /// length field, a length that does not fit or too few bytes; a Reed-Solomon failure is reported in
    /// the returned body.
    public static func decodeFrame(_ bytes: [UInt8], configuration: Configuration = Configuration()) throws(GomSpaceFrameError) -> Body {
        var viterbi: ViterbiDecoder? = convolutionalCode.map { ViterbiDecoder(code: $0) }
        return try decodeFrame(bytes, softSymbols: [], configuration: configuration, viterbi: &viterbi)
    }

    /// `softSymbols`: the symbols after the length field, polarity-corrected (may be empty: the hard
    /// bytes are used instead).
    static func decodeFrame(
        _ bytes: [UInt8], softSymbols: [UInt8], configuration: Configuration, viterbi: inout ViterbiDecoder?
    ) throws(GomSpaceFrameError) -> Body {
        let field = try GomSpaceLengthField.decode(bytes)
        try validate(field, configuration: configuration)
        guard bytes.count >= 3 + field.length else { throw .truncated(expected: 3 + field.length, actual: bytes.count) }
        var packet = Array(bytes[3..<(3 + field.length)])
        // The channel symbols of a Viterbi-coded packet, kept for soft decisions should RS fail.
        var codedSymbols: [UInt8] = []
        if configuration.viterbi.applies(flag: field.viterbi) {
            // length / 2 − 1 data bytes, plus the 6 tail bits that end in state 0.
            let dataBytes = field.length / 2 - 1
            let symbolCount = 2 * (8 * dataBytes + ConvolutionalCode.tailLength)
            var symbols = softSymbols
            if symbols.count < symbolCount {
                symbols.removeAll(keepingCapacity: true)
                for b in packet {
                    for i in (0..<8).reversed() { symbols.append((b >> UInt8(i)) & 1 == 1 ? 255 : 0) }
                }
            }
            if viterbi == nil, let code = convolutionalCode { viterbi = ViterbiDecoder(code: code) }
            guard symbols.count >= symbolCount, viterbi != nil,
                let decoded = try? viterbi?.decodePacked(Array(symbols[0..<symbolCount]), termination: .zeroTail),
                decoded.count == dataBytes
            else { throw .viterbiUnsupported }
            packet = decoded
            codedSymbols = Array(symbols[0..<symbolCount])
        }
        if configuration.scrambler.applies(flag: field.scrambled) {
            CCSDSRandomizer.apply(to: &packet)
        }
        guard configuration.reedSolomon.applies(flag: field.reedSolomon) else {
            return Body(field: field, bytes: packet, correctedSymbols: 0, checkPassed: false, reedSolomonError: nil)
        }
        var codeword = packet
        let dataCount = packet.count - GomSpaceReedSolomon.parity
        do throws(GomSpaceFrameError) {
            let corrected = try GomSpaceReedSolomon.decode(&codeword)
            return Body(
                field: field, bytes: Array(codeword[0..<dataCount]), correctedSymbols: corrected, checkPassed: true,
                reedSolomonError: nil)
        } catch {
            // Which bytes are weak: not Viterbi-coded, the soft symbols are the packet's own bits; coded, the
            // soft Viterbi output says.
            var softBits = softSymbols
            if !codedSymbols.isEmpty, let code = convolutionalCode {
                var map = MaxLogMAPDecoder(code: code)
                softBits = (try? map.decode(codedSymbols, termination: .zeroTail)) ?? []
            }
            if let recovery = GomSpaceReedSolomon.recover(&codeword, softSymbols: softBits) {
                return Body(
                    field: field, bytes: Array(codeword[0..<dataCount]), correctedSymbols: recovery.corrected,
                    checkPassed: true, reedSolomonError: nil)
            }
            let rsError: ReedSolomonError
            if case let .reedSolomon(e) = error { rsError = e } else { rsError = .uncorrectable }
            return Body(
                field: field, bytes: Array(packet[0..<dataCount]), correctedSymbols: 0, checkPassed: false,
                reedSolomonError: rsError)
        }
    }

    /// Builds the bytes that follow the sync word for `payload` (1...223 bytes with RS): length field,
    /// then the payload with RS parity (if `reedSolomon`), CCSDS-scrambled (if `scrambled`), then
    /// convolutionally coded with a zero tail byte (if `viterbi`; at most 126 bytes before coding).
    public static func encodeFrame(
        _ payload: [UInt8], scrambled: Bool = true, reedSolomon: Bool = true, viterbi: Bool = false
    ) throws(GomSpaceFrameError) -> [UInt8] {
        var packet = reedSolomon ? try GomSpaceReedSolomon.encode(payload) : payload
        if scrambled { CCSDSRandomizer.apply(to: &packet) }
        if viterbi {
            guard let code = convolutionalCode else { throw .viterbiUnsupported }
            guard (1...126).contains(packet.count) else { throw .lengthBeyondWindow(length: 2 * (packet.count + 1), limit: 255) }
            let bits = (packet + [0]).flatMap { b in (0..<8).map { (b >> UInt8(7 - $0)) & 1 } }
            let symbols = ConvolutionalEncoder.encodeBlock(bits: bits, code: code, terminated: false)
            packet = stride(from: 0, to: symbols.count, by: 8).map { i in
                symbols[i..<(i + 8)].reduce(UInt8(0)) { $0 << 1 | $1 }
            }
        }
        guard (1...255).contains(packet.count) else { throw .lengthBeyondWindow(length: packet.count, limit: 255) }
        let field = GomSpaceLengthField(length: packet.count, viterbi: viterbi, scrambled: scrambled, reedSolomon: reedSolomon)
        return field.encoded + packet
    }
}
