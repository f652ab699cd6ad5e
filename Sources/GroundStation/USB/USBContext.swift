import TelemetryDecode
import CLibUSB
import Foundation

/// A libusb context with its own event thread, which runs every asynchronous transfer callback and
/// hot-plug callback. Lists and opens devices; `close()` (or release) stops the thread and exits libusb
/// after the handles opened from it are closed.
public final class USBContext: @unchecked Sendable {
    // @unchecked: `pointer` is immutable after init and libusb contexts are thread-safe; the event
    // thread's stop flag is atomic; `state` is a Locked.
    let pointer: OpaquePointer
    /// 1 while the event thread should run.
    private let running = USBAtomicInt(1)
    private let threadDone = DispatchSemaphore(value: 0)
    private struct State {
        var closed = false
        /// Hot-plug callback boxes: released at close, when no callback can be running any more.
        var hotplugBoxes: [UInt] = []  // addresses (Sendable)
    }
    private let state = Locked(State())

    /// Creates a context and starts its event thread. Under umockdev the testbed must exist first.
    public init() throws(USBError) {
        var ctx: OpaquePointer?
        try USBError.check(libusb_init(&ctx), "libusb_init")
        guard let ctx else { throw USBError(code: LIBUSB_ERROR_OTHER.rawValue, operation: "libusb_init") }
        pointer = ctx
        let box = EventLoopBox(context: ctx, running: running, done: threadDone)
        let thread = Thread { box.run() }
        thread.name = "gsd-usb-events"
        thread.start()
    }

    deinit {
        close()
    }

    /// Stops the event thread and exits libusb. Idempotent. Handles and streams must be closed first.
    public func close() {
        let boxes = state.withLock { s -> [UInt]? in
            if s.closed { return nil }
            s.closed = true
            defer { s.hotplugBoxes = [] }
            return s.hotplugBoxes
        }
        guard let boxes else { return }
        running.store(0)
        libusb_interrupt_event_handler(pointer)
        threadDone.wait()
        libusb_exit(pointer)
        for b in boxes {
            if let p = UnsafeMutableRawPointer(bitPattern: b) { Unmanaged<HotplugBox>.fromOpaque(p).release() }
        }
    }

    /// Every device on the bus with its IDs and port path; serial strings are read (by a short open)
    /// only for devices whose ID is in `readStringsOf` (opening other people's devices is rude).
    public func devices(readStringsOf ids: Set<USBDeviceID> = []) throws(USBError) -> [USBDeviceInfo] {
        var list: UnsafeMutablePointer<OpaquePointer?>?
        let count = libusb_get_device_list(pointer, &list)
        if count < 0 { throw USBError(code: Int32(count), operation: "libusb_get_device_list") }
        defer { libusb_free_device_list(list, 1) }
        var result: [USBDeviceInfo] = []
        for i in 0..<Int(count) {
            guard let dev = list?[i] else { continue }
            var desc = libusb_device_descriptor()
            guard libusb_get_device_descriptor(dev, &desc) == 0 else { continue }
            var ports = [UInt8](repeating: 0, count: 8)
            let n = libusb_get_port_numbers(dev, &ports, Int32(ports.count))
            var serial: String?, manufacturer: String?, product: String?
            if ids.contains(USBDeviceID(vendor: desc.idVendor, product: desc.idProduct)) {
                var handle: OpaquePointer?
                if libusb_open(dev, &handle) == 0, let handle {
                    serial = Self.string(handle, desc.iSerialNumber)
                    manufacturer = Self.string(handle, desc.iManufacturer)
                    product = Self.string(handle, desc.iProduct)
                    libusb_close(handle)
                }
            }
            result.append(USBDeviceInfo(
                vendorID: desc.idVendor, productID: desc.idProduct, bus: libusb_get_bus_number(dev),
                address: libusb_get_device_address(dev), ports: n > 0 ? Array(ports[0..<Int(n)]) : [],
                serial: serial, manufacturer: manufacturer, product: product))
        }
        return result
    }

    static func string(_ handle: OpaquePointer, _ index: UInt8) -> String? {
        guard index != 0 else { return nil }
        var buf = [UInt8](repeating: 0, count: 256)
        let n = libusb_get_string_descriptor_ascii(handle, index, &buf, Int32(buf.count))
        guard n > 0 else { return nil }
        return String(decoding: buf[0..<Int(n)], as: UTF8.self)
    }

