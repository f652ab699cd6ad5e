/// Errors of the RTL-SDR driver, each naming the device or the value at fault.
public enum RTLSDRError: Error, Sendable, CustomStringConvertible {
    /// A USB operation failed (the error carries libusb's name and message and what was being done).
    case usb(USBError)
    /// No RTL2832U matched the selector; `seen` lists the dongles on the bus.
    case notFound(selector: String, seen: [String])
    /// The tuner answered at its I2C address but this driver does not drive it.
    case unsupportedTuner(String)
    /// No known tuner answered on the I2C bus.
    case noTuner
    case invalidSampleRate(Double)
    case invalidFrequency(UInt64)
    case invalidGain(String)
    /// The feature does not exist for this tuner (e.g. offset tuning on an R82xx).
    case unsupported(String)
    /// The tuner PLL did not lock at this LO frequency.
    case pllNotLocked(hz: UInt64)
    /// The dongle disappeared while streaming (the owner may reopen it when it is back).
    case deviceDisconnected(device: String, underlying: USBError)
    /// Streaming ended on a USB error.
    case streamFailed(device: String, underlying: USBError)
    case alreadyStreaming

    public var description: String {
        switch self {
        case .usb(let e): "RTL-SDR: \(e)"
        case .notFound(let s, let seen):
            "RTL-SDR: no dongle matches \(s)" + (seen.isEmpty ? " (none on the bus)" : " (found: \(seen.joined(separator: "; ")))")
        case .unsupportedTuner(let t): "RTL-SDR: tuner \(t) found, but only R820T/R828D are supported"
        case .noTuner: "RTL-SDR: no tuner answered on the I2C bus"
        case .invalidSampleRate(let r): "RTL-SDR: sample rate \(r) Hz is outside 225001-300000 and 900001-3200000 Hz"
        case .invalidFrequency(let f): "RTL-SDR: frequency \(f) Hz is out of the tuner's range"
        case .invalidGain(let g): "RTL-SDR: invalid gain \(g)"
        case .unsupported(let f): "RTL-SDR: \(f) is not supported"
        case .pllNotLocked(let hz): "RTL-SDR: tuner PLL did not lock at \(hz) Hz"
        case .deviceDisconnected(let d, let e): "RTL-SDR \(d) disconnected while streaming (\(e.name): \(e.message))"
        case .streamFailed(let d, let e): "RTL-SDR \(d): streaming failed: \(e)"
        case .alreadyStreaming: "RTL-SDR: already streaming"
        }
    }
}
