/// Counters kept by the GomSpace deframers.
public struct GomSpaceDeframerStatistics: Sendable, Hashable {
    public var symbols = 0
    /// Sync words accepted (either polarity).
    public var syncHits = 0
    /// Of those, sync words accepted in inverted polarity.
    public var invertedSyncHits = 0
    /// Candidates dropped because the Golay length field was uncorrectable.
    public var golayFailures = 0
    /// Candidates dropped because the length was too short or beyond the window.
    public var lengthRejected = 0
    /// Frames emitted with `checkPassed == false` because Reed-Solomon decoding failed.
    public var reedSolomonFailures = 0
    /// Frames emitted with `checkPassed == true`.
    public var framesPassed = 0
    /// Viterbi-flagged frames the Viterbi decoder could not be run on.
    public var viterbiUnsupported = 0
    /// Sync hits ignored because `maxPendingFrames` candidates were already being collected.
    public var overlappingDropped = 0

    public init() {}
}
