import Testing
import TelemetryDecode
import TestSupport

/// Astrocast FX.25 (NRZ-I and NRZ): the sync word checked against the FX.25 tag table, real Astrocast 0.1
/// beacons carried through the whole chain, and synthetic streams with sync errors, byte errors, weak
/// symbols, both polarities, chunked input and noise.
@Suite(.computeThreads) struct AstrocastFX25DeframerTests {
    /// Two Astrocast 0.1 beacons (HB9GSF to CQ, UI, PID 0xF0, 171 bytes of text padded with spaces) from
    /// the 2019-03-04 pass in satellite-recordings (astrocast.wav), as published by a third-party ground
    /// station project's tests that state them equal to gr-satellites' KISS output for that recording.
    static let header = Hex.bytes("86a24040404060" + "9084728ea68c61" + "03f0")
    static let beaconTexts = [
        "$GPRMC,220516.38,A,5133.82,N,02311.12,W,13606,054.7,270816,020.3,W*$HK,0x05F739466C19,3.415,57,12,-85,9338,0xEC*",
        "$GPRMC,220516.38,A,5133.82,N,02311.12,W,13606,054.7,270816,020.3,W*$HK,0x05F7398280C6,3.413,57,12,-78,9378,0xEC*",
    ]
    static var beacons: [[UInt8]] {
        beaconTexts.map { t in
            let text = Array(t.utf8)
            return header + text + [UInt8](repeating: 0x20, count: 171 - text.count)
        }
    }

    @Test func syncWordIsFX25Tag05SentLSBFirst() {
        // FX.25 Tag_05 (RS(255,223)) is 0x6E260B1AC5835FAE, transmitted LSB first; gr-satellites writes the
        // received bit string out.
        let tag: UInt64 = 0x6E26_0B1A_C583_5FAE
        let lsbFirst = (0..<64).map { UInt8((tag >> UInt64($0)) & 1) }
        let msbFirst = (0..<64).reversed().map { UInt8((AstrocastFX25Deframer.syncWord >> UInt64($0)) & 1) }
        #expect(lsbFirst == msbFirst)
        let published = "0111010111111010110000011010001101011000110100000110010001110110"
        #expect(published.map { $0 == "1" ? UInt8(1) : 0 } == msbFirst)
        // The FCS is CRC-16/X-25 (check value of "123456789" is 0x906E).
        #expect(CRCAlgorithm.x25.checksum(Array("123456789".utf8)) == 0x906E)
    }

    @Test(arguments: [true, false])
    func realBeaconsThroughTheChain(nrzi: Bool) throws {
        var rng = SplitMix64(seed: 0xA570_0001)
        let frames = Self.beacons
        #expect(frames.allSatisfy { $0.count == 187 })
        let bits = try Self.stream(frames, nrzi: nrzi, rng: &rng)
        for inverted in [false, true] {
            var d = AstrocastFX25Deframer(nrzi: nrzi)
            let out = DeframerTestSupport.deframe(DeframerTestSupport.softSymbols(bits, inverted: inverted), with: &d, chunk: 333)
            #expect(out.map(\.bytes) == frames, "nrzi \(nrzi) inverted \(inverted)")
            #expect(out.allSatisfy { $0.checkPassed && $0.correctedSymbols == 0 && $0.framing == d.framing })
        }
        #expect(AstrocastFX25Deframer(nrzi: nrzi).framing == (nrzi ? "Astrocast FX.25 NRZ-I" : "Astrocast FX.25 NRZ"))
    }

    @Test(arguments: [true, false])
    func randomFramesWithSyncAndByteErrorsInChunks(nrzi: Bool) throws {
        var rng = SplitMix64(seed: nrzi ? 0xA570_0002 : 0xA570_0003)
        let frames = (0..<6).map { _ in Self.randomFrame(&rng) }
        let syncErrors = [0, 8, 3, 1, 6, 2]
        let byteErrors = [0, 16, 5, 1, 12, 9]
        let bits = try Self.stream(frames, nrzi: nrzi, syncErrors: syncErrors, byteErrors: byteErrors, rng: &rng)
        for inverted in [false, true] {
            for chunk in [7, 1000, 1 << 16] {
                var d = AstrocastFX25Deframer(nrzi: nrzi)
                let out = DeframerTestSupport.deframe(DeframerTestSupport.softSymbols(bits, inverted: inverted), with: &d, chunk: chunk)
                #expect(out.map(\.bytes) == frames, "nrzi \(nrzi) inverted \(inverted) chunk \(chunk)")
                #expect(out.map(\.correctedSymbols) == byteErrors)
                #expect(out.allSatisfy { $0.checkPassed })
                #expect(zip(out, out.dropFirst()).allSatisfy { $0.symbolPosition < $1.symbolPosition })
            }
        }
    }

