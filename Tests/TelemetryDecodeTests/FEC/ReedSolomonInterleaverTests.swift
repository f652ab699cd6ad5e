import Testing
import TelemetryDecode
import TestSupport

@Suite(.computeThreads) struct ReedSolomonInterleaverTests {
    static let depths = [1, 2, 3, 4, 5, 8]

    @Test(arguments: depths)
    func encodingInterleavesIndependentCodewords(depth: Int) throws {
        var rng = SplitMix64(seed: UInt64(depth))
        for fill in [0, 33, 100] {
            let rs = try ReedSolomonCCSDS(basis: .dual, interleave: depth, virtualFill: fill)
            #expect(rs.dataLength == depth * (223 - fill))
            #expect(rs.blockLength == depth * (255 - fill))
            let data = RSTestSupport.randomBytes(rs.dataLength, &rng)
            let frame = try rs.encode(data)
            #expect(Array(frame.prefix(rs.dataLength)) == data)
            // Codeword k = symbols k, k + I, k + 2I, ... is the single-codeword encoding of its data.
            let single = try ReedSolomonCCSDS(basis: .dual, virtualFill: fill)
            for k in 0..<depth {
                let codeword = stride(from: k, to: frame.count, by: depth).map { frame[$0] }
                #expect(try single.encode(Array(codeword.prefix(223 - fill))) == codeword)
            }
            // Pointer variant, encoding in place.
            var inPlace = data + [UInt8](repeating: 0, count: rs.blockLength - rs.dataLength)
            let dl = rs.dataLength
            try inPlace.withUnsafeMutableBufferPointer { b in
                try rs.encode(UnsafeBufferPointer(rebasing: b[0..<dl]), into: b)
            }
            #expect(inPlace == frame)
        }
    }

    @Test(arguments: depths)
    func correctsUpTo16ErrorsPerCodeword(depth: Int) throws {
        var rng = SplitMix64(seed: 100 + UInt64(depth))
        for fill in [0, 33, 100] {
            for basis in ReedSolomonCCSDS.Basis.allCases {
                let rs = try ReedSolomonCCSDS(basis: basis, interleave: depth, virtualFill: fill)
                for _ in 0..<4 {
                    let frame = try rs.encode(RSTestSupport.randomBytes(rs.dataLength, &rng))
                    var block = frame
                    var total = 0
                    for k in 0..<depth {
                        let e = Int.random(in: 0...16, using: &rng)
                        let local = RSTestSupport.distinctPositions(e, in: 255 - fill, &rng)
                        RSTestSupport.corrupt(&block, at: local.map { $0 * depth + k }, &rng)
                        total += e
                    }
                    #expect(try rs.decode(&block) == total)
                    #expect(block == frame)
                }
            }
        }
    }

    @Test(arguments: depths)
    func burstOf16TimesDepthSymbolsIsCorrected(depth: Int) throws {
        var rng = SplitMix64(seed: 200 + UInt64(depth))
        let rs = try ReedSolomonCCSDS(interleave: depth)
        let frame = try rs.encode(RSTestSupport.randomBytes(rs.dataLength, &rng))
        var block = frame
        let start = Int.random(in: 0...(block.count - 16 * depth), using: &rng)
        RSTestSupport.corrupt(&block, at: Array(start..<(start + 16 * depth)), &rng)
        #expect(try rs.decode(&block) == 16 * depth)
        #expect(block == frame)
    }

    @Test(arguments: depths)
    func erasuresMapToTheirCodewords(depth: Int) throws {
        var rng = SplitMix64(seed: 300 + UInt64(depth))
        let rs = try ReedSolomonCCSDS(interleave: depth, virtualFill: 10)
        let frame = try rs.encode(RSTestSupport.randomBytes(rs.dataLength, &rng))
        var block = frame
        var erasures: [Int] = []
        var errors: [Int] = []
        for k in 0..<depth {
            // 20 erasures + 6 errors per codeword: 2·6 + 20 = 32.
            let local = RSTestSupport.distinctPositions(26, in: 245, &rng)
            erasures += local.prefix(20).map { $0 * depth + k }
            errors += local.suffix(6).map { $0 * depth + k }
        }
        RSTestSupport.corrupt(&block, at: erasures + errors, &rng)
        #expect(try rs.decode(&block, erasures: erasures) == 26 * depth)
        #expect(block == frame)
        // 33 erasures in one codeword is too many even if the frame has room.
        if depth > 1 {
            let tooMany = (0..<33).map { $0 * depth }
            var copy = frame
            #expect(throws: ReedSolomonError.tooManyErasures(count: 33, limit: 32)) { try rs.decode(&copy, erasures: tooMany) }
        }
    }

    @Test(arguments: depths.filter { $0 > 1 })
    func oneBadCodewordFailsTheFrameButDecodeEachSavesTheRest(depth: Int) throws {
        var rng = SplitMix64(seed: 400 + UInt64(depth))
        let rs = try ReedSolomonCCSDS(interleave: depth)
        let frame = try rs.encode(RSTestSupport.randomBytes(rs.dataLength, &rng))
        var block = frame
        let bad = depth - 1
        for k in 0..<depth {
            let e = k == bad ? 24 : 5
            RSTestSupport.corrupt(&block, at: RSTestSupport.distinctPositions(e, in: 255, &rng).map { $0 * depth + k }, &rng)
        }
        let received = block
        #expect(throws: ReedSolomonError.uncorrectable) { try rs.decode(&block) }
        #expect(block == received)
        let outcome = try rs.decodeEach(&block)
        #expect(outcome.count == depth)
        for k in 0..<depth {
            #expect(outcome[k] == (k == bad ? nil : 5))
            let got = stride(from: k, to: block.count, by: depth).map { block[$0] }
            let want = stride(from: k, to: frame.count, by: depth).map { (k == bad ? received : frame)[$0] }
            #expect(got == want, "codeword \(k)")
        }
    }

    @Test func rejectsWrongLengths() throws {
        let rs = try ReedSolomonCCSDS(interleave: 4, virtualFill: 5)
        #expect(throws: ReedSolomonError.invalidLength(expected: 4 * 218, actual: 10)) { try rs.encode([UInt8](repeating: 0, count: 10)) }
        var block = [UInt8](repeating: 0, count: 4 * 250 - 1)
        #expect(throws: ReedSolomonError.invalidLength(expected: 1000, actual: 999)) { try rs.decode(&block) }
        #expect(throws: ReedSolomonError.invalidLength(expected: 1000, actual: 999)) { try rs.decodeEach(&block) }
        var ok = [UInt8](repeating: 0, count: 1000)
        #expect(try rs.decode(&ok) == 0)
        #expect(throws: ReedSolomonError.erasureOutOfRange(position: 1000, length: 1000)) { try rs.decode(&ok, erasures: [1000]) }
    }
}
