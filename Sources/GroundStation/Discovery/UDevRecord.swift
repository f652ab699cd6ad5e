/// What libudev says about one device, copied out into values (the layer above holds no handles).
struct UDevRecord: Sendable, Hashable {
    var action: String?
    var syspath: String
    var sysname: String
    var subsystem: String?
    var devtype: String?
    var devnode: String?
    var driver: String?
    var properties: [String: String]
    /// The sysfs attributes in `UDev.usbAttributes` that the device (or its USB device) has.
    var attributes: [String: String]
    /// For a tty (or a USB interface): the USB device it belongs to and that device's attributes.
    var usbDeviceSysname: String?
    var usbDeviceAttributes: [String: String]
    var usbDeviceProperties: [String: String]
    /// For a tty: the driver bound to its USB interface (cdc_acm, ftdi_sio, cp210x, ...).
    var interfaceDriver: String?
}
