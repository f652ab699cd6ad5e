/// Counts the candidates whose check failed, leaving out damaged copies of good frames: a failed
/// candidate of a transmitter whose good frame ends within `copyWindowSymbols` symbols of it is the
/// same frame, received intact by another demodulator chain. Counting those as failures would tell an
/// operator frames were lost when none was. The chains' reports of one frame lie up to ~60 symbols
/// apart (filter delays, block boundaries); two different frames end 128 symbols apart only if the
/// second is shorter than 16 bytes.
public struct FailedCandidateTally: Sendable {
    /// Failed candidates with no good frame of their transmitter near them.
    public private(set) var failed = 0
    /// Failed candidates next to a good frame of their transmitter.
    public private(set) var damagedCopies = 0
    /// Seconds within which a good frame makes a failed candidate its copy, by transmitter name.
    let window: [String: Double]
    var recentGood: [(transmitter: String, time: Double)] = []

    public init(transmitters: [TransmitterSpec], copyWindowSymbols: Double = 128) {
        var w: [String: Double] = [:]
        for t in transmitters where t.baudRate > 0 { w[t.name] = max(w[t.name] ?? 0, copyWindowSymbols / t.baudRate) }
        window = w
    }

    /// A good frame (whether or not it was a repeat another chain already reported).
    public mutating func good(_ frame: ReceivedFrame) {
        recentGood.removeAll { frame.time - $0.time > 10 }
        recentGood.append((frame.transmitter, frame.time))
    }

    /// A failed candidate; `nearby` holds the frames not yet passed to `good`, which may end just after it.
    public mutating func failed(_ frame: ReceivedFrame, nearby: [ReceivedFrame]) {
        let w = window[frame.transmitter] ?? 0
        let isCopy =
            recentGood.contains { $0.transmitter == frame.transmitter && abs($0.time - frame.time) <= w }
            || nearby.contains { $0.frame.checkPassed && $0.transmitter == frame.transmitter && abs($0.time - frame.time) <= w }
        if isCopy { damagedCopies += 1 } else { failed += 1 }
    }
}
