import Foundation

/// False frames from pure noise: white Gaussian noise, as an FM receiver with nothing in its passband
/// gives, through the receive chains `ReceiverFactory` builds for a transmitter, counting the frames
/// reported as good. Every framing has a checksum or an FEC check, so a good frame here is a false
/// frame. Run by the noise tests (seconds per framing) and `gsd bench false-frames` (an hour each).
public enum NoiseTrial {
    public struct Result: Sendable, Hashable {
        public var seconds: Int
        /// Receive chains run on the noise (demodulator variants).
        public var chains: Int
        /// Frames reported as good: false frames.
        public var goodFrames: Int
        /// Candidates the deframers reported with a failed check (not output by `gsd replay`).
        public var failedCandidates: Int
    }

    /// One representative transmitter per framing gsd knows (two where a parameter changes the
    /// decoder: SMOG-P RA frame sizes, CCSDS with FSK and BPSK, CCSDS RS interleaved and as one codeword,
    /// which gets soft erasures).
    public static let transmitters: [TransmitterSpec] = [
        spec(.ax25, .afsk, baud: 1200) { $0.afCarrier = 1700; $0.deviation = 500 },
        spec(.ax25G3RUH, baud: 9600),
        spec(.ax100ASMGolay, baud: 9600),
        spec(.ax100ReedSolomon, baud: 4800),
        spec(.u482c, baud: 9600),
        spec(.ccsdsReedSolomon, baud: 9600, frameSize: 1115) { $0.rsBasis = "dual"; $0.rsInterleaving = 5 },
        spec(.ccsdsReedSolomon, baud: 9600, frameSize: 223) { $0.rsBasis = "dual" },
        spec(.ccsdsConcatenated, baud: 9600, frameSize: 223) { $0.rsBasis = "dual"; $0.convolutional = "NASA-DSN" },
        spec(.ccsdsConcatenated, .bpsk, baud: 1200, frameSize: 223) { $0.rsBasis = "conventional" },
        spec(.ao40FEC, .dbpsk, baud: 1200),
        spec(.ao40FECShort, baud: 1250),
        spec(.ao40FECCRC16ARC, baud: 1250),
        spec(.ao40FECCRC16ARCShort, baud: 1250),
        spec(.lilacSat1, .bpsk, baud: 9600),
        spec(.ax5043, baud: 1200),
        spec(.tt64, baud: 9600),
        spec(.threeCAT1, baud: 9600),
        spec(.lucky7, baud: 4800),
        spec(.ideasSat, baud: 9600),
        spec(.reaktorHelloWorld, baud: 9600),
        spec(.sNET, .afsk, baud: 1200) { $0.afCarrier = 1500; $0.deviation = 500 },
        spec(.ngham, baud: 1200),
        spec(.nghamNoRS, baud: 9600),
        spec(.smogPRA, baud: 1250, frameSize: 128),
        spec(.smogPRA, baud: 1250, frameSize: 256),
        spec(.smog1RA, baud: 1250, frameSize: 128),
        spec(.smogPSignalling, baud: 1250),
        spec(.smog1Signalling, baud: 1250),
        spec(.mobitex, baud: 4800),
        spec(.mobitexNX, baud: 4800),
        spec(.sanoSat, baud: 500),
        spec(.usp, baud: 9600),
        spec(.geoscan, baud: 9600, frameSize: 74),
        spec(.light1, baud: 2400),
        spec(.binar2, baud: 9600),
        spec(.hadesR, baud: 200),
        spec(.eseo, baud: 9600),
        spec(.ua01, .bpsk, baud: 9600),
        spec(.aausat4, baud: 9600),
        spec(.aistechsat2, baud: 9600),
        spec(.endurosat, baud: 9600),
        spec(.astrocastFX25NRZI, baud: 1200),
        spec(.astrocastFX25NRZ, baud: 1200),
        spec(.opsSat, baud: 9600),
        spec(.ao40Uncoded, .dbpskManchester, baud: 400),
        spec(.swiatowid, baud: 9600),
        spec(.aalto1, baud: 9600),
        spec(.diy1, baud: 500),
        spec(.fossasat, baud: 9600),
        spec(.grizu263A, baud: 2400),
        spec(.yusat, baud: 9600),
        spec(.salsat, .afsk, baud: 1200) { $0.afCarrier = 1500; $0.deviation = -600 },
        spec(.mrc100RA, baud: 1250, frameSize: 126),
        spec(.binar1, baud: 9600),
        spec(.nuSat, baud: 9600),
        spec(.spino, baud: 9600),
        spec(.openLST, baud: 7415.77),
        spec(.qubik, baud: 9600),
        spec(.hsuSat1, .afsk, baud: 1200) { $0.afCarrier = 1700; $0.deviation = -500 },
        spec(.foresail1, baud: 9600),
        spec(.tubin, baud: 4800),
        spec(.beesat1, baud: 4800),
        spec(.beesat9, baud: 4800),
        spec(.hadesD, baud: 200),
        spec(.equisat, .fsk4, baud: 4800),
    ]

    static func spec(
        _ framing: Framing, _ modulation: Modulation = .fsk, baud: Double, frameSize: Int? = nil,
        configure: (inout TransmitterSpec) -> Void = { _ in }
    ) -> TransmitterSpec {
        var s = TransmitterSpec(name: "noise", modulation: modulation, baudRate: baud, framing: framing, frameSize: frameSize)
        configure(&s)
        return s
    }

    /// "AX.25 AFSK 1200 Bd", with the frame size where there is one.
    public static func label(_ spec: TransmitterSpec) -> String {
        "\(spec.framing.rawValue) \(spec.modulation.rawValue) \(Int(spec.baudRate)) Bd" + (spec.frameSize.map { " \($0) B" } ?? "")
    }

    /// Runs `seconds` of noise (standard deviation 0.3 of full scale, 48 kHz) through `spec`'s chains.
    public static func run(_ spec: TransmitterSpec, seconds: Int, sampleRate: Double = 48_000, seed: UInt64 = 0x6E6F_6973_65) throws(ReceiverError) -> Result {
        var receivers = try ReceiverFactory.receivers(for: spec, input: .real(sampleRate: sampleRate))
        var rng = SplitMix64(seed: seed ^ UInt64(spec.baudRate))
        var block = [Float](repeating: 0, count: Int(sampleRate))
        var frames: [ReceivedFrame] = []
        var result = Result(seconds: seconds, chains: receivers.count, goodFrames: 0, failedCandidates: 0)
        for _ in 0..<seconds {
            // Box-Muller, two samples per pair of uniforms.
            var k = 0
            while k < block.count {
                let u1 = max(Double(rng.next() >> 11) / Double(1 << 53), 1e-12)
                let u2 = Double(rng.next() >> 11) / Double(1 << 53)
                let r = (-2 * log(u1)).squareRoot() * 0.3
                block[k] = Float(r * cos(2 * .pi * u2))
                if k + 1 < block.count { block[k + 1] = Float(r * sin(2 * .pi * u2)) }
                k += 2
            }
            frames.removeAll(keepingCapacity: true)
            for i in receivers.indices { block.withUnsafeBufferPointer { receivers[i].process(real: $0, into: &frames) } }
            for f in frames {
                if f.frame.checkPassed { result.goodFrames += 1 } else { result.failedCandidates += 1 }
            }
        }
        frames.removeAll(keepingCapacity: true)
        for i in receivers.indices { receivers[i].finish(into: &frames) }
        for f in frames {
            if f.frame.checkPassed { result.goodFrames += 1 } else { result.failedCandidates += 1 }
        }
        return result
    }
}
