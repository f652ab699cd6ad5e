import TelemetryDecode
import Testing
import TestSupport

@Suite(.computeThreads) struct LineCodingTests {
    @Test func nrziKnownPattern() {
        // Level starts at 0. Data 0 toggles, data 1 holds.
        var bits: [UInt8] = [0, 0, 1, 1, 0, 1, 0]
        var enc = NRZIEncoder()
        enc.process(&bits)
        #expect(bits == [1, 0, 0, 0, 1, 1, 0])
        var dec = NRZIDecoder()
        dec.process(&bits)
        #expect(bits == [0, 0, 1, 1, 0, 1, 0])
    }

    @Test func g3ruhScramblerMatchesPolynomialDefinition() {
        var rng = SplitMix64(seed: 8)
        let input = (0..<5000).map { _ in UInt8.random(in: 0...1, using: &rng) }
        var scrambled = input
        var s = G3RUHScrambler()
        s.process(&scrambled)
        // out[n] = in[n] ^ out[n-12] ^ out[n-17], with zero history.
        for n in 0..<input.count {
            let a: UInt8 = n >= 12 ? scrambled[n - 12] : 0
            let b: UInt8 = n >= 17 ? scrambled[n - 17] : 0
            #expect(scrambled[n] == input[n] ^ a ^ b)
            if scrambled[n] != input[n] ^ a ^ b { break }
        }
        var back = scrambled
        var d = G3RUHDescrambler()
        d.process(&back)
        #expect(back == input)
    }

    @Test func scramblerWhitensAllOnes() {
        var bits = [UInt8](repeating: 1, count: 4096)
        var s = G3RUHScrambler()
        s.process(&bits)
        let ones = bits.reduce(0) { $0 + Int($1) }
        #expect((1800...2300).contains(ones))
    }
}
