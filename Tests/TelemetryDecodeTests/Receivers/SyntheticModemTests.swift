import Foundation
import Testing
import TelemetryDecode
import TestSupport

/// Modem round trips: random 100-byte AX.25 frames, modulated (`SyntheticSignals`), with AWGN, a
/// frequency error and a 100 ppm sample-clock error, decoded by the receivers `ReceiverFactory`
/// builds from the transmitter description. Deterministic (SplitMix64 seeds).
///
/// The always-on points are at Eb/N0 values where the measured frame error rate (table in the
/// replay note, `GSD_FER_TABLE=1`) is well below the bound, so a modem that loses several dB fails.
@Suite(.computeThreads) struct SyntheticModemTests {
    struct Point: Sendable, CustomTestStringConvertible {
        var modem: SyntheticSignals.Modem
        var channel: SyntheticSignals.Channel
        var frames: Int
        /// Largest frame error rate accepted.
        var maximumFER: Double
        var testDescription: String { "\(modem) at \(channel.ebN0) dB" }
    }

    static let frameLength = 100

    /// Measured (20 frames per point, debug build): AFSK and G3RUH FSK reach FER ≈ 5 % at 13–14 dB,
    /// BPSK ≈ 0–5 % at 10–11 dB. Theory for ~850-bit frames (NRZI and the G3RUH descrambler turn one
    /// channel error into one lost frame, so FER ≈ 850 · BER): coherent BPSK needs ≈ 8 dB for 10 %,
    /// non-coherent FSK ≈ 12 dB. The points below keep a margin of 1–2 dB over what is measured.
    static let points: [Point] = [
        Point(modem: .afsk1200Audio, channel: .init(ebN0: 15, frequencyError: 30), frames: 10, maximumFER: 0.1),
        Point(modem: .fsk9600IQ, channel: .init(ebN0: 15, frequencyError: 1_500), frames: 20, maximumFER: 0.1),
        Point(modem: .bpsk1200Audio, channel: .init(ebN0: 11, frequencyError: 100), frames: 10, maximumFER: 0.1),
        Point(modem: .bpsk9600Audio, channel: .init(ebN0: 11, frequencyError: 500), frames: 20, maximumFER: 0.1),
        Point(modem: .bpsk1200IQ, channel: .init(ebN0: 11, frequencyError: 300), frames: 10, maximumFER: 0.1),
        Point(modem: .bpsk9600IQ, channel: .init(ebN0: 11, frequencyError: 2_000), frames: 20, maximumFER: 0.1),
    ]

    /// Frequency errors used for the table (as in the always-on points).
    static func frequencyError(_ m: SyntheticSignals.Modem) -> Double {
        points.first { $0.modem == m }?.channel.frequencyError ?? 0
    }

    @Test(arguments: points)
    func decodesAtModerateNoise(_ p: Point) throws {
        let r = try SyntheticSignals.roundTrip(p.modem, channel: p.channel, frames: p.frames, length: Self.frameLength, seed: 0x5EED)
        #expect(r.spurious == 0)
        #expect(r.frameErrorRate <= p.maximumFER, "\(p.modem), \(p.channel): \(r.received) of \(r.sent) frames")
    }

    /// Clean signal, no noise: every frame, whatever the frequency and clock error.
    @Test(arguments: SyntheticSignals.Modem.allCases)
    func decodesEveryFrameWithoutNoise(_ m: SyntheticSignals.Modem) throws {
        let ch = SyntheticSignals.Channel(ebN0: 60, frequencyError: Self.frequencyError(m), clockPPM: -100)
        let r = try SyntheticSignals.roundTrip(m, channel: ch, frames: 5, length: Self.frameLength, seed: 7)
        #expect(r.received == r.sent && r.spurious == 0, "\(m): \(r.received) of \(r.sent)")
    }

