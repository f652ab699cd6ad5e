import Testing
import TelemetryDecode
import TestSupport

/// GEOSCAN (CC1125, PN9, CRC-16 CC11xx, fixed size): real deframed frames, GEOSCAN-EDELVEIS (66-byte
/// frames) from the sats-receiver project's tests and a Geoscan-platform beacon (74-byte frames) from
/// jradio's tests, with the bytes sent (whitened frame and CRC) and the CRC value worked out in Python
/// from the published CC11xx facts, independently of this code.
@Suite(.computeThreads) struct GEOSCANDeframerTests {
    static let frames: [(size: Int, out: String, crc: UInt32, air: String)] = [
        (66, "848a82869e9c60a4a66460a640e103f0655e86642607f00bd4e084dd0e111609800a07070f611de9050600000000000000000000000000000000000000000000",
         0x3388,
         "7B6B9F1C731953804C1EB29F307654FA3123ABBC4B0A4A84B3B9437FB125DC11B05994D89D8DBAFC8FDAF486554E182140C4C4D5C6918ACDE7D14E093217DF83CC78"),
        (66, "848a82869e9c60a4a66460a640e103f0855e86642007bf07a6e022dc0c151308800b07070e611de9050600000000000000000000000000000000000000000000",
         0xE4D2,
         "7B6B9F1C731953804C1EB29F307654FAD123ABBC4D0A0588C1B9E57EB321D910B05894D89C8DBAFC8FDAF486554E182140C4C4D5C6918ACDE7D14E093217DF831B22"),
        (74, "848A82869E9C60A4A66A62A600E103F0011EA3F86703126F007F011E10502006000A0A5601010000000000000000000000000000000000000D67204F019A7F00004501000C000000",
         0x06DB,
         "7B6B9F1C731953804C10B09F707654FA55638E200A0EA8E06726C6BCAF64EA1E3059998993EDA7158ADCF486554E182140C4C4D5C6918ACDEAB66E46338DA083FFB50FCDFAC2191273E6"),
    ]

    @Test func publishedFramesDecodeFromTheBytesSent() throws {
        for f in Self.frames {
            let payload = Hex.bytes(f.out)
            #expect(payload.count == f.size - 2)
            #expect(CRCAlgorithm(name: "CC11xx", width: 16, polynomial: 0x8005, initial: 0xFFFF, reflected: false, xorOut: 0).checksum(payload) == f.crc)
            let frame = GEOSCANDeframer.decode(Hex.bytes(f.air))
            #expect(frame.checkPassed && frame.bytes == payload)
            #expect(GEOSCANDeframer.encode(payload) == Hex.bytes(f.air))
        }
    }

    @Test(arguments: [66, 74])
    func streamWithBitErrorsAndBothPolarities(size: Int) {
        let chosen = Self.frames.filter { $0.size == size }
        var bits = DeframerTestSupport.bits([UInt8](repeating: 0xAA, count: 8))
        for (i, f) in chosen.enumerated() {
            var sync = DeframerTestSupport.bits(GEOSCANDeframer.syncWord)
            for k in 0..<(i == 0 ? 4 : 1) { sync[3 + 7 * k] ^= 1 }   // 4 and 1 sync errors
            bits += sync + DeframerTestSupport.bits(Hex.bytes(f.air)) + DeframerTestSupport.bits([UInt8](repeating: 0x33, count: 5))
        }
        bits += DeframerTestSupport.bits([UInt8](repeating: 0x55, count: size))
        for inverted in [false, true] {
            var d = GEOSCANDeframer(frameSize: size)
            let frames = DeframerTestSupport.deframe(DeframerTestSupport.softSymbols(bits, inverted: inverted), with: &d, chunk: 500)
            let (good, _) = DeframerTestSupport.split(frames)
            #expect(good == Set(chosen.map { $0.out.lowercased() }), "\(size) inverted \(inverted)")
        }
    }

    @Test func aWeakBitIsRepairedFromTheSoftSymbols() {
        let f = Self.frames[0]
        var bits = DeframerTestSupport.bits(GEOSCANDeframer.syncWord) + DeframerTestSupport.bits(Hex.bytes(f.air))
        bits += DeframerTestSupport.bits([UInt8](repeating: 0x55, count: 70))
        var symbols = DeframerTestSupport.softSymbols(bits)
        // Bit 200 of the frame arrives wrong but barely so.
        let i = 32 + 200
        symbols[i] = bits[i] == 1 ? 120 : 136
        var d = GEOSCANDeframer()
        let frames = DeframerTestSupport.deframe(symbols, with: &d)
        #expect(frames.count == 1 && frames[0].checkPassed && frames[0].correctedSymbols == 1)
        #expect(frames.first.map { Hex.string($0.bytes) } == f.out)
    }

    @Test func randomInputGivesNoGoodFrames() {
        var rng = SplitMix64(seed: 0x4745_4F53)
        var d = GEOSCANDeframer(frameSize: 74)
        var frames: [DecodedFrame] = []
        for _ in 0..<20 {
            let symbols = (0..<50_000).map { _ in UInt8.random(in: 0...255, using: &rng) }
            frames += DeframerTestSupport.deframe(symbols, with: &d, chunk: 3000)
        }
        #expect(frames.filter(\.checkPassed).isEmpty)
    }
}
