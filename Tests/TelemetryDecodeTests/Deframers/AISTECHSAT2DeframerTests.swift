import Testing
import TelemetryDecode
import TestSupport

/// AISTECHSAT-2 (CCSDS ASM, 125 randomised bytes, 10 dropped, RS(115,83) conventional basis). The
/// reference frame was built in Python straight from the published definitions (CCSDS 131.0-B
/// randomiser h(x) = x^8+x^7+x^5+x^3+1 from all ones; RS generator ∏(x − α^(11·(112+j))), j < 32, over
/// GF(2^8)/0x187 in the conventional basis, shortened), independently of this code.
@Suite(.computeThreads) struct AISTECHSAT2DeframerTests {
    static let payload = "0b30557a9fc4e90e33587da2c7ec11365b80a5caef14395e83a8cdf2173c6186abd0f51a3f6489aed3f81d42678cb1d6fb20456a8fb4d9fe23486d92b7dc01264b7095badf04294e7398bde2072c51769bc0e5"
    static let head = "a0a1a2a3a4a5a6a7a8a9"
    static let parity = "51ee13661793c198a5d05d24e1677fe36a916fed3c0bc1732dea6685b377f9ca"
    static let air = "5fe9ac633ea8d61b2685989df2cdd90ab3994e944f0078d21b26aa08310705a5c7ce9e29f9e8f6457ddf8c8bba74b2f83c802860780719f0a5f718316cf15ad724de184a05a7752e399405c60b67c43d431384a87768fbd479355de2b66644d49c57e5c548ce55b95585fa12ded0a71d3987e5a0e6381396d534fbbd6c"

    /// Sync word bits with `errors` of them flipped, then the frame bits.
    static func burst(_ air: [UInt8], syncErrors: Int) -> [UInt8] {
        var sync = DeframerTestSupport.bits(AISTECHSAT2Deframer.syncWord)
        for k in 0..<syncErrors { sync[2 + 7 * k] ^= 1 }
        return sync + DeframerTestSupport.bits(air)
    }

    static func randomBits(_ n: Int, _ rng: inout SplitMix64) -> [UInt8] {
        (0..<n).map { _ in UInt8.random(in: 0...1, using: &rng) }
    }

    @Test func independentReferenceFrame() throws {
        // The randomiser's first bytes as published in CCSDS 131.0-B.
        #expect(Array(CCSDSRandomizer.table.prefix(8)) == [0xFF, 0x48, 0x0E, 0xC0, 0x9A, 0x0D, 0x70, 0xBC])
        let payload = Hex.bytes(Self.payload)
        let air = try #require(AISTECHSAT2Deframer.encode(payload, head: Hex.bytes(Self.head)))
        #expect(Hex.string(air) == Self.air)
        // The codeword's parity, derandomised.
        #expect(Hex.string(CCSDSRandomizer.applied(to: air)[93...]) == Self.parity)
        let frame = try #require(AISTECHSAT2Deframer.decode(Hex.bytes(Self.air)))
        #expect(frame.checkPassed && frame.correctedSymbols == 0 && frame.bytes == payload)
        #expect(frame.framing == "AISTECHSAT-2" && AISTECHSAT2Deframer.framingName == "AISTECHSAT-2")
        #expect(AISTECHSAT2Deframer.encode(Array(payload.dropLast())) == nil)
    }

    @Test(arguments: [false, true])
    func randomFramesInAStreamInChunks(inverted: Bool) {
        var rng = SplitMix64(seed: inverted ? 0xA15_7EC2 : 0xA15_7EC1)
        var payloads: [[UInt8]] = []
        var bits = Self.randomBits(333, &rng)
        for i in 0..<6 {
            let payload = (0..<83).map { _ in UInt8.random(in: 0...255, using: &rng) }
            let head = (0..<10).map { _ in UInt8.random(in: 0...255, using: &rng) }
            payloads.append(payload)
            bits += Self.burst(AISTECHSAT2Deframer.encode(payload, head: head)!, syncErrors: [0, 1, 4, 2, 3, 0][i])
            bits += Self.randomBits(Int.random(in: 0...400, using: &rng), &rng)
        }
        let symbols = DeframerTestSupport.softSymbols(bits, inverted: inverted)
        for chunk in [1, 97, 5000] {
            var d = AISTECHSAT2Deframer()
            let frames = DeframerTestSupport.deframe(symbols, with: &d, chunk: chunk)
            #expect(frames.count == payloads.count && frames.allSatisfy { $0.checkPassed && $0.correctedSymbols == 0 })
            #expect(frames.map(\.bytes) == payloads, "chunk \(chunk)")
            #expect(frames.map(\.framing).allSatisfy { $0 == AISTECHSAT2Deframer.framingName })
        }
    }