    @Test(arguments: [true, false])
    func weakByteErrorsBeyondHardCapabilityAreRecoveredWithErasures(nrzi: Bool) throws {
        var rng = SplitMix64(seed: 0xA570_0004)
        let frame = Self.randomFrame(&rng)
        let lead = 120
        let bits = try Self.stream([frame], nrzi: nrzi, leadBits: lead, rng: &rng)
        // 22 bytes of the codeword arrive wrong, barely: one channel symbol each, at bit 3 of the byte, so
        // that with NRZ-I both data bits it touches stay in that byte.
        let bytes = Array((0..<255).shuffled(using: &rng).prefix(22))
        let weak = bytes.map { lead + 64 + 8 * $0 + 3 }
        let symbols = DeframerTestSupport.softSymbols(bits, wrong: weak)
        var d = AstrocastFX25Deframer(nrzi: nrzi)
        let out = DeframerTestSupport.deframe(symbols, with: &d)
        #expect(out.count == 1)
        #expect(out.first?.checkPassed == true && out.first?.bytes == frame)
        #expect(out.first?.correctedSymbols == 22)
        // The same errors sent strong are beyond the code: the frame is reported, but not as good.
        var strong = AstrocastFX25Deframer(nrzi: nrzi)
        let failed = DeframerTestSupport.deframe(DeframerTestSupport.softSymbols(bits, wrong: weak, sure: true), with: &strong)
        #expect(failed.count == 1 && failed.allSatisfy { !$0.checkPassed })
    }

    @Test func aFrameBeyondCorrectionIsNotGood() throws {
        var rng = SplitMix64(seed: 0xA570_0005)
        let frames = (0..<2).map { _ in Self.randomFrame(&rng) }
        // The first frame has 40 wrong bytes after an exact sync word; the second one a sync word too far
        // off to report a failure.
        let bits = try Self.stream(frames, nrzi: true, syncErrors: [0, 6], byteErrors: [40, 40], rng: &rng)
        var d = AstrocastFX25Deframer()
        let out = DeframerTestSupport.deframe(DeframerTestSupport.softSymbols(bits), with: &d)
        #expect(out.count == 1)
        #expect(out.allSatisfy { !$0.checkPassed })
    }

    @Test(arguments: [true, false])
    func noiseGivesNoGoodFrames(nrzi: Bool) {
        var rng = SplitMix64(seed: nrzi ? 0xA570_0006 : 0xA570_0007)
        let symbols = (0..<200_000).map { _ in UInt8.random(in: 0...255, using: &rng) }
        var d = AstrocastFX25Deframer(nrzi: nrzi)
        let out = DeframerTestSupport.deframe(symbols, with: &d, chunk: 4096)
        #expect(out.filter(\.checkPassed).isEmpty)
    }

    @Test func unsendableFramesAreRefused() {
        #expect(AstrocastFX25Deframer.codeword(for: []) == nil)
        #expect(AstrocastFX25Deframer.codeword(for: [1, 0x7E, 2]) == nil)
        #expect(AstrocastFX25Deframer.codeword(for: [UInt8](repeating: 0x41, count: 220)) == nil)
        #expect(AstrocastFX25Deframer.codeword(for: [UInt8](repeating: 0x41, count: 219))?.count == 255)
    }

    // MARK: Helpers

    /// A random AX.25-sized frame that the framing can carry (no 0x7E in it or in its FCS).
    static func randomFrame(_ rng: inout SplitMix64) -> [UInt8] {
        while true {
            let n = Int.random(in: 1...AstrocastFX25Deframer.maximumFrameLength, using: &rng)
            let frame = (0..<n).map { _ in
                var b = UInt8.random(in: 0...255, using: &rng)
                if b == 0x7E { b = 0 }
                return b
            }
            if AstrocastFX25Deframer.codeword(for: frame) != nil { return frame }
        }
    }

    static func randomBits(_ n: Int, _ rng: inout SplitMix64) -> [UInt8] {
        (0..<n).map { _ in UInt8.random(in: 0...1, using: &rng) }
    }

    /// Channel bits: random lead, then each frame (sync word with `syncErrors[k]` bits flipped, codeword
    /// with `byteErrors[k]` bytes changed) followed by random bits; NRZ-I encoded when `nrzi`.
    static func stream(
        _ frames: [[UInt8]], nrzi: Bool, syncErrors: [Int]? = nil, byteErrors: [Int]? = nil, leadBits: Int = 300,
        rng: inout SplitMix64
    ) throws -> [UInt8] {
        var bits = randomBits(leadBits, &rng)
        for (k, frame) in frames.enumerated() {
            var f = try #require(AstrocastFX25Deframer.encode(frame))
            for j in 0..<(syncErrors?[k] ?? 0) { f[5 + 7 * j] ^= 1 }
            for i in (0..<255).shuffled(using: &rng).prefix(byteErrors?[k] ?? 0) {
                let e = UInt8.random(in: 1...255, using: &rng)
                for b in 0..<8 where e & (0x80 >> UInt8(b)) != 0 { f[64 + 8 * i + b] ^= 1 }
            }
            bits += f + randomBits(Int.random(in: 50...400, using: &rng), &rng)
        }
        if nrzi {
            var encoder = NRZIEncoder()
            encoder.process(&bits)
        }
        return bits
    }
}
