import Foundation
import Testing
import TelemetryDecode
import TestSupport

@Suite(.computeThreads) struct EQUiSatDeframerTests {
    /// Symbol values (0...3) to their tones as multiples of the outer deviation.
    static let tone: [Double] = [1.0 / 3, 1, -1.0 / 3, -1]

    /// A packet as the radio sends it, in symbols: `preamble` symbols of two low, two high outer tones,
    /// 24 random sync symbols, the blocks.
    static func packetSymbols(_ payload: [UInt8], preamble: Int = 184, rng: inout SplitMix64) -> [UInt8] {
        let lead = (0..<preamble).map { UInt8($0 % 4 < 2 ? 3 : 1) }
        let sync = (0..<EQUiSatDeframer.syncSymbols).map { _ in UInt8(rng.next() & 3) }
        return lead + sync + EQUiSatDeframer.encodeSymbols(payload)!
    }

    static func randomBytes(_ n: Int, rng: inout SplitMix64) -> [UInt8] {
        (0..<n).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
    }

    /// Demodulator-like amplitudes: outer level `amplitude`, `polarity`, a DC offset, uniform noise.
    static func amplitudes(
        _ symbols: [UInt8], amplitude: Double = 45, polarity: Double = 1, dc: Double = 0, noise: Double = 0,
        rng: inout SplitMix64
    ) -> [UInt8] {
        symbols.map { s in
            let n = noise * (Double(rng.next() >> 11) / Double(1 << 53) * 2 - 1)
            let v = 128 + polarity * tone[Int(s)] * amplitude + dc + n
            return UInt8(max(0, min(255, v.rounded())))
        }
    }

    static func decode(_ symbols: [UInt8]) -> [DecodedFrame] {
        var d = EQUiSatDeframer()
        var frames: [DecodedFrame] = []
        // In pieces, as a demodulator delivers them.
        var i = 0
        while i < symbols.count {
            let j = min(symbols.count, i + 997)
            symbols[i..<j].withUnsafeBufferPointer { d.process($0, into: &frames) }
            i = j
        }
        d.finish(into: &frames)
        return frames
    }

    static func noiseSymbols(_ n: Int, rng: inout SplitMix64) -> [UInt8] {
        (0..<n).map { _ in UInt8(128 + Int(rng.next() % 90) - 45) }
    }

    @Test func packetRoundTripsInEitherPolarityWithOffsetAndNoise() {
        var rng = SplitMix64(seed: 43552)
        let payload = Self.randomBytes(217, rng: &rng)
        for polarity in [1.0, -1.0] {
            for preamble in [96, 140, 184] {
                let symbols = Self.packetSymbols(payload, preamble: preamble, rng: &rng)
                let before = Self.noiseSymbols(333, rng: &rng), after = Self.noiseSymbols(200, rng: &rng)
                let air = before + Self.amplitudes(symbols, polarity: polarity, dc: 6, noise: 8, rng: &rng) + after
                let frames = Self.decode(air)
                #expect(frames.count == 1, "polarity \(polarity), preamble \(preamble)")
                #expect(frames.first?.checkPassed == true)
                #expect(frames.first?.bytes == EQUiSatDeframer.callsign + payload)
                #expect(frames.first?.correctedSymbols == 0)
                // The frame ends with the last block.
                #expect(frames.first?.symbolPosition == 333 + symbols.count)
            }
        }
    }

    @Test func oddPreambleSymbolsAndASyncThatContinuesThePatternAreForgiven() {
        var rng = SplitMix64(seed: 17)
        let payload = Self.randomBytes(217, rng: &rng)
        var symbols = Self.packetSymbols(payload, rng: &rng)
        // Noise spikes: single preamble symbols on the wrong tone, late in the preamble too.
        for p in [40, 101, 130, 163] { symbols[p] = symbols[p] == 3 ? 0 : 2 }
        // The sync's first three symbols happen to go on with low, low, high.
        symbols.replaceSubrange(184..<187, with: [3, 3, 1])
        let frames = Self.decode(Self.noiseSymbols(100, rng: &rng) + Self.amplitudes(symbols, noise: 6, rng: &rng))
        #expect(frames.count == 1 && frames.first?.checkPassed == true)
        #expect(frames.first?.bytes == EQUiSatDeframer.callsign + payload)
    }

    @Test func symbolErrorsAreCorrectedAndTooManyReportAFailedPacket() throws {
        var rng = SplitMix64(seed: 9)
        let payload = Self.randomBytes(217, rng: &rng)
        let symbols = Self.packetSymbols(payload, rng: &rng)
        let data = symbols.count - EQUiSatDeframer.blocks * EQUiSatDeframer.blockSymbols
        // A symbol moved to the neighbouring tone flips one bit of one byte.
        func damaged(_ count: Int) -> [UInt8] {
            var s = symbols
            // Blocks 2...13: inside the codeword, clear of the header and the callsign.
            let positions = stride(from: data + 2 * 80 + 3, to: data + 14 * 80, by: 80 * 12 / count).prefix(count)
            // Flipping the low bit moves a symbol to the neighbouring tone (inner ↔ outer, same side).
            for p in positions { s[p] ^= 1 }
            return s
        }
        var frames = Self.decode(Self.amplitudes(damaged(12), rng: &rng))
        #expect(frames.count == 1 && frames.first?.checkPassed == true)
        #expect(frames.first?.bytes == EQUiSatDeframer.callsign + payload)
        #expect((frames.first?.correctedSymbols ?? 0) >= 10)
        // Beyond the code (and every byte equally sure: no erasures to help), with the callsign intact:
        // reported as a failed packet.
        frames = Self.decode(Self.amplitudes(damaged(60), rng: &rng))
        #expect(frames.count == 1 && frames.first?.checkPassed == false)
        #expect(frames.first.map { Array($0.bytes.prefix(6)) } == EQUiSatDeframer.callsign)
    }

