import TelemetryDecode
import Testing
import TestSupport

/// FSK + AX.25 on real recordings, straight through TelemetryDecode (no file layer).
@Suite(.computeThreads) struct FSKRecordingTests {
    static func decode(
        _ file: String, baud: Double, scrambled: Bool, gain: Double = 0.15, cutoff: Double = 0.8, upsample: Int = 1
    ) throws -> Set<String> {
        // Upsampled by holding each sample: the images sit above the band the demodulator keeps.
        let samples = try RecordingFixtures.samples(file).flatMap { repeatElement($0, count: upsample) }
        var demod = FSKDemodulator(.init(sampleRate: 48_000 * Double(upsample), baudRate: baud, clockGain: gain, filterCutoff: cutoff))
        // Far more samples per symbol than needed is brought down to about 48 kHz first.
        #expect(demod.workingRate == (upsample > 1 && 48_000 * Double(upsample) / baud > 128 ? 48_000 : 48_000 * Double(upsample)))
        var deframer = AX25Deframer(scrambled: scrambled)
        var symbols: [UInt8] = []
        var frames: [DecodedFrame] = []
        var i = 0
        while i < samples.count {
            let n = min(4096, samples.count - i)
            symbols.removeAll(keepingCapacity: true)
            samples.withUnsafeBufferPointer { demod.process(UnsafeBufferPointer(rebasing: $0[i..<(i + n)]), into: &symbols) }
            symbols.withUnsafeBufferPointer { deframer.process($0, into: &frames) }
            i += n
        }
        return Set(frames.filter(\.checkPassed).map { Hex.string($0.bytes) })
    }

    @Test(arguments: [
        ("us01.wav", 9600.0, true), ("us04.wav", 9600, true), ("irazu.wav", 9600, true), ("koyo.wav", 9600, true),
        ("quetzal1.wav", 4800, true), ("upmsat_2.wav", 1200, false),
    ])
    func decodesEveryReferenceFrame(file: String, baud: Double, scrambled: Bool) throws {
        let got = try Self.decode(file, baud: baud, scrambled: scrambled)
        let expected = try RecordingFixtures.expectedFrames(String(file.dropLast(4)))
        print("\(file): got \(got.count), expected \(expected.count), missing \(expected.subtracting(got).count), extra \(got.subtracting(expected).count)")
        #expect(expected.isSubset(of: got), "\(file): missing \(expected.subtracting(got).count) of \(expected.count)")
    }

    /// 160 samples per symbol (1200 Bd at 192 kHz): the same frames as at 48 kHz. Unresampled, the
    /// low-pass costs ~4 samples per symbol for every sample: a 10 MHz input ran 300x slower than real time.
    @Test func decodesAWideRealInputAtAbout48kHz() throws {
        let got = try Self.decode("upmsat_2.wav", baud: 1200, scrambled: false, upsample: 4)
        let expected = try RecordingFixtures.expectedFrames("upmsat_2")
        #expect(!expected.isEmpty && expected.isSubset(of: got), "missing \(expected.subtracting(got).count) of \(expected.count)")
    }
}
