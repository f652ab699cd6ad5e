/// The two kinds of device gsd discovers: a whole USB device (its usbfs node, for libusb drivers)
/// and a serial port backed by a USB device (its tty node, for KISS TNCs).
public enum DeviceSubsystem: String, Sendable, Hashable, CaseIterable {
    case usb
    case tty
}
