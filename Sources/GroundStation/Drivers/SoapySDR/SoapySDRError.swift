import CSoapySDR

/// A SoapySDR failure: what was being done, the device arguments, and SoapySDR's message or code.
public struct SoapySDRError: Error, Sendable, CustomStringConvertible {
    public let operation: String
    public let message: String

    public var description: String { "SoapySDR: \(operation): \(message)" }

    init(operation: String, message: String) {
        self.operation = operation
        self.message = message
    }

    /// From a negative SoapySDR error code (SOAPY_SDR_TIMEOUT, ...).
    init(operation: String, code: Int32) {
        self.operation = operation
        message = String(cString: SoapySDR_errToStr(code)) + " (\(code))"
    }

    /// From the library's last error string (calls that return NULL or a status).
    init(operation: String) {
        self.operation = operation
        let m = SoapySDRDevice_lastError().map { String(cString: $0) } ?? ""
        message = m.isEmpty ? "failed" : m
    }
}
