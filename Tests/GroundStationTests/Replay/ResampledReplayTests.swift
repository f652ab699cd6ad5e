import Foundation
import GroundStation
import TelemetryDecode
import Testing
import TestSupport

/// Input at rates that are not a whole multiple of what the demodulators need: shared 48 kHz
/// recordings resampled (`PolyphaseResampler`) to 44.1 kHz, 37.5 kHz and 22.05 kHz audio, and IQ
/// made from them (`IQSynthesis`) resampled to 250 ksps, replayed through `ReplaySession` with the
/// satellite's catalogue transmitters. Every reference frame must come out.
@Suite(.computeThreads) struct ResampledReplayTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var recording: String
        var norad: Int
        var rate: Double
        var testDescription: String { "\(recording) at \(rate) Hz" }
    }

    static let audioCases: [Case] = [
        // G3RUH FSK 9600: 4.59 samples per symbol at 44.1 kHz, 3.9 at 37.5 kHz, 2.3 at 22.05 kHz.
        Case(recording: "us04.wav", norad: 42702, rate: 44_100),
        Case(recording: "us04.wav", norad: 42702, rate: 37_500),
        Case(recording: "us04.wav", norad: 42702, rate: 22_050),
        // FSK 9600, AX100 ASM+Golay.
        Case(recording: "aistechsat3.wav", norad: 44103, rate: 44_100),
        Case(recording: "aistechsat3.wav", norad: 44103, rate: 37_500),
        // AFSK 4800 (tones 2.4 and 4.8 kHz).
        Case(recording: "aisat.wav", norad: 40054, rate: 44_100),
        Case(recording: "aisat.wav", norad: 40054, rate: 37_500),
        // BPSK 1200 on a 1.5 kHz audio carrier.
        Case(recording: "pwsat2.wav", norad: 43814, rate: 44_100),
        Case(recording: "pwsat2.wav", norad: 43814, rate: 37_500),
        // BPSK 9600 on a 12 kHz audio carrier: 4.59 samples per symbol at 44.1 kHz. (At 37.5 kHz the
        // upper half of its spectrum, 12 + 9.6 kHz, lies above the Nyquist frequency.)
        Case(recording: "il01.wav", norad: 42718, rate: 44_100),
    ]

    @Test(arguments: audioCases)
    func decodesResampledAudio(_ c: Case) async throws {
        let audio = try IQReplayTests.readAudio(try SharedRecordings.path(c.recording))
        #expect(audio.rate == 48_000)
        var r = try PolyphaseResampler<Float>(inputRate: audio.rate, outputRate: c.rate)
        var samples: [Float] = []
        audio.samples.withUnsafeBufferPointer { r.process($0, into: &samples) }
        let dir = try FilesTestDirectory("gsd-resampled-replay")
        let path = dir.file("\(c.recording.dropLast(4))-\(Int(c.rate)).wav")
        let w = try WAVWriter(path: path, sampleRate: Int(c.rate), encoding: .f32)
        try w.write(samples)
        try w.finish()
        try await Self.replay(path: path, recording: c.recording, norad: c.norad, rate: c.rate, offset: nil, what: "audio")
    }

    struct IQCase: Sendable, CustomTestStringConvertible {
        var recording: String
        var norad: Int
        var plan: IQSynthesis.Plan
        var rate: Double
        var testDescription: String { "\(recording) as IQ at \(rate) sps" }
    }

    static let iqCases: [IQCase] = [
        // G3RUH FSK 9600 on FM at 250 ksps: 250 k / 48 k = 5.21, so the FM front end resamples.
        IQCase(recording: "us04.wav", norad: 42702, plan: .init(
            kind: .fm(deviation: 3_000), upsample: 4, offset: 5_000, driftRate: 0, snr: 18, noiseBandwidth: 2 * (3_000 + 4_800), seed: 11),
               rate: 250_000),
        // BPSK 1200 at 250 ksps (208 samples per symbol): resampled to 48 ksps after the mixer.
        IQCase(recording: "pwsat2.wav", norad: 43814, plan: .init(
            kind: .ssb(carrier: 1_500), upsample: 1, offset: 5_000, driftRate: 0, snr: 12, noiseBandwidth: 1_200, seed: 12),
               rate: 250_000),
    ]

    @Test(arguments: iqCases)
    func decodesResampledIQ(_ c: IQCase) async throws {
        let audio = try IQReplayTests.readAudio(try SharedRecordings.path(c.recording))
        let iq = IQSynthesis.make(audio: audio.samples, audioRate: audio.rate, plan: c.plan)
        let synthRate = audio.rate * Double(c.plan.upsample)
        // The resampler's default band (40 % of the lower rate) keeps the signal at its offset.
        var r = try PolyphaseResampler<ComplexSample>(inputRate: synthRate, outputRate: c.rate)
        var samples: [ComplexSample] = []
        iq.withUnsafeBufferPointer { r.process($0, into: &samples) }
        let dir = try FilesTestDirectory("gsd-resampled-iq")
        let base = dir.file("\(c.recording.dropLast(4))-\(Int(c.rate))")
        let w = try SigMFWriter(basePath: base, format: .cf32, sampleRate: c.rate, frequency: 437e6, description: "\(c.recording) at \(c.rate) sps")
        try w.write(samples)
        try w.finish()
        try await Self.replay(path: w.metaPath, recording: c.recording, norad: c.norad, rate: c.rate, offset: c.plan.offset, what: "IQ")
    }

    static func replay(path: String, recording: String, norad: Int, rate: Double, offset: Double?, what: String) async throws {
        let expected = try IQReplayTests.expectedFrames(recording)
        let session = try ReplaySession(ReplayOptions(
            path: path, frequencyOffset: offset, transmitters: try IQReplayTests.transmitters(norad: norad)))
        #expect(session.source.sampleRate == rate)
        var got = Set<String>()
        _ = try await session.run(onFrame: { f in
            #expect(f.frame.checkPassed)
            got.insert(IQReplayTests.hex(f.frame.bytes))
        })
        let missing = expected.subtracting(got)
        #expect(missing.isEmpty, "\(recording) as \(what) at \(rate) Hz: \(missing.count) of \(expected.count) reference frames missing; found \(got.count)")
    }
}
