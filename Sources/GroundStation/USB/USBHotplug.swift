import CLibUSB

/// A device arrived or left (reported on the context's event thread).
public enum USBHotplugEvent: Sendable, Hashable {
    case arrived(vendor: UInt16, product: UInt16, bus: UInt8, address: UInt8)
    case left(vendor: UInt16, product: UInt16, bus: UInt8, address: UInt8)
}

/// A registered hot-plug callback; `cancel()` (or release) deregisters it.
public final class USBHotplugRegistration: @unchecked Sendable {
    // @unchecked: immutable after init; `cancelled` is atomic.
    private let context: USBContext
    private let handle: libusb_hotplug_callback_handle
    private let cancelled = USBAtomicInt()

    init(context: USBContext, handle: libusb_hotplug_callback_handle) {
        self.context = context
        self.handle = handle
    }

    deinit {
        cancel()
    }

    public func cancel() {
        guard cancelled.exchange(1) == 0 else { return }
        // A callback may be running on the event thread right now, so its box is released only when the
        // context closes.
        libusb_hotplug_deregister_callback(context.pointer, handle)
    }
}

final class HotplugBox: @unchecked Sendable {
    // @unchecked: immutable.
    let handler: @Sendable (USBHotplugEvent) -> Void
    init(_ handler: @escaping @Sendable (USBHotplugEvent) -> Void) { self.handler = handler }
}

let usbHotplugTrampoline: libusb_hotplug_callback_fn = { _, device, event, userData in
    guard let userData, let device else { return 0 }
    let box = Unmanaged<HotplugBox>.fromOpaque(userData).takeUnretainedValue()
    var desc = libusb_device_descriptor()
    _ = libusb_get_device_descriptor(device, &desc)
    let bus = libusb_get_bus_number(device), address = libusb_get_device_address(device)
    if event == LIBUSB_HOTPLUG_EVENT_DEVICE_ARRIVED {
        box.handler(.arrived(vendor: desc.idVendor, product: desc.idProduct, bus: bus, address: address))
    } else {
        box.handler(.left(vendor: desc.idVendor, product: desc.idProduct, bus: bus, address: address))
    }
    return 0
}
