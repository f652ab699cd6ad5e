/// Decodes one AO-40 FEC frame from its channel soft symbols (0 = strong 0, 255 = strong 1), starting
/// at the first sync symbol: deinterleave, soft Viterbi (zero tail), CCSDS descrambling, Reed-Solomon
/// (retried with the weakest bytes erased, from the soft Viterbi output, when it fails), and the
/// CRC-16/ARC when the format has one. Keeps its buffers between frames.
public struct AO40FECFrameDecoder: Sendable {
    /// A decoded frame.
    public struct Body: Sendable, Hashable {
        /// The data bytes (corrected when RS succeeded, as received otherwise), without RS parity.
        public var bytes: [UInt8]
        /// RS succeeded (and the CRC matched, where there is one).
        public var checkPassed: Bool
        /// Bytes corrected by Reed-Solomon (0 when it failed).
        public var correctedSymbols: Int
        /// Channel symbols whose hard decision differs from the re-encoded Viterbi path.
        public var viterbiCorrectedSymbols: Int
        /// Why RS failed, if it did.
        public var reedSolomonError: ReedSolomonError?
        /// RS passed but the CRC-16/ARC did not.
        public var crcFailed: Bool
    }

    public let format: AO40FECFormat
    public let code: ConvolutionalCode
    let positions: [Int32]
    let rs: ReedSolomonInterleaver
    var viterbi: ViterbiDecoder
    /// Soft bit decisions, only for frames whose hard Reed-Solomon decoding failed.
    var softOutput: MaxLogMAPDecoder
    static let softErasures = ReedSolomonSoftErasures(parity: ReedSolomonCCSDS.parityCount)
    var encoded: [UInt8]
    var bits: [UInt8]

    public init(format: AO40FECFormat, code: ConvolutionalCode = .ccsds) throws(AO40FECError) {
        self.format = format
        self.code = code
        positions = format.encodedSymbolPositions
        do throws(ReedSolomonError) {
            rs = try format.reedSolomon()
        } catch {
            throw .reedSolomon(error)
        }
        viterbi = ViterbiDecoder(code: code)
        softOutput = MaxLogMAPDecoder(code: code)
        encoded = [UInt8](repeating: 128, count: format.encodedSymbols)
        bits = [UInt8](repeating: 0, count: format.encodedSymbols / 2)
    }

    /// Decodes the `format.frameSymbols` soft symbols of a frame; `inverted` flips every symbol first.
    /// Throws only for a wrong length; check failures are reported in the body.
    public mutating func decode(_ frame: UnsafeBufferPointer<UInt8>, inverted: Bool = false) throws(AO40FECError) -> Body {
        guard frame.count == format.frameSymbols else {
            throw .invalidFrameLength(expected: format.frameSymbols, actual: frame.count)
        }
        let flip: UInt8 = inverted ? 0xFF : 0
        encoded.withUnsafeMutableBufferPointer { e in
            positions.withUnsafeBufferPointer { p in
                for k in 0..<p.count { e[k] = frame[Int(p[k])] ^ flip }
            }
        }
        let bitCount: Int
        do throws(ConvolutionalCodingError) {
            bitCount = try encoded.withUnsafeBufferPointer { e throws(ConvolutionalCodingError) in
                try bits.withUnsafeMutableBufferPointer { b throws(ConvolutionalCodingError) in
                    try viterbi.decode(e, into: b, termination: .zeroTail)
                }
            }
        } catch {
            throw .convolutional(error)
        }
        var block = [UInt8](repeating: 0, count: bitCount / 8)
        for i in 0..<(block.count * 8) where bits[i] != 0 { block[i >> 3] |= 0x80 >> UInt8(i & 7) }
        let viterbiCorrected = countViterbiCorrections(bitCount: bitCount)
        CCSDSRandomizer.apply(to: &block)
        guard block.count == rs.blockLength else {
            throw .invalidFrameLength(expected: rs.blockLength * 8, actual: block.count * 8)
        }
        var body = Body(
            bytes: [], checkPassed: false, correctedSymbols: 0, viterbiCorrectedSymbols: viterbiCorrected,
            reedSolomonError: nil, crcFailed: false)
        do throws(ReedSolomonError) {
            body.correctedSymbols = try rs.decode(&block)
            body.checkPassed = true
        } catch {
            // Erase the bytes the soft Viterbi output marks as weakest, codeword by codeword.
            if let soft = try? softOutput.decode(encoded, termination: .zeroTail),
                let corrected = Self.softErasures.recoverInterleaved(
                    &block, reliability: ReedSolomonSoftErasures.byteReliability(soft[...]), depth: rs.depth,
                    decodeEach: { b, e in try rs.decodeEach(&b, erasures: e) })
            {
                body.correctedSymbols = corrected
                body.checkPassed = true
            } else {
                body.reedSolomonError = error
            }
        }
        body.bytes = Array(block[0..<rs.dataLength])
        if body.checkPassed && format.crc16ARC && !AO40FECFormat.crcMatches(body.bytes) {
            body.checkPassed = false
            body.crcFailed = true
        }
        return body
    }

    /// Array convenience.
    public mutating func decode(_ frame: [UInt8], inverted: Bool = false) throws(AO40FECError) -> Body {
        let result: Result<Body, AO40FECError> = frame.withUnsafeBufferPointer { f in
            do throws(AO40FECError) { return .success(try decode(f, inverted: inverted)) } catch { return .failure(error) }
        }
        return try result.get()
    }

    /// Re-encodes the decoded bits (with the zero tail) and counts hard-decision disagreements with the
    /// received encoded symbols.
    func countViterbiCorrections(bitCount: Int) -> Int {
        var state = 0
        var count = 0
        let total = bitCount + ConvolutionalCode.tailLength
        for i in 0..<total {
            let bit = i < bitCount ? Int(bits[i] & 1) : 0
            let register = state << 1 | bit
            let (c1, c2) = code.outputs(register: register)
            if (encoded[2 * i] >= 128 ? 1 : 0) != c1 { count += 1 }
            if (encoded[2 * i + 1] >= 128 ? 1 : 0) != c2 { count += 1 }
            state = register & 0x3F
        }
        return count
    }
}
