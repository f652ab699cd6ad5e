import Testing
import TelemetryDecode
import TestSupport

@Suite(.computeThreads) struct ReedSolomonSoftErasuresTests {
    let soft = ReedSolomonSoftErasures(parity: 32)
    let rs = try! ReedSolomonCCSDS(basis: .conventional, interleave: 1, virtualFill: 0)

    func decode(_ block: inout [UInt8], _ erasures: [Int]) throws -> Int { try rs.decode(&block, erasures: erasures) }

    @Test func errorAllowanceKeepsTheFalseAcceptanceBound() {
        // Σ_{i≤e} C(255−f, i)·255^i / 256^(32−f) ≤ 1e-10, worked out independently of the implementation.
        #expect((0..<8).map { soft.maximumErrors(length: 255, erasures: 4 * $0) } == [16, 14, 11, 9, 6, 4, 2, nil])
        #expect((0..<8).map { soft.maximumErrors(length: 92, erasures: 4 * $0) } == [16, 14, 12, 10, 7, 4, 2, nil])
        #expect(soft.erasureCounts == [4, 8, 12, 16, 20, 24, 28])
        #expect(soft.maximumErrors(length: 20, erasures: 32) == nil)
    }

    @Test func weakWrongBytesAreErasedAndCorrected() throws {
        var rng = SplitMix64(seed: 11)
        let data = RSTestSupport.randomBytes(223, &rng)
        let sent = try rs.encode(data)
        for wrong in [17, 20, 24, 26] {
            var block = sent
            var reliability = (0..<255).map { _ in UInt8.random(in: 60...127, using: &rng) }
            let positions = RSTestSupport.distinctPositions(wrong, in: 255, &rng)
            RSTestSupport.corrupt(&block, at: positions, &rng)
            for p in positions { reliability[p] = UInt8.random(in: 0...20, using: &rng) }
            var hard = block
            #expect(throws: ReedSolomonError.self) { try decode(&hard, []) }
            let recovery = try #require(soft.recover(&block, reliability: reliability, decode: decode))
            #expect(block == sent, "\(wrong) weak wrong bytes")
            #expect(recovery.corrected == wrong)
        }
    }

    @Test func sureWrongBytesOrTooManyStayUncorrected() throws {
        var rng = SplitMix64(seed: 12)
        let sent = try rs.encode(RSTestSupport.randomBytes(223, &rng))
        // 24 wrong bytes that the soft symbols call sure, 40 right ones they call weak.
        var block = sent
        var reliability = (0..<255).map { _ in UInt8.random(in: 60...127, using: &rng) }
        let wrong = RSTestSupport.distinctPositions(24, in: 255, &rng)
        RSTestSupport.corrupt(&block, at: wrong, &rng)
        for p in RSTestSupport.distinctPositions(40, in: 255, avoiding: Set(wrong), &rng) { reliability[p] = 5 }
        let received = block
        #expect(soft.recover(&block, reliability: reliability, decode: decode) == nil)
        #expect(block == received)
        // 31 weak wrong bytes: beyond what any erasure count may claim.
        block = sent
        reliability = [UInt8](repeating: 100, count: 255)
        let many = RSTestSupport.distinctPositions(31, in: 255, &rng)
        RSTestSupport.corrupt(&block, at: many, &rng)
        for p in many { reliability[p] = 3 }
        #expect(soft.recover(&block, reliability: reliability, decode: decode) == nil)
        // Equally sure bytes everywhere: nothing to go on, nothing erased.
        block = sent
        RSTestSupport.corrupt(&block, at: Array(0..<20), &rng)
        #expect(soft.recover(&block, reliability: [UInt8](repeating: 107, count: 255), decode: decode) == nil)
    }

    @Test func randomWordsAreNeverAccepted() throws {
        // A false sync gives random bytes with random sureness: no retry may turn one into a codeword.
        var rng = SplitMix64(seed: 13)
        let short = try ReedSolomonCCSDS(basis: .conventional, interleave: 1, virtualFill: 255 - 64)
        for _ in 0..<3000 {
            var block = RSTestSupport.randomBytes(64, &rng)
            let reliability = RSTestSupport.randomBytes(64, &rng).map { $0 / 2 }
            #expect(soft.recover(&block, reliability: reliability) { b, e in try short.decode(&b, erasures: e) } == nil)
        }
    }

    @Test func byteReliabilityIsTheWeakestBit() {
        let symbols: [UInt8] = [0, 255, 10, 245, 120, 200, 30, 250] + [128, 127, 0, 0, 0, 0, 0, 255]
        #expect(ReedSolomonSoftErasures.byteReliability(symbols[...]) == [7, 0])
        #expect(ReedSolomonSoftErasures.byteReliability(symbols[0..<12]) == [7])
    }
}

extension ReedSolomonSoftErasuresTests {
    /// Two interleaved codewords (byte i in codeword i % 2): one with 5 errors decodes hard, the other with
    /// 22 weak wrong bytes only with erasures; both come out right. With those bytes sure, nothing changes.
    @Test func interleavedCodewordsRecoveredOneByOne() throws {
        var rng = SplitMix64(seed: 13)
        let rs2 = try ReedSolomonCCSDS(basis: .conventional, interleave: 2, virtualFill: 95)
        let sent = try rs2.encode(RSTestSupport.randomBytes(rs2.dataLength, &rng))
        #expect(sent.count == 320)
        var block = sent
        var reliability = (0..<320).map { _ in UInt8.random(in: 60...127, using: &rng) }
        let first = RSTestSupport.distinctPositions(5, in: 160, &rng).map { 2 * $0 }
        let second = RSTestSupport.distinctPositions(22, in: 160, &rng).map { 2 * $0 + 1 }
        RSTestSupport.corrupt(&block, at: first + second, &rng)
        for p in second { reliability[p] = UInt8.random(in: 0...20, using: &rng) }
        let received = block
        let each: (inout [UInt8], [Int]) throws -> [Int?] = { b, e in try rs2.decodeEach(&b, erasures: e) }
        var hard = block
        #expect(try rs2.decodeEach(&hard) == [5, nil])
        #expect(soft.recoverInterleaved(&block, reliability: reliability, depth: 2, decodeEach: each) == 27)
        #expect(block == sent)
        block = received
        for p in second { reliability[p] = 120 }
        #expect(soft.recoverInterleaved(&block, reliability: reliability, depth: 2, decodeEach: each) == nil)
        #expect(block == received)
    }
}
