/// Errors raised by the CCSDS TM framing layer (sync markers, transfer frames, space packets).
///
/// Every case names the offending field and, for parsed input, the byte offset inside the structure
/// being parsed, so a caller can log exactly what was wrong with a frame without re-parsing it.
public enum CCSDSError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The input ended before `field` was complete: `needed` bytes were required, only `byteOffset` were there.
    case truncated(field: String, byteOffset: Int, needed: Int)
    /// A field holds a value the standard forbids, or one that contradicts the configuration.
    case invalidField(field: String, value: Int, byteOffset: Int, reason: String)
    /// A configuration value is out of range (checked when a block is built, never per symbol).
    case invalidConfiguration(key: String, value: Int, reason: String)

    public var description: String {
        switch self {
        case let .truncated(field, byteOffset, needed):
            return "truncated \(field): input ends at byte \(byteOffset), \(needed) bytes needed"
        case let .invalidField(field, value, byteOffset, reason):
            return "invalid \(field) = \(value) at byte \(byteOffset): \(reason)"
        case let .invalidConfiguration(key, value, reason):
            return "invalid configuration \(key) = \(value): \(reason)"
        }
    }
}
