import Foundation

/// Errors of the receive pipeline and its sources, with the context needed to act on them.
public enum PipelineError: Error, Equatable, Sendable, CustomStringConvertible, LocalizedError {
    /// A sample file could not be opened.
    case cannotOpen(path: String, errno: Int32)
    /// Reading a sample file failed at byte `offset`.
    case readFailed(path: String, offset: Int, errno: Int32)
    /// A pipeline setting is out of range (for example a ring capacity that is not a power of two).
    case invalidConfiguration(String)
    /// Block mode: the decode chain made no room in the ring within `timeout`; the source had delivered
    /// `streamOffset` bytes.
    case consumerStalled(timeout: Duration, streamOffset: Int)

    public var description: String {
        switch self {
        case .cannotOpen(let path, let e):
            "cannot open sample file '\(path)': \(Self.message(e))"
        case .readFailed(let path, let offset, let e):
            "error reading sample file '\(path)' at byte \(offset): \(Self.message(e))"
        case .invalidConfiguration(let what):
            "invalid pipeline configuration: \(what)"
        case .consumerStalled(let timeout, let offset):
            "decode chain stalled for \(timeout) with a full sample ring (source at byte \(offset))"
        }
    }

    public var errorDescription: String? { description }

    private static func message(_ e: Int32) -> String { String(cString: strerror(e)) }
}
