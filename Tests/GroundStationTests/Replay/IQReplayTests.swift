import Foundation
import GroundStation
import TelemetryDecode
import Testing
import TestSupport

/// IQ input, proven on real signals: shared audio recordings are turned into complex baseband
/// (`IQSynthesis`: FM-modulated FSK/AFSK, analytic-signal BPSK, at a frequency offset with a Doppler
/// ramp and added noise), written as SigMF cu8, cs16 and cf32, and replayed through `ReplaySession`
/// with the satellite's catalogue transmitters and only `--f-offset`. Every reference frame of the
/// recording (`expected/<rec>.frames.tsv`) must come out byte-identical from every format.
@Suite(.computeThreads) struct IQReplayTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var recording: String
        var norad: Int
        var plan: IQSynthesis.Plan
        /// A known gap (recorded as a known issue, so the test says when it starts passing).
        var knownIssue: String? = nil
        var testDescription: String { plan.driftRate == 0 ? "\(recording), no Doppler" : recording }
    }

    /// Doppler ramps: up to 2 kHz away from `--f-offset` over the recording, at 300–400 Hz/s for FM
    /// (about twice the worst LEO Doppler rate at 437 MHz) and 200 Hz/s for BPSK, whose Costas loop and
    /// carrier search must follow it. SNR is measured in the stated bandwidth (Carson bandwidth for FM,
    /// the baud rate for BPSK) and comes on top of the noise already in the recordings.
    static let cases: [Case] = [
        // G3RUH FSK 9600 on FM: 3 kHz RMS deviation, 192 ksps, +5 kHz.
        Case(recording: "us04.wav", norad: 42702, plan: .init(
            kind: .fm(deviation: 3_000), upsample: 4, offset: 5_000, driftRate: 400, snr: 18, noiseBandwidth: 2 * (3_000 + 4_800), seed: 1)),
        // AFSK 1240 on FM: 2.5 kHz RMS deviation, 192 ksps, −20 kHz.
        Case(recording: "ao27.wav", norad: 22825, plan: .init(
            kind: .fm(deviation: 2_500), upsample: 4, offset: -20_000, driftRate: 400, snr: 15, noiseBandwidth: 2 * (2_500 + 2_500), seed: 2)),
        // AFSK 4800 (tones 2.4/4.8 kHz) on FM: 2 kHz RMS deviation, 192 ksps, +5 kHz.
        Case(recording: "aisat.wav", norad: 40054, plan: .init(
            kind: .fm(deviation: 2_000), upsample: 4, offset: 5_000, driftRate: 300, snr: 18, noiseBandwidth: 2 * (2_000 + 7_200), seed: 3)),
        // BPSK 9600 (audio carrier 12 kHz) as IQ at 192 ksps, carrier at +5 kHz.
        Case(recording: "il01.wav", norad: 42718, plan: .init(
            kind: .ssb(carrier: 12_000), upsample: 4, offset: 5_000, driftRate: 200, snr: 12, noiseBandwidth: 9_600, seed: 4)),
        // BPSK 1200 (audio carrier 1.5 kHz) as IQ at 48 ksps, carrier at +5 kHz.
        Case(recording: "pwsat2.wav", norad: 43814, plan: .init(
            kind: .ssb(carrier: 1_500), upsample: 1, offset: 5_000, driftRate: 0, snr: 12, noiseBandwidth: 1_200, seed: 5)),
        // The same under Doppler ramps of 100 and 200 Hz/s (to 1.3 and 2 kHz): the mixer follows the
        // carrier, so the 1.7 kHz channel filter stays on it, and coasts at the followed rate through the
        // recording's 6 s without carrier (a real pass's Doppler goes on while a satellite is silent).
        Case(recording: "pwsat2.wav", norad: 43814, plan: .init(
            kind: .ssb(carrier: 1_500), upsample: 1, offset: 5_000, driftRate: 100, snr: 12, noiseBandwidth: 1_200, seed: 5)),
        Case(recording: "pwsat2.wav", norad: 43814, plan: .init(
            kind: .ssb(carrier: 1_500), upsample: 1, offset: 5_000, driftRate: 200, snr: 12, noiseBandwidth: 1_200, seed: 5)),
    ]

    static let formats: [SampleFormat] = [.cu8, .cs16, .cf32]

    @Test(arguments: cases)
    func decodesReferenceFramesFromSigMF(_ c: Case) async throws {
        let audioPath = try SharedRecordings.path(c.recording)
        let expected = try Self.expectedFrames(c.recording)
        let audio = try Self.readAudio(audioPath)
        let iq = IQSynthesis.make(audio: audio.samples, audioRate: audio.rate, plan: c.plan)
        let rate = audio.rate * Double(c.plan.upsample)
        let transmitters = try Self.transmitters(norad: c.norad)
        let dir = try FilesTestDirectory("gsd-iq-replay")
        for format in Self.formats {
            let base = dir.file("\(c.recording.dropLast(4))-\(format.name)")
            let w = try SigMFWriter(basePath: base, format: format, sampleRate: rate, frequency: 437e6,
                                    description: "\(c.recording) as IQ: \(c.plan)")
            try w.write(iq)
            try w.finish()
            let session = try ReplaySession(ReplayOptions(
                path: w.metaPath, frequencyOffset: c.plan.offset, transmitters: transmitters))
            #expect(session.source.isComplex && session.source.sampleRate == rate)
            var got = Set<String>()
            _ = try await session.run(onFrame: { f in
                #expect(f.frame.checkPassed)
                got.insert(Self.hex(f.frame.bytes))
            })
            let missing = expected.subtracting(got)
            let check = {
                #expect(missing.count == 0, "\(c.recording) as \(format.name) SigMF (\(c.plan)): \(missing.count) of \(expected.count) reference frames missing; found \(got.count)")
            }
            if let why = c.knownIssue {
                withKnownIssue(Comment(rawValue: why), isIntermittent: true) { check() }
            } else {
                check()
            }
        }
    }

    // MARK: helpers

    static func readAudio(_ path: String) throws -> (samples: [Float], rate: Double) {
        let src = try SampleFileSource.open(path: path)
        var out: [Float] = []
        var buf = [Float](repeating: 0, count: 65_536)
        while true {
            let n = try buf.withUnsafeMutableBufferPointer { b throws(SampleFileError) in try src.readReal(into: b) }
            if n == 0 { break }
            out.append(contentsOf: buf[0..<n])
        }
        return (out, src.sampleRate)
    }

    static func transmitters(norad: Int) throws -> [TransmitterSpec] {
        let dir = SharedRecordings.packageRoot.appendingPathComponent("catalogue").path
        let cat = try SatelliteCatalogue.load(directory: dir)
        return try #require(cat.satellite(norad: norad), "NORAD \(norad) not in \(dir)").transmitters
    }

    static func expectedFrames(_ recording: String) throws -> Set<String> {
        let p = try SharedRecordings.path("expected/\(recording.dropLast(4)).frames.tsv")
        let text = try String(contentsOfFile: p, encoding: .utf8)
        return Set(text.split(separator: "\n").dropFirst().compactMap { line in
            line.split(separator: "\t", omittingEmptySubsequences: false).last.map(String.init)
        })
    }

    static func hex(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var s: [UInt8] = []
        s.reserveCapacity(bytes.count * 2)
        for b in bytes {
            s.append(digits[Int(b >> 4)])
            s.append(digits[Int(b & 15)])
        }
        return String(decoding: s, as: UTF8.self)
    }
}
