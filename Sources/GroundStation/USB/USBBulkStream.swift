import CLibUSB
import Dispatch
import TelemetryDecode

/// Continuous asynchronous bulk IN: `transferCount` transfers of `transferSize` bytes stay in flight;
/// each completed one is delivered, in submission order, on the event thread and resubmitted at once.
/// The stream ends when cancelled, when the device goes away, or on an error; `onEnd` is then called
/// once, on the event thread, after the last transfer came back.
///
/// Delivery is either a callback (which must not block: copy and return) or a `SampleRing` whose storage
/// the transfers fill in place: each transfer is submitted into a slot reserved in the ring and committed
/// when it comes back, so the bytes are never copied on the event thread (a short transfer leaves the rest
/// of its slot as padding the consumer does not see). A transfer that finds the ring full lands in the
/// stream's own buffer instead and is counted as dropped, as the ring's drop-newest policy would.
///
/// The stream's own buffers are ordinary heap memory (not libusb_dev_mem_alloc: usbfs mmap is not
/// available everywhere, e.g. on an emulated device node).
public final class USBBulkStream: @unchecked Sendable {
    // @unchecked: `transfers`/`buffers` are immutable after init; their contents are owned by libusb
    // while submitted and by the event thread inside callbacks. `order`, `returned` and `slots` (and the
    // ring's producer side) are touched only under `queueLock`. `inFlight`, `stopping`, `started` are
    // atomics; `endReason` is guarded by `lock`.

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

    /// Where completed transfers go.
    public enum Destination: Sendable {
        /// Each completed transfer's bytes, on the event thread.
        case callback(@Sendable (UnsafeRawBufferPointer) -> Void)
        /// Filled in place in the ring (the stream is its only producer). Needs a ring of at least twice
        /// `transferCount × transferSize` bytes, so that the slots in flight leave room for the consumer;
        /// with a smaller ring the bytes are copied in instead.
        case ring(SampleRing)
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
    public let destination: Destination
    /// Whether transfers land directly in the ring's storage.
    public let isZeroCopy: Bool
    private let transfers: [UnsafeMutablePointer<libusb_transfer>]
    private let buffers: [UnsafeMutableRawPointer]
    private let inFlight = USBAtomicInt()
    private let stopping = USBAtomicInt()
    private let started = USBAtomicInt()
    private let completed = USBAtomicInt()
    private let lock = USBLock()
    /// Serialises submissions and deliveries: libusb may split a transfer into several URBs, and two
    /// threads submitting at once (start() and a resubmitting callback) would interleave them on the
    /// endpoint; the ring has one producer, and slots must be committed in the order they were reserved.
    private let queueLock = USBLock()
    /// Submitted transfers (indices) in submission order, delivered from the front.
    private var order: [Int] = []
    /// Bytes received by each transfer that came back and waits for the ones before it.
    private var returned: [Int?]
    /// The ring slot each transfer was submitted into (nil: its own buffer).
    private var slots: [SampleRing.Reservation?]
    private var endReason: End?
    private let ended = DispatchSemaphore(value: 0)
    fileprivate let onEnd: @Sendable (End) -> Void
    private var unmanagedSelf: Unmanaged<USBBulkStream>?

    public convenience init(
        device: USBDeviceHandle, configuration: Configuration,
        onData: @escaping @Sendable (UnsafeRawBufferPointer) -> Void,
        onEnd: @escaping @Sendable (End) -> Void
    ) throws(USBError) {
        try self.init(device: device, configuration: configuration, destination: .callback(onData), onEnd: onEnd)
    }

