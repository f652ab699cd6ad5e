import TelemetryDecode
import Testing
import TestSupport

/// AO-40 FEC deframer on the SMOG-P recordings, against gr-satellites' reference frames of the AO-40 FEC
/// transmitters ("... concatenated FEC"; the SMOG-P RA and signalling frames are another deframer's).
@Suite(.computeThreads) struct AO40FECRecordingTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var file: String
        var baud: Double
        var length: AO40FECFormat.Length
        var expectedCount: Int
        var testDescription: String { file }
    }

    static let cases: [Case] = [
        Case(file: "smog_p.wav", baud: 1250, length: .short, expectedCount: 2),
        Case(file: "smog_p_5k.wav", baud: 5000, length: .short, expectedCount: 3),
        Case(file: "smog_p_long.wav", baud: 1250, length: .long, expectedCount: 3),
    ]

    /// Reference frames of the recording's AO-40 FEC transmitters (hex).
    static func expectedAO40Frames(_ file: String) throws -> Set<String> {
        let rows = try SharedData.tsvRows("recordings/expected/\(file.dropLast(4)).frames.tsv").dropFirst()
        return Set(rows.filter { $0.count > 5 && $0[2].hasSuffix("concatenated FEC") }.map { $0[5] })
    }

    /// Frames from both FSK demodulator filter settings used by the receiver factory (0.8 and boxcar).
    static func run(_ c: Case) throws -> (frames: [DecodedFrame], statistics: [AO40FECStatistics]) {
        var frames: [DecodedFrame] = []
        var stats: [AO40FECStatistics] = []
        for cutoff in [0.8, 0.0] {
            let symbols = try DeframerTestSupport.symbols(
                c.file, .fsk(.init(sampleRate: 48_000, baudRate: c.baud, filterCutoff: cutoff)))
            var d = AO40FECDeframer(length: c.length)
            frames += DeframerTestSupport.deframe(symbols, with: &d, chunk: 4096)
            stats.append(d.statistics)
        }
        return (frames, stats)
    }

    @Test("SMOG-P recordings", arguments: cases)
    func recording(_ c: Case) throws {
        let expected = try Self.expectedAO40Frames(c.file)
        #expect(expected.count == c.expectedCount)
        let (frames, stats) = try Self.run(c)
        let (good, bad) = DeframerTestSupport.split(frames)
        print("\(c.file): expected \(expected.count), found \(expected.intersection(good).count), good \(good.count), failed-check \(bad.count); \(stats)")
        for e in expected.subtracting(good) { print("  missing \(e.prefix(40))...") }
        #expect(expected.isSubset(of: good), "\(c.file): missing \(expected.subtracting(good).count) of \(expected.count)")
        #expect(good.isSubset(of: expected), "\(c.file): good frames not in the reference")
        #expect(bad.isDisjoint(with: expected))
        #expect(frames.allSatisfy { $0.bytes.count == (c.length == .long ? 256 : 128) })
    }

    /// The reference frames pin the convolutional code convention: CCSDS (0171, then 0133 inverted)
    /// decodes them, the same polynomials without the inversion do not.
    @Test func codeConvention() throws {
        let symbols = try DeframerTestSupport.symbols(
            "smog_p_long.wav", .fsk(.init(sampleRate: 48_000, baudRate: 1250)))
        var ccsds = AO40FECDeframer(AO40FECDeframer.Configuration(format: .long, code: .ccsds))
        var plain = AO40FECDeframer(AO40FECDeframer.Configuration(format: .long, code: .nasaDSN))
        #expect(DeframerTestSupport.deframe(symbols, with: &ccsds, chunk: 4096).filter(\.checkPassed).count == 3)
        #expect(DeframerTestSupport.deframe(symbols, with: &plain, chunk: 4096).filter(\.checkPassed).isEmpty)
    }

    /// The receiver factory maps the catalogue framings to this deframer.
    @Test func factoryMapping() throws {
        for (framing, format) in [(Framing.ao40FEC, AO40FECFormat.long), (.ao40FECShort, .short)] {
            let spec = TransmitterSpec(name: "test", modulation: .fsk, baudRate: 1250, framing: framing)
            let d = try ReceiverFactory.deframer(for: spec)
            let ao40 = try #require(d as? AO40FECDeframer)
            #expect(ao40.configuration.format == format)
            #expect(ao40.framing == framing.rawValue)
        }
    }

    /// The other SMOG-P family recording (ATL-1, RA and signalling only) gives no AO-40 FEC frame.
    @Test func atl1HasNoAO40Frames() throws {
        for length in AO40FECFormat.Length.allCases {
            let (frames, _) = try Self.run(Case(file: "atl_1.wav", baud: 1250, length: length, expectedCount: 0))
            #expect(!frames.contains { $0.checkPassed })
        }
    }
}
