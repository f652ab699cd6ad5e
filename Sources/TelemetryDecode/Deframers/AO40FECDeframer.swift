/// AO-40 FEC deframer ("AO-40 FEC", "AO-40 FEC short", and their CRC-16-ARC variants): FUNcube,
/// SMOG-P, ATL-1 style frames. See ``AO40FECFormat`` for the frame layout.
///
/// Streaming: soft symbols (0 = strong 0, 255 = strong 1) in chunks of any size. At every stream position
/// the distributed sync vector (one bit every `rows` symbols) is compared by hard decision; a position
/// with at most `syncErrors` disagreements (or, with `detectInverted`, at least `columns − syncErrors`,
/// meaning inverted polarity) starts a frame, which is decoded as soon as all its symbols are in (see
/// ``AO40FECFrameDecoder``). A frame that passes skips the search past its end; a failing one is emitted
/// with `checkPassed == false` and the search goes on at the next symbol.
///
/// Output bytes are the RS-corrected data as gr-satellites outputs them (256 or 128 bytes, CRC included
/// for the CRC variants). `correctedSymbols` counts RS byte corrections; Viterbi corrections are counted
/// in ``statistics``.
public struct AO40FECDeframer: Deframer {
    public struct Configuration: Sendable, Hashable {
        public var format: AO40FECFormat
        /// Sync vector bit errors tolerated (gr-satellites' default is 8).
        public var syncErrors: Int
        /// Also accept the sync vector inverted (and invert the frame).
        public var detectInverted: Bool
        /// The convolutional code (AO-40 uses the CCSDS convention: 0171, then 0133 inverted).
        public var code: ConvolutionalCode
        public var framing: String

        public init(
            format: AO40FECFormat, syncErrors: Int = 8, detectInverted: Bool = true, code: ConvolutionalCode = .ccsds,
            framing: String? = nil
        ) {
            self.format = format
            self.syncErrors = syncErrors
            self.detectInverted = detectInverted
            self.code = code
            self.framing = framing ?? format.framing
        }
    }

    public let configuration: Configuration
    public private(set) var statistics = AO40FECStatistics()
    /// nil only if the RS code could not be built (never with the fixed AO-40 parameters); then every
    /// sync hit counts as a decode error.
    var decoder: AO40FECFrameDecoder?
    let sync: [UInt8]
    let rows: Int
    let frameSymbols: Int
    /// Soft symbols from stream position `bufferStart` on.
    var buffer: [UInt8] = []
    var bufferStart = 0
    /// Next stream position to test for the sync vector.
    var nextCandidate = 0
    var position = 0

    public init(_ configuration: Configuration) {
        self.configuration = configuration
        decoder = try? AO40FECFrameDecoder(format: configuration.format, code: configuration.code)
        sync = configuration.format.syncVector
        rows = configuration.format.rows
        frameSymbols = configuration.format.frameSymbols
        buffer.reserveCapacity(2 * frameSymbols + 8192)
    }

    /// Long or short frames, optionally with the CRC-16/ARC.
    public init(length: AO40FECFormat.Length, crc16ARC: Bool = false) {
        self.init(Configuration(format: AO40FECFormat(length: length, crc16ARC: crc16ARC)))
    }

    public var framing: String { configuration.framing }

    public mutating func reset() {
        statistics = AO40FECStatistics()
        buffer.removeAll(keepingCapacity: true)
        bufferStart = 0
        nextCandidate = 0
        position = 0
    }

    public mutating func process(_ symbols: UnsafeBufferPointer<UInt8>, into frames: inout [DecodedFrame]) {
        statistics.symbols += symbols.count
        buffer.append(contentsOf: symbols)
        position += symbols.count
        while nextCandidate + frameSymbols <= position {
            let offset = nextCandidate - bufferStart
            if let inverted = syncMatch(at: offset) {
                statistics.syncHits += 1
                if inverted { statistics.invertedSyncHits += 1 }
                if decodeFrame(at: offset, inverted: inverted, into: &frames) {
                    nextCandidate += frameSymbols
                    continue
                }
            }
            nextCandidate += 1
        }
        // Drop symbols no candidate needs any more, in large steps (nextCandidate never passes `position`).
        let consumed = min(nextCandidate - bufferStart, buffer.count)
        if consumed >= 16_384 {
            buffer.removeFirst(consumed)
            bufferStart += consumed
        }
    }

    /// nil: no sync; false: sync; true: inverted sync. Stops as soon as neither polarity can match.
    func syncMatch(at offset: Int) -> Bool? {
        let threshold = configuration.syncErrors
        let n = sync.count
        let inverted = configuration.detectInverted
        return buffer.withUnsafeBufferPointer { b -> Bool? in
            sync.withUnsafeBufferPointer { s -> Bool? in
                var errors = 0
                var index = offset
                for j in 0..<n {
                    let bit: UInt8 = b[index] >= 128 ? 1 : 0
                    if bit != s[j] { errors += 1 }
                    if errors > threshold && (!inverted || (j + 1 - errors) > threshold) { return nil }
                    index += rows
                }
                if errors <= threshold { return false }
                if inverted && n - errors <= threshold { return true }
                return nil
            }
        }
    }

    /// Decodes the frame at `offset` in the buffer and emits it; returns whether its check passed.
    mutating func decodeFrame(at offset: Int, inverted: Bool, into frames: inout [DecodedFrame]) -> Bool {
        guard var d = decoder else {
            statistics.decodeErrors += 1
            return false
        }
        decoder = nil
        defer { decoder = d }
        let end = offset + frameSymbols
        let result: Result<AO40FECFrameDecoder.Body, AO40FECError> = buffer.withUnsafeBufferPointer { b in
            do throws(AO40FECError) {
                return .success(try d.decode(UnsafeBufferPointer(rebasing: b[offset..<end]), inverted: inverted))
            } catch { return .failure(error) }
        }
        guard case let .success(body) = result else {
            statistics.decodeErrors += 1
            return false
        }
        if body.checkPassed {
            statistics.framesPassed += 1
            statistics.reedSolomonCorrected += body.correctedSymbols
            statistics.viterbiCorrectedSymbols += body.viterbiCorrectedSymbols
        } else if body.crcFailed {
            statistics.crcFailures += 1
        } else {
            statistics.reedSolomonFailures += 1
        }
        frames.append(
            DecodedFrame(
                bytes: body.bytes, framing: configuration.framing, checkPassed: body.checkPassed,
                correctedSymbols: body.correctedSymbols, symbolPosition: bufferStart + end))
        return body.checkPassed
    }
}
