import TelemetryDecode
import Testing
import TestSupport

/// The CCSDS chain on real recordings, straight through TelemetryDecode (no file layer), with the
/// demodulators the receiver factory uses.
@Suite(.computeThreads) struct CCSDSDeframerRecordingTests {
    static let ks1q = TransmitterSpec(
        name: "20k FSK downlink", modulation: .fsk, baudRate: 20_000, framing: .ccsdsConcatenated, rsBasis: "dual", frameSize: 223)
    static let by701 = TransmitterSpec(
        name: "9k6 BPSK downlink", modulation: .bpsk, baudRate: 9600, framing: .ccsdsConcatenated, precoding: "differential",
        rsBasis: "conventional", frameSize: 114)

    /// Demodulates `file` in blocks of 4096 samples and runs the catalogue chain of `spec` over it.
    static func run(
        _ file: String, spec: TransmitterSpec, demodulate: (UnsafeBufferPointer<Float>, inout [UInt8]) -> Void
    ) throws -> (good: Set<String>, statistics: CCSDSDeframer.Statistics) {
        let samples = try RecordingFixtures.samples(file)
        var deframer = try CCSDSDeframer(transmitter: spec)
        var symbols: [UInt8] = []
        var frames: [CCSDSDeframer.Frame] = []
        var i = 0
        while i < samples.count {
            let n = min(4096, samples.count - i)
            symbols.removeAll(keepingCapacity: true)
            samples.withUnsafeBufferPointer { demodulate(UnsafeBufferPointer(rebasing: $0[i..<(i + n)]), &symbols) }
            symbols.withUnsafeBufferPointer { deframer.process($0, into: &frames) }
            i += n
        }
        _ = deframer.finish(into: &frames)
        return (Set(frames.filter(\.checkPassed).map { Hex.string($0.bytes) }), deframer.statistics)
    }

    /// KS-1Q: FSK at 2.4 samples per symbol, CCSDS concatenated, dual basis. One of the four frames
    /// starts a burst, where the first marker bits out of the Viterbi decoder are wrong: the marker
    /// tail search finds it.
    @Test(arguments: [0.8, 0.0])
    func ks1qEveryReferenceFrame(cutoff: Double) throws {
        var demod = FSKDemodulator(.init(sampleRate: 48_000, baudRate: 20_000, filterCutoff: cutoff))
        let r = try Self.run("ks_1q.wav", spec: Self.ks1q) { demod.process($0, into: &$1) }
        let expected = try RecordingFixtures.expectedFrames("ks_1q")
        #expect(expected.isSubset(of: r.good), "missing \(expected.subtracting(r.good).count) of \(expected.count)")
        #expect(r.good.count == expected.count)
    }

    /// BY70-1: BPSK 9600 Bd in audio (carrier 12 kHz), differential precoding after the Viterbi
    /// decoder, conventional-basis RS shortened to 114 + 32 bytes. Needs the BPSK demodulator's narrow
    /// loops (Costas 0.01 × baud, timing gain 0.08): with wider ones a timing slip and a noisy stretch
    /// cost two frames.
    @Test func by701ReferenceFrames() throws {
        var demod = BPSKDemodulator(.init(sampleRate: 48_000, baudRate: 9600, carrier: 12_000))
        let r = try Self.run("by701.wav", spec: Self.by701) { demod.process($0, into: &$1) }
        let expected = try RecordingFixtures.expectedFrames("by701")
        let found = r.good.intersection(expected).count
        print("by701: \(found) of \(expected.count) reference frames, \(r.good.count) good, statistics \(r.statistics)")
        #expect(found == expected.count, "found \(found) of \(expected.count)")
        // Every good frame is a BY70-1 frame (same 3-byte prefix), none is a miscorrection of noise.
        #expect(r.good.allSatisfy { $0.hasPrefix("c0b8") })
    }
}
