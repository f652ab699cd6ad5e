/// Builds receive chains from transmitter descriptions: the one place that maps catalogue data
/// (modulation, framing and their parameters) to demodulator and deframer blocks.
public enum ReceiverFactory {
    /// Input as it arrives from a file or device.
    public enum Input: Sendable, Hashable {
        /// Real samples: FM receiver audio, or SSB audio with the signal at an audio offset.
        case real(sampleRate: Double)
        /// Complex baseband with the signal `offset` Hz from the centre.
        case complex(sampleRate: Double, offset: Double)
    }

    /// Every chain worth running for `spec`: several variants where one setting does not suit all
    /// signals; their frames are merged by `FrameMerger`.
    /// `audioCarrier`: for BPSK in real audio, where the carrier sits (default 1500 Hz up to 2400 Bd,
    /// 12 kHz above, the usual SSB conventions).
    public static func receivers(for spec: TransmitterSpec, input: Input, audioCarrier: Double? = nil) throws(ReceiverError) -> [Receiver] {
        var rate: Double
        var front: ComplexFMDemodulator? = nil
        switch input {
        case .real(let r):
            rate = r
        case .complex(let r, let offset):
            switch spec.modulation {
            case .fsk, .gfsk, .gmsk, .fskSubaudio:
                let bw = spec.baudRate * 1.5
                let f = ComplexFMDemodulator(sampleRate: r, offset: offset, bandwidth: bw, minimumOutputRate: max(spec.baudRate * 5, 48_000))
                front = f
                rate = f.outputRate
            case .fsk4:
                // Outer tones at ±baud/2 (EQUiSat: ±2400 Hz at 4800 Bd) plus half the baud rate, with margin:
                // a 12.5 kHz channel at 4800 Bd.
                let f = ComplexFMDemodulator(sampleRate: r, offset: offset, bandwidth: spec.baudRate * 1.25, minimumOutputRate: max(spec.baudRate * 5, 48_000))
                front = f
                rate = f.outputRate
            case .afsk:
                let f = ComplexFMDemodulator(sampleRate: r, offset: offset, bandwidth: 8_000, minimumOutputRate: 48_000)
                front = f
                rate = f.outputRate
            case .bpsk, .dbpsk, .dbpskManchester:
                rate = r
            }
        }
        guard rate >= 2 * spec.baudRate else { throw .sampleRateTooLow(rate: rate, baud: spec.baudRate) }

        let demods: [Receiver.Demodulator]
        switch spec.modulation {
        case .fsk, .gfsk, .gmsk, .fskSubaudio:
            // Two hypotheses: balanced data through a low-pass filter with a running-mean DC, and data
            // with long runs of one symbol through a one-symbol boxcar with the level-midpoint DC.
            demods = [(0.8, FSKDemodulator.DCRemoval.runningMean), (0.0, .levelMidpoint)].map { cutoff, dc in
                .fsk(FSKDemodulator(.init(sampleRate: rate, baudRate: spec.baudRate, filterCutoff: cutoff, dcRemoval: dc)))
            }
        case .fsk4:
            // On the shared EQUiSat recording a cutoff of 0.8...1.0 baud leaves 1 byte for Reed-Solomon to
            // correct (0.6: 8; a one-symbol boxcar: the codeword fails). Four levels make each timing
            // error cost more than with two: the loop gain is a third of 2-FSK's (0.15 corrects 6 bytes).
            demods = [.fsk(FSKDemodulator(.init(sampleRate: rate, baudRate: spec.baudRate, clockGain: 0.05, filterCutoff: 0.9, tones: 4)))]
        case .afsk:
            guard let carrier = spec.afCarrier else { throw .missingParameter("af_carrier", transmitter: spec.name) }
            guard let deviation = spec.deviation else { throw .missingParameter("deviation", transmitter: spec.name) }
            demods = [.afsk(AFSKDemodulator(.init(sampleRate: rate, baudRate: spec.baudRate, carrier: carrier, deviation: deviation)))]
        case .bpsk, .dbpsk, .dbpskManchester:
            let carrier: Double
            switch input {
            case .real: carrier = audioCarrier ?? (spec.baudRate <= 2400 ? 1500 : 12_000)
            case .complex(_, let offset): carrier = offset
            }
            // Manchester: the demodulator tracks chips, two per bit.
            let chipRate = spec.modulation == .dbpskManchester ? 2 * spec.baudRate : spec.baudRate
            demods = [.bpsk(BPSKDemodulator(.init(sampleRate: rate, baudRate: chipRate, carrier: carrier)))]
        }
        var out: [Receiver] = []
        for d in demods {
            var deframer = try deframer(for: spec)
            if spec.modulation == .dbpskManchester { deframer = ManchesterDifferentialDeframer(deframer) }
            out.append(Receiver(spec: spec, demodulatorRate: rate, iqFront: front, demodulator: d, deframer: deframer))
        }
        return out
    }

