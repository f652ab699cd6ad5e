import TelemetryDecode
import Testing
import TestSupport

/// S-NET (BCH-coded LTU header and PDU, CRC-5 and CRC-13): the shared recording against
/// gr-satellites' reference frames, and random input.
@Suite(.computeThreads) struct SNETDeframerTests {
    static let demodulation = DeframerTestSupport.Demodulation.afsk(
        .init(sampleRate: 48_000, baudRate: 1200, carrier: 1500, deviation: -600))

    @Test func recordingGivesEveryReferenceFrame() throws {
        let symbols = try DeframerTestSupport.symbols("snet_a.wav", Self.demodulation, padSeconds: 2)
        var d = SNETDeframer()
        let frames = DeframerTestSupport.deframe(symbols, with: &d, chunk: 4096)
        let (good, bad) = DeframerTestSupport.split(frames)
        let expected = try RecordingFixtures.expectedFrames("snet_a")
        print("snet_a.wav: expected \(expected.count), found \(expected.intersection(good).count), good \(good.count), failed-check \(bad.count)")
        #expect(expected.isSubset(of: good), "missing \(expected.subtracting(good).count) of \(expected.count)")
        #expect(good.isSubset(of: expected))
    }

    @Test func invertedRecordingGivesTheSameFrames() throws {
        let symbols = try DeframerTestSupport.symbols("snet_a.wav", Self.demodulation, padSeconds: 2)
        var d = SNETDeframer()
        let frames = DeframerTestSupport.deframe(symbols.map { 255 - $0 }, with: &d, chunk: 777)
        let expected = try RecordingFixtures.expectedFrames("snet_a")
        #expect(expected.isSubset(of: DeframerTestSupport.split(frames).good))
    }

    @Test func randomInputGivesNoGoodFrames() {
        // Seeded: with a 16-bit CRC about one random candidate in 65536 passes by chance, so a fresh
        // random input would fail now and then; this one is fixed and was checked once.
        var rng = SplitMix64(seed: 0x6C75_636B_7937)
        var d = SNETDeframer()
        var frames: [DecodedFrame] = []
        for _ in 0..<20 {
            let symbols = (0..<50_000).map { _ in UInt8.random(in: 0...255, using: &rng) }
            frames += DeframerTestSupport.deframe(symbols, with: &d, chunk: 3000)
        }
        #expect(frames.filter(\.checkPassed).isEmpty)
    }
}
