import CLibUSB

/// A libusb failure: the operation that failed, libusb's error code, its name (`LIBUSB_ERROR_TIMEOUT`)
/// and its message, plus what the caller was doing (device, register, endpoint) in `context`.
public struct USBError: Error, Sendable, Hashable, CustomStringConvertible {
    /// libusb's (negative) error code, or a transfer status mapped to one.
    public let code: Int32
    /// libusb's name for the code, e.g. "LIBUSB_ERROR_NO_DEVICE".
    public let name: String
    /// libusb's message for the code, e.g. "No such device (it may have been disconnected)".
    public let message: String
    /// What was being done, e.g. "control transfer to demod page 1 reg 0x01".
    public let operation: String

    public init(code: Int32, operation: String) {
        self.code = code
        self.operation = operation
        name = String(cString: libusb_error_name(code))
        message = String(cString: libusb_strerror(code))
    }

    /// The error a finished transfer's status stands for (nil for `LIBUSB_TRANSFER_COMPLETED`).
    public init?(transferStatus status: libusb_transfer_status, operation: String) {
        let code: libusb_error
        switch status {
        case LIBUSB_TRANSFER_COMPLETED: return nil
        case LIBUSB_TRANSFER_TIMED_OUT: code = LIBUSB_ERROR_TIMEOUT
        case LIBUSB_TRANSFER_STALL: code = LIBUSB_ERROR_PIPE
        case LIBUSB_TRANSFER_NO_DEVICE: code = LIBUSB_ERROR_NO_DEVICE
        case LIBUSB_TRANSFER_OVERFLOW: code = LIBUSB_ERROR_OVERFLOW
        case LIBUSB_TRANSFER_CANCELLED: code = LIBUSB_ERROR_INTERRUPTED
        default: code = LIBUSB_ERROR_IO
        }
        self.init(code: code.rawValue, operation: operation)
    }

    public var isNoDevice: Bool { code == LIBUSB_ERROR_NO_DEVICE.rawValue }
    public var isTimeout: Bool { code == LIBUSB_ERROR_TIMEOUT.rawValue }
    public var isStall: Bool { code == LIBUSB_ERROR_PIPE.rawValue }
    public var isNotFound: Bool { code == LIBUSB_ERROR_NOT_FOUND.rawValue }

    public var description: String { "\(operation): \(name) (\(message))" }

    /// Throws a `USBError` when a libusb call returned a negative code; returns the value otherwise.
    @discardableResult
    static func check(_ rc: Int32, _ operation: @autoclosure () -> String) throws(USBError) -> Int32 {
        if rc < 0 { throw USBError(code: rc, operation: operation()) }
        return rc
    }
}