    /// Opens the device `selector` names. Throws `LIBUSB_ERROR_NOT_FOUND` (naming the selector and what
    /// was seen) when no device matches.
    public func open(_ selector: USBDeviceSelector) throws(USBError) -> USBDeviceHandle {
        var ids: Set<USBDeviceID> = []
        switch selector {
        case .id(let v, let p, let s): if s != nil { ids.insert(USBDeviceID(vendor: v, product: p)) }
        case .index(_, let among): ids.formUnion(among)
        case .busPort: break
        }
        let infos = try devices(readStringsOf: ids)
        let target: USBDeviceInfo?
        switch selector {
        case .index(let i, let among):
            let candidates = infos.filter { among.contains(USBDeviceID(vendor: $0.vendorID, product: $0.productID)) }
            target = i >= 0 && i < candidates.count ? candidates[i] : nil
        default:
            target = infos.first { selector.matches($0) }
        }
        guard let target else {
            throw USBError(code: LIBUSB_ERROR_NOT_FOUND.rawValue,
                           operation: "open \(selector) (\(infos.count) device(s) on the bus)")
        }
        return try open(bus: target.bus, address: target.address, info: target)
    }

    /// Opens the device `info` describes (from `devices()`), keeping that description.
    public func open(_ info: USBDeviceInfo) throws(USBError) -> USBDeviceHandle {
        try open(bus: info.bus, address: info.address, info: info)
    }

    private func open(bus: UInt8, address: UInt8, info: USBDeviceInfo) throws(USBError) -> USBDeviceHandle {
        var list: UnsafeMutablePointer<OpaquePointer?>?
        let count = libusb_get_device_list(pointer, &list)
        if count < 0 { throw USBError(code: Int32(count), operation: "libusb_get_device_list") }
        defer { libusb_free_device_list(list, 1) }
        for i in 0..<Int(count) {
            guard let dev = list?[i], libusb_get_bus_number(dev) == bus, libusb_get_device_address(dev) == address
            else { continue }
            var handle: OpaquePointer?
            try USBError.check(libusb_open(dev, &handle), "open \(info)")
            guard let handle else { break }
            return USBDeviceHandle(context: self, handle: handle, info: info)
        }
        throw USBError(code: LIBUSB_ERROR_NO_DEVICE.rawValue, operation: "open \(info): gone before it could be opened")
    }

    /// Calls `handler` on the event thread when a device with this vendor/product ID (nil: any) arrives or
    /// leaves. With `enumerate`, devices already present are reported as arrivals first.
    public func watchHotplug(
        vendor: UInt16? = nil, product: UInt16? = nil, enumerate: Bool = false,
        _ handler: @escaping @Sendable (USBHotplugEvent) -> Void
    ) throws(USBError) -> USBHotplugRegistration {
        guard libusb_has_capability(UInt32(LIBUSB_CAP_HAS_HOTPLUG.rawValue)) != 0 else {
            throw USBError(code: LIBUSB_ERROR_NOT_SUPPORTED.rawValue, operation: "hot-plug callbacks")
        }
        let box = HotplugBox(handler)
        let userData = Unmanaged.passRetained(box).toOpaque()
        var handle: libusb_hotplug_callback_handle = 0
        let events = Int32(LIBUSB_HOTPLUG_EVENT_DEVICE_ARRIVED.rawValue | LIBUSB_HOTPLUG_EVENT_DEVICE_LEFT.rawValue)
        let rc = libusb_hotplug_register_callback(
            pointer, events, enumerate ? Int32(LIBUSB_HOTPLUG_ENUMERATE.rawValue) : 0,
            vendor.map(Int32.init) ?? LIBUSB_HOTPLUG_MATCH_ANY, product.map(Int32.init) ?? LIBUSB_HOTPLUG_MATCH_ANY,
            LIBUSB_HOTPLUG_MATCH_ANY, usbHotplugTrampoline, userData, &handle)
        if rc < 0 {
            Unmanaged<HotplugBox>.fromOpaque(userData).release()
            throw USBError(code: rc, operation: "libusb_hotplug_register_callback")
        }
        let address = UInt(bitPattern: userData)
        state.withLock { $0.hotplugBoxes.append(address) }
        return USBHotplugRegistration(context: self, handle: handle)
    }
}

/// The event thread's state, handed to the thread (not the context, so the context can be released).
private final class EventLoopBox: @unchecked Sendable {
    // @unchecked: immutable; the context pointer is used only through thread-safe libusb calls.
    let context: OpaquePointer
    let running: USBAtomicInt
    let done: DispatchSemaphore

    init(context: OpaquePointer, running: USBAtomicInt, done: DispatchSemaphore) {
        self.context = context
        self.running = running
        self.done = done
    }

    func run() {
        var tv = timeval(tv_sec: 0, tv_usec: 100_000)
        while running.load() != 0 {
            _ = libusb_handle_events_timeout_completed(context, &tv, nil)
        }
        done.signal()
    }
}
