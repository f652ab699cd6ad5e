/// Which device to open.
public enum USBDeviceSelector: Sendable, Hashable, CustomStringConvertible {
    /// The first device with this vendor/product ID, and this serial string when given.
    case id(vendor: UInt16, product: UInt16, serial: String? = nil)
    /// The index-th device (from 0, in bus order) among those with one of these vendor/product IDs.
    case index(Int, among: [USBDeviceID])
    /// The device at this bus and port path (e.g. bus 1, ports [1, 4] for "1-1.4").
    case busPort(bus: UInt8, ports: [UInt8])

    public var description: String {
        switch self {
        case .id(let v, let p, let s): format4(v) + ":" + format4(p) + (s.map { " serial \($0)" } ?? "")
        case .index(let i, _): "device index \(i)"
        case .busPort(let b, let p): "bus-port \(b)-" + p.map(String.init).joined(separator: ".")
        }
    }

    func matches(_ info: USBDeviceInfo) -> Bool {
        switch self {
        case .id(let v, let p, let s): info.vendorID == v && info.productID == p && (s == nil || info.serial == s)
        case .index: false
        case .busPort(let b, let p): info.bus == b && info.ports == p
        }
    }
}

/// A vendor/product ID pair.
public struct USBDeviceID: Sendable, Hashable {
    public let vendor: UInt16
    public let product: UInt16
    public init(vendor: UInt16, product: UInt16) {
        self.vendor = vendor
        self.product = product
    }
}
