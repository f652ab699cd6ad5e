/// A hot-plug event: a device that came or went.
public enum DeviceChange: Sendable, Hashable {
    case arrived(DiscoveredDevice)
    case departed(DiscoveredDevice)

    public var device: DiscoveredDevice {
        switch self {
        case .arrived(let d), .departed(let d): d
        }
    }
}
