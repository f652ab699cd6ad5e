import Foundation
import GroundStation
import Testing

/// The rule that picks one profile when several match: most conditions first, then profile id.
@Suite struct HardwareProfileMatchingTests {
    let set: HardwareProfileSet

    init() throws { set = try HardwareProfileSet.load(directory: HardwareProfileSet.defaultDirectory()) }

    static func usb(_ id: String, _ manufacturer: String?, _ product: String?) -> DiscoveredDevice {
        DiscoveredDevice(
            syspath: "/sys/devices/x/1-1", subsystem: .usb, devnode: "/dev/bus/usb/001/002", usbID: USBID(id),
            manufacturer: manufacturer, product: product)
    }

    static let usbCases: [(String, String?, String?, String)] = [
        ("0bda:2838", "Realtek", "RTL2838UHIDIR", "rtlsdr-generic"),
        ("0bda:2832", "Generic", "RTL2832U", "rtlsdr-generic"),
        ("0bda:2838", nil, nil, "rtlsdr-generic"),
        ("0bda:2838", "RTLSDRBlog", "Blog V3", "rtlsdr-blog-v3"),
        ("0bda:2838", "RTLSDRBlog", "Blog V4", "rtlsdr-blog-v4"),
        ("0bda:2838", "rtlsdrblog", "blog v4", "rtlsdr-blog-v4"),
        ("0bda:2838", "NooElec", "NESDR SMArt v5", "nooelec-nesdr-smart"),
        ("0bda:2838", "NooElec", "NESDR Mini 2+", "nooelec-nesdr-mini"),
        ("0bda:2838", "NooElec", "NESDR Nano 3", "nooelec-nesdr-nano"),
        // Blog strings on another vendor's id: no Blog profile, and 0bda:2838-only profiles do not apply.
        ("0ccd:00b3", "RTLSDRBlog", "Blog V4", "rtlsdr-dvbt-dongles"),
        ("1d50:60a1", "Airspy", "AIRSPY", "soapy-airspy"),
        ("1d50:6089", "Great Scott Gadgets", "HackRF One", "soapy-hackrf"),
        ("0403:601f", "Lime", "LimeSDR Mini", "soapy-limesdr"),
    ]

    @Test(arguments: usbCases)
    func usbDevicePicksTheMostSpecificProfile(id: String, manufacturer: String?, product: String?, expected: String) {
        #expect(set.profile(for: Self.usb(id, manufacturer, product))?.id == expected)
    }

    @Test func unknownAndSerialBridgeUSBDevicesMatchNothing() {
        #expect(set.profile(for: Self.usb("046d:c52b", "Logitech", "USB Receiver")) == nil)
        // A serial bridge is driven through its tty, not as a USB device.
        #expect(set.profile(for: Self.usb("0403:6001", "FTDI", "FT232R USB UART")) == nil)
    }

    @Test func serialPortsMatchByDriverPropertyOrBridgeIDs() {
        var acm = DiscoveredDevice(syspath: "/sys/devices/x/1-3/1-3:1.0/tty/ttyACM0", subsystem: .tty, devnode: "/dev/ttyACM0")
        acm.usbID = USBID("0483:5740")
        acm.properties = ["ID_USB_DRIVER": "cdc_acm"]
        #expect(set.profile(for: acm)?.id == "serial-cdc-acm")
        acm.properties = [:]
        #expect(set.profile(for: acm) == nil)

        var ftdi = DiscoveredDevice(syspath: "/sys/devices/x/1-4/1-4:1.0/ttyUSB0/tty/ttyUSB0", subsystem: .tty, devnode: "/dev/ttyUSB0")
        ftdi.usbID = USBID("0403:6015")
        #expect(set.profile(for: ftdi)?.id == "serial-ftdi")
        ftdi.usbID = USBID("10c4:ea60")
        #expect(set.profile(for: ftdi)?.id == "serial-cp210x")
        ftdi.usbID = USBID("1a86:7523")
        #expect(set.profile(for: ftdi)?.id == "serial-usb-uart")
    }

    @Test func equalSpecificityGoesToTheFirstID() throws {
        let dir = try HardwareProfileLoadingTests.folder([
            "zz-by-product.yml": "name: Z\ndriver: serial-kiss\nmatch: {usb: [\"0403:6001\"], product: TNC}\n",
            "aa-by-maker.yml": "name: A\ndriver: serial-kiss\nmatch: {usb: [\"0403:6001\"], manufacturer: Acme}\n",
            "mm-ids.yml": "name: M\ndriver: serial-kiss\nmatch: {usb: [\"0403:6001\"]}\n",
        ])
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let local = try HardwareProfileSet.load(directory: dir)
        var d = DiscoveredDevice(syspath: "/sys/x", subsystem: .tty, usbID: USBID("0403:6001"), manufacturer: "Acme", product: "TNC-X")
        #expect(local.profile(for: d)?.id == "aa-by-maker")
        d.manufacturer = "Other"
        #expect(local.profile(for: d)?.id == "zz-by-product")
        d.product = "Cable"
        #expect(local.profile(for: d)?.id == "mm-ids")
    }

    @Test func usbIDParsing() {
        #expect(USBID("0bda:2838") == USBID(vendor: 0x0bda, product: 0x2838))
        #expect(USBID("0BDA:2838")?.description == "0bda:2838")
        #expect(USBID("bda:2838")?.vendorHex == "0bda")
        #expect(USBID("0bda2838") == nil)
        #expect(USBID("0bda:12345") == nil)
        #expect(USBID("0bda:") == nil)
        #expect(USBID("xyz:1") == nil)
    }
}