    /// A transmitter or recorder clock far off (1.5 %, as 3CAT-2's in the shared recordings, whose
    /// only frame was lost before): the symbol timing loop learns the rate, and every frame comes through.
    @Test(arguments: [SyntheticSignals.Modem.afsk1200Audio, .fsk9600IQ, .bpsk9600Audio, .bpsk1200IQ])
    func decodesWithALargeClockError(_ m: SyntheticSignals.Modem) throws {
        for ppm in [-15_000.0, 15_000] {
            let ch = SyntheticSignals.Channel(ebN0: 16, frequencyError: Self.frequencyError(m), clockPPM: ppm)
            let r = try SyntheticSignals.roundTrip(m, channel: ch, frames: 10, length: Self.frameLength, seed: 0xC10C)
            #expect(r.received == r.sent && r.spurious == 0, "\(m), \(ch): \(r.received) of \(r.sent)")
        }
    }

    /// One frame per transmission, as many satellites send: each after a 0.3 s flag lead-in. The flags'
    /// NRZI levels are 7 of 8 symbols at one level; with a running-mean DC the AFSK chain lost the frame
    /// after them in 11 trials of 20 here (its eye nearly closed on one side), at an Eb/N0 where frames
    /// inside a long burst nearly all came through. (It also lost frames at a 1.5 % clock error.)
    @Test func afskFrameRightAfterAFlagLeadIn() throws {
        var received = 0
        for trial in 0..<20 {
            let ch = SyntheticSignals.Channel(ebN0: 15, frequencyError: Self.frequencyError(.afsk1200Audio), clockPPM: 100)
            let r = try SyntheticSignals.roundTrip(.afsk1200Audio, channel: ch, frames: 1, length: Self.frameLength, seed: UInt64(0x1EAD + trial))
            #expect(r.spurious == 0)
            received += r.received
        }
        #expect(received == 20)
    }

    /// Doppler ramps (a LEO pass sweeps a 437 MHz carrier by up to ~100 Hz/s): BPSK's Costas loop
    /// must follow them without slipping, so every frame comes through at a moderate Eb/N0.
    static let ramps: [(SyntheticSignals.Modem, Double)] = [
        (.bpsk1200IQ, 100), (.bpsk1200IQ, -200), (.bpsk1200Audio, 200), (.bpsk9600IQ, 400), (.bpsk9600Audio, -400),
    ]

    @Test(arguments: 0..<ramps.count)
    func followsDopplerRamp(_ index: Int) throws {
        let (m, rate) = Self.ramps[index]
        let ch = SyntheticSignals.Channel(ebN0: 14, frequencyError: Self.frequencyError(m), frequencyRate: rate)
        let r = try SyntheticSignals.roundTrip(m, channel: ch, frames: 6, length: Self.frameLength, seed: 0xD0FF)
        #expect(r.spurious == 0)
        // The channel filter is only ±0.7 baud wide: at 200 Hz/s a 1200 Bd signal leaves it within 4 s
        // unless the mixer follows the carrier.
        #expect(r.received == r.sent, "\(m), \(ch): \(r.received) of \(r.sent)")
    }

    /// Input rates that are not a whole multiple of what the demodulators need: resampled inside
    /// (`WorkingRate`, `PolyphaseResampler`), every frame still comes through.
    static let oddRates: [(SyntheticSignals.Modem, Double)] = [
        (.afsk1200Audio, 44_100), (.bpsk1200Audio, 44_100), (.bpsk9600Audio, 44_100),
        (.fsk9600IQ, 250_000), (.bpsk1200IQ, 250_000), (.bpsk9600IQ, 250_000), (.bpsk9600IQ, 37_500),
    ]

    @Test(arguments: 0..<oddRates.count)
    func decodesAtOddSampleRates(_ index: Int) throws {
        let (m, rate) = Self.oddRates[index]
        let ch = SyntheticSignals.Channel(ebN0: 16, frequencyError: Self.frequencyError(m), clockPPM: -100)
        let r = try SyntheticSignals.roundTrip(m, channel: ch, frames: 4, length: Self.frameLength, seed: 0x0DD, sampleRate: rate)
        #expect(r.received == r.sent && r.spurious == 0, "\(m) at \(rate) Hz: \(r.received) of \(r.sent)")
    }

