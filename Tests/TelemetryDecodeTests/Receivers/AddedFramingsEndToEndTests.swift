import Foundation
import Testing
import TelemetryDecode
import TestSupport

/// The framings of session 14 (AAUSAT-4, AISTECHSAT-2, Endurosat, Astrocast FX.25, OPS-SAT, UA01,
/// Swiatowid, AALTO-1, DIY-1, FOSSASAT, Grizu-263A, YUSAT, MRC-100, BINAR-1, NuSat, SPINO, OpenLST, QUBIK)
/// through the whole receive chain the catalogue builds for their transmitters: FSK as an FM receiver's
/// audio at 48 kHz (`SyncWordFramingsEndToEndTests.audio`, 10 dB SNR), UA01's BPSK on a 12 kHz audio
/// carrier with a frequency error, demodulated by every chain `ReceiverFactory` makes, and deframed.
@Suite(.computeThreads) struct AddedFramingsEndToEndTests {
    typealias E2E = SyncWordFramingsEndToEndTests
    typealias S = DeframerTestSupport

    static func bits(_ word: UInt64, count: Int) -> [UInt8] { (0..<count).map { UInt8(word >> UInt64(count - 1 - $0) & 1) } }

    static func random(_ n: Int, _ rng: inout SplitMix64) -> [UInt8] { (0..<n).map { _ in UInt8(truncatingIfNeeded: rng.next()) } }

    static func good(_ spec: TransmitterSpec, _ bits: [UInt8], baud: Double) throws -> Set<[UInt8]> {
        let frames = try E2E.receive(spec, E2E.audio(bits, baud: baud, seed: 3))
        #expect(frames.allSatisfy { $0.frame.framing == spec.framing.rawValue })
        return Set(frames.filter(\.frame.checkPassed).map(\.frame.bytes))
    }

