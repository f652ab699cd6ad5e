import Testing
import TelemetryDecode
import TestSupport

@Suite(.computeThreads) struct CCSDSRandomizerTests {
    /// The shared vector file starts with a `#` comment line; only the data line is hex.
    static func sharedPN() throws -> [UInt8] {
        let text = try SharedData.text("vectors/ccsds_pn.hex")
        let data = text.split(separator: "\n").filter { !$0.hasPrefix("#") }.joined()
        return Hex.bytes(data)
    }

    @Test func tableEqualsSharedVector() throws {
        let expected = try Self.sharedPN()
        #expect(expected.count == 255)
        #expect(CCSDSRandomizer.table.count == 255)
        #expect(CCSDSRandomizer.table == expected)
        #expect(Array(CCSDSRandomizer.table.prefix(4)) == [0xFF, 0x48, 0x0E, 0xC0])
    }

    @Test func sequenceIsPeriodicAndSelfInverse() {
        var rng = SplitMix64(seed: 7)
        let frame = (0..<1115).map { _ in UInt8.random(in: 0...255, using: &rng) }
        let once = CCSDSRandomizer.applied(to: frame)
        for i in 0..<frame.count {
            #expect(once[i] == frame[i] ^ CCSDSRandomizer.table[i % 255])
        }
        #expect(CCSDSRandomizer.applied(to: once) == frame)
    }

    @Test func bitAndSoftFormsAgreeWithBytes() {
        var rng = SplitMix64(seed: 8)
        let bytes = (0..<300).map { _ in UInt8.random(in: 0...255, using: &rng) }
        var bits = SyncMarkerSearch.unpack(bytes)
        CCSDSRandomizer.applyToBits(&bits)
        #expect(SyncMarkerSearch.pack(bits, input: .hardBits) == CCSDSRandomizer.applied(to: bytes))

        var soft = SyncMarkerSearch.unpack(bytes).map { $0 == 1 ? UInt8(230) : UInt8(20) }
        soft[5] = 128
        CCSDSRandomizer.applyToSoftSymbols(&soft)
        #expect(soft[5] == 128, "erasures stay erasures")
        soft[5] = (SyncMarkerSearch.unpack(CCSDSRandomizer.applied(to: bytes))[5] == 1) ? 200 : 10
        #expect(SyncMarkerSearch.pack(soft, input: .softSymbols) == CCSDSRandomizer.applied(to: bytes))
        #expect(CCSDSRandomizer.reflectSoftSymbol(255) == 1)
        #expect(CCSDSRandomizer.reflectSoftSymbol(0) == 255)
        #expect(CCSDSRandomizer.reflectSoftSymbol(129) == 127)
    }
}
