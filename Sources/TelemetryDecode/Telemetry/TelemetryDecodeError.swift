/// Why a frame does not fit its definition: the field (dotted path) and where in the frame.
public struct TelemetryDecodeError: Error, Sendable, Hashable, CustomStringConvertible {
    public var field: String
    /// Offset in bits from the start of the frame where the field starts.
    public var bitOffset: Int
    public var problem: String

    public init(field: String, bitOffset: Int, problem: String) {
        self.field = field
        self.bitOffset = bitOffset
        self.problem = problem
    }

    public var byteOffset: Int { bitOffset / 8 }

    public var description: String {
        let at = bitOffset % 8 == 0 ? "byte \(byteOffset)" : "byte \(byteOffset) bit \(bitOffset % 8)"
        return "field '\(field)' at \(at): \(problem)"
    }
}

/// The result of decoding one frame: whatever was decoded (up to the failing field) and the error, if any.
public struct TelemetryDecoding: Sendable, Hashable {
    /// The definition that was used.
    public var definition: String
    /// The top-level structure; on error it holds the fields decoded before the one that failed.
    public var value: TelemetryValue
    public var error: TelemetryDecodeError?
    /// Bytes after the last field (not an error: many layouts leave padding or a trailer).
    public var unusedBytes: Int

    public init(definition: String, value: TelemetryValue, error: TelemetryDecodeError?, unusedBytes: Int) {
        self.definition = definition
        self.value = value
        self.error = error
        self.unusedBytes = unusedBytes
    }
}