    /// The deframer for a transmitter's framing.
    public static func deframer(for spec: TransmitterSpec) throws(ReceiverError) -> any Deframer {
        switch spec.framing {
        case .ax25: return AX25Deframer(scrambled: false)
        case .ax25G3RUH: return AX25Deframer(scrambled: true)
        case .ax100ASMGolay: return AX100Deframer(mode: .asmGolay)
        case .ax100ReedSolomon: return AX100Deframer(mode: .reedSolomon)
        case .u482c: return U482CDeframer()
        case .ccsdsReedSolomon, .ccsdsConcatenated:
            do { return try CCSDSDeframer(transmitter: spec) } catch { throw .missingParameter("a valid CCSDS chain (\(error.description))", transmitter: spec.name) }
        case .ao40FEC: return AO40FECDeframer(length: .long)
        case .ao40FECShort: return AO40FECDeframer(length: .short)
        case .ao40FECCRC16ARC: return AO40FECDeframer(length: .long, crc16ARC: true)
        case .ao40FECCRC16ARCShort: return AO40FECDeframer(length: .short, crc16ARC: true)
        case .lilacSat1: return LilacSat1Deframer()
        case .ax5043: return AX5043Deframer()
        case .tt64: return TT64Deframer()
        case .threeCAT1: return ThreeCAT1Deframer()
        case .lucky7: return Lucky7Deframer()
        case .ideasSat: return IDEASSatDeframer()
        case .reaktorHelloWorld: return CC11xxPacketDeframer(.reaktorHelloWorld)
        case .light1: return CC11xxPacketDeframer(.light1)
        // gr-satellites allows no sync error for BINAR-2; its CRC guards the packet as for the others.
        case .binar2: return CC11xxPacketDeframer(.binar2, syncErrors: 2)
        case .geoscan:
            let size = spec.frameSize ?? GEOSCANDeframer.defaultFrameSize
            guard (3...255).contains(size) else { throw .missingParameter("frame_size 3...255", transmitter: spec.name) }
            return GEOSCANDeframer(frameSize: size)
        case .hadesR:
            let variant = try spec.variant.map { (v) throws(ReceiverError) in
                guard let known = HADESDeframer.Variant(rawValue: v) else {
                    throw .missingParameter("a HADES variant (\(HADESDeframer.Variant.allCases.map(\.rawValue).joined(separator: ", "))), not '\(v)'", transmitter: spec.name)
                }
                return known
            } ?? .hadesR
            return HADESDeframer(variant: variant)
        case .sNET: return SNETDeframer()
        case .ngham, .nghamNoRS: return NGHamDeframer(.init(framing: spec.framing.rawValue))
        case .smogPRA, .smog1RA:
            let size = spec.frameSize ?? 128
            guard size == 128 || size == 256 else { throw .missingParameter("frame_size 128 or 256", transmitter: spec.name) }
            return SMOGRADeframer(.init(frameSize: size, smog1: spec.framing == .smog1RA))
        case .smogPSignalling: return SMOGPSignallingDeframer()
        case .smog1Signalling: return SMOGPSignallingDeframer(.init(smog1: true, framing: "SMOG-1 Signalling"))
        case .mobitex, .mobitexNX:
            let variant = try spec.variant.map { (v) throws(ReceiverError) in
                guard let known = MobitexDeframer.Variant(rawValue: v) else {
                    throw .missingParameter("a Mobitex variant (\(MobitexDeframer.Variant.allCases.map(\.rawValue).joined(separator: ", "))), not '\(v)'", transmitter: spec.name)
                }
                return known
            } ?? .standard
            return MobitexDeframer(.init(nx: spec.framing == .mobitexNX, variant: variant, knownCallsign: spec.callsign))
        case .sanoSat: return SanoSatDeframer()
        case .eseo: return ESEODeframer()
        case .ua01: return AX25Deframer(lineCoding: .doubleNRZIThenG3RUH, framing: "UA01")
        case .aausat4: return AAUSAT4Deframer()
        case .aistechsat2: return AISTECHSAT2Deframer()
        case .endurosat: return EndurosatDeframer()
        case .astrocastFX25NRZI: return AstrocastFX25Deframer(nrzi: true)
        case .astrocastFX25NRZ: return AstrocastFX25Deframer(nrzi: false)
        case .opsSat: return OPSSATDeframer()
        case .ao40Uncoded: return AO40UncodedDeframer()
        case .swiatowid: return SwiatowidDeframer()
        case .aalto1: return AALTO1Deframer()
        case .diy1: return DIY1Deframer()
        case .fossasat: return FOSSASATDeframer()
        case .grizu263A: return Grizu263ADeframer()
        // YUSAT sends AX.25 (SatYAML: telemetry ax25) behind only an 8-bit flag and a CRC-16: without the
        // address check noise passes about one false frame in 10^7 bits.
        case .yusat: return YUSATDeframer(requireAX25Addresses: true)
        case .salsat: return SALSATDeframer()
        case .mrc100RA:
            let size = spec.frameSize ?? MRC100RADeframer.defaultFrameSize
            guard [126, 128, 256].contains(size) else { throw .missingParameter("frame_size 126, 128 or 256", transmitter: spec.name) }
            return MRC100RADeframer(.init(frameSize: size))
        case .binar1: return BINAR1Deframer()
        case .nuSat: return NuSatDeframer()
        case .spino: return SPINODeframer()
        case .openLST: return OpenLSTDeframer()
        case .qubik: return QUBIKDeframer()
        case .hsuSat1: return HSUSAT1Deframer()
        case .foresail1: return AX100Deframer(.foresail1)
        case .tubin: return MobitexDeframer(.init(nx: true, knownCallsign: spec.callsign ?? "DP0TBN", framing: "TUBIN"))
        case .beesat1: return MobitexDeframer(.init(nx: true, variant: .beesat1, framing: "BEESAT-1"))
        case .beesat9: return MobitexDeframer(.init(nx: true, variant: .beesat9, knownCallsign: spec.callsign ?? "DP0BEM", framing: "BEESAT-9"))
        case .hadesD: return HADESDeframer(variant: .hadesD)
        case .usp: return USPDeframer()
        case .equisat: return EQUiSatDeframer()
        }
    }
}
