import Testing
import TelemetryDecode
import TestSupport

@Suite(.computeThreads) struct CRCAlgorithmTests {
    /// Maps the algorithm names used in shared/vectors/crc.tsv to gsd's engines.
    func engine(for name: String) -> CRCAlgorithm? {
        if name.hasPrefix("CRC-16/X-25") { return .x25 }
        if name.hasPrefix("CRC-16/IBM-3740") { return .ibm3740 }
        if name.hasPrefix("CRC-16/KERMIT") { return .kermit }
        if name.hasPrefix("CRC-32/ISO-HDLC") { return .crc32 }
        if name.contains("CRC-32C") { return .crc32c }
        return nil
    }

    @Test func everyVectorInSharedCRCTable() throws {
        let rows = try SharedData.tsvRows("vectors/crc.tsv")
        #expect(rows.count == 20)
        for row in rows {
            let alg = try #require(engine(for: row[0]), "no engine for \(row[0])")
            #expect(alg.width == Int(row[1]))
            #expect(alg.polynomial == UInt32(row[2].dropFirst(2), radix: 16))
            let message = Hex.bytes(row[7])
            let expected = UInt32(row[8], radix: 16)
            #expect(alg.checksum(message) == expected, "\(row[0]) over \(message.count) bytes")
        }
    }

    @Test func streamingInAnyChunkSizeMatchesWholeBuffer() {
        var rng = SplitMix64(seed: 42)
        let data = (0..<1000).map { _ in UInt8.random(in: 0...255, using: &rng) }
        for alg in [CRCAlgorithm.x25, .ibm3740, .kermit, .crc32, .crc32c] {
            let whole = alg.checksum(data)
            for chunk in [1, 3, 7, 8, 9, 64, 999] {
                var s = alg.stream()
                var i = 0
                while i < data.count {
                    s.update(data[i..<min(i + chunk, data.count)])
                    i += chunk
                }
                #expect(s.value == whole, "\(alg.name) chunk \(chunk)")
            }
        }
    }

    /// A bitwise reference, independent of the table code, over random lengths crossing the 8-byte stride.
    @Test func tablesAgreeWithBitwiseDefinition() {
        var rng = SplitMix64(seed: 7)
        for alg in [CRCAlgorithm.x25, .ibm3740, .kermit, .crc32, .crc32c] {
            for len in [0, 1, 7, 8, 15, 16, 17, 100] {
                let data = (0..<len).map { _ in UInt8.random(in: 0...255, using: &rng) }
                #expect(alg.checksum(data) == bitwise(alg, data), "\(alg.name) len \(len)")
            }
        }
    }

    func bitwise(_ a: CRCAlgorithm, _ data: [UInt8]) -> UInt32 {
        let top = UInt64(1) << UInt64(a.width - 1)
        let mask = (UInt64(1) << UInt64(a.width)) - 1
        var crc = UInt64(a.initial)
        for byte in data {
            for i in 0..<8 {
                let bit = a.reflected ? (byte >> i) & 1 : (byte >> (7 - i)) & 1
                let fb = ((crc & top) != 0) != (bit == 1)
                crc = (crc << 1) & mask
                if fb { crc ^= UInt64(a.polynomial) }
            }
        }
        if a.reflected {
            var r: UInt64 = 0
            for i in 0..<a.width where (crc >> UInt64(i)) & 1 == 1 { r |= 1 << UInt64(a.width - 1 - i) }
            crc = r
        }
        return UInt32(crc ^ UInt64(a.xorOut))
    }
}
