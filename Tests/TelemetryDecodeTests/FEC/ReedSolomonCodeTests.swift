import Testing
import TelemetryDecode
import TestSupport

@Suite(.computeThreads) struct ReedSolomonCodeTests {
    // MARK: GF(256)

    @Test func fieldArithmeticIsConsistent() throws {
        let f = try GaloisField256(polynomial: 0x187)
        #expect(f.exp(0) == 1)
        #expect(f.exp(1) == 2)
        #expect(f.exp(8) == 0x87)  // α^8 = α^7 + α^2 + α + 1
        #expect(f.exp(255) == 1)
        #expect(f.exp(-1) == f.inverse(2))
        for a in 1...255 {
            let x = UInt8(a)
            #expect(f.exp(try #require(f.log(x))) == x)
            #expect(f.multiply(x, try #require(f.inverse(x))) == 1)
            #expect(f.trace(x) <= 1)
            #expect(f.multiply(x, 0) == 0)
            #expect(f.divide(f.multiply(x, 0x53), by: 0x53) == x)
        }
        #expect(f.log(0) == nil)
        #expect(f.inverse(0) == nil)
        #expect(f.divide(1, by: 0) == nil)
        // Multiplication agrees with carry-less multiply and reduction.
        func slow(_ a: UInt8, _ b: UInt8) -> UInt8 {
            var p = 0
            for i in 0..<8 where b >> UInt8(i) & 1 == 1 { p ^= Int(a) << i }
            for i in stride(from: 14, through: 8, by: -1) where p >> i & 1 == 1 { p ^= 0x187 << (i - 8) }
            return UInt8(p)
        }
        var rng = SplitMix64(seed: 3)
        for _ in 0..<2000 {
            let a = UInt8.random(in: 0...255, using: &rng), b = UInt8.random(in: 0...255, using: &rng)
            #expect(f.multiply(a, b) == slow(a, b))
            #expect(f.multiply(a, b) == f.multiply(b, a))
        }
        // Half the non-zero elements have trace 1.
        #expect((1...255).filter { f.trace(UInt8($0)) == 1 }.count == 128)
        #expect(f.power(2, 8) == 0x87)
        #expect(f.power(0, 0) == 1)
    }

    @Test func rejectsNonPrimitivePolynomials() {
        #expect(throws: ReedSolomonError.self) { try GaloisField256(polynomial: 0x11B) }  // irreducible, not primitive
        #expect(throws: ReedSolomonError.self) { try GaloisField256(polynomial: 0x100) }
        #expect(throws: ReedSolomonError.self) { try GaloisField256(polynomial: 0x87) }
        #expect(throws: ReedSolomonError.self) { try GaloisField256(polynomial: 0x1FF) }
        #expect(throws: Never.self) { try GaloisField256(polynomial: 0x11D) }
    }

