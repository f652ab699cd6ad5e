import TelemetryDecode
import Testing
import TestSupport

/// Repair of AX.25 frames with a failed FCS from the weakest channel symbols (`AX25BitRepair`).
@Suite(.computeThreads) struct AX25DeframerTests {
    typealias S = DeframerTestSupport

    /// An AX.25 UI frame CQ <- DL0ABC-1 with `info`.
    static func frame(_ info: String, source: String = "DL0ABC") -> [UInt8] {
        AX25Address(callsign: "CQ").encoded(last: false) + AX25Address(callsign: source, ssid: 1).encoded(last: true)
            + [0x03, 0xF0] + Array(info.utf8)
    }

    /// Channel levels of `frames` between idle flags (NRZI, and G3RUH when `scrambled`).
    static func levels(_ frames: [[UInt8]], scrambled: Bool) -> [UInt8] {
        SyntheticSignals.lineBits(frames, scrambled: scrambled, leadInBits: 64)
    }

    /// Soft symbols: strong, except `weak` levels received wrong but barely, and `sure` received wrong
    /// and strong.
    static func receive(_ levels: [UInt8], weak: [Int] = [], sure: [Int] = [], scrambled: Bool) -> [DecodedFrame] {
        var soft = S.softSymbols(levels, wrong: weak)
        for i in sure { soft[i] = levels[i] == 1 ? 20 : 235 }
        var d = AX25Deframer(scrambled: scrambled)
        return S.deframe(soft, with: &d, chunk: 97)
    }

    /// The channel index of (about: stuffed bits move it) data bit `bit` of the first frame, after 64
    /// lead-in bits and its 4 opening flags.
    static func position(_ bit: Int) -> Int { 64 + 32 + bit }

    @Test(arguments: [false, true])
    func oneOrTwoWeakWrongSymbolsAreRepaired(scrambled: Bool) {
        let frames = [Self.frame("one weak bit"), Self.frame("two weak bits"), Self.frame("untouched")]
        let levels = Self.levels(frames, scrambled: scrambled)
        // Frame 1: one weak wrong symbol in its info field. Frame 2 (same length prefix): two, far apart.
        // The second frame's data starts after the first frame with its flags and its own 4 opening flags.
        let second = 64 + HDLCFramer(preambleFlags: 4, postambleFlags: 2).encode(frames[0]).count + 32
        let weak = [Self.position(140), second + 130, second + 170]
        let got = Self.receive(levels, weak: weak, scrambled: scrambled)
        #expect(got.filter(\.checkPassed).map(\.bytes) == frames)
        #expect(got.map(\.correctedSymbols) == [1, 2, 0])
    }

    @Test(arguments: [false, true])
    func sureErrorsAndThreeWeakOnesStayFailed(scrambled: Bool) {
        let frames = [Self.frame("a sure wrong bit")]
        let levels = Self.levels(frames, scrambled: scrambled)
        let sure = Self.receive(levels, sure: [Self.position(150)], scrambled: scrambled)
        #expect(sure.filter(\.checkPassed).isEmpty && sure.count == 1)
        let three = Self.receive(levels, weak: [120, 150, 180].map(Self.position), scrambled: scrambled)
        #expect(three.filter(\.checkPassed).isEmpty)
    }

    /// Frames without plausible AX.25 addresses are not repaired, even when one flip would pass the FCS.
    @Test func implausibleAddressesAreNotRepaired() {
        let odd = AX25Address(callsign: "CQ").encoded(last: false) + [0x40, 0x40, 0x40, 0x40, 0x40, 0x40, 0x63] + [0x03, 0xF0]
            + Array("no source callsign".utf8)
        #expect(!AX25BitRepair.plausibleAddresses(odd))
        #expect(AX25BitRepair.plausibleAddresses(Self.frame("fine")))
        let levels = Self.levels([odd], scrambled: false)
        let got = Self.receive(levels, weak: [Self.position(140)], scrambled: false)
        #expect(got.filter(\.checkPassed).isEmpty)
        #expect(Self.receive(levels, scrambled: false).filter(\.checkPassed).map(\.bytes) == [odd])
    }

    @Test func spansTooShortForAFrameAreRefused() {
        let repair = AX25BitRepair(scrambled: true, configuration: .ax25)
        for n in [0, 1, 8, 48, 56, 100, 48 + 8 + 136] {
            #expect(repair.repair([UInt8](repeating: 100, count: n)[...]) == nil)
        }
    }

    /// Random soft symbols: frames between random flags fail and none is repaired into a good one.
    @Test(arguments: [false, true])
    func noiseGivesNoFrames(scrambled: Bool) {
        var rng = SplitMix64(seed: 77)
        let noise = (0..<400_000).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
        var d = AX25Deframer(scrambled: scrambled)
        #expect(S.deframe(noise, with: &d, chunk: 4096).filter(\.checkPassed).isEmpty)
    }
}
