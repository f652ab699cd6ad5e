import Foundation
import Testing
import TelemetryDecode
import TestSupport

/// False frames from pure noise through the receive chains of one transmitter per framing
/// (`NoiseTrial`): none may come out.
///
/// The always-on run is `GSD_NOISE_SECONDS` (default 5) seconds per framing; the hour per framing is
/// `gsd bench false-frames` on a release build.
@Suite(.computeThreads) struct NoiseFalsePositiveTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var spec: TransmitterSpec
        var testDescription: String { NoiseTrial.label(spec) }
    }

    static let cases = NoiseTrial.transmitters.map(Case.init)

    static var seconds: Int { Int(ProcessInfo.processInfo.environment["GSD_NOISE_SECONDS"] ?? "") ?? 5 }

    @Test func everyFramingIsCovered() {
        #expect(Set(NoiseTrial.transmitters.map(\.framing)) == Set(Framing.allCases))
    }

    @Test(arguments: cases)
    func noFramesFromNoise(_ c: Case) throws {
        let r = try NoiseTrial.run(c.spec, seconds: Self.seconds)
        print("noise \(c.testDescription): \(r.seconds) s, \(r.chains) chains, \(r.goodFrames) good frames, \(r.failedCandidates) failed candidates")
        #expect(r.chains >= 1)
        #expect(r.goodFrames == 0)
    }
}
