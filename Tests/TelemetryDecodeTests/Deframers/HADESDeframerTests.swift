import Testing
import TelemetryDecode
import TestSupport

/// HADES-R (AMSAT-EA): real packets published by AMSAT-EA (HADES-R repository, byte_version/samples),
/// as sent after the sync word and as gr-satellites outputs them (descrambled, CRC removed).
@Suite(.computeThreads) struct HADESDeframerTests {
    static let packets: [(name: String, air: String, out: String)] = [
        ("power", "1D61148D566290E0749EDA2C21794DEC8E28D642C0673A94AACEF6862223F6",
         "1DE116010000000000000000B36D0B0030403E000001000020280C0000"),
        ("temperatures", "2DE910BDC61F3FE5E7953FDDB88EB27689", "2D69160100FFFFFFFFFFFFFF000080"),
        ("status", "3D1433538CE203542A70EE6BA7402838A4600633E7A8F3D25D705CDD2F",
         "3D94330100840500000A000301000650000200FFFF0053000D0004"),
        ("power statistics", "4DF433CF88D464A5D84238BEC268E38A60A944A66CCEE4E66AD4C2EC568E964CA813CA",
         "4D74350100D0B26D0080003E0000110070B36C10F0003E00001200000000000000"),
        ("temperature statistics", "5D4E37313E590375750361B5A8C28F6BF5BD955D7FC730E0246A87",
         "5DCE350100FFFFFFFFFFFFFF00007DFFFFFFFFFFFFFF000084"),
        ("antenna", "8D8004101002420A2008242014C4544A1860C00A1828C22290AA76BE723255",
         "8D00000000000000000000000000000000000000000000000002000000"),
        ("ephemeris", "C28004101002420A2008242014C4544A1860C00A1828C22290A876B652AC2684586228048494440058426882889C14E294D064189C26E25AF644647ADEA01B9A",
         "C2" + String(repeating: "00", count: 61)),
    ]

    @Test func publishedPacketsDecodeToTheirPlainBytes() throws {
        for p in Self.packets {
            let frame = try #require(HADESDeframer.decode(Hex.bytes(p.air)), "\(p.name)")
            #expect(frame.checkPassed, "\(p.name)")
            #expect(Hex.string(frame.bytes) == p.out.lowercased(), "\(p.name)")
            // The encoder is the descrambler's inverse and puts the same CRC on.
            #expect(HADESDeframer.encode(Hex.bytes(p.out)) == Hex.bytes(p.air), "\(p.name)")
        }
    }

    @Test func streamWithSyncWordsNoiseAndABitErrorInOneSync() {
        var bits = DeframerTestSupport.bits([UInt8](repeating: 0x55, count: 20))
        for (i, p) in Self.packets.enumerated() {
            var sync = DeframerTestSupport.bits([0xBF, 0x35])
            if i == 2 { sync[5] ^= 1 }
            bits += sync + DeframerTestSupport.bits(Hex.bytes(p.air)) + DeframerTestSupport.bits([UInt8](repeating: 0xA5, count: 7))
        }
        // By default the sync word must be exact (packet 2 is lost); one error can be allowed.
        for (syncErrors, lost) in [(0, [2]), (1, [])] {
            let want = Self.packets.enumerated().filter { !lost.contains($0.offset) }.map { $0.element.out.lowercased() }
            for inverted in [false, true] {
                var d = HADESDeframer(syncErrors: syncErrors)
                let frames = DeframerTestSupport.deframe(DeframerTestSupport.softSymbols(bits, inverted: inverted), with: &d, chunk: 333)
                #expect(frames.allSatisfy { $0.checkPassed })
                #expect(frames.map { Hex.string($0.bytes) } == want, "sync errors \(syncErrors), inverted \(inverted)")
                #expect(frames.allSatisfy { $0.framing == "HADES-R" })
            }
        }
    }

    @Test func corruptedOrUnknownPacketsAreNotFrames() {
        var air = Hex.bytes(Self.packets[0].air)
        air[9] ^= 0x10
        #expect(HADESDeframer.decode(air)?.checkPassed == false)
        // Type 13 has no size in HADES-R; type 10 has none in HADES-D.
        #expect(HADESDeframer.decode([0xD0] + [UInt8](repeating: 0, count: 140)) == nil)
        #expect(HADESDeframer.decode([0xA0] + [UInt8](repeating: 0, count: 20), variant: .hadesD) == nil)
        var bits = DeframerTestSupport.bits([0xBF, 0x35]) + DeframerTestSupport.bits(air)
        bits += DeframerTestSupport.bits([UInt8](repeating: 0, count: 200))
        var d = HADESDeframer()
        #expect(DeframerTestSupport.deframe(DeframerTestSupport.softSymbols(bits), with: &d).isEmpty)
    }

    @Test func randomInputGivesNoFrames() {
        var rng = SplitMix64(seed: 0x4841_4445_53)
        var d = HADESDeframer()
        var frames: [DecodedFrame] = []
        for _ in 0..<20 {
            let symbols = (0..<50_000).map { _ in UInt8.random(in: 0...255, using: &rng) }
            frames += DeframerTestSupport.deframe(symbols, with: &d, chunk: 3000)
        }
        #expect(frames.isEmpty)
    }
}
