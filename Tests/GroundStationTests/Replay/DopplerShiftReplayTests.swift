import Foundation
import GroundStation
import TelemetryDecode
import Testing
import TestSupport

/// Software Doppler correction: a shared FSK 9600 recording (us04.wav) turned into IQ whose carrier
/// follows a Doppler curve well outside the receiver's channel (30 kHz: an S-band pass, or a UHF
/// receiver whose tuning is off by as much). Without the `FrequencyShifter` the frames are lost (the FSK
/// receivers tolerate about 10 kHz by themselves); with it, fed the same curve, both reference frames come
/// out byte-identical.
@Suite(.computeThreads) struct DopplerShiftReplayTests {
    /// Hertz over seconds: 30 kHz above the carrier, falling at 400 Hz/s.
    static let curve = FrequencyProfile(points: [(0, 30_000), (4, 28_400), (8, 26_800)])

    static func decode(shifter: FrequencyShifter?) throws -> Set<String> {
        let audio = try IQReplayTests.readAudio(try SharedRecordings.path("us04.wav"))
        var plan = IQSynthesis.Plan(
            kind: .fm(deviation: 3_000), upsample: 5, offset: 20_000, driftRate: 0, snr: 18,
            noiseBandwidth: 2 * (3_000 + 4_800), seed: 3)
        plan.doppler = curve
        let iq = IQSynthesis.make(audio: audio.samples, audioRate: audio.rate, plan: plan)
        let rate = audio.rate * 5
        var bytes: [UInt8] = []
        iq.withUnsafeBufferPointer { c in
            UnsafeRawBufferPointer(c).withMemoryRebound(to: Float.self) { SampleFormat.encode(.f32, $0, appendingTo: &bytes) }
        }
        var receivers: [Receiver] = []
        for spec in try IQReplayTests.transmitters(norad: 42702) {
            receivers += (try? ReceiverFactory.receivers(for: spec, input: .complex(sampleRate: rate, offset: 20_000))) ?? []
        }
        var chain = ReceiverDecodeChain(format: .cf32, sampleRate: rate, bank: ReceiverBank(receivers), shifter: shifter)
        var frames: [ReceivedFrame] = []
        // Odd block sizes: the shifter's phase must stay continuous across blocks.
        var offset = 0
        var k = 0
        while offset < bytes.count {
            let n = min(bytes.count - offset, 8 * (4099 + 977 * (k % 5)))
            try bytes.withUnsafeBytes { try chain.process(UnsafeRawBufferPointer(rebasing: $0[offset..<(offset + n)]), streamOffset: offset, into: &frames) }
            offset += n
            k += 1
        }
        try chain.finish(into: &frames)
        return Set(frames.filter(\.frame.checkPassed).map { IQReplayTests.hex($0.frame.bytes) })
    }

    @Test func dopplerCurveIsRemovedBeforeTheReceivers() throws {
        let expected = try IQReplayTests.expectedFrames("us04.wav")
        #expect(expected.count == 2)
        let uncorrected = try Self.decode(shifter: nil)
        #expect(uncorrected.intersection(expected).isEmpty, "the curve was meant to put the signal outside the channel")
        let corrected = try Self.decode(shifter: FrequencyShifter(sampleRate: 240_000, profile: Self.curve))
        #expect(corrected == expected)
    }

    @Test func shifterTurnsATrackedToneIntoAConstantPhasor() {
        // A tone following the profile exactly comes out at 0 Hz: the phase stays (nearly) constant.
        let rate = 48_000.0
        let profile = FrequencyProfile(points: [(0, 1_000), (1, -500), (2, 2_000)])
        var x = [ComplexSample](repeating: .zero, count: Int(2 * rate))
        var phase = 0.0
        for n in x.indices {
            x[n] = ComplexSample(re: Float(cos(phase)), im: Float(sin(phase)))
            phase += 2 * Double.pi * profile.frequency(at: (Double(n) + 0.5) / rate) / rate
        }
        var shifter = FrequencyShifter(sampleRate: rate, profile: profile)
        x.withUnsafeMutableBufferPointer { b in
            var i = 0
            while i < b.count {
                let n = min(b.count - i, 1_237)
                shifter.process(UnsafeMutableBufferPointer(rebasing: b[i..<(i + n)]))
                i += n
            }
        }
        let maxPhaseError = x.map { abs(Double(atan2($0.im, $0.re))) }.max() ?? 99
        #expect(maxPhaseError < 0.05, "phase wandered by \(maxPhaseError) rad")
        #expect(x.allSatisfy { abs(($0.re * $0.re + $0.im * $0.im) - 1) < 1e-3 }, "the oscillator must keep unit amplitude")
        #expect(shifter.sampleCount == x.count)
    }

    @Test func profileInterpolatesAndHoldsItsEnds() {
        let p = FrequencyProfile(points: [(1, 100), (3, 300), (2, 999), (.nan, 5)])
        #expect(p.times == [1, 3])
        #expect(p.frequency(at: 0) == 100)
        #expect(p.frequency(at: 2) == 200)
        #expect(p.frequency(at: 9) == 300)
        #expect(FrequencyProfile(points: []).frequency(at: 1) == 0)
    }
}
