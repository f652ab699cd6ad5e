import CLibUDev
import CLibUSB

/// Versions of the C libraries gsd links, for `gsd version` and bug reports.
public enum NativeLibraries {
    /// libusb's runtime version, e.g. "1.0.26.11724".
    public static var libusbVersion: String {
        guard let v = libusb_get_version()?.pointee else { return "unknown" }
        return "\(v.major).\(v.minor).\(v.micro).\(v.nano)"
    }

    /// Whether libudev can create a context (false inside minimal containers without /sys).
    public static var udevAvailable: Bool {
        guard let udev = udev_new() else { return false }
        udev_unref(udev)
        return true
    }
}
