import Foundation
import Testing
import TelemetryDecode

/// False frames from pure noise: white Gaussian noise at 48 kHz through the receivers
/// `ReceiverFactory` builds for each framing (every demodulator variant), counting frames reported
/// as good. Every framing here has a checksum or FEC check, so the count must be zero.
///
/// The always-on run is `GSD_NOISE_SECONDS` (default 5) seconds per framing; the hour per framing
/// is `GSD_NOISE_SECONDS=3600 swift test -c release --filter NoiseFalsePositiveTests`.
@Suite struct NoiseFalsePositiveTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var framing: Framing
        var baud: Double
        var frameSize: Int? = nil
        var testDescription: String { "\(framing.rawValue) \(Int(baud)) Bd" + (frameSize.map { " \($0) B" } ?? "") }
    }

    static let cases: [Case] = [
        Case(framing: .ngham, baud: 1200),
        Case(framing: .nghamNoRS, baud: 9600),
        Case(framing: .smogPRA, baud: 1250, frameSize: 128),
        Case(framing: .smogPRA, baud: 1250, frameSize: 256),
        Case(framing: .smog1RA, baud: 1250, frameSize: 128),
        Case(framing: .smogPSignalling, baud: 1250),
        Case(framing: .smog1Signalling, baud: 1250),
        Case(framing: .tt64, baud: 9600),
        Case(framing: .lucky7, baud: 4800),
        Case(framing: .threeCAT1, baud: 9600),
        Case(framing: .reaktorHelloWorld, baud: 9600),
        Case(framing: .ax5043, baud: 1200),
        Case(framing: .ideasSat, baud: 9600),
        Case(framing: .ax100ASMGolay, baud: 9600),
        Case(framing: .ax100ReedSolomon, baud: 4800),
        Case(framing: .ax25G3RUH, baud: 9600),
        Case(framing: .ao40FECShort, baud: 1250),
        Case(framing: .mobitex, baud: 4800),
        Case(framing: .mobitexNX, baud: 4800),
        Case(framing: .sanoSat, baud: 500),
        Case(framing: .usp, baud: 9600),
        Case(framing: .geoscan, baud: 9600, frameSize: 74),
        Case(framing: .light1, baud: 2400),
        Case(framing: .binar2, baud: 9600),
        Case(framing: .hadesR, baud: 200),
        Case(framing: .eseo, baud: 9600),
    ]

    static var seconds: Int { Int(ProcessInfo.processInfo.environment["GSD_NOISE_SECONDS"] ?? "") ?? 5 }

    @Test(arguments: cases)
    func noFramesFromNoise(_ c: Case) throws {
        var spec = TransmitterSpec(name: "noise", modulation: .fsk, baudRate: c.baud, framing: c.framing)
        spec.frameSize = c.frameSize
        var receivers = try ReceiverFactory.receivers(for: spec, input: .real(sampleRate: 48_000))
        var rng = SplitMix64(seed: 0x6E6F_6973_65 ^ UInt64(c.baud))
        var block = [Float](repeating: 0, count: 48_000)
        var good = 0
        var failed = 0
        for _ in 0..<Self.seconds {
            for k in block.indices {
                let u1 = max(Double(rng.next() >> 11) / Double(1 << 53), 1e-12)
                let u2 = Double(rng.next() >> 11) / Double(1 << 53)
                block[k] = Float((-2 * log(u1)).squareRoot() * cos(2 * .pi * u2) * 0.3)
            }
            var frames: [ReceivedFrame] = []
            for i in receivers.indices { block.withUnsafeBufferPointer { receivers[i].process(real: $0, into: &frames) } }
            good += frames.filter(\.frame.checkPassed).count
            failed += frames.filter { !$0.frame.checkPassed }.count
        }
        print("noise \(c.testDescription): \(Self.seconds) s, \(receivers.count) chains, \(good) good frames, \(failed) failed candidates")
        #expect(good == 0)
    }
}
