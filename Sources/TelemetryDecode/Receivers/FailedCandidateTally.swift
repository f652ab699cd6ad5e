/// Counts the candidates whose check failed, leaving out damaged copies of good frames: a failed
/// candidate of a transmitter whose good frame ends within `copyWindowSymbols` symbols of it is the
/// same frame, received intact by another demodulator chain. Counting those as failures would tell an
/// operator frames were lost when none was. The chains' reports of one frame lie up to ~60 symbols
/// apart (filter delays, block boundaries); two different frames end 128 symbols apart only if the
/// second is shorter than 16 bytes.
///
/// Frames may come in any order within a few seconds: a failed candidate is held until `settle(upTo:)`
/// says every good frame that could be its original has been seen.
public struct FailedCandidateTally: Sendable {
    /// Failed candidates with no good frame of their transmitter near them.
    public private(set) var failed = 0
    /// Failed candidates next to a good frame of their transmitter.
    public private(set) var damagedCopies = 0
    /// Seconds within which a good frame makes a failed candidate its copy, by transmitter name.
    let window: [String: Double]
    var good: [(transmitter: String, time: Double)] = []
    var held: [ReceivedFrame] = []

    public init(transmitters: [TransmitterSpec], copyWindowSymbols: Double = 128) {
        var w: [String: Double] = [:]
        for t in transmitters where t.baudRate > 0 { w[t.name] = max(w[t.name] ?? 0, copyWindowSymbols / t.baudRate) }
        window = w
    }

    /// A good frame (whether or not it repeats one another chain already reported).
    public mutating func good(_ frame: ReceivedFrame) { good.append((frame.transmitter, frame.time)) }

    /// A failed candidate, decided later.
    public mutating func failed(_ frame: ReceivedFrame) { held.append(frame) }

    /// Decides the held candidates that end more than their window before `time`: every good frame
    /// up to `time` has been passed to `good`. Returns the ones decided as failures (not copies), in
    /// the order they came, for a caller that keeps them.
    @discardableResult
    public mutating func settle(upTo time: Double) -> [ReceivedFrame] {
        var keep: [ReceivedFrame] = []
        var failures: [ReceivedFrame] = []
        for f in held {
            let w = window[f.transmitter] ?? 0
            if f.time + w >= time {
                keep.append(f)
            } else if good.contains(where: { $0.transmitter == f.transmitter && abs($0.time - f.time) <= w }) {
                damagedCopies += 1
            } else {
                failed += 1
                failures.append(f)
            }
        }
        held = keep
        let oldest = held.map(\.time).min() ?? time
        let widest = window.values.max() ?? 0
        good.removeAll { $0.time < min(oldest, time) - widest }
        return failures
    }

    /// End of input: decides every held candidate (returns the failures, as `settle`).
    @discardableResult
    public mutating func settleAll() -> [ReceivedFrame] { settle(upTo: .infinity) }

    /// Failed candidates not decided yet.
    public var undecided: Int { held.count }
}
