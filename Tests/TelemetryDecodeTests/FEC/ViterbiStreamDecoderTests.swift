import Testing
import TelemetryDecode
import TestSupport

@Suite(.computeThreads) struct ViterbiStreamDecoderTests {
    static func stream(_ soft: [UInt8], chunk: Int, code: ConvolutionalCode = .ccsds, depth: Int = 64, endState: Int? = 0) throws -> [UInt8] {
        var decoder = try ViterbiStreamDecoder(code: code, tracebackDepth: depth)
        var out: [UInt8] = []
        var i = 0
        while i < soft.count {
            decoder.decode(Array(soft[i..<min(i + chunk, soft.count)]), into: &out)
            i += chunk
        }
        try decoder.flush(into: &out, endState: endState)
        return out
    }

    /// Any chunking gives the same bits, and they equal block mode's (noise below capability).
    @Test(arguments: [ConvolutionalCode.ccsds, .nasaDSN])
    func chunkSizesAgreeWithBlockMode(code: ConvolutionalCode) throws {
        var rng = SplitMix64(seed: 21)
        let bits = ViterbiTestSignal.randomBits(700, rng: &rng)
        let soft = ViterbiTestSignal.awgn(ConvolutionalEncoder.encodeBlock(bits: bits, code: code), ebN0: 4.5, rng: &rng)
        var block = ViterbiDecoder(code: code)
        let reference = try block.decode(soft)
        #expect(reference == bits)
        let whole = try Self.stream(soft, chunk: soft.count, code: code)
        #expect(whole.count == bits.count + 6)
        #expect(Array(whole.prefix(bits.count)) == reference)
        for chunk in [1, 2, 7, 13, 128, 333] {
            #expect(try Self.stream(soft, chunk: chunk, code: code) == whole, "chunk \(chunk)")
        }
    }

    @Test func emitsWithBoundedDelay() throws {
        var rng = SplitMix64(seed: 8)
        let bits = ViterbiTestSignal.randomBits(1000, rng: &rng)
        let soft = ConvolutionalEncoder.softSymbols(fromHard: ConvolutionalEncoder.encodeBlock(bits: bits, terminated: false))
        var decoder = try ViterbiStreamDecoder(tracebackDepth: 40)  // rounded up to 40 (multiple of 8)
        #expect(decoder.tracebackDepth == 40)
        var out: [UInt8] = []
        for i in 0..<bits.count {
            decoder.decode(Array(soft[2 * i ..< 2 * i + 2]), into: &out)
            let seen = i + 1
            #expect(out.count <= seen - 40 || out.isEmpty)
            #expect(out.count >= seen - 2 * 40)
        }
        #expect(out == Array(bits.prefix(out.count)))
        try decoder.flush(into: &out)
        #expect(out == bits)
    }

    @Test func unknownStartStateLocksOn() throws {
        var rng = SplitMix64(seed: 17)
        let bits = ViterbiTestSignal.randomBits(600, rng: &rng)
        let soft = ConvolutionalEncoder.softSymbols(fromHard: ConvolutionalEncoder.encodeBlock(bits: bits, terminated: false))
        // Join the stream 101 bits in (an arbitrary encoder state).
        var decoder = try ViterbiStreamDecoder(startState: .unknown)
        var out: [UInt8] = []
        decoder.decode(Array(soft[202...]), into: &out)
        try decoder.flush(into: &out)
        #expect(Array(out.dropFirst(6)) == Array(bits[107...]))
    }

    @Test func flushRejectsBadEndStateAndResets() throws {
        var decoder = try ViterbiStreamDecoder()
        var out: [UInt8] = []
        #expect(throws: ConvolutionalCodingError.invalidState(64)) { try decoder.flush(into: &out, endState: 64) }
        decoder.decode([0, 0, 255], into: &out)  // one step plus a dangling symbol
        try decoder.flush(into: &out)
        #expect(out.count == 1)
        #expect(decoder.stepCount == 0 && decoder.emittedCount == 0)
    }
}
