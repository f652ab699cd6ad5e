import Foundation
import TelemetryDecode

/// Synthetic transmitters for modem round trips: random AX.25-sized frames → HDLC (`HDLCFramer`) →
/// NRZI → optional G3RUH scrambler → a modulated waveform with AWGN at a chosen Eb/N0, a frequency
/// error and a sample-clock error. Deterministic for a given seed (SplitMix64).
enum SyntheticSignals {
    enum Modem: String, Sendable, CaseIterable, CustomStringConvertible {
        /// Bell 202 AFSK 1200 Bd (tones 1200/2200 Hz) in 48 kHz audio, plain AX.25.
        case afsk1200Audio = "AFSK 1200 audio"
        /// G3RUH FSK 9600 Bd, FM ±3.5 kHz, as 96 ksps IQ, AX.25 G3RUH.
        case fsk9600IQ = "G3RUH FSK 9600 IQ"
        /// BPSK 1200 Bd on a 1.5 kHz audio carrier (SSB audio, 48 kHz), AX.25 G3RUH.
        case bpsk1200Audio = "BPSK 1200 audio"
        /// BPSK 9600 Bd on a 12 kHz audio carrier (48 kHz), AX.25 G3RUH.
        case bpsk9600Audio = "BPSK 9600 audio"
        /// BPSK 1200 Bd as 48 ksps IQ, AX.25 G3RUH.
        case bpsk1200IQ = "BPSK 1200 IQ"
        /// BPSK 9600 Bd as 96 ksps IQ, AX.25 G3RUH.
        case bpsk9600IQ = "BPSK 9600 IQ"

        var description: String { rawValue }

        var baud: Double {
            switch self {
            case .afsk1200Audio, .bpsk1200Audio, .bpsk1200IQ: 1200
            case .fsk9600IQ, .bpsk9600Audio, .bpsk9600IQ: 9600
            }
        }

        var sampleRate: Double {
            switch self {
            case .fsk9600IQ, .bpsk9600IQ: 96_000
            default: 48_000
            }
        }

        var isComplex: Bool {
            switch self {
            case .fsk9600IQ, .bpsk1200IQ, .bpsk9600IQ: true
            default: false
            }
        }

        var scrambled: Bool { self != .afsk1200Audio }

        /// Where the receiver is told the signal is (audio carrier or IQ offset), Hz.
        var nominalCarrier: Double {
            switch self {
            case .afsk1200Audio: 1_700
            case .fsk9600IQ: 10_000
            case .bpsk1200Audio: 1_500
            case .bpsk9600Audio: 12_000
            case .bpsk1200IQ, .bpsk9600IQ: 0
            }
        }

        /// The transmitter as the catalogue would describe it.
        var spec: TransmitterSpec {
            switch self {
            case .afsk1200Audio:
                TransmitterSpec(name: rawValue, modulation: .afsk, baudRate: 1200, framing: .ax25, afCarrier: 1700, deviation: -500)
            case .fsk9600IQ:
                TransmitterSpec(name: rawValue, modulation: .fsk, baudRate: 9600, framing: .ax25G3RUH)
            default:
                TransmitterSpec(name: rawValue, modulation: .bpsk, baudRate: baud, framing: .ax25G3RUH)
            }
        }

        var input: ReceiverFactory.Input {
            isComplex ? .complex(sampleRate: sampleRate, offset: nominalCarrier) : .real(sampleRate: sampleRate)
        }
    }

    struct Channel: Sendable, CustomStringConvertible {
        var ebN0: Double
        /// Error of the signal's frequency against `nominalCarrier` (for AFSK: of both tones), Hz.
        var frequencyError: Double
        /// Receiver sample clock error, parts per million (the signal is sampled at rate × (1 + ppm·10⁻⁶)).
        var clockPPM: Double = 100
        /// Doppler ramp: the frequency error grows by this many Hz per second.
        var frequencyRate: Double = 0
        var description: String {
            "Eb/N0 \(ebN0) dB, Δf \(Int(frequencyError)) Hz\(frequencyRate == 0 ? "" : " + \(Int(frequencyRate)) Hz/s"), \(Int(clockPPM)) ppm"
        }
    }

    /// Random frames of `length` bytes (AX.25-sized; the deframer checks only the FCS).
    static func randomFrames(count: Int, length: Int, rng: inout SplitMix64) -> [[UInt8]] {
        (0..<count).map { _ in (0..<length).map { _ in UInt8(truncatingIfNeeded: rng.next()) } }
    }

