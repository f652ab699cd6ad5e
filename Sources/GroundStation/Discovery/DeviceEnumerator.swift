/// Lists the attached USB devices and USB-backed serial ports through udev. Root hubs and hubs are
/// left out (nothing gsd drives); ttys without a USB parent (virtual consoles, 8250 ports) too.
public struct DeviceEnumerator {
    static let subsystems = ["usb", "tty"]

    public init() {}

    /// The devices now attached, USB devices first, each kind ordered by port.
    public func devices() throws(DiscoveryError) -> [DiscoveredDevice] {
        let udev = try UDev()
        return Self.sorted(try udev.records(subsystems: Self.subsystems).compactMap(Self.device))
    }

    static func sorted(_ devices: [DiscoveredDevice]) -> [DiscoveredDevice] {
        devices.sorted {
            ($0.subsystem == .usb ? 0 : 1, $0.port ?? "", $0.syspath) < ($1.subsystem == .usb ? 0 : 1, $1.port ?? "", $1.syspath)
        }
    }

    /// The device a record describes, or nil for what gsd does not list.
    static func device(_ r: UDevRecord) -> DiscoveredDevice? {
        let usbAttributes: [String: String]
        let usbProperties: [String: String]
        let subsystem: DeviceSubsystem
        let port: String?
        if r.subsystem == "usb" && r.devtype == "usb_device" {
            subsystem = .usb
            usbAttributes = r.attributes
            usbProperties = r.properties
            port = r.sysname
        } else if r.subsystem == "tty", let parent = r.usbDeviceSysname {
            subsystem = .tty
            usbAttributes = r.usbDeviceAttributes
            usbProperties = r.usbDeviceProperties
            port = parent
        } else {
            return nil
        }
        let vendor = (usbAttributes["idVendor"] ?? r.properties["ID_VENDOR_ID"]).flatMap { USBID.hex(Substring($0)) }
        let product = (usbAttributes["idProduct"] ?? r.properties["ID_MODEL_ID"]).flatMap { USBID.hex(Substring($0)) }
        let id = vendor.flatMap { v in product.map { USBID(vendor: v, product: $0) } }
        // Root hubs (Linux Foundation, 1d6b) and hubs (class 09) carry nothing gsd drives.
        if subsystem == .usb && (id?.vendor == 0x1d6b || usbAttributes["bDeviceClass"] == "09") { return nil }

        var d = DiscoveredDevice(syspath: r.syspath, subsystem: subsystem, devnode: r.devnode, usbID: id)
        d.manufacturer = usbAttributes["manufacturer"]
        d.product = usbAttributes["product"]
        d.serial = usbAttributes["serial"]
        d.busNumber = (usbAttributes["busnum"] ?? usbProperties["BUSNUM"]).flatMap { Int($0) }
        d.deviceNumber = (usbAttributes["devnum"] ?? usbProperties["DEVNUM"]).flatMap { Int($0) }
        d.port = port
        d.driver = subsystem == .tty ? (r.interfaceDriver ?? r.properties["ID_USB_DRIVER"]) : (r.driver ?? r.properties["DRIVER"])
        var props = r.properties
        // Without udevd there is no udev database: fill the properties profiles match on from sysfs.
        if let id {
            if props["ID_VENDOR_ID"] == nil { props["ID_VENDOR_ID"] = id.vendorHex }
            if props["ID_MODEL_ID"] == nil { props["ID_MODEL_ID"] = id.productHex }
        }
        if props["ID_SERIAL"] == nil, let id {
            props["ID_SERIAL"] = Self.idSerial(id: id, manufacturer: d.manufacturer, product: d.product, serial: d.serial)
        }
        if subsystem == .tty, props["ID_USB_DRIVER"] == nil, let drv = r.interfaceDriver { props["ID_USB_DRIVER"] = drv }
        d.idSerial = props["ID_SERIAL"]
        d.properties = props
        return d
    }

    /// udev's ID_SERIAL: manufacturer (or vendor id), product (or product id) and serial joined by
    /// underscores, with spaces and unusual characters replaced by underscores.
    static func idSerial(id: USBID, manufacturer: String?, product: String?, serial: String?) -> String {
        var parts = [clean(manufacturer) ?? id.vendorHex, clean(product) ?? id.productHex]
        if let s = clean(serial) { parts.append(s) }
        return parts.joined(separator: "_")
    }

    private static func clean(_ s: String?) -> String? {
        guard let s, !s.isEmpty else { return nil }
        let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789#+-.:=@_")
        return String(s.map { allowed.contains($0) ? $0 : "_" })
    }
}