    /// The FER-vs-Eb/N0 table (0…14 dB; `GSD_FER_FRAMES` frames per point, default 200). Slow: run
    /// in a release build with `GSD_FER_TABLE=1`; `GSD_FER_MODEMS` limits it to a comma-separated list,
    /// `GSD_FER_DB=LOW-HIGH` to those Eb/N0 values, `GSD_FER_PPM` sets the clock error (default 100).
    @Test(.enabled(if: ProcessInfo.processInfo.environment["GSD_FER_TABLE"] == "1"))
    func frameErrorRateTable() throws {
        let env = ProcessInfo.processInfo.environment
        let frames = env["GSD_FER_FRAMES"].flatMap(Int.init) ?? 200
        let only = env["GSD_FER_MODEMS"].map { Set($0.split(separator: ",").map { String($0).trimmingCharacters(in: .whitespaces) }) }
        let range = env["GSD_FER_DB"].map { $0.split(separator: "-").compactMap { Int($0) } }
        let steps = range.flatMap { $0.count == 2 && $0[0] <= $0[1] ? Array($0[0]...$0[1]) : nil } ?? Array(0...14)
        let ppm = env["GSD_FER_PPM"].flatMap(Double.init) ?? 100
        var lines = ["FER vs Eb/N0, \(frames) frames of \(Self.frameLength) bytes per point, \(ppm) ppm clock error",
                     "modem (freq. error)".padding(toLength: 32, withPad: " ", startingAt: 0)
                        + steps.map { String(format: "%6d", $0) }.joined()]
        for m in SyntheticSignals.Modem.allCases where only.map({ $0.contains(m.rawValue) || $0.contains("\(m)") }) ?? true {
            let fe = Self.frequencyError(m)
            var row = "\(m) (\(Int(fe)) Hz)".padding(toLength: 32, withPad: " ", startingAt: 0)
            for db in steps {
                let r = try SyntheticSignals.roundTrip(m, channel: .init(ebN0: Double(db), frequencyError: fe, clockPPM: ppm), frames: frames,
                                                       length: Self.frameLength, seed: UInt64(1000 + db))
                row += String(format: "%6.3f", r.frameErrorRate)
                #expect(r.spurious == 0)
            }
            lines.append(row)
            print(row)
        }
        print(lines.joined(separator: "\n"))
    }
}

extension SyntheticModemTests {
    /// Near the threshold, AX.25 frames with a failed FCS are repaired by flipping their weakest channel
    /// symbols (`AX25BitRepair`): frames no chain received intact come out, and nothing unsent. Measured
    /// (30 frames of 100 bytes): AFSK 1200 at 11 dB 19 frames, 2 only through repair (17 and 5 with the
    /// running-mean DC the AFSK chain had before); G3RUH 9600 at 11.5 dB 10 and 1. (At 12.5 dB all 27
    /// now come through intact: the level-midpoint FSK chain receives the two that only repair
    /// recovered before it.)
    @Test(arguments: [(SyntheticSignals.Modem.afsk1200Audio, 11.0, UInt64(88), 2), (.fsk9600IQ, 11.5, UInt64(89), 1)])
    func weakFramesRepairedFromTheirWeakestSymbols(modem: SyntheticSignals.Modem, ebN0: Double, seed: UInt64, repaired: Int) throws {
        let r = try SyntheticSignals.roundTrip(
            modem, channel: .init(ebN0: ebN0, frequencyError: Self.frequencyError(modem)), frames: 30, length: 100, seed: seed,
            addressed: true)
        #expect(r.repairedOnly >= repaired, "\(r.repairedOnly) of \(r.received) frames only through repair")
        #expect(r.received >= 4)
        #expect(r.spurious == 0)
    }
}