    @Test(arguments: [2400.0, 9600.0])
    func aausat4ShortAndLongFrames(baud: Double) throws {
        var rng = SplitMix64(seed: 41_460)
        let data = [Self.random(31, &rng), Self.random(92, &rng), Self.random(31, &rng)]
        var bits = E2E.preamble(40)
        for d in data {
            bits += Self.bits(AAUSAT4Deframer.syncWord, count: 48) + S.bits(try #require(AAUSAT4Deframer.encode(d))) + E2E.preamble(20)
        }
        let spec = TransmitterSpec(name: "FSK downlink", modulation: .fsk, baudRate: baud, framing: .aausat4)
        #expect(try Self.good(spec, bits, baud: baud) == Set(data))
    }

    @Test func aistechsat2CustomCCSDSFrames() throws {
        var rng = SplitMix64(seed: 43_768)
        let payloads = (0..<3).map { _ in Self.random(AISTECHSAT2Deframer.dataLength, &rng) }
        var bits = E2E.preamble(40)
        for p in payloads {
            bits += S.bits(AISTECHSAT2Deframer.syncWord) + S.bits(try #require(AISTECHSAT2Deframer.encode(p))) + E2E.preamble(20)
        }
        let spec = TransmitterSpec(name: "4k8 FSK custom CCSDS downlink", modulation: .fsk, baudRate: 4800, framing: .aistechsat2)
        #expect(try Self.good(spec, bits, baud: 4800) == Set(payloads))
    }

    @Test func endurosatPackets() throws {
        var rng = SplitMix64(seed: 53_771)
        let packets = [Self.random(40, &rng), Self.random(128, &rng), Self.random(1, &rng)]
        var bits = E2E.preamble(10)
        for p in packets {
            bits += S.bits([0xAA, 0xAA, 0xAA, 0xAA, 0xAA, 0x7E] + (try #require(EndurosatDeframer.encode(p)))) + E2E.preamble(10)
        }
        let spec = TransmitterSpec(name: "9k6 FSK downlink", modulation: .fsk, baudRate: 9600, framing: .endurosat)
        // Output: the length byte and the packet, as gr-satellites gives them.
        #expect(try Self.good(spec, bits, baud: 9600) == Set(packets.map { [UInt8($0.count)] + $0 }))
    }

    @Test(arguments: [true, false])
    func astrocastFX25(nrzi: Bool) throws {
        let frames = (0..<3).map { k in
            AX25Address(callsign: "CQ").encoded(last: false) + AX25Address(callsign: "HB9GSF").encoded(last: true) + [0x03, 0xF0]
                + Array("Astrocast beacon \(k) ".utf8) + [UInt8](repeating: UInt8(0x30 + k), count: 40 * k)
        }
        var bits = E2E.preamble(40)
        for f in frames { bits += try #require(AstrocastFX25Deframer.encode(f)) + E2E.preamble(20) }
        if nrzi {
            var encoder = NRZIEncoder()
            encoder.process(&bits)
        }
        let spec = TransmitterSpec(name: "1k2 FSK FX.25 downlink", modulation: .fsk, baudRate: 1200, framing: nrzi ? .astrocastFX25NRZI : .astrocastFX25NRZ)
        #expect(try Self.good(spec, bits, baud: 1200) == Set(frames))
    }

    @Test func opsSatFrames() throws {
        var rng = SplitMix64(seed: 44_878)
        let payloads = [Self.random(62, &rng), Self.random(150, &rng)]
        var bits = E2E.preamble(20)
        let framer = HDLCFramer(preambleFlags: 8, postambleFlags: 2)
        for p in payloads { framer.encode(try #require(OPSSATDeframer.encode(p)), into: &bits) }
        bits += E2E.preamble(20)
        var encoder = AX25ChannelEncoder(.g3ruh)
        encoder.process(&bits)
        let spec = TransmitterSpec(name: "9k6 FSK downlink", modulation: .fsk, baudRate: 9600, framing: .opsSat)
        #expect(try Self.good(spec, bits, baud: 9600) == Set(payloads))
    }

    @Test func ua01OverBPSK() throws {
        let frames = (0..<4).map { k in
            AX25Address(callsign: "CQ").encoded(last: false) + AX25Address(callsign: "EM0UKP").encoded(last: true) + [0x03, 0xF0]
                + Array("PolyITAN 2-SAU telemetry \(k)".utf8)
        }
        let flag: [UInt8] = [0, 1, 1, 1, 1, 1, 1, 0]
        var bits = Array([[UInt8]](repeating: flag, count: 16).joined())
        for f in frames { HDLCFramer(preambleFlags: 4, postambleFlags: 2).encode(f, into: &bits) }
        bits += Array([[UInt8]](repeating: flag, count: 16).joined())
        var encoder = AX25ChannelEncoder(.doubleNRZIThenG3RUH)
        encoder.process(&bits)
        let audio = SyntheticSignals.waveform(.bpsk9600Audio, bits: bits, channel: .init(ebN0: 14, frequencyError: 120), seed: 9).real
        let spec = TransmitterSpec(name: "9k6 FSK downlink", modulation: .bpsk, baudRate: 9600, framing: .ua01)
        let got = try E2E.receive(spec, audio)
        #expect(Set(got.filter(\.frame.checkPassed).map(\.frame.bytes)) == Set(frames))
    }

    @Test func swiatowidImagePacketsAsCodewordPieces() throws {
        var rng = SplitMix64(seed: 44_426)
        let data = Self.random(130, &rng)
        let bits = E2E.preamble(40) + S.bits(SwiatowidDeframer.syncWord) + S.bits(try #require(SwiatowidDeframer.encode(data))) + E2E.preamble(20)
        let spec = TransmitterSpec(name: "9k6 FSK image downlink", modulation: .fsk, baudRate: 9600, framing: .swiatowid)
        // One frame per Reed-Solomon codeword: 48 data bytes each, the last one shorter.
        #expect(try Self.good(spec, bits, baud: 9600) == Set([Array(data[0..<48]), Array(data[48..<96]), Array(data[96...])]))
    }

    @Test func aalto1Packets() throws {
        var rng = SplitMix64(seed: 42_775)
        let payloads = [Self.random(60, &rng), Self.random(200, &rng)]
        var bits = E2E.preamble(40)
        for p in payloads { bits += S.bits(AALTO1Deframer.syncWord) + S.bits(try #require(AALTO1Deframer.encode(p))) + E2E.preamble(20) }
        let spec = TransmitterSpec(name: "9k6 FSK CC1125 downlink", modulation: .fsk, baudRate: 9600, framing: .aalto1)
        #expect(try Self.good(spec, bits, baud: 9600) == Set(payloads))
    }

    @Test func diy1Packets() throws {
        var rng = SplitMix64(seed: 47_963)
        let packets = [(Self.random(4, &rng), Self.random(20, &rng)), (Self.random(4, &rng), Self.random(3, &rng))]
        var bits = E2E.preamble(20)
        for (h, d) in packets {
            bits += S.bits(UInt32(DIY1Deframer.syncWord)).suffix(16) + S.bits(try #require(DIY1Deframer.encode(header: h, data: d))) + E2E.preamble(10)
        }
        let spec = TransmitterSpec(name: "500 baud FSK downlink", modulation: .fsk, baudRate: 500, framing: .diy1)
        // Output: header, length byte and data (the CRC stripped), as gr-satellites gives them.
        #expect(try Self.good(spec, bits, baud: 500) == Set(packets.map { $0.0 + [UInt8($0.1.count)] + $0.1 }))
    }

    /// Sync word, then the bytes each framing's encoder gives, for several payloads at `baud` FSK.
    static func check(
        _ framing: Framing, baud: Double, sync: [UInt8], payloads: [[UInt8]], frameSize: Int? = nil,
        encode: ([UInt8]) -> [UInt8]?, expected: ([UInt8]) -> [UInt8] = { $0 }
    ) throws {
        var bits = E2E.preamble(40)
        for p in payloads { bits += sync + S.bits(try #require(encode(p))) + E2E.preamble(20) }
        let spec = TransmitterSpec(name: "FSK downlink", modulation: .fsk, baudRate: baud, framing: framing, frameSize: frameSize)
        let got = try Self.good(spec, bits, baud: baud)
        #expect(got == Set(payloads.map(expected)), "\(framing.rawValue): \(got.map(\.count)) for \(payloads.map(\.count))")
    }

    @Test func sx126xPacketsOfFOSSASATAndGrizu263A() throws {
        var rng = SplitMix64(seed: 51_025)
        try Self.check(.fossasat, baud: 9600, sync: S.bits(FOSSASATDeframer.syncWord), payloads: [Self.random(30, &rng), Self.random(200, &rng)],
            encode: FOSSASATDeframer.encode)
        try Self.check(.grizu263A, baud: 2400, sync: Self.bits(Grizu263ADeframer.syncWord, count: 64), payloads: [Self.random(12, &rng), Self.random(90, &rng)],
            encode: Grizu263ADeframer.encode)
    }

    @Test func yusatAX25FramesBetweenFlags() throws {
        let frames = (0..<3).map { k in
            AX25Address(callsign: "CQ").encoded(last: false) + AX25Address(callsign: "YU1SAT").encoded(last: true) + [0x03, 0xF0]
                + Array("YUSAT-1 \(k) ".utf8) + [UInt8](repeating: 0x7E, count: k)
        }
        try Self.check(.yusat, baud: 9600, sync: [], payloads: frames, encode: { YUSATDeframer.encode($0).map { $0 + [0, 0] } })
    }

    @Test func mrc100RAFrames() throws {
        var rng = SplitMix64(seed: 56_993)
        let payloads = (0..<3).map { _ in Self.random(124, &rng) }
        // Output in gr-satellites' byte order (byte 0, bytes 5..., then bytes 1-4).
        try Self.check(.mrc100RA, baud: 1250, sync: S.bits(MRC100RADeframer.syncWord), payloads: payloads, frameSize: 126,
            encode: MRC100RADeframer.encode, expected: { MRC100RADeframer.output(MRC100RADeframer.frame(payload: $0), order: .grSatellites) })
    }

    @Test func binar1NuSatAndSPINOPackets() throws {
        var rng = SplitMix64(seed: 49_272)
        try Self.check(.binar1, baud: 9600, sync: S.bits([0xAA, 0xAA, 0xAA, 0xAA, 0x7E]), payloads: [Self.random(50, &rng), Self.random(7, &rng)],
            encode: { BINAR1Deframer.encode($0) }, expected: { [UInt8($0.count)] + $0 })
        // Short packets, whose unscrambled zero fill is a long run: `FSKLongRunsEndToEndTests`.
        try Self.check(.nuSat, baud: 9600, sync: S.bits(NuSatDeframer.syncWord), payloads: [Self.random(58, &rng), Self.random(52, &rng)],
            encode: { NuSatDeframer.encode($0) })
        let spinoFrames = [SPINODeframer.frame(header: Self.random(16, &rng), payload: Self.random(36, &rng)),
            SPINODeframer.frame(header: Self.random(16, &rng), payload: Self.random(150, &rng))]
        try Self.check(.spino, baud: 9600, sync: S.bits(SPINODeframer.syncWord), payloads: spinoFrames, encode: { SPINODeframer.encode($0) })
    }

    @Test func openLSTAndQUBIKFrames() throws {
        var rng = SplitMix64(seed: 61_502)
        // DORA's odd baud rate, as catalogued.
        try Self.check(.openLST, baud: 7415.77, sync: S.bits(OpenLSTDeframer.syncWord), payloads: [Self.random(40, &rng), Self.random(200, &rng)],
            encode: OpenLSTDeframer.encode)
        try Self.check(.qubik, baud: 9600, sync: S.bits(QUBIKDeframer.syncWord), payloads: [Self.random(126, &rng), Self.random(126, &rng)],
            encode: QUBIKDeframer.encode)
    }
}
