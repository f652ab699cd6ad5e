/// Counters kept by ``AO40FECDeframer``.
public struct AO40FECStatistics: Sendable, Hashable {
    /// Soft symbols consumed.
    public var symbols = 0
    /// Distributed sync vectors accepted (either polarity).
    public var syncHits = 0
    /// Of those, accepted in inverted polarity.
    public var invertedSyncHits = 0
    /// Frames emitted with `checkPassed == true`.
    public var framesPassed = 0
    /// Frames emitted with `checkPassed == false` because Reed-Solomon decoding failed.
    public var reedSolomonFailures = 0
    /// Frames emitted with `checkPassed == false` because RS passed but the CRC-16/ARC did not.
    public var crcFailures = 0
    /// Bytes corrected by Reed-Solomon in frames that passed.
    public var reedSolomonCorrected = 0
    /// Channel symbols whose hard decision differed from the re-encoded Viterbi path, in frames that passed.
    public var viterbiCorrectedSymbols = 0
    /// Frames that could not be decoded at all (should stay 0; see ``AO40FECError``).
    public var decodeErrors = 0

    public init() {}
}
