import TelemetryDecode
import Testing
import TestSupport

/// FSK + AX.25 on real recordings, straight through TelemetryDecode (no file layer).
@Suite(.computeThreads) struct FSKRecordingTests {
    static func decode(_ file: String, baud: Double, scrambled: Bool, gain: Double = 0.15, cutoff: Double = 0.8) throws -> Set<String> {
        let samples = try RecordingFixtures.samples(file)
        var demod = FSKDemodulator(.init(sampleRate: 48_000, baudRate: baud, clockGain: gain, filterCutoff: cutoff))
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
}
