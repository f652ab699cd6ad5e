import Foundation
import TelemetryDecode
import Testing
import TestSupport

/// MRC-100 RA: the frame layout, CRC and coded bytes checked against values worked out in Python from
/// the published facts (CRC-16/CCITT-FALSE parameters; the RA encoder as Maróti's encoder describes it),
/// independently of this code; then the deframer through noise, sync errors, inversion and random input.
@Suite(.computeThreads) struct MRC100RADeframerTests {
    /// Payload of the reference frame: (7 i + 3) mod 256, i = 0..<124.
    static let payload = (0..<124).map { UInt8(truncatingIfNeeded: 7 * $0 + 3) }
    /// Python: CRC-16/CCITT-FALSE over the payload is 0xA154, stored low byte first in bytes 1-2.
    static let frameHex = "0354a10a11181f262d343b424950575e656c737a81888f969da4abb2b9c0c7ced5dce3eaf1f8ff060d141b222930373e454c535a61686f767d848b9299a0a7aeb5bcc3cad1d8dfe6edf4fb020910171e252c333a41484f565d646b727980878e959ca3aab1b8bfc6cdd4dbe2e9f0f7fe050c131a21282f363d444b525960"
    /// Python: the 252 coded bytes of that frame.
    static let codedHex = "878e54d9758af90f493b05976121e3cafa775a9534ea4315184ae5d57362f46575a437c608f9d9183bd2ec11f304d2305e264e7b9a790af22c49b70cc622b8f39d31e3acd27c4c121d4b71a3fd9dd1f8038e08d795735f25dce8755655ddd76a20e7e9f3bda96f6c52da96abf86f11c397c71e3f78e1f326829110900b1c14d764c32c137844643828709555a97e0f42d1bbbedb1e6d0faa1671382ff3d6ff9097f9515706e5c8d9cc1f893054a43eef99509c9efe10479d73d37b68cd64e117a5a0dcbb9ab9fe5d9f7ad4a3340517fa305aac17ed41d1f7b64986925a1f5e6cc100fa0539f91598552774f5bc430931d5197826ebeb09c2a41a1a32"
    /// Python: gr-satellites' output order (byte 0, bytes 5..., bytes 1...4).
    static let grOutHex = "03181f262d343b424950575e656c737a81888f969da4abb2b9c0c7ced5dce3eaf1f8ff060d141b222930373e454c535a61686f767d848b9299a0a7aeb5bcc3cad1d8dfe6edf4fb020910171e252c333a41484f565d646b727980878e959ca3aab1b8bfc6cdd4dbe2e9f0f7fe050c131a21282f363d444b52596054a10a11"

    static let syncBits = DeframerTestSupport.bits(MRC100RADeframer.syncWord)

    /// Soft symbols with Gaussian noise (sigma in units of half the 0/1 distance).
    static func noisy(_ bits: [UInt8], sigma: Double, rng: inout SplitMix64) -> [UInt8] {
        bits.map { b in
            let u1 = max(Double(rng.next() >> 11) / Double(1 << 53), 1e-12)
            let u2 = Double(rng.next() >> 11) / Double(1 << 53)
            let g = (-2 * log(u1)).squareRoot() * cos(2 * .pi * u2)
            let v = (b == 1 ? 1.0 : -1.0) + sigma * g
            return UInt8(max(0, min(255, 127.5 + 100 * v)))
        }
    }

    static func randomPayload(_ rng: inout SplitMix64) -> [UInt8] {
        (0..<124).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
    }

    @Test func independentReferenceValues() throws {
        #expect(MRC100RADeframer.framingName == "MRC-100 RA")
        #expect(MRC100RADeframer.crc16.checksum(Array("123456789".utf8)) == 0x29B1)
        let frame = MRC100RADeframer.frame(payload: Self.payload)
        #expect(Hex.string(frame) == Self.frameHex)
        #expect(MRC100RADeframer.crcMatches(frame))
        #expect(try #require(SMOGRACode(frameBytes: 126)).codedBytes == 252)
        #expect(MRC100RADeframer.encode(Self.payload).map { Hex.string($0) } == Self.codedHex)
        #expect(Hex.string(MRC100RADeframer.output(frame, order: .grSatellites)) == Self.grOutHex)
        #expect(MRC100RADeframer.output(frame, order: .transmitted) == frame)
    }

    @Test func referenceFrameFromTheBytesSent() {
        let bits = DeframerTestSupport.bits([0x55, 0x55]) + Self.syncBits + DeframerTestSupport.bits(Hex.bytes(Self.codedHex))
            + DeframerTestSupport.bits([0x55, 0x55])
        for order in [MRC100RADeframer.OutputOrder.grSatellites, .transmitted] {
            var d = MRC100RADeframer(.init(outputOrder: order))
            let frames = DeframerTestSupport.deframe(DeframerTestSupport.softSymbols(bits), with: &d)
            #expect(frames.count == 1)
            #expect(frames.first?.checkPassed == true && frames.first?.correctedSymbols == 0)
            #expect(frames.first.map { Hex.string($0.bytes) } == (order == .grSatellites ? Self.grOutHex : Self.frameHex))
            #expect(frames.first?.symbolPosition == 16 + 32 + 2016)
        }
    }

