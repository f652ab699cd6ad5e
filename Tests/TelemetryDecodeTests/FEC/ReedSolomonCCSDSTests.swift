import Testing
import TelemetryDecode
import TestSupport

@Suite(.computeThreads) struct ReedSolomonCCSDSTests {
    /// Every row of a libfec reference table: same decoded data and corrected count, FAIL where libfec fails.
    func checkVectors(_ file: String, basis: ReedSolomonCCSDS.Basis) throws {
        let rows = try SharedData.tsvRows("vectors/\(file)")
        #expect(rows.count == 315)
        var failures = 0
        for row in rows {
            try #require(row.count == 6, "malformed row \(row.first ?? "")")
            let id = row[0]
            let pad = try #require(Int(row[1]))
            let corrected = try #require(Int(row[5]))
            var block = Hex.bytes(row[3])
            #expect(block.count == 255 - pad, "row \(id)")
            let rs = try ReedSolomonCCSDS(basis: basis, virtualFill: pad)
            let original = block
            if row[4] == "FAIL" {
                failures += 1
                #expect(corrected == -1)
                #expect(throws: ReedSolomonError.uncorrectable, "row \(id) must fail") { try rs.decode(&block) }
                #expect(block == original, "row \(id): block changed although uncorrectable")
            } else {
                let expected = Hex.bytes(row[4])
                let n = try rs.decode(&block)
                #expect(n == corrected, "row \(id): corrected \(n), libfec \(corrected)")
                #expect(Array(block.prefix(rs.dataLength)) == expected, "row \(id): decoded data differs")
                // The corrected block is a codeword: re-encoding gives the same parity, and decodes clean.
                #expect(try rs.encode(Array(block.prefix(rs.dataLength))) == block, "row \(id)")
                #expect(try rs.decode(&block) == 0)
            }
        }
        #expect(failures > 0)
    }

    @Test func everyDualBasisVector() throws { try checkVectors("rs_ccsds_dual.tsv", basis: .dual) }
    @Test func everyConventionalBasisVector() throws { try checkVectors("rs_ccsds_conventional.tsv", basis: .conventional) }

    @Test func dualBasisTablesAreInversePermutationsAndLinear() {
        var seen = Set<UInt8>()
        for u in 0...255 {
            let z = ReedSolomonCCSDS.dual(fromConventional: UInt8(u))
            seen.insert(z)
            #expect(ReedSolomonCCSDS.conventional(fromDual: z) == UInt8(u))
        }
        #expect(seen.count == 256)
        #expect(ReedSolomonCCSDS.dual(fromConventional: 0) == 0)
        // GF(2)-linear: the map of a XOR b is the XOR of the maps.
        for a in stride(from: 0, through: 255, by: 7) {
            for b in stride(from: 0, through: 255, by: 11) {
                let x = ReedSolomonCCSDS.dual(fromConventional: UInt8(a)) ^ ReedSolomonCCSDS.dual(fromConventional: UInt8(b))
                #expect(ReedSolomonCCSDS.dual(fromConventional: UInt8(a ^ b)) == x)
            }
        }
    }

    @Test func rejectsInvalidConfigurationsAndLengths() throws {
        #expect(throws: ReedSolomonError.self) { try ReedSolomonCCSDS(interleave: 6) }
        #expect(throws: ReedSolomonError.self) { try ReedSolomonCCSDS(interleave: 0) }
        #expect(throws: ReedSolomonError.self) { try ReedSolomonCCSDS(virtualFill: 223) }
        #expect(throws: ReedSolomonError.self) { try ReedSolomonCCSDS(virtualFill: -1) }
        let rs = try ReedSolomonCCSDS()
        #expect(throws: ReedSolomonError.invalidLength(expected: 223, actual: 10)) { try rs.encode([UInt8](repeating: 0, count: 10)) }
        var short = [UInt8](repeating: 0, count: 254)
        #expect(throws: ReedSolomonError.invalidLength(expected: 255, actual: 254)) { try rs.decode(&short) }
        var empty: [UInt8] = []
        #expect(throws: ReedSolomonError.self) { try rs.decode(&empty) }
        var block = try rs.encode([UInt8](repeating: 7, count: 223))
        #expect(throws: ReedSolomonError.erasureOutOfRange(position: 255, length: 255)) { try rs.decode(&block, erasures: [255]) }
        #expect(throws: ReedSolomonError.erasureOutOfRange(position: -1, length: 255)) { try rs.decode(&block, erasures: [-1]) }
        #expect(throws: ReedSolomonError.duplicateErasure(position: 3)) { try rs.decode(&block, erasures: [3, 4, 3]) }
        #expect(throws: ReedSolomonError.tooManyErasures(count: 33, limit: 32)) {
            try rs.decode(&block, erasures: Array(0..<33))
        }
        #expect(try rs.decode(&block, erasures: Array(0..<32)) == 0)
    }
}
