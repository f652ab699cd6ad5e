/// One attached device as udev describes it: plain values, no libudev handles.
/// For a tty, the USB fields (ids, strings, bus, port) come from the USB device it belongs to.
public struct DiscoveredDevice: Sendable, Hashable {
    /// Unique while attached, e.g. /sys/devices/pci0000:00/0000:00:14.0/usb1/1-1.
    public var syspath: String
    public var subsystem: DeviceSubsystem
    /// /dev/bus/usb/001/002 or /dev/ttyACM0 (nil when the kernel made no node).
    public var devnode: String?
    public var usbID: USBID?
    public var manufacturer: String?
    public var product: String?
    /// The USB serial-number string.
    public var serial: String?
    /// udev's ID_SERIAL (manufacturer_product_serial), built the same way from sysfs when no udev
    /// database exists.
    public var idSerial: String?
    public var busNumber: Int?
    public var deviceNumber: Int?
    /// The USB port path as the kernel names the device, e.g. 1-1.2 (bus 1, port 1, then port 2).
    public var port: String?
    /// Kernel driver: for a tty its USB interface's driver (cdc_acm, ftdi_sio, cp210x, ...).
    public var driver: String?
    /// udev properties, with ID_VENDOR_ID, ID_MODEL_ID, ID_SERIAL and ID_USB_DRIVER filled from
    /// sysfs when no udev database supplied them (so profiles can match on them without udevd).
    public var properties: [String: String]

    public init(
        syspath: String, subsystem: DeviceSubsystem, devnode: String? = nil, usbID: USBID? = nil,
        manufacturer: String? = nil, product: String? = nil, serial: String? = nil, idSerial: String? = nil,
        busNumber: Int? = nil, deviceNumber: Int? = nil, port: String? = nil, driver: String? = nil,
        properties: [String: String] = [:]
    ) {
        self.syspath = syspath
        self.subsystem = subsystem
        self.devnode = devnode
        self.usbID = usbID
        self.manufacturer = manufacturer
        self.product = product
        self.serial = serial
        self.idSerial = idSerial
        self.busNumber = busNumber
        self.deviceNumber = deviceNumber
        self.port = port
        self.driver = driver
        self.properties = properties
    }
}
