/// Removes the DC offset of a two-level (NRZ) baseband signal by tracking both levels and subtracting
/// their midpoint.
///
/// A plain DC blocker (`DCBlocker`) drifts toward the signal during a long run of one symbol: within a
/// few time constants the run decays to zero and its bits become coin tosses (NuSat's unscrambled zero
/// fill, zero bytes in unscrambled telemetry). Here a sample above the midpoint moves the high level
/// quickly and a sample below moves the low level, so a run of one symbol leaves the other level, and
/// the midpoint, where they were. The level not being fed still creeps toward the samples on the slow
/// time constant, which takes the tracker out of the state where an offset larger than the deviation
/// has put every sample on one side.
public struct TwoLevelDCTracker: Sendable {
    @usableFromInline var high: Float = 0
    @usableFromInline var low: Float = 0
    @usableFromInline let fast: Float
    @usableFromInline let slow: Float

    /// Time constants in samples: `fast` for the level a sample belongs to, `slow` for the other one.
    public init(fast: Float, slow: Float) {
        self.fast = 1 / max(1, fast)
        self.slow = 1 / max(1, slow)
    }

    @inlinable
    public mutating func process(_ x: UnsafeMutableBufferPointer<Float>) {
        var h = high
        var l = low
        let f = fast
        let s = slow
        for i in x.indices {
            let v = x[i]
            let mid = 0.5 * (h + l)
            if v >= mid {
                h += f * (v - h)
                l += s * (v - l)
            } else {
                l += f * (v - l)
                h += s * (v - h)
            }
            x[i] = v - mid
        }
        high = h
        low = l
    }
}
