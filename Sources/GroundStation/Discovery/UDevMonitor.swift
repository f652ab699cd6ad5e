import CLibUDev

#if canImport(Glibc)
import Glibc
#endif

/// A udev netlink monitor for USB and tty events. `group` is "udev" (events after udevd has run its
/// rules; needs a running udevd) or "kernel" (the kernel's own uevents, no daemon needed).
final class UDevMonitor {
    private let udev: UDev
    private let handle: OpaquePointer
    let group: String

    init(udev: UDev, group: String, subsystems: [String]) throws(DiscoveryError) {
        self.udev = udev
        self.group = group
        guard let m = udev_monitor_new_from_netlink(udev.handle, group) else {
            throw .monitorFailed(group: group, step: "udev_monitor_new_from_netlink", code: -1)
        }
        handle = m
        for s in subsystems {
            let rc = udev_monitor_filter_add_match_subsystem_devtype(m, s, nil)
            if rc < 0 {
                udev_monitor_unref(m)
                throw .monitorFailed(group: group, step: "filter \(s)", code: rc)
            }
        }
        let rc = udev_monitor_enable_receiving(m)
        if rc < 0 {
            udev_monitor_unref(m)
            throw .monitorFailed(group: group, step: "udev_monitor_enable_receiving", code: rc)
        }
    }

    deinit { udev_monitor_unref(handle) }

    /// Waits up to `timeout` for events and returns every one queued by then (none on timeout).
    func receive(timeout: Duration) -> [UDevRecord] {
        let ms = max(0, Int32(clamping: timeout.wholeMilliseconds))
        var pfd = pollfd(fd: udev_monitor_get_fd(handle), events: Int16(POLLIN), revents: 0)
        let n = poll(&pfd, 1, ms)
        guard n > 0 else { return [] }
        var out: [UDevRecord] = []
        // The socket is non-blocking: read until it is empty.
        while let dev = udev_monitor_receive_device(handle) {
            out.append(UDev.record(dev))
            udev_device_unref(dev)
        }
        return out
    }
}
