/// The conditions under which a hardware profile applies to a discovered device. Every condition
/// given must hold; `specificity` (how many were given) decides between several matching profiles.
public struct DeviceMatch: Sendable, Hashable {
    /// Which kind of device node the profile drives: `.usb` (the usb_device, e.g. /dev/bus/usb/001/002)
    /// or `.tty` (a serial port such as /dev/ttyACM0 whose USB parent supplies the ids and strings).
    public var subsystem: DeviceSubsystem
    /// USB vendor:product pairs; the device must have one of them (empty: any).
    public var usbIDs: [USBID]
    /// Case-insensitive substring of the USB manufacturer string.
    public var manufacturer: String?
    /// Case-insensitive substring of the USB product string.
    public var product: String?
    /// udev properties that must be equal (e.g. ID_USB_DRIVER: cdc_acm).
    public var properties: [String: String]

    public init(
        subsystem: DeviceSubsystem, usbIDs: [USBID] = [], manufacturer: String? = nil, product: String? = nil,
        properties: [String: String] = [:]
    ) {
        self.subsystem = subsystem
        self.usbIDs = usbIDs
        self.manufacturer = manufacturer
        self.product = product
        self.properties = properties
    }

    /// Number of conditions: the id list counts one, each string and each property one.
    public var specificity: Int {
        (usbIDs.isEmpty ? 0 : 1) + (manufacturer == nil ? 0 : 1) + (product == nil ? 0 : 1) + properties.count
    }

    public func matches(_ device: DiscoveredDevice) -> Bool {
        guard device.subsystem == subsystem else { return false }
        if !usbIDs.isEmpty {
            guard let id = device.usbID, usbIDs.contains(id) else { return false }
        }
        if let manufacturer, !Self.contains(device.manufacturer, manufacturer) { return false }
        if let product, !Self.contains(device.product, product) { return false }
        for (key, value) in properties where device.properties[key] != value { return false }
        return true
    }

    private static func contains(_ text: String?, _ part: String) -> Bool {
        guard let text else { return false }
        return text.lowercased().contains(part.lowercased())
    }
}