    /// Line bits (levels 0/1) for `frames`: idle flags for acquisition, each frame with its own
    /// flags, NRZI, and G3RUH scrambling when `scrambled`.
    static func lineBits(_ frames: [[UInt8]], scrambled: Bool, leadInBits: Int) -> [UInt8] {
        let framer = HDLCFramer(preambleFlags: 4, postambleFlags: 2)
        var bits: [UInt8] = []
        let flag: [UInt8] = [0, 1, 1, 1, 1, 1, 1, 0]
        for _ in 0..<(leadInBits / 8) { bits += flag }
        for f in frames { framer.encode(f, into: &bits) }
        for _ in 0..<(leadInBits / 8) { bits += flag }
        var nrzi = NRZIEncoder()
        nrzi.process(&bits)
        if scrambled {
            var s = G3RUHScrambler()
            s.process(&bits)
        }
        return bits
    }

    /// Raised-cosine pulse (roll-off `beta`), `t` in symbols.
    static func raisedCosine(_ t: Double, beta: Double) -> Double {
        if abs(t) < 1e-9 { return 1 }
        let x = Double.pi * t
        let denom = 1 - (2 * beta * t) * (2 * beta * t)
        let sinc = sin(x) / x
        if abs(denom) < 1e-9 { return Double.pi / 4 * sinc }
        return sinc * cos(beta * x) / denom
    }

    /// Shaped NRZ baseband at the sampling instants: Σ a_k p(t − k), `t` in symbols.
    static func shaped(_ levels: [Float], at t: Double, beta: Double) -> Double {
        let k0 = Int(t.rounded(.down))
        var v = 0.0
        for k in (k0 - 4)...(k0 + 5) where k >= 0 && k < levels.count {
            v += Double(levels[k]) * raisedCosine(t - Double(k), beta: beta)
        }
        return v
    }

    /// The received signal (real audio in `.re`, or IQ) for `bits` through `channel`.
    static func waveform(_ modem: Modem, bits: [UInt8], channel: Channel, seed: UInt64, sampleRate: Double? = nil) -> (real: [Float], complex: [ComplexSample]) {
        let fs = (sampleRate ?? modem.sampleRate) * (1 + channel.clockPPM * 1e-6)   // the receiver's true sampling rate
        let baud = modem.baud
        let levels = bits.map { $0 == 1 ? Float(1) : Float(-1) }
        let duration = Double(bits.count) / baud
        let n = Int(duration * fs)
        var real: [Float] = []
        var complex: [ComplexSample] = []
        var phase = 0.0
        let f0 = modem.nominalCarrier + channel.frequencyError
        let ramp = channel.frequencyRate
        for i in 0..<n {
            let t = Double(i) / fs
            let ts = t * baud
            // Carrier phase with the ramp: 2π(f0·t + ramp·t²/2).
            let carrierPhase = 2 * Double.pi * (f0 * t + ramp * t * t / 2)
            switch modem {
            case .afsk1200Audio:
                // Bell 202: mark (1) 1200 Hz, space (0) 2200 Hz, continuous phase.
                let k = min(levels.count - 1, Int(ts))
                let f = f0 + ramp * t + (levels[k] > 0 ? -500 : 500)
                phase += 2 * Double.pi * f / fs
                real.append(Float(cos(phase)))
            case .fsk9600IQ:
                let f = f0 + ramp * t + 3_500 * shaped(levels, at: ts - 0.5, beta: 0.5)
                phase += 2 * Double.pi * f / fs
                complex.append(ComplexSample(re: Float(cos(phase)), im: Float(sin(phase))))
            case .bpsk1200Audio, .bpsk9600Audio:
                let a = shaped(levels, at: ts - 0.5, beta: 0.5)
                real.append(Float(a * cos(carrierPhase + 0.3)))
            case .bpsk1200IQ, .bpsk9600IQ:
                let a = shaped(levels, at: ts - 0.5, beta: 0.5)
                let p = carrierPhase + 0.3
                complex.append(ComplexSample(re: Float(a * cos(p)), im: Float(a * sin(p))))
            }
            if phase > 2 * Double.pi { phase -= 2 * Double.pi }
        }
        // AWGN: Eb = P / baud from the clean signal's power; N0 = Eb / (Eb/N0). White noise over the
        // sampled band has variance N0·fs (complex, split over I and Q) or N0·fs/2 (real, one-sided N0).
        var rng = SplitMix64(seed: seed)
        if modem.isComplex {
            let p = complex.reduce(0.0) { $0 + Double($1.re * $1.re + $1.im * $1.im) } / Double(max(1, complex.count))
            let n0 = p / baud / pow(10, channel.ebN0 / 10)
            let sigma = Float((n0 * fs / 2).squareRoot())
            for i in complex.indices {
                let (a, b) = gaussianPair(&rng)
                complex[i].re += sigma * a
                complex[i].im += sigma * b
            }
        } else {
            let p = real.reduce(0.0) { $0 + Double($1 * $1) } / Double(max(1, real.count))
            let n0 = p / baud / pow(10, channel.ebN0 / 10)
            let sigma = Float((n0 * fs / 2).squareRoot())
            var i = 0
            while i < real.count {
                let (a, b) = gaussianPair(&rng)
                real[i] += sigma * a
                if i + 1 < real.count { real[i + 1] += sigma * b }
                i += 2
            }
        }
        return (real, complex)
    }