    /// Random payloads between random bits, Gaussian noise, sync words with 4, 1 and 0 bit errors, odd
    /// chunks, both polarities.
    @Test(arguments: [false, true])
    func streamThroughNoiseWithSyncErrors(inverted: Bool) {
        var rng = SplitMix64(seed: inverted ? 0x4D52_4301 : 0x4D52_4300)
        var expected: [[UInt8]] = []
        // Sync words arrive as planted (strong symbols), everything else through noise.
        var symbols: [UInt8] = []
        var hardErrors = 0
        func add(_ bits: [UInt8], noise: Bool) {
            let b = inverted ? bits.map { $0 ^ 1 } : bits
            let s = noise ? Self.noisy(b, sigma: 0.45, rng: &rng) : DeframerTestSupport.softSymbols(b)
            hardErrors += zip(s, b).filter { ($0 >= 128) != ($1 == 1) }.count
            symbols += s
        }
        add((0..<333).map { _ in UInt8(rng.next() & 1) }, noise: true)
        for (i, errors) in [4, 1, 0].enumerated() {
            let payload = Self.randomPayload(&rng)
            let frame = MRC100RADeframer.frame(payload: payload)
            expected.append(MRC100RADeframer.output(frame, order: .grSatellites))
            var sync = Self.syncBits
            for k in 0..<errors { sync[2 + 7 * k + i] ^= 1 }
            add(DeframerTestSupport.bits([0x55, 0x55]), noise: true)
            add(sync, noise: false)
            add(DeframerTestSupport.bits(MRC100RADeframer.encode(payload)!), noise: true)
            add((0..<(100 + 37 * i)).map { _ in UInt8(rng.next() & 1) }, noise: true)
        }
        var d = MRC100RADeframer()
        let out = DeframerTestSupport.deframe(symbols, with: &d, chunk: 777)
        #expect(out.map(\.bytes) == expected, "\(hardErrors) hard-decision errors in the stream")
        #expect(out.allSatisfy { $0.checkPassed && $0.framing == "MRC-100 RA" && $0.correctedSymbols > 0 })
    }

    @Test func strongBitErrorsAreCorrected() {
        var rng = SplitMix64(seed: 0x4D52_4302)
        let payload = Self.randomPayload(&rng)
        let coded = DeframerTestSupport.bits(MRC100RADeframer.encode(payload)!)
        // 60 coded bits (3 %) arrive wrong with full confidence.
        var wrong = Set<Int>()
        while wrong.count < 60 { wrong.insert(Int(rng.next() % UInt64(coded.count))) }
        let bits = Self.syncBits + coded + DeframerTestSupport.bits([0x33, 0x33])
        let symbols = DeframerTestSupport.softSymbols(bits, wrong: wrong.map { $0 + 32 }, sure: true)
        var d = MRC100RADeframer(.init(outputOrder: .transmitted))
        let out = DeframerTestSupport.deframe(symbols, with: &d, chunk: 1)
        #expect(out.count == 1)
        #expect(out.first?.bytes == MRC100RADeframer.frame(payload: payload))
        #expect(out.first?.checkPassed == true && out.first?.correctedSymbols == 60)
    }

    @Test func aFrameBeyondCorrectionIsNotGood() {
        var rng = SplitMix64(seed: 0x4D52_4303)
        let payload = Self.randomPayload(&rng)
        // Every coded bit fairly noisy (sigma 1.2: about 20 % hard errors), exact sync.
        let coded = DeframerTestSupport.bits(MRC100RADeframer.encode(payload)!)
        let symbols = DeframerTestSupport.softSymbols(Self.syncBits) + Self.noisy(coded, sigma: 1.2, rng: &rng)
        var d = MRC100RADeframer()
        let out = DeframerTestSupport.deframe(symbols, with: &d)
        #expect(out.allSatisfy { !$0.checkPassed })
        // After an exact sync word the failure is reported.
        #expect(out.count == 1)

        // A frame that decodes cleanly but whose CRC is wrong is reported failed, never good.
        var frame = MRC100RADeframer.frame(payload: payload)
        frame[1] ^= 0x01
        let bad = DeframerTestSupport.bits(SMOGRACode(frameBytes: 126)!.encode(frame))
        var d2 = MRC100RADeframer()
        let out2 = DeframerTestSupport.deframe(DeframerTestSupport.softSymbols(Self.syncBits + bad), with: &d2)
        #expect(out2.count == 1 && out2.first?.checkPassed == false)
        // The same after a sync word with 3 errors: not reported at all.
        var sync = Self.syncBits
        for k in [0, 10, 20] { sync[k] ^= 1 }
        var d3 = MRC100RADeframer()
        #expect(DeframerTestSupport.deframe(DeframerTestSupport.softSymbols(sync + bad), with: &d3).isEmpty)
    }

    @Test func randomInputGivesNoGoodFrames() {
        var rng = SplitMix64(seed: 0x4D52_4304)
        let noise = (0..<200_000).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
        var d = MRC100RADeframer()
        #expect(DeframerTestSupport.deframe(noise, with: &d, chunk: 4096).filter(\.checkPassed).isEmpty)
        // Random symbols with the sync word planted, so that candidates reach the decoder.
        var planted: [UInt8] = []
        for _ in 0..<40 {
            planted += DeframerTestSupport.softSymbols(Self.syncBits)
            planted += (0..<2100).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
        }
        var d2 = MRC100RADeframer()
        let out = DeframerTestSupport.deframe(planted, with: &d2, chunk: 4096)
        #expect(out.filter(\.checkPassed).isEmpty)
        #expect(out.count >= 40)
    }
}
