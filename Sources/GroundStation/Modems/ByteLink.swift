/// A bidirectional byte stream to a modem: a serial port or a TCP connection.
public protocol ByteLink: AnyObject, Sendable {
    /// The device path or `host:port`, for messages.
    var name: String { get }
    /// Waits up to `timeout`; returns the bytes available (at most `maxBytes`), empty on timeout.
    /// Throws when the link is gone and cannot come back.
    func readBytes(maxBytes: Int, timeout: Duration) throws -> [UInt8]
    /// Writes all of `bytes` or throws.
    func writeBytes(_ bytes: [UInt8], timeout: Duration) throws
    /// Counts reconnections: a reader that keeps state across reads (a KISS decoder) starts afresh
    /// when this changes, since the byte stream was interrupted.
    var session: Int { get }
    func close()
}

extension ByteLink {
    public var session: Int { 0 }
}