    static func gaussianPair(_ rng: inout SplitMix64) -> (Float, Float) {
        let u1 = max(Double(rng.next() >> 11) * 0x1p-53, 1e-300)
        let u2 = Double(rng.next() >> 11) * 0x1p-53
        let r = (-2 * log(u1)).squareRoot()
        return (Float(r * cos(2 * Double.pi * u2)), Float(r * sin(2 * Double.pi * u2)))
    }

    struct Result: Sendable {
        var sent: Int
        var received: Int
        /// Frames received only through bit repair (every good copy had symbols flipped).
        var repairedOnly = 0
        /// Good frames that were not sent (must stay 0: the FCS guards them).
        var spurious: Int
        var frameErrorRate: Double { sent == 0 ? 0 : Double(sent - received) / Double(sent) }
    }

    /// Sends `count` random frames of `length` bytes through `channel` and decodes them with every
    /// receiver `ReceiverFactory` builds for the modem, frames merged as in a replay. `sampleRate`
    /// replaces the modem's usual rate (the receiver is told the nominal one).
    /// `addressed`: each frame starts with a real AX.25 address field (random frames never get repaired).
    static func roundTrip(
        _ modem: Modem, channel: Channel, frames count: Int, length: Int, seed: UInt64, sampleRate: Double? = nil,
        addressed: Bool = false
    ) throws -> Result {
        var rng = SplitMix64(seed: seed)
        var frames = randomFrames(count: count, length: length, rng: &rng)
        if addressed {
            let header = AX25Address(callsign: "CQ").encoded(last: false) + AX25Address(callsign: "DL0ABC", ssid: 1).encoded(last: true) + [0x03, 0xF0]
            for i in frames.indices { frames[i].replaceSubrange(0..<min(16, frames[i].count), with: header) }
        }
        let leadIn = Int(modem.baud * 0.3)
        let bits = lineBits(frames, scrambled: modem.scrambled, leadInBits: leadIn)
        let signal = waveform(modem, bits: bits, channel: channel, seed: rng.next(), sampleRate: sampleRate)
        let rate = sampleRate ?? modem.sampleRate
        let input: ReceiverFactory.Input = modem.isComplex
            ? .complex(sampleRate: rate, offset: modem.nominalCarrier) : .real(sampleRate: rate)
        var bank = ReceiverBank(try ReceiverFactory.receivers(for: modem.spec, input: input))
        var out: [ReceivedFrame] = []
        let block = 8_192
        if modem.isComplex {
            var i = 0
            while i < signal.complex.count {
                let j = min(signal.complex.count, i + block)
                signal.complex[i..<j].withUnsafeBufferPointer { bank.process(complex: $0, into: &out) }
                i = j
            }
        } else {
            var i = 0
            while i < signal.real.count {
                let j = min(signal.real.count, i + block)
                signal.real[i..<j].withUnsafeBufferPointer { bank.process(real: $0, into: &out) }
                i = j
            }
        }
        bank.finish(sampleRate: rate, complex: modem.isComplex, into: &out)
        let sent = Set(frames)
        let good = Set(out.filter { $0.frame.checkPassed }.map { $0.frame.bytes })
        let unrepaired = Set(out.filter { $0.frame.checkPassed && $0.frame.correctedSymbols == 0 }.map { $0.frame.bytes })
        return Result(
            sent: frames.count, received: sent.intersection(good).count, repairedOnly: good.subtracting(unrepaired).count,
            spurious: good.subtracting(sent).count)
    }
}