    /// Frame bits with the bits of `byteErrors` codeword bytes (after the 10 head bytes) wrong.
    static func damaged(byteErrors: Int, seed: UInt64) -> (bits: [UInt8], wrongBits: [Int], payload: [UInt8]) {
        var rng = SplitMix64(seed: seed)
        let payload = (0..<83).map { _ in UInt8.random(in: 0...255, using: &rng) }
        let bits = [UInt8](repeating: 0, count: 40) + burst(AISTECHSAT2Deframer.encode(payload)!, syncErrors: 0)
            + [UInt8](repeating: 1, count: 40)
        var positions = Array(10..<125)
        positions.shuffle(using: &rng)
        var wrong: [Int] = []
        for p in positions.prefix(byteErrors) {
            let mask = UInt8.random(in: 1...255, using: &rng)
            for k in 0..<8 where mask & (0x80 >> UInt8(k)) != 0 { wrong.append(40 + 32 + 8 * p + k) }
        }
        return (bits, wrong, payload)
    }

    @Test func sixteenWrongBytesAreCorrected() {
        let (bits, wrong, payload) = Self.damaged(byteErrors: 16, seed: 16)
        var d = AISTECHSAT2Deframer()
        let frames = DeframerTestSupport.deframe(DeframerTestSupport.softSymbols(bits, wrong: wrong, sure: true), with: &d, chunk: 64)
        #expect(frames.count == 1 && frames.first?.checkPassed == true && frames.first?.correctedSymbols == 16)
        #expect(frames.first?.bytes == payload)
    }

    @Test func weakWrongBytesBeyondHardDecodingAreErased() {
        // 24 wrong bytes: beyond t = 16, recovered by erasing the weakest bytes.
        let (bits, wrong, payload) = Self.damaged(byteErrors: 24, seed: 24)
        var d = AISTECHSAT2Deframer()
        let frames = DeframerTestSupport.deframe(DeframerTestSupport.softSymbols(bits, wrong: wrong), with: &d)
        #expect(frames.count == 1 && frames.first?.checkPassed == true && frames.first?.correctedSymbols == 24)
        #expect(frames.first?.bytes == payload)
    }

    @Test func aFrameBeyondCorrectionIsNeverGood() {
        let (bits, wrong, payload) = Self.damaged(byteErrors: 40, seed: 40)
        var d = AISTECHSAT2Deframer()
        let frames = DeframerTestSupport.deframe(DeframerTestSupport.softSymbols(bits, wrong: wrong, sure: true), with: &d)
        // Reported as failed after an exact marker, with the uncorrected data.
        #expect(frames.count == 1 && frames.first?.checkPassed == false && frames.first?.bytes != payload)
        #expect(frames.first?.bytes.count == 83)
        // After a 3-error marker a failure is not reported at all.
        var sync = DeframerTestSupport.bits(AISTECHSAT2Deframer.syncWord)
        for k in [1, 9, 20] { sync[k] ^= 1 }
        var weak = bits
        weak.replaceSubrange(40..<72, with: sync)
        var d2 = AISTECHSAT2Deframer()
        #expect(DeframerTestSupport.deframe(DeframerTestSupport.softSymbols(weak, wrong: wrong, sure: true), with: &d2).isEmpty)
    }

    @Test func randomInputGivesNoGoodFrames() {
        var rng = SplitMix64(seed: 0x4153_5432)
        var d = AISTECHSAT2Deframer()
        let symbols = (0..<200_000).map { _ in UInt8.random(in: 0...255, using: &rng) }
        let frames = DeframerTestSupport.deframe(symbols, with: &d, chunk: 4096)
        #expect(frames.filter(\.checkPassed).isEmpty)
    }
}
