import Testing
import TelemetryDecode
import TestSupport

@Suite(.computeThreads) struct ViterbiDecoderTests {
    /// shared/vectors/viterbi_ccsds_k7.tsv: every vector libfec decodes cleanly must decode cleanly, and
    /// the total bit errors over the first 1018 bits must not exceed libfec's.
    @Test func sharedVectorsAgainstLibfec() throws {
        let rows = try SharedData.tsvRows("vectors/viterbi_ccsds_k7.tsv")
        #expect(rows.count == 28)
        var decoder = ViterbiDecoder(code: .ccsds)
        var total = 0, reference = 0
        for row in rows {
            let nbits = try #require(Int(row[2]))
            let info = ViterbiTestSignal.bits(ofHex: row[3], count: nbits)
            let symbols = Hex.bytes(row[4])
            let libfecErrors = try #require(Int(row[6]))
            #expect(symbols.count == 2 * nbits)
            let decoded = try decoder.decode(symbols, termination: .zeroTail)
            #expect(decoded.count == nbits - 6)
            let errors = ViterbiTestSignal.errors(Array(decoded.prefix(1018)), Array(info.prefix(1018)))
            if libfecErrors == 0 {
                #expect(errors == 0, "vector \(row[0]) at \(row[1]) dB: \(errors) errors, libfec 0")
            }
            // The packed form carries the same bits (1018 bits: 127 bytes + 2 bits, zero padded).
            let packed = try decoder.decodePacked(symbols)
            #expect(packed.count == 128)
            #expect(ViterbiTestSignal.bits(ofHex: Hex.string(packed), count: 1018) == decoded)
            #expect(packed[127] & 0x3F == 0)
            total += errors
            reference += libfecErrors
        }
        #expect(total <= reference, "gsd \(total) bit errors, libfec \(reference)")
    }

    @Test func encoderMatchesNoiselessVector() throws {
        let rows = try SharedData.tsvRows("vectors/viterbi_ccsds_k7.tsv")
        for row in rows where row[1] == "99.0" {
            let info = ViterbiTestSignal.bits(ofHex: row[3], count: 1024)
            let hard = ConvolutionalEncoder.encodeBlock(bits: info, code: .ccsds, terminated: false)
            let expected = Hex.bytes(row[4]).map { $0 >= 128 ? UInt8(1) : 0 }
            #expect(hard == expected, "vector \(row[0])")
        }
    }

    @Test(arguments: [ConvolutionalCode.ccsds, .nasaDSN])
    func noiselessRoundTrip(code: ConvolutionalCode) throws {
        var rng = SplitMix64(seed: 11)
        var decoder = ViterbiDecoder(code: code)
        for length in [0, 1, 7, 8, 9, 63, 200] {
            let bits = ViterbiTestSignal.randomBits(length, rng: &rng)
            let soft = ConvolutionalEncoder.softSymbols(fromHard: ConvolutionalEncoder.encodeBlock(bits: bits, code: code))
            #expect(try decoder.decode(soft) == bits, "\(code) length \(length)")
            let open = ConvolutionalEncoder.softSymbols(fromHard: ConvolutionalEncoder.encodeBlock(bits: bits, code: code, terminated: false))
            #expect(try decoder.decode(open, termination: .open) == bits, "\(code) open length \(length)")
        }
    }

    @Test(arguments: [ConvolutionalCode.ccsds, .nasaDSN])
    func correctsSparseBitFlips(code: ConvolutionalCode) throws {
        var rng = SplitMix64(seed: 5)
        var decoder = ViterbiDecoder(code: code)
        let bits = ViterbiTestSignal.randomBits(400, rng: &rng)
        let hard = ConvolutionalEncoder.encodeBlock(bits: bits, code: code)
        // d_free = 10: any 4 errors well apart are correctable; flip one symbol every 40.
        let flips = stride(from: 5, to: hard.count, by: 40).map { $0 + Int(rng.next() % 20) }.filter { $0 < hard.count }
        let soft = ViterbiTestSignal.flipped(hard, flips: flips)
        #expect(try decoder.decode(soft) == bits)
    }

    @Test(arguments: [ConvolutionalCode.ccsds, .nasaDSN])
    func decodesAWGNAt5dB(code: ConvolutionalCode) throws {
        var rng = SplitMix64(seed: 99)
        var decoder = ViterbiDecoder(code: code)
        for _ in 0..<3 {
            let bits = ViterbiTestSignal.randomBits(1000, rng: &rng)
            let soft = ViterbiTestSignal.awgn(ConvolutionalEncoder.encodeBlock(bits: bits, code: code), ebN0: 5, rng: &rng)
            #expect(try decoder.decode(soft) == bits)
        }
    }

    /// Erasures (128) carry no information: a block with every 4th symbol erased still decodes.
    @Test func erasuresAreNeutral() throws {
        var rng = SplitMix64(seed: 3)
        var decoder = ViterbiDecoder()
        let bits = ViterbiTestSignal.randomBits(300, rng: &rng)
        var soft = ConvolutionalEncoder.softSymbols(fromHard: ConvolutionalEncoder.encodeBlock(bits: bits))
        for i in stride(from: 0, to: soft.count, by: 4) { soft[i] = 128 }
        #expect(try decoder.decode(soft) == bits)
    }

    @Test func lengthErrorsAreTyped() {
        var decoder = ViterbiDecoder()
        #expect(throws: ConvolutionalCodingError.oddSymbolCount(13)) { try decoder.decode([UInt8](repeating: 0, count: 13)) }
        #expect(throws: ConvolutionalCodingError.blockTooShort(symbols: 10, minimum: 12)) {
            try decoder.decode([UInt8](repeating: 0, count: 10))
        }
        let symbols = [UInt8](repeating: 0, count: 40)
        var small = [UInt8](repeating: 0, count: 3)
        #expect(throws: ConvolutionalCodingError.outputTooSmall(needed: 14, available: 3)) {
            try symbols.withUnsafeBufferPointer { s in
                try small.withUnsafeMutableBufferPointer { o in _ = try decoder.decode(s, into: o) }
            }
        }
        #expect(throws: ConvolutionalCodingError.unsupportedPolynomials(g1: 0o170, g2: 0o133)) {
            _ = try ConvolutionalCode(g1: 0o170, g2: 0o133)
        }
        #expect(throws: ConvolutionalCodingError.invalidTracebackDepth(2)) {
            _ = try ViterbiStreamDecoder(tracebackDepth: 2)
        }
    }

    @Test func codeVariantsDiffer() throws {
        #expect(ConvolutionalCode.ccsds.tapMask1 == 0x4F && ConvolutionalCode.ccsds.tapMask2 == 0x6D)
        #expect(ConvolutionalCode.ccsds != ConvolutionalCode.nasaDSN)
        #expect(try ConvolutionalCode(g1: 0o171, g2: 0o133, invertsSecond: true) == .ccsds)
        // The CCSDS variant inverts every C2 symbol of the NASA-DSN one.
        let bits: [UInt8] = [1, 0, 1, 1, 0, 0, 1]
        let a = ConvolutionalEncoder.encodeBlock(bits: bits, code: .ccsds)
        let b = ConvolutionalEncoder.encodeBlock(bits: bits, code: .nasaDSN)
        for i in 0..<a.count { #expect(a[i] == (i % 2 == 1 ? b[i] ^ 1 : b[i])) }
    }
}
