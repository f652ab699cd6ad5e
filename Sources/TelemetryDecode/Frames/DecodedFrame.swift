/// A frame that came out of a deframer, with what a user needs to trust it.
public struct DecodedFrame: Sendable, Hashable {
    /// Frame bytes as the deframer delivers them: without FCS/CRC and without RS parity.
    public var bytes: [UInt8]
    /// The framing that produced it (catalogue name, e.g. "AX.25 G3RUH").
    public var framing: String
    /// Whether the frame's check (FCS, CRC, Reed-Solomon) passed.
    public var checkPassed: Bool
    /// Symbols corrected by FEC (0 where the framing has none).
    public var correctedSymbols: Int
    /// Position in the symbol stream (symbol index just after the frame's last symbol).
    public var symbolPosition: Int

    public init(bytes: [UInt8], framing: String, checkPassed: Bool, correctedSymbols: Int = 0, symbolPosition: Int) {
        self.bytes = bytes
        self.framing = framing
        self.checkPassed = checkPassed
        self.correctedSymbols = correctedSymbols
        self.symbolPosition = symbolPosition
    }
}

/// A deframer turns a stream of soft symbols (0 = strong 0, 255 = strong 1) into frames.
public protocol Deframer: Sendable {
    /// Consumes symbols and appends every frame that completes inside them (good and failed).
    mutating func process(_ symbols: UnsafeBufferPointer<UInt8>, into frames: inout [DecodedFrame])
    /// End of input: appends what frames still being collected yield (most deframers: nothing).
    mutating func finish(into frames: inout [DecodedFrame])
}

extension Deframer {
    public mutating func finish(into frames: inout [DecodedFrame]) {}
}
