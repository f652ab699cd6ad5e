import Foundation
import Testing
import TelemetryDecode
import TestSupport

/// The framings added from gr-satellites' SatYAML statistics (no shared recording uses them) through the
/// whole receive chain the catalogue builds: FSK as an FM receiver's audio (NRZ levels, smoothed over a
/// fifth of a symbol, white noise at 10 dB SNR, a level offset) at 48 kHz, demodulated by every chain
/// `ReceiverFactory` makes for the transmitter, and deframed.
@Suite(.computeThreads) struct SyncWordFramingsEndToEndTests {
    /// Audio for `bits` at `baud`, 48 kHz, with white noise of standard deviation `noise` (levels are ±0.5).
    static func audio(_ bits: [UInt8], baud: Double, seed: UInt64, noise: Double = 0.16) -> [Float] {
        let perSymbol = 48_000 / baud
        let count = Int(Double(bits.count) * perSymbol)
        var levels = (0..<count).map { i -> Float in bits[min(bits.count - 1, Int(Double(i) / perSymbol))] == 1 ? 0.5 : -0.5 }
        let smooth = max(1, Int(perSymbol / 5))
        var acc: Float = 0
        var out = [Float](repeating: 0, count: count)
        for i in levels.indices {
            acc += levels[i]
            if i >= smooth { acc -= levels[i - smooth] }
            out[i] = acc / Float(min(i + 1, smooth))
        }
        var rng = SplitMix64(seed: seed)
        for i in out.indices {
            let u1 = max(Double(rng.next() >> 11) / Double(1 << 53), 1e-12), u2 = Double(rng.next() >> 11) / Double(1 << 53)
            out[i] += 0.1 + Float((-2 * log(u1)).squareRoot() * cos(2 * .pi * u2) * noise)
        }
        levels.removeAll()
        return out
    }

    static func receive(_ spec: TransmitterSpec, _ audio: [Float]) throws -> [ReceivedFrame] {
        var receivers = try ReceiverFactory.receivers(for: spec, input: .real(sampleRate: 48_000))
        var frames: [ReceivedFrame] = []
        for i in receivers.indices {
            for start in stride(from: 0, to: audio.count, by: 4800) {
                audio[start..<min(audio.count, start + 4800)].withUnsafeBufferPointer { receivers[i].process(real: $0, into: &frames) }
            }
        }
        return frames
    }

    static func preamble(_ n: Int) -> [UInt8] { DeframerTestSupport.bits([UInt8](repeating: 0x55, count: n)) }

    /// Near the decoding threshold, Reed-Solomon with erasures from the demodulator's soft symbols
    /// recovers frames hard decoding cannot: a good frame with more than 16 corrected bytes is one the
    /// hard decoder failed on (every codeword within 16 of the received word would have been found).
    @Test func weakAX100FramesRecoveredWithSoftErasures() throws {
        let spec = TransmitterSpec(name: "9k6 FSK downlink", modulation: .fsk, baudRate: 9600, framing: .ax100ASMGolay)
        var rng = SplitMix64(seed: 5)
        let payloads = (0..<40).map { _ in (0..<150).map { _ in UInt8(truncatingIfNeeded: rng.next()) } }
        var bits = Self.preamble(40)
        for p in payloads {
            bits += DeframerTestSupport.bits(AX100Deframer.syncWord)
            bits += DeframerTestSupport.bits(try AX100Deframer.encodeASMGolayFrame(p)) + Self.preamble(30)
        }
        // Noise at which about a quarter of the frames still decode (measured: 12 of 40, 8 of them without
        // erasures; 0.44 gives 27 and 25, 0.48 gives 4 and 2).
        let good = try Self.receive(spec, Self.audio(bits, baud: 9600, seed: 1, noise: 0.46)).filter(\.frame.checkPassed)
        let decoded = Set(good.map(\.frame.bytes))
        let hard = Set(good.filter { $0.frame.correctedSymbols <= 16 }.map(\.frame.bytes))
        #expect(decoded.isSubset(of: Set(payloads)), "a good frame that was not sent")
        #expect(decoded.subtracting(hard).count >= 2, "frames only soft erasures recover: \(decoded.subtracting(hard).count)")
        #expect(decoded.count >= 8)
    }

    @Test func geoscanFramesOfTheCataloguedSize() throws {
        var spec = TransmitterSpec(name: "9k6 FSK downlink", modulation: .fsk, baudRate: 9600, framing: .geoscan)
        spec.frameSize = 74
        let payloads = (0..<3).map { k in (0..<72).map { UInt8(truncatingIfNeeded: $0 * 13 + k) } }
        var bits = Self.preamble(40)
        for p in payloads {
            bits += DeframerTestSupport.bits(GEOSCANDeframer.syncWord) + DeframerTestSupport.bits(GEOSCANDeframer.encode(p)) + Self.preamble(30)
        }
        let frames = try Self.receive(spec, Self.audio(bits, baud: 9600, seed: 1))
        #expect(Set(frames.filter(\.frame.checkPassed).map(\.frame.bytes)) == Set(payloads))
        #expect(frames.allSatisfy { $0.frame.framing == "GEOSCAN" })
    }

    @Test func light1AndBinar2Packets() throws {
        for (framing, format, baud) in [(Framing.light1, CC11xxPacketDeframer.Format.light1, 2400.0), (.binar2, .binar2, 9600)] {
            let spec = TransmitterSpec(name: "downlink", modulation: .fsk, baudRate: baud, framing: framing)
            let payloads: [[UInt8]] = [Array("de \(framing.rawValue) test".utf8), (0..<200).map { UInt8(truncatingIfNeeded: $0 &* 31) }]
            var bits = Self.preamble(24)
            for p in payloads {
                bits += DeframerTestSupport.bits(format.syncWord) + DeframerTestSupport.bits(CC11xxPacketDeframer.encode(p, format)) + Self.preamble(20)
            }
            let frames = try Self.receive(spec, Self.audio(bits + Self.preamble(260), baud: baud, seed: 2))
            #expect(Set(frames.filter(\.frame.checkPassed).map(\.frame.bytes)) == Set(payloads), "\(framing)")
        }
    }

    @Test func hadesRPacketsAt200Baud() throws {
        let spec = TransmitterSpec(name: "200baud FSK downlink", modulation: .fsk, baudRate: 200, framing: .hadesR)
        let packets = HADESDeframerTests.packets.prefix(3).map { Hex.bytes($0.out) }
        var bits = Self.preamble(6)
        for p in packets { bits += DeframerTestSupport.bits([0xBF, 0x35]) + DeframerTestSupport.bits(HADESDeframer.encode(p)) + Self.preamble(3) }
        let frames = try Self.receive(spec, Self.audio(bits, baud: 200, seed: 3))
        #expect(Set(frames.filter(\.frame.checkPassed).map(\.frame.bytes)) == Set(packets))
    }
}
