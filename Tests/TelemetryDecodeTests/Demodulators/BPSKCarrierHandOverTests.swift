import Testing
@testable import TelemetryDecode
import TestSupport

/// The BPSK front end hands the carrier offset the loop has found to its mixer, so the narrow channel
/// filter sits on the signal. An offset the acquisition's carrier line confirms goes over at once,
/// with the first window that shows the line (≤ 0.17 s of signal each, the first one often smeared by
/// the loop pulling in). At the old 500 Hz/s a 300 Hz offset was handed over ~0.9 s into the signal,
/// well after a 0.3 s lead-in, and a single frame right after it was lost more often than frames in a
/// long burst (BPSK 1200 and 9600 IQ at 10 dB, one frame per transmission: 52 and 51 of 60 received,
/// 56 and 56 now; in a burst 56 and 57).
@Suite struct BPSKCarrierHandOverTests {
    static func mixerOffset(after seconds: Double, baud: Double, offset: Double, ebN0: Double) -> Double {
        var rng = SplitMix64(seed: 0x0FF5)
        let frames = SyntheticSignals.randomFrames(count: 1, length: 100, rng: &rng)
        let bits = SyntheticSignals.lineBits(frames, scrambled: false, leadInBits: Int(baud * 0.3))
        let modem: SyntheticSignals.Modem = baud == 1200 ? .bpsk1200IQ : .bpsk9600IQ
        let signal = SyntheticSignals.waveform(modem, bits: bits, channel: .init(ebN0: ebN0, frequencyError: offset, clockPPM: 100), seed: 3)
        let rate = modem.sampleRate
        var demod = BPSKDemodulator(.init(sampleRate: rate, baudRate: baud, carrier: 0))
        var out: [UInt8] = []
        let n = min(signal.complex.count, Int(seconds * rate))
        signal.complex[0..<n].withUnsafeBufferPointer { demod.process($0, into: &out) }
        return demod.mixOffset
    }

    @Test(arguments: [(1200.0, 300.0), (1200, -300), (9600, 2_000), (9600, -1_500)])
    func confirmedOffsetIsHandedOverAtOnce(baud: Double, offset: Double) {
        let mixer = Self.mixerOffset(after: 0.4, baud: baud, offset: offset, ebN0: 20)
        #expect(abs(mixer - offset) < 15, "mixer at \(mixer) Hz after 0.4 s, carrier at \(offset) Hz")
    }

    /// On noise there is no carrier line, so nothing is handed over at once and the mixer stays home.
    @Test func noiseMovesTheMixerLittle() {
        var rng = SplitMix64(seed: 0xA0153)
        var noise: [ComplexSample] = []
        for _ in 0..<96_000 {
            let (a, b) = SyntheticSignals.gaussianPair(&rng)
            noise.append(ComplexSample(re: a, im: b))
        }
        var demod = BPSKDemodulator(.init(sampleRate: 48_000, baudRate: 1200, carrier: 0))
        var out: [UInt8] = []
        noise.withUnsafeBufferPointer { demod.process($0, into: &out) }
        #expect(abs(demod.mixOffset) < 50, "mixer wandered to \(demod.mixOffset) Hz on noise")
    }
}
