import CLibUDev

/// The thin wrapper over libudev: a context, enumeration and record copying. Every libudev handle
/// stays inside this file and UDevMonitor.swift; callers get `UDevRecord` values.
/// Not thread-safe (neither is libudev): one owner thread at a time.
final class UDev {
    let handle: OpaquePointer

    /// The sysfs attributes read from a USB device.
    static let usbAttributes = ["idVendor", "idProduct", "manufacturer", "product", "serial", "busnum", "devnum", "bDeviceClass"]

    init() throws(DiscoveryError) {
        guard let h = udev_new() else { throw .udevUnavailable }
        handle = h
    }

    deinit { udev_unref(handle) }

    /// Every device of the given subsystems currently in sysfs.
    func records(subsystems: [String]) throws(DiscoveryError) -> [UDevRecord] {
        guard let e = udev_enumerate_new(handle) else { throw .enumerationFailed(subsystem: subsystems.joined(separator: ","), code: -12) }
        defer { udev_enumerate_unref(e) }
        for s in subsystems {
            let rc = udev_enumerate_add_match_subsystem(e, s)
            if rc < 0 { throw .enumerationFailed(subsystem: s, code: rc) }
        }
        let rc = udev_enumerate_scan_devices(e)
        if rc < 0 { throw .enumerationFailed(subsystem: subsystems.joined(separator: ","), code: rc) }
        var out: [UDevRecord] = []
        var entry = udev_enumerate_get_list_entry(e)
        while let current = entry {
            if let name = udev_list_entry_get_name(current), let dev = udev_device_new_from_syspath(handle, name) {
                out.append(Self.record(dev))
                udev_device_unref(dev)
            }
            entry = udev_list_entry_get_next(current)
        }
        return out
    }

    /// The device at `syspath` as sysfs and the udev database describe it now (nil once it is gone).
    func record(syspath: String) -> UDevRecord? {
        guard let dev = udev_device_new_from_syspath(handle, syspath) else { return nil }
        defer { udev_device_unref(dev) }
        return Self.record(dev)
    }

    /// Copies a device into a record; parents are borrowed from `dev` and not released here.
    static func record(_ dev: OpaquePointer) -> UDevRecord {
        var r = UDevRecord(
            action: string(udev_device_get_action(dev)), syspath: string(udev_device_get_syspath(dev)) ?? "",
            sysname: string(udev_device_get_sysname(dev)) ?? "", subsystem: string(udev_device_get_subsystem(dev)),
            devtype: string(udev_device_get_devtype(dev)), devnode: string(udev_device_get_devnode(dev)),
            driver: string(udev_device_get_driver(dev)), properties: properties(dev), attributes: [:],
            usbDeviceSysname: nil, usbDeviceAttributes: [:], usbDeviceProperties: [:], interfaceDriver: nil)
        if r.subsystem == "usb" && r.devtype == "usb_device" {
            r.attributes = attributes(dev)
        } else if let parent = udev_device_get_parent_with_subsystem_devtype(dev, "usb", "usb_device") {
            r.usbDeviceSysname = string(udev_device_get_sysname(parent))
            r.usbDeviceAttributes = attributes(parent)
            r.usbDeviceProperties = properties(parent)
            if let interface = udev_device_get_parent_with_subsystem_devtype(dev, "usb", "usb_interface") {
                r.interfaceDriver = string(udev_device_get_driver(interface)) ?? properties(interface)["DRIVER"]
            }
        }
        return r
    }

    private static func attributes(_ dev: OpaquePointer) -> [String: String] {
        var out: [String: String] = [:]
        for name in usbAttributes {
            if let v = string(udev_device_get_sysattr_value(dev, name)) { out[name] = v }
        }
        return out
    }

    private static func properties(_ dev: OpaquePointer) -> [String: String] {
        var out: [String: String] = [:]
        var entry = udev_device_get_properties_list_entry(dev)
        while let current = entry {
            if let k = string(udev_list_entry_get_name(current)) { out[k] = string(udev_list_entry_get_value(current)) ?? "" }
            entry = udev_list_entry_get_next(current)
        }
        return out
    }

    static func string(_ p: UnsafePointer<CChar>?) -> String? {
        guard let p else { return nil }
        return String(cString: p).trimmingTrailingWhitespace()
    }
}

extension String {
    /// sysfs values end in a newline on some kernels.
    fileprivate func trimmingTrailingWhitespace() -> String {
        var s = Substring(self)
        while let last = s.last, last.isWhitespace { s = s.dropLast() }
        return String(s)
    }
}
