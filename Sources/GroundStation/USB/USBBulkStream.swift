import CLibUSB
import Dispatch

/// Continuous asynchronous bulk IN: `transferCount` transfers of `transferSize` bytes stay in flight;
/// each completed one is handed to `onData` on the event thread (which must not block: copy and return)
/// and resubmitted at once. The stream ends when cancelled, when the device goes away, or on an error;
/// `onEnd` is then called once, on the event thread, after the last transfer came back.
///
/// Buffers are ordinary heap memory (not libusb_dev_mem_alloc: usbfs mmap is not available everywhere,
/// e.g. on an emulated device node).
public final class USBBulkStream: @unchecked Sendable {
    // @unchecked: `transfers`/`buffers` are immutable after init; their contents are owned by libusb
    // while submitted and by the event thread inside callbacks. `inFlight`, `stopping`, `started` are atomics;
    // `endReason` is guarded by `lock`.

    public struct Configuration: Sendable, Hashable {
        public var endpoint: UInt8
        /// Transfers kept in flight.
        public var transferCount: Int
        /// Bytes per transfer (a multiple of the endpoint's packet size, 512 for high-speed bulk).
        public var transferSize: Int

        public init(endpoint: UInt8, transferCount: Int = 15, transferSize: Int = 256 * 1024) {
            self.endpoint = endpoint
            self.transferCount = transferCount
            self.transferSize = transferSize
        }
    }

    /// Why the stream ended.
    public enum End: Sendable, CustomStringConvertible {
        case cancelled
        /// The device disappeared (unplugged, reset) while streaming.
        case deviceGone(USBError)
        case failed(USBError)

        public var description: String {
            switch self {
            case .cancelled: "cancelled"
            case .deviceGone(let e): "device gone: \(e)"
            case .failed(let e): "failed: \(e)"
            }
        }
    }

    public let configuration: Configuration
    public let device: USBDeviceHandle
    private let transfers: [UnsafeMutablePointer<libusb_transfer>]
    private let buffers: [UnsafeMutableRawPointer]
    private let inFlight = USBAtomicInt()
    private let stopping = USBAtomicInt()
    private let started = USBAtomicInt()
    private let completed = USBAtomicInt()
    private let lock = USBLock()
    /// Serialises submissions: libusb may split a transfer into several URBs, and two threads
    /// submitting at once (start() and a resubmitting callback) would interleave them on the endpoint.
    private let submitLock = USBLock()
    private var endReason: End?
    private let ended = DispatchSemaphore(value: 0)
    fileprivate let onData: @Sendable (UnsafeRawBufferPointer) -> Void
    fileprivate let onEnd: @Sendable (End) -> Void
    private var unmanagedSelf: Unmanaged<USBBulkStream>?

    public init(
        device: USBDeviceHandle, configuration: Configuration,
        onData: @escaping @Sendable (UnsafeRawBufferPointer) -> Void,
        onEnd: @escaping @Sendable (End) -> Void
    ) throws(USBError) {
        guard configuration.transferCount > 0, configuration.transferSize > 0, configuration.transferSize <= Int(Int32.max) else {
            throw USBError(code: LIBUSB_ERROR_INVALID_PARAM.rawValue,
                           operation: "bulk stream of \(configuration.transferCount) x \(configuration.transferSize) bytes")
        }
        self.device = device
        self.configuration = configuration
        self.onData = onData
        self.onEnd = onEnd
        var ts: [UnsafeMutablePointer<libusb_transfer>] = []
        var bs: [UnsafeMutableRawPointer] = []
        for _ in 0..<configuration.transferCount {
            guard let t = libusb_alloc_transfer(0) else {
                for t in ts { libusb_free_transfer(t) }
                for b in bs { b.deallocate() }
                throw USBError(code: LIBUSB_ERROR_NO_MEM.rawValue, operation: "libusb_alloc_transfer")
            }
            ts.append(t)
            bs.append(.allocate(byteCount: configuration.transferSize, alignment: 64))
        }
        transfers = ts
        buffers = bs
    }

    deinit {
        // Only reachable when never started or after the end (a started stream retains itself until then).
        for t in transfers { libusb_free_transfer(t) }
        for b in buffers { b.deallocate() }
    }

