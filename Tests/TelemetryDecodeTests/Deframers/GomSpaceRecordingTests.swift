import TelemetryDecode
import Testing
import TestSupport

/// AX100 and U482C deframers on real recordings, against gr-satellites' reference frames.
@Suite(.computeThreads) struct GomSpaceRecordingTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var file: String
        var demodulation: DeframerTestSupport.Demodulation
        var deframer: Kind
        var testDescription: String { file }
    }

    enum Kind: Sendable {
        case ax100(AX100Deframer.Mode)
        case u482c
    }

    static func fsk(_ baud: Double, cutoff: Double = 0.6, gain: Double = 0.15) -> DeframerTestSupport.Demodulation {
        .fsk(.init(sampleRate: 48_000, baudRate: baud, clockGain: gain, filterCutoff: cutoff))
    }

    static func afsk(_ baud: Double, carrier: Double = 3600, deviation: Double = -1200) -> DeframerTestSupport.Demodulation {
        .afsk(.init(sampleRate: 48_000, baudRate: baud, carrier: carrier, deviation: deviation))
    }

    static func run(_ c: Case) throws -> (frames: [DecodedFrame], statistics: GomSpaceDeframerStatistics) {
        let symbols = try DeframerTestSupport.symbols(c.file, c.demodulation)
        switch c.deframer {
        case let .ax100(mode):
            var d = AX100Deframer(mode: mode)
            let frames = DeframerTestSupport.deframe(symbols, with: &d, chunk: 4096)
            return (frames, d.statistics)
        case .u482c:
            var d = U482CDeframer()
            let frames = DeframerTestSupport.deframe(symbols, with: &d, chunk: 4096)
            return (frames, d.statistics)
        }
    }

    static let asmCases: [Case] = [
        Case(file: "1kuns_pf.wav", demodulation: fsk(1200), deframer: .ax100(.asmGolay)),
        Case(file: "aistechsat3.wav", demodulation: fsk(9600), deframer: .ax100(.asmGolay)),
        Case(file: "delphini1.wav", demodulation: fsk(9600), deframer: .ax100(.asmGolay)),
        Case(file: "facsat_1.wav", demodulation: fsk(9600), deframer: .ax100(.asmGolay)),
        Case(file: "luojia-1.wav", demodulation: fsk(4800), deframer: .ax100(.asmGolay)),
    ]
    static let rsCases: [Case] = [
        Case(file: "ca03.wav", demodulation: fsk(4800), deframer: .ax100(.reedSolomon)),
        Case(file: "ca03_9k6.wav", demodulation: fsk(9600), deframer: .ax100(.reedSolomon)),
        Case(file: "gomx_3.wav", demodulation: fsk(19200), deframer: .ax100(.reedSolomon)),
        Case(file: "tw_1b.wav", demodulation: fsk(4800), deframer: .ax100(.reedSolomon)),
        Case(file: "tw_1c.wav", demodulation: fsk(4800), deframer: .ax100(.reedSolomon)),
    ]
    static let u482cCases: [Case] = [
        Case(file: "aisat.wav", demodulation: afsk(4800), deframer: .u482c),
        Case(file: "gomx_1.wav", demodulation: afsk(4800), deframer: .u482c),
        // These two have the Viterbi flag set (r = 1/2, K = 7 convolutional coding).
        Case(file: "au02.wav", demodulation: afsk(4800), deframer: .u482c),
        Case(file: "au03.wav", demodulation: afsk(4800), deframer: .u482c),
    ]

    static func check(_ c: Case) throws {
        let (frames, stats) = try run(c)
        let (good, bad) = DeframerTestSupport.split(frames)
        let expected = try RecordingFixtures.expectedFrames(String(c.file.dropLast(4)))
        print("\(c.file): expected \(expected.count), found \(expected.intersection(good).count), good \(good.count), failed-check \(bad.count), extra good \(good.subtracting(expected).count); \(stats)")
        for e in expected.subtracting(good) { print("  missing \(e.prefix(40))... bad-contains \(bad.contains(e))") }
        for f in frames where f.checkPassed && !expected.contains(Hex.string(f.bytes)) { print("  extra (RS corrected \(f.correctedSymbols), at symbol \(f.symbolPosition)) \(Hex.string(f.bytes).prefix(48))...") }
        #expect(expected.isSubset(of: good), "\(c.file): missing \(expected.subtracting(good).count) of \(expected.count)")
        #expect(bad.isDisjoint(with: expected))
    }

    @Test("AX100 ASM+Golay recordings", arguments: asmCases)
    func asmGolay(_ c: Case) throws { try Self.check(c) }

    @Test("AX100 Reed Solomon recordings", arguments: rsCases)
    func reedSolomon(_ c: Case) throws { try Self.check(c) }

    @Test("U482C recordings", arguments: u482cCases)
    func u482c(_ c: Case) throws { try Self.check(c) }
}
