import Testing
import TelemetryDecode
import TestSupport

/// YUSAT (0x7E, frame, CRC-16/X.25 low byte first, 0x7E; no NRZI, scrambling or bit stuffing; MSB
/// first). The reference frame (an AX.25 UI header CQ ← YUSAT-1 and a text holding a 0x7E byte) and its
/// FCS were computed in Python with a bitwise CRC written from the published parameters, independently
/// of this code.
@Suite(.computeThreads) struct YUSATDeframerTests {
    static let frame = "86a24040404060b2aaa682a8406303f059555341542d31207465737420626561636f6e207e203078376520696e73696465"
    static let air = "7e" + frame + "eda47e"
    /// AX.25 UI header CQ ← YUSAT-1 (plausible addresses).
    static let header = Array(Hex.bytes(frame)[0..<16])

    static func randomBits(_ n: Int, _ rng: inout SplitMix64) -> [UInt8] {
        (0..<n).map { _ in UInt8.random(in: 0...1, using: &rng) }
    }

    /// `flags` preamble flags, then the encoded frame (which starts with its own flag).
    static func burst(_ frame: [UInt8], flags: Int = 3) -> [UInt8] {
        DeframerTestSupport.bits([UInt8](repeating: 0x7E, count: flags) + YUSATDeframer.encode(frame)!)
    }

    @Test func independentReferenceFrame() throws {
        #expect(CRCAlgorithm.x25.checksum(Array("123456789".utf8)) == 0x906E)
        let frame = Hex.bytes(Self.frame)
        #expect(YUSATDeframer.encode(frame).map { Hex.string($0) } == Self.air)
        let air = Hex.bytes(Self.air)
        let decoded = try #require(YUSATDeframer.decode(Array(air[1..<(air.count - 1)])))
        #expect(decoded.checkPassed && decoded.bytes == frame && decoded.framing == "YUSAT")
        #expect(YUSATDeframer.framingName == "YUSAT")
        #expect(YUSATDeframer.encode([]) == nil)
        #expect(YUSATDeframer.encode([UInt8](repeating: 0, count: 254)) == nil)
        #expect(YUSATDeframer.encode([UInt8](repeating: 0, count: 253))?.count == 257)
    }

    /// The reference frame holds a 0x7E byte: found here (gr-satellites' cut search loses it).
    @Test func aFrameHoldingAFlagByteIsFound() {
        let bits = DeframerTestSupport.bits([0x55, 0x55, 0x7E] + Hex.bytes(Self.air) + [0x55])
        var d = YUSATDeframer()
        let frames = DeframerTestSupport.deframe(DeframerTestSupport.softSymbols(bits), with: &d)
        #expect(frames.map { Hex.string($0.bytes) } == [Self.frame])
    }

    @Test(arguments: [false, true])
    func randomFramesInAStreamInChunks(inverted: Bool) {
        var rng = SplitMix64(seed: inverted ? 0x7DA7_0002 : 0x7DA7_0001)
        var expected: [[UInt8]] = []
        var bits = Self.randomBits(300, &rng)
        for (n, length) in [0, 237, 21, 64, 5, 150, 100].enumerated() {
            var frame = Self.header + (0..<length).map { _ in UInt8.random(in: 0...255, using: &rng) }
            if n == 3 { frame[30] = 0x7E }
            expected.append(frame)
            bits += Self.burst(frame, flags: 1 + n % 3) + Self.randomBits(Int.random(in: 0...300, using: &rng), &rng)
        }
        let symbols = DeframerTestSupport.softSymbols(bits, inverted: inverted)
        for chunk in [1, 50, 4000] {
            var d = YUSATDeframer()
            let frames = DeframerTestSupport.deframe(symbols, with: &d, chunk: chunk)
            #expect(frames.map(\.bytes) == expected, "chunk \(chunk)")
            #expect(frames.allSatisfy { $0.checkPassed && $0.correctedSymbols == 0 && $0.framing == "YUSAT" })
        }
    }

    @Test func aFlagBitErrorLosesTheFrameButNotTheNext() {
        let frame = Hex.bytes(Self.frame)
        var bits = Self.burst(frame, flags: 0) + Self.burst(Self.header + [1, 2, 3], flags: 2)
        bits[2] ^= 1   // the only flag before the first frame
        var d = YUSATDeframer()
        let frames = DeframerTestSupport.deframe(DeframerTestSupport.softSymbols(bits), with: &d)
        // The first frame's closing flag opens a candidate for the second: it sees one more flag, then the frame.
        #expect(frames.map(\.bytes) == [Self.header + [1, 2, 3]])
    }

    @Test func shortFramesNeedALowerMinimum() {
        let bits = Self.burst([1, 2, 3, 4, 5]) + DeframerTestSupport.bits([0x55])
        var d = YUSATDeframer()
        #expect(DeframerTestSupport.deframe(DeframerTestSupport.softSymbols(bits), with: &d).isEmpty)
        var low = YUSATDeframer(minimumLength: 1)
        #expect(DeframerTestSupport.deframe(DeframerTestSupport.softSymbols(bits), with: &low).map(\.bytes) == [[1, 2, 3, 4, 5]])
    }

    @Test func weakWrongBitsAreRepaired() {
        let frame = Hex.bytes(Self.frame)
        let bits = [UInt8](repeating: 0, count: 24) + Self.burst(frame) + [UInt8](repeating: 0, count: 24)
        let first = 24 + 8 * 4   // first frame bit
        for wrong in [[first + 150], [first + 3, first + 300]] {
            var d = YUSATDeframer()
            let frames = DeframerTestSupport.deframe(DeframerTestSupport.softSymbols(bits, wrong: wrong), with: &d)
            #expect(frames.count == 1 && frames.first?.checkPassed == true && frames.first?.correctedSymbols == wrong.count)
            #expect(frames.first?.bytes == frame)
        }
    }

    @Test func aFrameBeyondRepairIsNotReported() {
        let frame = Hex.bytes(Self.frame)
        let bits = [UInt8](repeating: 0, count: 24) + Self.burst(frame) + [UInt8](repeating: 0, count: 24)
        let first = 24 + 8 * 4
        var d = YUSATDeframer()
        let wrong = [first + 150, first + 200, first + 301]
        let frames = DeframerTestSupport.deframe(DeframerTestSupport.softSymbols(bits, wrong: wrong, sure: true), with: &d)
        #expect(frames.filter(\.checkPassed).isEmpty)
    }

    /// Expected false frames over 200k random bits: about 0.02 by default (8-bit flag, 16-bit FCS), far
    /// fewer with the address check.
    @Test(arguments: [false, true])
    func randomInputGivesNoGoodFrames(requireAddresses: Bool) {
        var rng = SplitMix64(seed: 0x7DA7_A5A7)
        var d = YUSATDeframer(requireAX25Addresses: requireAddresses)
        var frames: [DecodedFrame] = []
        for _ in 0..<4 {
            let symbols = (0..<50_000).map { _ in UInt8.random(in: 0...255, using: &rng) }
            frames += DeframerTestSupport.deframe(symbols, with: &d, chunk: 3000)
        }
        #expect(frames.filter(\.checkPassed).isEmpty)
    }
}
