/// What the bus says about a device without opening it, plus the serial string when it could be read.
public struct USBDeviceInfo: Sendable, Hashable, CustomStringConvertible {
    public let vendorID: UInt16
    public let productID: UInt16
    public let bus: UInt8
    public let address: UInt8
    /// Port numbers from the root hub down (e.g. [1] for "1-1"), empty when unknown.
    public let ports: [UInt8]
    /// The iSerialNumber string; nil when the device has none or it could not be read.
    public let serial: String?
    public let manufacturer: String?
    public let product: String?

    public init(vendorID: UInt16, productID: UInt16, bus: UInt8, address: UInt8, ports: [UInt8],
                serial: String?, manufacturer: String?, product: String?) {
        self.vendorID = vendorID
        self.productID = productID
        self.bus = bus
        self.address = address
        self.ports = ports
        self.serial = serial
        self.manufacturer = manufacturer
        self.product = product
    }

    /// The sysfs-style port path, e.g. "1-1.4".
    public var portPath: String { "\(bus)-" + ports.map(String.init).joined(separator: ".") }

    public var description: String {
        let id = String(format4(vendorID)) + ":" + format4(productID)
        return "\(id) bus \(bus) address \(address) port \(portPath)" + (serial.map { " serial \($0)" } ?? "")
    }
}

func format4(_ v: UInt16) -> String {
    let s = String(v, radix: 16)
    return String(repeating: "0", count: max(0, 4 - s.count)) + s
}
