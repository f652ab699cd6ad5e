import TelemetryDecode

/// The consumer end of a `SamplePipeline`: turns blocks of raw bytes into outputs (frames, samples,
/// measurements). It runs on the pipeline's decode thread (hence `SendableMetatype`: no actor-isolated
/// conformances); generics let the whole chain specialise.
///
/// Blocks are whole items: `process` receives byte counts that are multiples of `itemSize`, starting
/// at stream offsets that are multiples of `itemSize` (for cu8 I/Q, `itemSize` 2 keeps I and Q paired,
/// also across the ring's wrap and after a drop).
public protocol DecodeChain: SendableMetatype {
    associatedtype Output: Sendable

    /// Bytes per item (default 1). Partial items at a drop or at the end of the stream are discarded.
    var itemSize: Int { get }

    /// Decodes one block starting at `streamOffset` and appends any outputs.
    /// Throwing ends the pipeline with that error.
    mutating func process(_ block: UnsafeRawBufferPointer, streamOffset: Int, into outputs: inout [Output]) throws

    /// Bytes are missing before the next block (drop-newest overrun): reset state that spans blocks.
    mutating func discontinuity(_ gap: SampleRing.DropEvent, into outputs: inout [Output]) throws

    /// End of stream: flush whatever is still buffered.
    mutating func finish(into outputs: inout [Output]) throws
}

extension DecodeChain {
    public var itemSize: Int { 1 }
    public mutating func discontinuity(_ gap: SampleRing.DropEvent, into outputs: inout [Output]) throws {}
    public mutating func finish(into outputs: inout [Output]) throws {}
}
