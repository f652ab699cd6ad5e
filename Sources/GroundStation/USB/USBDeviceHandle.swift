import CLibUSB
import TelemetryDecode
#if canImport(Glibc)
import Glibc
#endif

/// An open USB device: interfaces, control transfers, synchronous bulk transfers and asynchronous bulk
/// streams (`USBBulkStream`). Closed by `close()` or on release.
public final class USBDeviceHandle: @unchecked Sendable {
    // @unchecked: libusb device handles are thread-safe; `claimed` and `closed` are guarded by `lock`.
    let handle: OpaquePointer
    /// Keeps the context (and its event thread) alive while the handle is open.
    public let context: USBContext
    public let info: USBDeviceInfo
    private let lock = USBLock()
    private var claimed: Set<Int32> = []
    private var closed = false

    init(context: USBContext, handle: OpaquePointer, info: USBDeviceInfo) {
        self.context = context
        self.handle = handle
        self.info = info
    }

    deinit { close() }

    /// Releases the claimed interfaces and closes the device. Idempotent; streams must have ended.
    public func close() {
        let interfaces: Set<Int32>? = lock.locked {
            if closed { return nil }
            closed = true
            return claimed
        }
        guard let interfaces else { return }
        for i in interfaces { _ = libusb_release_interface(handle, i) }
        libusb_close(handle)
    }

    /// Claims `interface`, detaching a kernel driver first when one is bound.
    public func claim(interface: Int32) throws(USBError) {
        if libusb_kernel_driver_active(handle, interface) == 1 {
            try USBError.check(libusb_detach_kernel_driver(handle, interface), "detach kernel driver from interface \(interface) of \(info)")
        }
        try USBError.check(libusb_claim_interface(handle, interface), "claim interface \(interface) of \(info)")
        lock.locked { _ = claimed.insert(interface) }
    }

    public func release(interface: Int32) throws(USBError) {
        lock.locked { _ = claimed.remove(interface) }
        try USBError.check(libusb_release_interface(handle, interface), "release interface \(interface) of \(info)")
    }

    /// A control transfer reading up to `length` bytes (bmRequestType must have the IN bit).
    public func controlIn(
        requestType: UInt8, request: UInt8, value: UInt16, index: UInt16, length: Int, timeoutMs: UInt32 = 1000,
        operation: @autoclosure () -> String = "control transfer IN"
    ) throws(USBError) -> [UInt8] {
        var buf = [UInt8](repeating: 0, count: length)
        let n = libusb_control_transfer(handle, requestType | 0x80, request, value, index, &buf, UInt16(length), timeoutMs)
        if n < 0 { throw USBError(code: n, operation: operation()) }
        return Array(buf[0..<Int(n)])
    }

    /// A control transfer writing `data`; returns the bytes written.
    @discardableResult
    public func controlOut(
        requestType: UInt8, request: UInt8, value: UInt16, index: UInt16, data: [UInt8], timeoutMs: UInt32 = 1000,
        operation: @autoclosure () -> String = "control transfer OUT"
    ) throws(USBError) -> Int {
        var buf = data
        let n = libusb_control_transfer(handle, requestType & 0x7f, request, value, index, &buf, UInt16(data.count), timeoutMs)
        if n < 0 { throw USBError(code: n, operation: operation()) }
        return Int(n)
    }

    /// A synchronous bulk transfer on `endpoint` (IN when bit 7 is set) into/from `buffer`; returns the
    /// bytes moved. A timeout with some bytes moved still throws (libusb reports the count in the log only).
    public func bulkTransfer(endpoint: UInt8, buffer: UnsafeMutableRawBufferPointer, timeoutMs: UInt32 = 1000) throws(USBError) -> Int {
        guard let base = buffer.baseAddress else { return 0 }
        var transferred: Int32 = 0
        let rc = libusb_bulk_transfer(handle, endpoint, base.assumingMemoryBound(to: UInt8.self), Int32(buffer.count), &transferred, timeoutMs)
        if rc < 0 { throw USBError(code: rc, operation: "bulk transfer on endpoint 0x\(String(endpoint, radix: 16)) of \(info)") }
        return Int(transferred)
    }

    public func clearHalt(endpoint: UInt8) throws(USBError) {
        try USBError.check(libusb_clear_halt(handle, endpoint), "clear halt on endpoint 0x\(String(endpoint, radix: 16))")
    }
}

/// A plain lock for short critical sections on USB objects: `Locked` (a pthread mutex, visible to
/// ThreadSanitizer) guarding nothing but the section itself.
typealias USBLock = Locked<Void>

extension Locked where Value == Void {
    convenience init() { self.init(()) }

    func locked<R, E: Error>(_ body: () throws(E) -> R) throws(E) -> R {
        try withLock { (_: inout Void) throws(E) -> R in try body() }
    }
}