    @Test func aDamagedCallsignIsRestoredWhenTheCodewordDecodes() {
        var rng = SplitMix64(seed: 11)
        let payload = Self.randomBytes(217, rng: &rng)
        var symbols = Self.packetSymbols(payload, rng: &rng)
        let data = symbols.count - EQUiSatDeframer.blocks * EQUiSatDeframer.blockSymbols
        // Bytes 6 and 7 of the first block (callsign 'L', '9') are the bits of data symbols 3 of each group.
        symbols[data + 1 + 3] ^= 1
        let frames = Self.decode(Self.amplitudes(symbols, rng: &rng))
        #expect(frames.first?.checkPassed == true)
        #expect(frames.first?.bytes == EQUiSatDeframer.callsign + payload)
        #expect(frames.first?.correctedSymbols == 1)
    }

    @Test func noiseGivesNoGoodFrames() {
        var rng = SplitMix64(seed: 3)
        var frames: [DecodedFrame] = []
        var d = EQUiSatDeframer()
        for _ in 0..<20 {
            let symbols = Self.noiseSymbols(100_000, rng: &rng)
            symbols.withUnsafeBufferPointer { d.process($0, into: &frames) }
        }
        #expect(frames.isEmpty)
        // A preamble followed by noise: a candidate, but no frame (the callsign is not there either).
        var rng2 = SplitMix64(seed: 4)
        let preamble = Self.amplitudes((0..<184).map { UInt8($0 % 4 < 2 ? 3 : 1) }, rng: &rng2)
        #expect(Self.decode(preamble + Self.noiseSymbols(3000, rng: &rng2)).isEmpty)
    }

    /// 48 kHz FM receiver audio: each tone held for its symbol, smoothed by the receiver's audio filter
    /// (a 4-sample moving average), with Gaussian noise and the transmitter's clock `clockError` off.
    static func audio(_ symbols: [UInt8], clockError: Double, noise: Double, rng: inout SplitMix64) -> [Float] {
        let samplesPerSymbol = 48_000 / 4800 * (1 + clockError)
        let total = Int(Double(symbols.count) * samplesPerSymbol)
        var raw = (0..<total).map { n in Float(tone[Int(symbols[min(symbols.count - 1, Int(Double(n) / samplesPerSymbol))])] * 0.4) }
        for n in stride(from: raw.count - 1, through: 3, by: -1) { raw[n] = (raw[n] + raw[n - 1] + raw[n - 2] + raw[n - 3]) / 4 }
        return raw.map { $0 + Float(gaussian(&rng) * noise) }
    }

    static func gaussian(_ rng: inout SplitMix64) -> Double {
        let u1 = max(Double(rng.next() >> 11) / Double(1 << 53), 1e-12), u2 = Double(rng.next() >> 11) / Double(1 << 53)
        return (-2 * log(u1)).squareRoot() * cos(2 * .pi * u2)
    }

    static let spec = TransmitterSpec(name: "EQUiSat", modulation: .fsk4, baudRate: 4800, framing: .equisat)

    @Test(arguments: [0.0, 0.002, -0.002])
    func theReceiveChainDecodesFourToneAudio(clockError: Double) throws {
        var rng = SplitMix64(seed: 20)
        var sent: [[UInt8]] = []
        var signal: [Float] = (0..<9600).map { _ in Float(Self.gaussian(&rng) * 0.3) }
        for _ in 0..<3 {
            let payload = Self.randomBytes(217, rng: &rng)
            sent.append(EQUiSatDeframer.callsign + payload)
            signal += Self.audio(Self.packetSymbols(payload, rng: &rng), clockError: clockError, noise: 0.04, rng: &rng)
            signal += (0..<24_000).map { _ in Float(Self.gaussian(&rng) * 0.3) }
        }
        var receivers = try ReceiverFactory.receivers(for: Self.spec, input: .real(sampleRate: 48_000))
        var out: [ReceivedFrame] = []
        for i in receivers.indices {
            signal.withUnsafeBufferPointer { receivers[i].process(real: $0, into: &out) }
            receivers[i].finish(into: &out)
        }
        #expect(out.filter(\.frame.checkPassed).map(\.frame.bytes) == sent)
        #expect(out.allSatisfy { $0.frame.checkPassed })
    }

    @Test func theReceiveChainDecodesFourToneIQ() throws {
        var rng = SplitMix64(seed: 21)
        let payload = Self.randomBytes(217, rng: &rng)
        let symbols = [UInt8](repeating: 0, count: 200) + Self.packetSymbols(payload, rng: &rng) + [UInt8](repeating: 0, count: 200)
        // FM at 48 ksps, outer tones ±2400 Hz, 1500 Hz off centre.
        var phase = 0.0
        var iq: [ComplexSample] = []
        for s in symbols {
            for _ in 0..<10 {
                phase += 2 * .pi * (1500 + Self.tone[Int(s)] * 2400) / 48_000
                iq.append(ComplexSample(re: Float(cos(phase) + Self.gaussian(&rng) * 0.1), im: Float(sin(phase) + Self.gaussian(&rng) * 0.1)))
            }
        }
        var receivers = try ReceiverFactory.receivers(for: Self.spec, input: .complex(sampleRate: 48_000, offset: 1500))
        var out: [ReceivedFrame] = []
        for i in receivers.indices {
            iq.withUnsafeBufferPointer { receivers[i].process(complex: $0, into: &out) }
            receivers[i].finish(into: &out)
        }
        #expect(out.map(\.frame.bytes) == [EQUiSatDeframer.callsign + payload])
        #expect(out.first?.frame.checkPassed == true)
    }
}