    /// Submits every transfer. The stream keeps itself alive until it has ended.
    public func start() throws(USBError) {
        guard started.exchange(1) == 0 else {
            throw USBError(code: LIBUSB_ERROR_BUSY.rawValue, operation: "bulk stream already started")
        }
        let me = Unmanaged.passRetained(self)
        unmanagedSelf = me
        var firstError: USBError?
        for (t, b) in zip(transfers, buffers) {
            t.pointee.dev_handle = device.handle
            t.pointee.endpoint = configuration.endpoint
            t.pointee.type = UInt8(LIBUSB_TRANSFER_TYPE_BULK.rawValue)
            t.pointee.timeout = 0
            t.pointee.buffer = b.assumingMemoryBound(to: UInt8.self)
            t.pointee.length = Int32(configuration.transferSize)
            t.pointee.user_data = me.toOpaque()
            t.pointee.callback = usbBulkStreamCallback
            if stopping.load() != 0 { break }  // a transfer already failed: submit no more
            inFlight.add(1)
            let rc = submit(t)
            if rc < 0 {
                inFlight.add(-1)
                firstError = USBError(code: rc, operation: "submit bulk transfer on endpoint 0x\(String(configuration.endpoint, radix: 16)) of \(device.info)")
                break
            }
        }
        if let firstError {
            finish(firstError.isNoDevice ? .deviceGone(firstError) : .failed(firstError))
            if inFlight.load() == 0 { complete() }
            throw firstError
        }
    }

    /// Cancels the transfers in flight; the stream ends with `.cancelled` once they are back.
    public func cancel() {
        finish(.cancelled)
    }

    /// Waits until the stream has ended (all transfers back); false on timeout.
    public func waitUntilEnded(timeout: Duration) -> Bool {
        let ms = Int(timeout.components.seconds) * 1000 + Int(timeout.components.attoseconds / 1_000_000_000_000_000)
        guard ended.wait(timeout: .now() + .milliseconds(ms)) == .success else { return false }
        ended.signal()  // stays signalled for later waiters
        return true
    }

    public var isRunning: Bool { started.load() == 1 && inFlight.load() > 0 }

    /// Records the first end reason and cancels whatever is in flight.
    fileprivate func finish(_ reason: End) {
        let first = lock.locked { () -> Bool in
            if endReason != nil { return false }
            endReason = reason
            return true
        }
        guard first else { return }
        stopping.store(1)
        for t in transfers { _ = libusb_cancel_transfer(t) }
    }

    /// A transfer came back on the event thread.
    fileprivate func handle(_ t: UnsafeMutablePointer<libusb_transfer>) {
        let status = t.pointee.status
        if status == LIBUSB_TRANSFER_COMPLETED {
            if t.pointee.actual_length > 0, let b = t.pointee.buffer {
                onData(UnsafeRawBufferPointer(start: b, count: Int(t.pointee.actual_length)))
            }
            if stopping.load() == 0 {
                let rc = submit(t)
                if rc == 0 { return }
                let e = USBError(code: rc, operation: "resubmit bulk transfer of \(device.info)")
                finish(e.isNoDevice ? .deviceGone(e) : .failed(e))
            }
        } else if status != LIBUSB_TRANSFER_CANCELLED {
            let op = "bulk transfer on endpoint 0x\(String(configuration.endpoint, radix: 16)) of \(device.info)"
            if let e = USBError(transferStatus: status, operation: op) {
                finish(e.isNoDevice ? .deviceGone(e) : .failed(e))
            }
        }
        if inFlight.add(-1) == 0 { complete() }
    }

    /// Submits under the submit lock; a cancel that raced with the submission is applied afterwards.
    private func submit(_ t: UnsafeMutablePointer<libusb_transfer>) -> Int32 {
        submitLock.locked {
            let rc = libusb_submit_transfer(t)
            if rc == 0 && stopping.load() != 0 { _ = libusb_cancel_transfer(t) }
            return rc
        }
    }

    private func complete() {
        guard completed.exchange(1) == 0 else { return }
        let reason = lock.locked { endReason ?? .cancelled }
        onEnd(reason)
        ended.signal()
        let me = unmanagedSelf
        unmanagedSelf = nil
        me?.release()
    }
}

private let usbBulkStreamCallback: libusb_transfer_cb_fn = { transfer in
    guard let transfer, let userData = transfer.pointee.user_data else { return }
    Unmanaged<USBBulkStream>.fromOpaque(userData).takeUnretainedValue().handle(transfer)
}