    public init(
        device: USBDeviceHandle, configuration: Configuration, destination: Destination,
        onEnd: @escaping @Sendable (End) -> Void
    ) throws(USBError) {
        guard configuration.transferCount > 0, configuration.transferSize > 0, configuration.transferSize <= Int(Int32.max) else {
            throw USBError(code: LIBUSB_ERROR_INVALID_PARAM.rawValue,
                           operation: "bulk stream of \(configuration.transferCount) x \(configuration.transferSize) bytes")
        }
        self.device = device
        self.configuration = configuration
        self.destination = destination
        if case .ring(let ring) = destination {
            isZeroCopy = ring.capacity / 2 >= configuration.transferCount * configuration.transferSize
        } else {
            isZeroCopy = false
        }
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
        returned = Array(repeating: nil, count: configuration.transferCount)
        slots = Array(repeating: nil, count: configuration.transferCount)
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
        for t in transfers {
            t.pointee.dev_handle = device.handle
            t.pointee.endpoint = configuration.endpoint
            t.pointee.type = UInt8(LIBUSB_TRANSFER_TYPE_BULK.rawValue)
            t.pointee.timeout = 0
            t.pointee.length = Int32(configuration.transferSize)
            t.pointee.user_data = me.toOpaque()
            t.pointee.callback = usbBulkStreamCallback
        }
        var firstError: USBError?
        for i in transfers.indices {
            if stopping.load() != 0 { break }  // a transfer already failed: submit no more
            inFlight.add(1)
            let rc = queueLock.locked { submit(i) }
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
        guard ended.wait(timeout: .now() + .milliseconds(timeout.wholeMilliseconds)) == .success else { return false }
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

    /// A transfer came back on the event thread: deliver it and every later one already back, in
    /// submission order, resubmitting each unless the stream is stopping.
    fileprivate func handle(_ t: UnsafeMutablePointer<libusb_transfer>) {
        guard let index = transfers.firstIndex(of: t) else { return }
        let status = t.pointee.status
        if status != LIBUSB_TRANSFER_COMPLETED && status != LIBUSB_TRANSFER_CANCELLED {
            let op = "bulk transfer on endpoint 0x\(String(configuration.endpoint, radix: 16)) of \(device.info)"
            if let e = USBError(transferStatus: status, operation: op) {
                finish(e.isNoDevice ? .deviceGone(e) : .failed(e))
            }
        }
        let length = status == LIBUSB_TRANSFER_COMPLETED ? Int(Swift.max(0, t.pointee.actual_length)) : 0
        var retired = 0
        var failure: USBError?
        queueLock.locked {
            returned[index] = length
            while let i = order.first, let n = returned[i] {
                order.removeFirst()
                returned[i] = nil
                deliver(i, count: n)
                if stopping.load() == 0 && failure == nil {
                    let rc = submit(i)
                    if rc == 0 { continue }
                    failure = USBError(code: rc, operation: "resubmit bulk transfer of \(device.info)")
                }
                retired += 1
            }
        }
        if let failure { finish(failure.isNoDevice ? .deviceGone(failure) : .failed(failure)) }
        if retired > 0 && inFlight.add(-retired) == 0 { complete() }
    }

    /// Hands a returned transfer's bytes on. Under `queueLock`.
    private func deliver(_ i: Int, count: Int) {
        switch destination {
        case .callback(let onData):
            if count > 0, let b = transfers[i].pointee.buffer { onData(UnsafeRawBufferPointer(start: b, count: count)) }
        case .ring(let ring):
            if let slot = slots[i] {
                ring.complete(slot, filled: count)
                slots[i] = nil
            } else if count > 0 {
                if isZeroCopy {
                    ring.recordDrop(count)  // it found the ring full when submitted
                } else {
                    _ = try? ring.write(UnsafeRawBufferPointer(start: buffers[i], count: count))
                }
            }
        }
    }

    /// Gives transfer `i` its memory (a ring slot when there is room) and submits it; a cancel that
    /// raced with the submission is applied afterwards. Under `queueLock`.
    private func submit(_ i: Int) -> Int32 {
        let t = transfers[i]
        var memory = buffers[i]
        if isZeroCopy, case .ring(let ring) = destination,
           let slot = try? ring.reserve(configuration.transferSize), let base = slot.buffer.baseAddress {
            slots[i] = slot
            memory = base
        }
        t.pointee.buffer = memory.assumingMemoryBound(to: UInt8.self)
        let rc = libusb_submit_transfer(t)
        if rc != 0 {
            if case .ring(let ring) = destination, let slot = slots[i] { ring.unreserve(slot) }
            slots[i] = nil
            return rc
        }
        order.append(i)
        if stopping.load() != 0 { _ = libusb_cancel_transfer(t) }
        return 0
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
