import CUMockdev
import Foundation

/// A umockdev testbed holding sysfs/udev entries for the udev tests. Works only inside
/// umockdev's preload (`umockdev-wrapper swift test ...`); one testbed per process at a time.
final class EmulatedUDevTestbed {
    private let bed: UnsafeMutablePointer<UMockdevTestbed>

    /// True when this process runs under libumockdev-preload (umockdev_in_mock_environment is
    /// false until a testbed exists, so the variable is what tells).
    static var preloaded: Bool { ProcessInfo.processInfo.environment["LD_PRELOAD"]?.contains("libumockdev-preload") == true }
    static let skipMessage = "needs umockdev's preload: run under umockdev-wrapper (scripts/test does)"

    init() throws {
        guard let b = umockdev_testbed_new() else { throw TestbedError(message: "umockdev_testbed_new failed") }
        bed = b
    }

    deinit { g_object_unref(UnsafeMutableRawPointer(bed)) }

    /// Adds devices written in umockdev's text format (the add emits `add` uevents).
    func add(_ description: String) throws {
        var error: UnsafeMutablePointer<GError>? = nil
        if umockdev_testbed_add_from_string(bed, description, &error) == 0 {
            let message = error.map { String(cString: $0.pointee.message) } ?? "unknown error"
            if let error { g_error_free(error) }
            throw TestbedError(message: "umockdev_testbed_add_from_string: \(message)")
        }
    }

    /// Sends a uevent (add, remove, change) for a device already in the testbed.
    func uevent(_ syspath: String, _ action: String) { umockdev_testbed_uevent(bed, syspath, action) }

    /// Removes the device's sysfs entries (no uevent).
    func remove(_ syspath: String) { umockdev_testbed_remove_device(bed, syspath) }

    struct TestbedError: Error, CustomStringConvertible {
        var message: String
        var description: String { message }
    }

    // MARK: Devices (udev database properties only where udevd would have written them)

    static let controller = "/sys/devices/pci0000:00/0000:00:14.0"
    static let rtlPath = controller + "/usb1/1-1"
    static let v4Path = controller + "/usb1/1-2"
    static let tncUSBPath = controller + "/usb1/1-3"
    static let tncTTYPath = controller + "/usb1/1-3/1-3:1.0/tty/ttyACM0"
    static let unknownPath = controller + "/usb1/1-4"

    static let rootHub = """
        P: \(controller.dropFirst(4))/usb1
        N: bus/usb/001/001
        E: DEVNAME=/dev/bus/usb/001/001
        E: DEVTYPE=usb_device
        E: SUBSYSTEM=usb
        A: idVendor=1d6b
        A: idProduct=0002
        A: bDeviceClass=09
        A: busnum=1
        A: devnum=1

        P: \(controller.dropFirst(4))
        E: SUBSYSTEM=pci
        E: DRIVER=xhci_hcd

        """

    static func usbDevice(port: String, devnum: Int, id: (String, String), manufacturer: String, product: String, serial: String?) -> String {
        let node = String(format: "bus/usb/001/%03d", devnum)
        return """
            P: \(controller.dropFirst(4))/usb1/\(port)
            N: \(node)
            E: DEVNAME=/dev/\(node)
            E: DEVTYPE=usb_device
            E: SUBSYSTEM=usb
            E: BUSNUM=001
            E: DEVNUM=\(String(format: "%03d", devnum))
            A: idVendor=\(id.0)
            A: idProduct=\(id.1)
            A: bDeviceClass=00
            A: manufacturer=\(manufacturer)
            A: product=\(product)
            A: busnum=1
            A: devnum=\(devnum)

            """.replacingOccurrences(of: "A: busnum=1\n", with: serial.map { "A: serial=\($0)\nA: busnum=1\n" } ?? "A: busnum=1\n")
    }

    static let rtlSDR = usbDevice(port: "1-1", devnum: 2, id: ("0bda", "2838"), manufacturer: "Realtek", product: "RTL2838UHIDIR", serial: "00000001")
    static let blogV4 = usbDevice(port: "1-2", devnum: 3, id: ("0bda", "2838"), manufacturer: "RTLSDRBlog", product: "Blog V4", serial: "00000042")
    static let unknown = usbDevice(port: "1-4", devnum: 5, id: ("046d", "c52b"), manufacturer: "Logitech", product: "USB Receiver", serial: nil)

    /// A CDC-ACM TNC: the USB device, its interface (driver cdc_acm) and the tty under it. The tty
    /// carries ID_SERIAL as udevd would write it, but not ID_USB_DRIVER: gsd takes that from the interface.
    static let tnc = """
        P: \(tncTTYPath.dropFirst(4))
        N: ttyACM0
        E: DEVNAME=/dev/ttyACM0
        E: SUBSYSTEM=tty
        E: ID_SERIAL=Mobilinkd_TNC3_4A4B3031

        P: \(controller.dropFirst(4))/usb1/1-3/1-3:1.0
        E: DEVTYPE=usb_interface
        E: DRIVER=cdc_acm
        E: SUBSYSTEM=usb
        L: driver=../../../../../../bus/usb/drivers/cdc_acm
        A: bInterfaceClass=02


        """ + usbDevice(port: "1-3", devnum: 4, id: ("0483", "5740"), manufacturer: "Mobilinkd", product: "TNC3", serial: "4A4B3031")
}
