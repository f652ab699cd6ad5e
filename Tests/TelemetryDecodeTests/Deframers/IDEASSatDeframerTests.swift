import TelemetryDecode
import Testing
import TestSupport

/// IDEASSat (NRZI, UART-coded subpackets, CRC-16/CCITT-FALSE): the shared recording against gr-satellites' reference frames, and random input.
@Suite(.computeThreads) struct IDEASSatDeframerTests {
    @Test func recordingGivesEveryReferenceFrame() throws {
        let symbols = try DeframerTestSupport.symbols("ideassat.wav", .fsk(.init(sampleRate: 48_000, baudRate: 9600, clockGain: 0.15, filterCutoff: 0.6)))
        var d = IDEASSatDeframer()
        let frames = DeframerTestSupport.deframe(symbols, with: &d, chunk: 4096)
        let (good, bad) = DeframerTestSupport.split(frames)
        let expected = try RecordingFixtures.expectedFrames("ideassat")
        print("ideassat.wav: expected \(expected.count), found \(expected.intersection(good).count), good \(good.count) (\(frames.filter(\.checkPassed).count) with repeats), failed-check \(bad.count)")
        #expect(expected.isSubset(of: good), "missing \(expected.subtracting(good).count) of \(expected.count)")
        #expect(good.isSubset(of: expected), "good frames not in the reference: \(good.subtracting(expected).count)")
    }

    @Test func invertedRecordingGivesTheSameFrames() throws {
        let symbols = try DeframerTestSupport.symbols("ideassat.wav", .fsk(.init(sampleRate: 48_000, baudRate: 9600, clockGain: 0.15, filterCutoff: 0.6)))
        var d = IDEASSatDeframer()
        let frames = DeframerTestSupport.deframe(symbols.map { 255 - $0 }, with: &d, chunk: 777)
        let expected = try RecordingFixtures.expectedFrames("ideassat")
        #expect(expected.isSubset(of: DeframerTestSupport.split(frames).good))
    }

    @Test func randomInputGivesNoGoodFrames() {
        // Seeded: with a 16-bit CRC about one random candidate in 65536 passes by chance, so a fresh
        // random input would fail now and then; this one is fixed and was checked once.
        var rng = SplitMix64(seed: 0x6C75_636B_7937)
        var d = IDEASSatDeframer()
        var frames: [DecodedFrame] = []
        for _ in 0..<20 {
            let symbols = (0..<50_000).map { _ in UInt8.random(in: 0...255, using: &rng) }
            frames += DeframerTestSupport.deframe(symbols, with: &d, chunk: 3000)
        }
        #expect(frames.filter(\.checkPassed).isEmpty)
    }

}
