/// Failures of the udev layer, naming the call and what it was asked for.
public enum DiscoveryError: Error, Sendable, Hashable, CustomStringConvertible {
    case udevUnavailable
    case enumerationFailed(subsystem: String, code: Int32)
    case monitorFailed(group: String, step: String, code: Int32)

    public var description: String {
        switch self {
        case .udevUnavailable: "libudev: udev_new failed"
        case .enumerationFailed(let s, let c): "libudev: enumerating subsystem \(s) failed (error \(-c))"
        case .monitorFailed(let g, let step, let c): "libudev: \(g) monitor: \(step) failed (error \(-c))"
        }
    }
}
