import Testing

@testable import TelemetryDecode

@Suite struct TwoLevelDCTrackerTests {
    /// Levels at `offset ± 1`: `bits` as samples, `perSymbol` each.
    static func signal(_ bits: [Int], offset: Float, perSymbol: Int = 10) -> [Float] {
        bits.flatMap { b in [Float](repeating: offset + (b == 1 ? 1 : -1), count: perSymbol) }
    }

    static func run(_ tracker: inout TwoLevelDCTracker, _ x: [Float]) -> [Float] {
        var y = x
        y.withUnsafeMutableBufferPointer { tracker.process($0) }
        return y
    }

    /// After alternating symbols have set both levels, 500 symbols of 0 stay negative and the symbols after
    /// them keep their signs; a running mean over 32 symbols decays into the run.
    @Test func aLongRunKeepsItsSignAndTheOffsetIsRemoved() {
        var t = TwoLevelDCTracker(fast: 160, slow: 10_240)
        let settle = Self.run(&t, Self.signal(Array(repeating: [1, 0], count: 200).flatMap { $0 }, offset: 0.7))
        #expect(abs(settle.suffix(10).max()! + 1) < 0.05 && abs(settle.suffix(20).prefix(10).min()! - 1) < 0.05)
        let run = Self.run(&t, Self.signal(Array(repeating: 0, count: 500), offset: 0.7))
        #expect(run.allSatisfy { $0 < -0.5 })
        let after = Self.run(&t, Self.signal([1, 0, 1, 1, 0], offset: 0.7))
        #expect(stride(from: 5, to: 50, by: 10).map { after[$0] > 0 } == [true, false, true, true, false])

        var mean = DCBlocker(timeConstant: 320)
        var plain = Self.signal(Array(repeating: [1, 0], count: 200).flatMap { $0 } + Array(repeating: 0, count: 500), offset: 0.7)
        plain.withUnsafeMutableBufferPointer { mean.process($0) }
        #expect(plain.last! > -0.05)
    }

    /// An offset that puts every sample on one side (a jump beyond the deviation) is left behind within
    /// a few slow time constants.
    @Test func anOffsetBeyondTheLevelsIsFollowedOnTheSlowTimeConstant() {
        var t = TwoLevelDCTracker(fast: 160, slow: 1_000)
        _ = Self.run(&t, Self.signal(Array(repeating: [1, 0], count: 100).flatMap { $0 }, offset: 0))
        let moved = Self.run(&t, Self.signal(Array(repeating: [1, 0], count: 1_000).flatMap { $0 }, offset: 3))
        #expect(moved.suffix(200).filter { $0 > 0 }.count == 100)
    }
}
