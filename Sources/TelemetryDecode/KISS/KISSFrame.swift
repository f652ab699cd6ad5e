/// KISS special bytes (KA9Q/K3MC, "The KISS TNC").
public enum KISS {
    public static let fend: UInt8 = 0xC0
    public static let fesc: UInt8 = 0xDB
    public static let tfend: UInt8 = 0xDC
    public static let tfesc: UInt8 = 0xDD
    /// gr-satellites writes a frame with this command before each data frame: big-endian
    /// milliseconds since the Unix epoch at which the next frame was received.
    public static let timestampCommand: UInt8 = 0x09
    public static let dataCommand: UInt8 = 0x00
}

/// One KISS frame: the port (high nibble of the type byte), the command (low nibble) and the payload.
public struct KISSFrame: Sendable, Hashable {
    public var port: UInt8
    public var command: UInt8
    public var payload: [UInt8]
    /// Byte offset in the KISS stream of the FEND that opened this frame.
    public var offset: Int

    public init(port: UInt8 = 0, command: UInt8 = KISS.dataCommand, payload: [UInt8], offset: Int = 0) {
        self.port = port & 0x0F
        self.command = command & 0x0F
        self.payload = payload
        self.offset = offset
    }

    /// For a timestamp frame with an 8-byte payload: milliseconds since the Unix epoch.
    public var timestampMilliseconds: Int64? {
        guard command == KISS.timestampCommand, payload.count == 8 else { return nil }
        return payload.reduce(Int64(0)) { $0 << 8 | Int64($1) }
    }

    /// A timestamp frame for `milliseconds` since the Unix epoch.
    public static func timestamp(milliseconds: Int64, port: UInt8 = 0) -> KISSFrame {
        let payload = (0..<8).map { UInt8(truncatingIfNeeded: milliseconds >> (56 - 8 * $0)) }
        return KISSFrame(port: port, command: KISS.timestampCommand, payload: payload)
    }
}