    @Test func rejectsInvalidCodeParameters() {
        #expect(throws: ReedSolomonError.self) { try ReedSolomonCode(fieldPolynomial: 0x187, firstConsecutiveRoot: 112, primitiveElement: 5, parityCount: 32) }
        #expect(throws: ReedSolomonError.self) { try ReedSolomonCode(fieldPolynomial: 0x187, firstConsecutiveRoot: 255, primitiveElement: 1, parityCount: 32) }
        #expect(throws: ReedSolomonError.self) { try ReedSolomonCode(fieldPolynomial: 0x187, firstConsecutiveRoot: 0, primitiveElement: 1, parityCount: 0) }
        #expect(throws: ReedSolomonError.self) { try ReedSolomonCode(fieldPolynomial: 0x187, firstConsecutiveRoot: 0, primitiveElement: 1, parityCount: 255) }
        #expect(throws: ReedSolomonError.self) {
            try ReedSolomonCode(fieldPolynomial: 0x187, firstConsecutiveRoot: 0, primitiveElement: 1, parityCount: 8,
                                symbolMap: [UInt8](repeating: 0, count: 256))
        }
    }

    @Test func generatorHasTheConsecutiveRoots() throws {
        let code = try ReedSolomonCCSDS().code
        let g = code.generatorPolynomial
        #expect(g.count == 33)
        #expect(g[32] == 1)
        // CCSDS's generator is self-reciprocal (palindromic coefficients).
        #expect(g == g.reversed())
        let f = code.field
        for j in 0..<32 {
            let root = f.exp(11 * (112 + j))
            var acc: UInt8 = 0
            for k in stride(from: 32, through: 0, by: -1) { acc = f.multiply(acc, root) ^ g[k] }
            #expect(acc == 0, "root \(j)")
        }
    }

    // MARK: Round trips

    static let codes: [(String, ReedSolomonCode)] = {
        var out: [(String, ReedSolomonCode)] = []
        if let c = try? ReedSolomonCCSDS(basis: .dual).code { out.append(("ccsds-dual", c)) }
        if let c = try? ReedSolomonCCSDS(basis: .conventional).code { out.append(("ccsds-conventional", c)) }
        if let c = try? ReedSolomonCode(fieldPolynomial: 0x11D, firstConsecutiveRoot: 0, primitiveElement: 1, parityCount: 16) {
            out.append(("0x11d-fcr0-16", c))
        }
        if let c = try? ReedSolomonCode(fieldPolynomial: 0x11D, firstConsecutiveRoot: 1, primitiveElement: 7, parityCount: 7) {
            out.append(("0x11d-fcr1-prim7-7", c))
        }
        // More than 32 parity symbols: the byte-wise (Horner) syndrome path.
        if let c = try? ReedSolomonCode(fieldPolynomial: 0x12B, firstConsecutiveRoot: 3, primitiveElement: 2, parityCount: 48) {
            out.append(("0x12b-fcr3-prim2-48", c))
        }
        return out
    }()

    @Test func randomErrorsWithinCapabilityAreCorrected() throws {
        #expect(Self.codes.count == 5)
        var rng = SplitMix64(seed: 17)
        for (name, code) in Self.codes {
            let t = code.correctionCapability
            for trial in 0..<150 {
                let k = trial % 3 == 0 ? code.dataLength : Int.random(in: 1...code.dataLength, using: &rng)
                let data = RSTestSupport.randomBytes(k, &rng)
                let codeword = try code.encode(data)
                var block = codeword
                #expect(try code.decode(&block) == 0)
                let e = trial % (t + 1)
                RSTestSupport.corrupt(&block, at: RSTestSupport.distinctPositions(e, in: block.count, &rng), &rng)
                let n = try code.decode(&block)
                #expect(n == e, "\(name) trial \(trial)")
                #expect(block == codeword, "\(name) trial \(trial)")
            }
        }
    }

    @Test func erasuresAndErrorsWithinCapabilityAreCorrected() throws {
        var rng = SplitMix64(seed: 99)
        for (name, code) in Self.codes {
            let r = code.parityCount
            for trial in 0..<200 {
                let k = trial % 2 == 0 ? code.dataLength : Int.random(in: 1...code.dataLength, using: &rng)
                let codeword = try code.encode(RSTestSupport.randomBytes(k, &rng))
                var block = codeword
                let s = trial < 20 ? r : Int.random(in: 0...r, using: &rng)
                let e = Int.random(in: 0...((r - s) / 2), using: &rng)
                let erasures = RSTestSupport.distinctPositions(s, in: block.count, &rng)
                let errors = RSTestSupport.distinctPositions(e, in: block.count, avoiding: Set(erasures), &rng)
                // Erased symbols are usually wrong, sometimes right.
                var wrongErasures = 0
                for p in erasures where trial % 5 != 0 || Bool.random(using: &rng) {
                    block[p] ^= UInt8.random(in: 1...255, using: &rng)
                    wrongErasures += 1
                }
                RSTestSupport.corrupt(&block, at: errors, &rng)
                let n = try code.decode(&block, erasures: erasures)
                #expect(n == e + wrongErasures, "\(name) trial \(trial) s=\(s) e=\(e)")
                #expect(block == codeword, "\(name) trial \(trial) s=\(s) e=\(e)")
            }
        }
    }

    /// Beyond 2e + s ≤ 2t the decoder must refuse (block unchanged) or, very rarely, land on another
    /// codeword — never return a non-codeword as corrected.
    @Test func beyondCapabilityIsRefusedNotMiscorrected() throws {
        var rng = SplitMix64(seed: 2024)
        for basis in ReedSolomonCCSDS.Basis.allCases {
            let rs = try ReedSolomonCCSDS(basis: basis)
            var refused = 0, miscorrected = 0
            let trials = 1500
            for trial in 0..<trials {
                let data = RSTestSupport.randomBytes(223, &rng)
                let codeword = try rs.encode(data)
                var block = codeword
                let e = 17 + trial % 4
                RSTestSupport.corrupt(&block, at: RSTestSupport.distinctPositions(e, in: 255, &rng), &rng)
                let received = block
                do {
                    _ = try rs.decode(&block)
                    miscorrected += 1
                    #expect(block != codeword)
                    // Whatever it landed on must be a codeword within distance 16 of what was received.
                    #expect(try rs.encode(Array(block.prefix(223))) == block)
                    #expect(zip(block, received).filter { $0 != $1 }.count <= 16)
                } catch {
                    #expect(error == .uncorrectable)
                    #expect(block == received)
                    refused += 1
                }
            }
            #expect(refused + miscorrected == trials)
            #expect(miscorrected <= trials / 100, "\(basis): \(miscorrected) miscorrections in \(trials)")
        }
    }

    /// With erasures, 2e + s > 2t must be refused or land on a codeword that is itself within the radius
    /// (2e' + s ≤ 2t, e' = changed non-erased symbols). Few erasures leave enough redundancy to make that rare;
    /// near 2t erasures the remaining redundancy is tiny and such landings are legitimately common.
    @Test func erasuresBeyondCapabilityAreRefused() throws {
        var rng = SplitMix64(seed: 5)
        let rs = try ReedSolomonCCSDS()
        var miscorrected = 0
        let trials = 600
        for trial in 0..<trials {
            let codeword = try rs.encode(RSTestSupport.randomBytes(223, &rng))
            var block = codeword
            let s = trial < 500 ? Int.random(in: 0...16, using: &rng) : Int.random(in: 17...31, using: &rng)
            let e = (32 - s) / 2 + 1 + trial % 3   // 2e + s > 32
            let erasures = RSTestSupport.distinctPositions(s, in: 255, &rng)
            RSTestSupport.corrupt(&block, at: erasures, &rng)
            RSTestSupport.corrupt(&block, at: RSTestSupport.distinctPositions(e, in: 255, avoiding: Set(erasures), &rng), &rng)
            let received = block
            do {
                _ = try rs.decode(&block, erasures: erasures)
                if trial < 500 { miscorrected += 1 }
                #expect(try rs.encode(Array(block.prefix(223))) == block)
                let erased = Set(erasures)
                let changedOutsideErasures = (0..<255).filter { block[$0] != received[$0] && !erased.contains($0) }.count
                #expect(2 * changedOutsideErasures + s <= 32)
            } catch {
                #expect(block == received)
            }
        }
        #expect(miscorrected <= 5, "\(miscorrected) miscorrections in 500 trials with ≤ 16 erasures")
    }

    /// Arbitrary bytes, lengths and erasure lists: a typed error or a codeword, never a trap.
    @Test func arbitraryInputNeverCrashes() throws {
        var rng = SplitMix64(seed: 77)
        for (_, code) in Self.codes {
            for _ in 0..<300 {
                let n = Int.random(in: 0...260, using: &rng)
                var block = RSTestSupport.randomBytes(n, &rng)
                let erasures = (0..<Int.random(in: 0...4, using: &rng)).map { _ in Int.random(in: -2...(n + 2), using: &rng) }
                if let changed = try? code.decode(&block, erasures: erasures) {
                    #expect(changed <= code.parityCount)
                    #expect(try code.decode(&block) == 0)
                }
            }
            #expect(throws: ReedSolomonError.self) { try code.encode([]) }
            #expect(throws: ReedSolomonError.self) { try code.encode([UInt8](repeating: 0, count: code.dataLength + 1)) }
        }
    }

    @Test func pointerVariantsMatchArrayVariants() throws {
        let code = try ReedSolomonCCSDS().code
        var rng = SplitMix64(seed: 8)
        let data = RSTestSupport.randomBytes(200, &rng)
        let expected = try code.encode(data)
        var parity = [UInt8](repeating: 0, count: 32)
        try data.withUnsafeBufferPointer { d in
            try parity.withUnsafeMutableBufferPointer { p in try code.encode(data: d, parity: p) }
        }
        #expect(data + parity == expected)
        var block = expected
        RSTestSupport.corrupt(&block, at: [0, 5, 231], &rng)
        let erasures = [5]
        let n = try block.withUnsafeMutableBufferPointer { b in
            try erasures.withUnsafeBufferPointer { e in try code.decode(b, erasures: e) }
        }
        #expect(n == 3)
        #expect(block == expected)
    }
}
