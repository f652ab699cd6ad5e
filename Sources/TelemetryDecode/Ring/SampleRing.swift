import Synchronization

/// Errors of the producer side of a `SampleRing`, and of its construction.
public enum SampleRingError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The capacity is not a power of two of at least 2 bytes.
    case invalidCapacity(Int)
    /// Block mode: the consumer freed no room for the policy's timeout; `bytesWritten` bytes of the
    /// current `write` had already been committed.
    case timedOut(bytesWritten: Int)
    /// The producer already closed the ring, or either side cancelled it.
    case closed

    public var description: String {
        switch self {
        case .invalidCapacity(let c): "sample ring capacity \(c) is not a power of two >= 2"
        case .timedOut(let n): "sample ring full: consumer made no room before the timeout (\(n) bytes written)"
        case .closed: "sample ring is closed"
        }
    }
}

/// A single-producer, single-consumer byte ring with zero-copy regions, counted drops and parking waits.
///
/// One thread produces (a USB callback, a socket or file reader), one thread consumes (the decode chain).
/// Both get direct views into the storage:
/// - producer: `writableRegion(minimum:)` → write into `first` then `second` → `commit(n)`; or `write(_:)`;
///   or, for transfers filled by hardware while several are in flight (USB bulk), `reserve(_:)` contiguous
///   slots ahead of the committed bytes and `complete(_:filled:)` them in the order they were reserved.
/// - consumer: `read(timeout:)` → `.data(region)` → use `first` then `second` → `release(n)`.
/// A region is split in two where it wraps past the end of the storage.
///
/// **Overrun.** `.dropNewest` (live USB): the producer never waits; bytes that do not fit are dropped
/// and counted exactly, and the consumer receives a `.dropped(DropEvent)` at the place in the stream where
/// they are missing, so it can reset its state and log the gap with its stream position.
/// `.block(timeout:)` (file replay): the producer waits for room, nothing is lost; it gives up with
/// `SampleRingError.timedOut` when the consumer makes no room within the timeout.
///
/// **Waiting.** A side with nothing to do spins briefly, then raises a waiter flag and parks on a
/// condition variable; the other side looks at the flag after each commit/release and takes the lock only
/// when it is raised, so the streaming fast path is lock-free (two atomic loads and one store per call).
///
/// **End.** `close()` (producer): the consumer drains what is left, then gets `.endOfStream`.
/// `cancel()` (either side, any thread): the producer's next call throws `.closed`, the consumer gets
/// `.endOfStream` at once, and both are woken if parked.
///
/// **Positions.** The stream offset of a byte is its index among all bytes offered by the producer,
/// stored or dropped; `ReadRegion.streamOffset` and `DropEvent.streamOffset` use it. Storage a reservation
/// left unused (a short transfer, or the end of the storage skipped to keep a slot contiguous) is padding:
/// the consumer steps over it unseen, and it is not part of the stream.
public final class SampleRing: @unchecked Sendable {
    // Why @unchecked Sendable is sound: the ring has exactly one producer thread and one consumer thread
    // (documented contract: producer methods are called by one thread at a time, likewise consumer
    // methods). Each side's plain `var`s below are touched only by that side. The two sides exchange
    // ownership of storage bytes only through `head` (release by the producer after writing bytes,
    // acquire by the consumer before reading them) and `tail` (release by the consumer after reading,
    // acquire by the producer before overwriting). Drop events go through a lock; close/cancel,
    // the waiter flags and the counters are atomics. The storage is never reallocated.

    /// What the producer does when the consumer has not made room.
    public enum OverrunPolicy: Sendable, Equatable {
        /// Never wait: store what fits, drop the rest (newest) and count it. The live-USB default.
        case dropNewest
        /// Wait for room; `nil` waits as long as it takes. For file replay, where nothing may be lost.
        case block(timeout: Duration? = nil)
    }

    /// A run of bytes the producer could not store (drop-newest), at stream offset `streamOffset`.
    public struct DropEvent: Sendable, Equatable, CustomStringConvertible {
        /// Stream offset (bytes offered so far) of the first dropped byte.
        public let streamOffset: Int
        /// Number of consecutive dropped bytes.
        public var count: Int
        /// Ring position (bytes stored before the gap); internal bookkeeping.
        let ringPosition: Int
        /// Not a drop: `count` bytes of unused storage the consumer skips (see `reserve`).
        var isPadding = false

        public var description: String { "dropped \(count) bytes at stream offset \(streamOffset)" }
    }

    /// Counters for metrics, each read atomically (the set is not one snapshot while the ring runs).
    public struct Statistics: Sendable, Equatable {
        /// Bytes offered by the producer: stored plus dropped.
        public var bytesIn: Int
        /// Bytes released by the consumer.
        public var bytesOut: Int
        /// Bytes dropped by the drop-newest policy.
        public var bytesDropped: Int
        /// Number of drop events (a run of drops while the ring stays full counts once).
        public var dropEvents: Int
        /// Largest fill level seen by the producer after a commit, in bytes.
        public var highWaterMark: Int

        public init(bytesIn: Int, bytesOut: Int, bytesDropped: Int, dropEvents: Int, highWaterMark: Int) {
            self.bytesIn = bytesIn
            self.bytesOut = bytesOut
            self.bytesDropped = bytesDropped
            self.dropEvents = dropEvents
            self.highWaterMark = highWaterMark
        }
    }

    /// Free space handed to the producer: write into `first`, then `second`, then `commit`.
    public struct WriteRegion {
        public let first: UnsafeMutableRawBufferPointer
        public let second: UnsafeMutableRawBufferPointer
        public var count: Int { first.count + second.count }

        /// Copies as much of `bytes` as fits (first, then second part); returns the number copied.
        /// The caller still has to `commit` it.
        @inlinable
        public func copy(from bytes: UnsafeRawBufferPointer) -> Int {
            let n = Swift.min(bytes.count, count)
            guard n > 0, let src = bytes.baseAddress else { return 0 }
            let a = Swift.min(n, first.count)
            if a > 0, let dst = first.baseAddress { dst.copyMemory(from: src, byteCount: a) }
            if n > a, let dst = second.baseAddress { dst.copyMemory(from: src + a, byteCount: n - a) }
            return n
        }
    }

    /// A contiguous slot of storage ahead of the committed bytes, for one transfer to fill in place.
    public struct Reservation {
        /// Ring position where the slot starts (after `padding`).
        let position: Int
        /// Bytes skipped before the slot so that it does not wrap.
        let padding: Int
        /// Where the transfer writes; valid until `complete`.
        public let buffer: UnsafeMutableRawBufferPointer
        // The pointer is only a place to write; the ring owns the memory and outlives its reservations.
    }

    /// Stored bytes handed to the consumer, contiguous in the stream from `streamOffset`:
    /// read `first`, then `second`, then `release`.
    public struct ReadRegion {
        public let first: UnsafeRawBufferPointer
        public let second: UnsafeRawBufferPointer
        /// Stream offset of `first[0]`.
        public let streamOffset: Int
        public var count: Int { first.count + second.count }

        /// Copies up to `buffer.count` bytes from the start of the region; returns the number copied.
        /// The caller still has to `release` them.
        @inlinable
        public func copy(to buffer: UnsafeMutableRawBufferPointer) -> Int {
            let n = Swift.min(buffer.count, count)
            guard n > 0, let dst = buffer.baseAddress else { return 0 }
            let a = Swift.min(n, first.count)
            if a > 0, let src = first.baseAddress { dst.copyMemory(from: src, byteCount: a) }
            if n > a, let src = second.baseAddress { (dst + a).copyMemory(from: src, byteCount: n - a) }
            return n
        }
    }

    /// What the consumer gets from `read(timeout:)`.
    public enum ReadResult {
        /// Bytes to process; `release` what was used (all, some or none).
        case data(ReadRegion)
        /// Bytes are missing at this point of the stream (drop-newest overrun).
        case dropped(DropEvent)
        /// Closed and drained, or cancelled.
        case endOfStream
        /// Nothing arrived within the timeout.
        case timedOut
    }

    // MARK: Immutable, shared read-only

    /// Storage size in bytes (a power of two).
    public let capacity: Int
    public let policy: OverrunPolicy
    private let mask: Int
    private let storage: UnsafeMutableRawPointer
    private let parker = RingParker()
    private let blocking: Bool
    private let blockTimeout: Duration?

    private let pad0 = CacheLinePad()

    // MARK: Producer's line
    // The side-local `var`s skip dynamic exclusivity checks: each is touched by one thread only (above).
    /// Bytes committed so far (ring position of the next byte to write). Written by the producer only.
    private let head = Atomic<Int>(0)
    @exclusivity(unchecked) private var producerHead = 0
    @exclusivity(unchecked) private var producerTailCache = 0
    @exclusivity(unchecked) private var producerRegionLimit = 0
    @exclusivity(unchecked) private var producerDropped = 0
    @exclusivity(unchecked) private var producerHighWater = 0
    @exclusivity(unchecked) private var producerEventsPosted = 0
    @exclusivity(unchecked) private var producerClosed = false
    /// Ring position up to which storage is reserved (`producerHead` when nothing is outstanding).
    @exclusivity(unchecked) private var producerReserved = 0
    /// Padding bytes the producer has placed so far.
    @exclusivity(unchecked) private var producerPadding = 0

    private let pad1 = CacheLinePad()

    // MARK: Consumer's line
    /// Bytes released so far. Written by the consumer only.
    private let tail = Atomic<Int>(0)
    @exclusivity(unchecked) private var consumerTail = 0
    @exclusivity(unchecked) private var consumerRegionEnd = 0
    @exclusivity(unchecked) private var consumerDropped = 0
    @exclusivity(unchecked) private var consumerEventsSeen = 0
    @exclusivity(unchecked) private var consumerNextEvent: Int?
    @exclusivity(unchecked) private var consumerPadding = 0

    private let pad2 = CacheLinePad()

    // MARK: Waiter flags (each read by the other side on every call)
    private let consumerWaiting = Atomic<Bool>(false)
    private let pad3 = CacheLinePad()
    private let producerWaiting = Atomic<Bool>(false)
    private let pad4 = CacheLinePad()

    // MARK: Rarely changing state and counters
    private static let closedBit = 1
    private static let cancelledBit = 2
    private let state = Atomic<Int>(0)
    private let eventsPosted = Atomic<Int>(0)
    private let bytesInCounter = Atomic<Int>(0)
    private let droppedCounter = Atomic<Int>(0)
    private let paddingReleased = Atomic<Int>(0)
    /// Padding runs posted (they share the event queue with drops but are not drop events).
    private let paddingEvents = Atomic<Int>(0)
    private let highWaterCounter = Atomic<Int>(0)
    private let dropQueue = Locked(DropQueue())

    /// Spin budget before parking: tight re-checks, then a few `sched_yield`s.
    private static let spinChecks = 2_000
    private static let yieldChecks = 16

    /// The smallest valid capacity (a power of two) holding `bytes`, and at least `minimum`.
    public static func capacity(holding bytes: Int, minimum: Int = 2) -> Int {
        var c = 2
        while c < max(bytes, minimum) && c < (1 << 40) { c <<= 1 }
        return c
    }

    /// - Parameters:
    ///   - capacity: storage size in bytes, a power of two >= 2.
    ///   - policy: what the producer does when the ring is full.
    public init(capacity: Int, policy: OverrunPolicy) throws(SampleRingError) {
        guard capacity >= 2, capacity & (capacity - 1) == 0 else { throw .invalidCapacity(capacity) }
        self.capacity = capacity
        self.mask = capacity - 1
        self.policy = policy
        switch policy {
        case .dropNewest:
            blocking = false
            blockTimeout = nil
        case .block(let timeout):
            blocking = true
            blockTimeout = timeout
        }
        storage = .allocate(byteCount: capacity, alignment: 64)
        storage.initializeMemory(as: UInt8.self, repeating: 0, count: capacity)
    }

    deinit {
        storage.deallocate()
    }

    // MARK: - Producer

    /// Free space, possibly split at the wrap. Producer thread only.
    ///
    /// Block mode waits (spin, then park) until at least `min(minimum, capacity)` bytes are free;
    /// drop mode never waits and may return less than `minimum`, even nothing.
    /// The region covers all the space free at the time of the call.
    public func writableRegion(minimum: Int = 1) throws(SampleRingError) -> WriteRegion {
        if producerClosed || state.load(ordering: .relaxed) & Self.cancelledBit != 0 { throw .closed }
        precondition(producerReserved == producerHead, "writableRegion while reservations are outstanding")
        let want = Swift.max(0, Swift.min(minimum, capacity))
        producerTailCache = tail.load(ordering: .acquiring)
        if blocking && capacity - (producerHead - producerTailCache) < want {
            let deadline = RingParker.deadline(after: blockTimeout)
            if !waitForSpace(want, deadline: deadline) {
                if state.load(ordering: .acquiring) & Self.cancelledBit != 0 { throw .closed }
                throw .timedOut(bytesWritten: 0)
            }
        }
        let free = capacity - (producerHead - producerTailCache)
        producerRegionLimit = free
        let offset = producerHead & mask
        let a = Swift.min(free, capacity - offset)
        return WriteRegion(
            first: UnsafeMutableRawBufferPointer(start: storage + offset, count: a),
            second: UnsafeMutableRawBufferPointer(start: storage, count: free - a))
    }

    /// Publishes `count` bytes written at the start of the last `writableRegion`. Producer thread only.
    /// Several commits may follow one region, as long as they add up to no more than its size.
    public func commit(_ count: Int) {
        precondition(count >= 0 && count <= producerRegionLimit, "commit beyond the writable region")
        guard count > 0 else { return }
        producerHead &+= count
        producerReserved = producerHead
        producerRegionLimit -= count
        publishHead()
    }

    /// Makes `producerHead` visible to the consumer and wakes it if it waits.
    private func publishHead() {
        // Sequentially consistent (not just release) so that, with the consumer's flag store and
        // re-check, either the consumer sees this head or we see its waiter flag.
        head.store(producerHead, ordering: .sequentiallyConsistent)
        bytesInCounter.store(producerHead &+ producerDropped &- producerPadding, ordering: .releasing)
        let fill = producerHead &- tail.load(ordering: .relaxed)
        if fill > producerHighWater {
            producerHighWater = fill
            highWaterCounter.store(fill, ordering: .releasing)
        }
        if consumerWaiting.load(ordering: .sequentiallyConsistent) { parker.wake(.consumer) }
    }

    /// Records `count` bytes the producer could not store (drop-newest), at the current stream position.
    /// Producer thread only. Consecutive drops at the same place are merged into one event while the
    /// consumer has not yet seen it.
    public func recordDrop(_ count: Int) {
        guard count > 0 else { return }
        let position = producerHead
        let streamOffset = producerHead &+ producerDropped &- producerPadding
        let appended = dropQueue.withLock { q in
            if let last = q.last, last.ringPosition == position, !last.isPadding {
                q.items[q.items.count - 1].count += count
                return false
            }
            q.items.append(DropEvent(streamOffset: streamOffset, count: count, ringPosition: position))
            return true
        }
        if appended {
            producerEventsPosted += 1
            eventsPosted.store(producerEventsPosted, ordering: .sequentiallyConsistent)
        }
        producerDropped &+= count
        droppedCounter.store(producerDropped, ordering: .releasing)
        bytesInCounter.store(producerHead &+ producerDropped &- producerPadding, ordering: .releasing)
        if consumerWaiting.load(ordering: .sequentiallyConsistent) { parker.wake(.consumer) }
    }

    /// Copies `bytes` in and commits them. Producer thread only.
    ///
    /// Drop mode: stores what fits now, records the rest as dropped; returns the number stored.
    /// Block mode: waits for room as often as needed and returns `bytes.count`, or throws
    /// `.timedOut(bytesWritten:)` (that many were committed) or `.closed`.
    @discardableResult
    public func write(_ bytes: UnsafeRawBufferPointer) throws(SampleRingError) -> Int {
        var done = 0
        let total = bytes.count
        while done < total {
            let rest = UnsafeRawBufferPointer(rebasing: bytes[done...])
            let region: WriteRegion
            do {
                region = try writableRegion(minimum: blocking ? rest.count : 0)
            } catch {
                if case .timedOut = error { throw .timedOut(bytesWritten: done) }
                throw error
            }
            let n = region.copy(from: rest)
            commit(n)
            done += n
            if !blocking {
                if done < total { recordDrop(total - done) }
                return done
            }
        }
        return done
    }

    /// A contiguous slot of `count` bytes after everything committed or reserved so far, or nil when the
    /// ring has no room for it now (it never waits; a live producer then drops or copies what it has).
    /// Producer thread only. Every reservation must be completed, in the order made, by
    /// `complete(_:filled:)`; meanwhile `writableRegion`/`write` must not be used.
    public func reserve(_ count: Int) throws(SampleRingError) -> Reservation? {
        if producerClosed || state.load(ordering: .relaxed) & Self.cancelledBit != 0 { throw .closed }
        guard count > 0, count <= capacity else { return nil }
        let offset = producerReserved & mask
        let padding = offset + count > capacity ? capacity - offset : 0
        producerTailCache = tail.load(ordering: .acquiring)
        guard capacity - (producerReserved &- producerTailCache) >= padding + count else { return nil }
        let position = producerReserved &+ padding
        producerReserved = position &+ count
        return Reservation(
            position: position, padding: padding,
            buffer: UnsafeMutableRawBufferPointer(start: storage + (position & mask), count: count))
    }

    /// Takes back the newest reservation (its transfer could not be started). Producer thread only.
    public func unreserve(_ reservation: Reservation) {
        precondition(reservation.position &+ reservation.buffer.count == producerReserved, "only the newest reservation can be taken back")
        producerReserved = reservation.position &- reservation.padding
    }

    /// Publishes the first `filled` bytes of the oldest outstanding reservation; the rest of its slot
    /// becomes padding. `filled: 0` gives the slot up (a transfer that failed or was cancelled).
    /// Producer thread only.
    public func complete(_ reservation: Reservation, filled: Int) {
        precondition(reservation.position &- reservation.padding == producerHead, "reservations completed out of order")
        precondition(filled >= 0 && filled <= reservation.buffer.count, "filled beyond the reservation")
        addPadding(reservation.padding)
        producerHead &+= filled
        addPadding(reservation.buffer.count - filled)
        publishHead()
    }

    /// Puts `count` bytes of padding at the producer's position (queued like a drop, so the consumer meets
    /// it at exactly this place).
    private func addPadding(_ count: Int) {
        guard count > 0 else { return }
        let position = producerHead
        dropQueue.withLock { q in
            q.items.append(DropEvent(streamOffset: position &+ producerDropped &- producerPadding, count: count,
                                     ringPosition: position, isPadding: true))
        }
        producerEventsPosted += 1
        paddingEvents.add(1, ordering: .relaxed)
        eventsPosted.store(producerEventsPosted, ordering: .sequentiallyConsistent)
        producerHead &+= count
        producerPadding &+= count
    }

    /// End of stream: no more writes; the consumer drains what is stored, then gets `.endOfStream`.
    /// Producer thread only (or after the producer has stopped).
    public func close() {
        producerClosed = true
        state.bitwiseOr(Self.closedBit, ordering: .sequentiallyConsistent)
        parker.wakeAll()
    }

    // MARK: - Any thread

    /// Stops both sides without draining: the producer's next call throws `.closed`, the consumer's next
    /// `read` returns `.endOfStream`; parked threads are woken. Safe from any thread, idempotent.
    public func cancel() {
        state.bitwiseOr(Self.cancelledBit, ordering: .sequentiallyConsistent)
        parker.wakeAll()
    }

    public var isClosed: Bool { state.load(ordering: .acquiring) & Self.closedBit != 0 }
    public var isCancelled: Bool { state.load(ordering: .acquiring) & Self.cancelledBit != 0 }

    public var bytesIn: Int { bytesInCounter.load(ordering: .acquiring) }
    public var bytesOut: Int { tail.load(ordering: .acquiring) &- paddingReleased.load(ordering: .acquiring) }
    public var bytesDropped: Int { droppedCounter.load(ordering: .acquiring) }
    public var highWaterMark: Int { highWaterCounter.load(ordering: .acquiring) }
    /// Bytes stored and not yet released (approximate while both sides run).
    public var fill: Int { Swift.max(0, head.load(ordering: .acquiring) &- tail.load(ordering: .acquiring)) }

    public var statistics: Statistics {
        Statistics(
            bytesIn: bytesIn, bytesOut: bytesOut, bytesDropped: bytesDropped,
            dropEvents: eventsPosted.load(ordering: .acquiring) &- paddingEvents.load(ordering: .acquiring),
            highWaterMark: highWaterMark)
    }

    // MARK: - Consumer

    /// The next thing for the consumer: stored bytes, a drop, end of stream, or a timeout.
    /// Consumer thread only. `timeout: nil` waits as long as it takes; `.zero` polls.
    ///
    /// A `.data` region never spans a drop: it ends where the next gap is, and the gap comes next as
    /// `.dropped`. Calling `read` again without `release` returns the same bytes (and maybe more).
    public func read(timeout: Duration? = nil) -> ReadResult {
        var deadline: UInt64?
        var waited = false
        while true {
            let st = state.load(ordering: .acquiring)
            if st & Self.cancelledBit != 0 { return .endOfStream }
            var end = head.load(ordering: .acquiring)
            if consumerNextEvent == nil, eventsPosted.load(ordering: .acquiring) != consumerEventsSeen {
                consumerNextEvent = dropQueue.withLock { $0.first?.ringPosition }
            }
            if let p = consumerNextEvent {
                if p == consumerTail {
                    let event = dropQueue.withLock { $0.popFirst() }
                    consumerNextEvent = nil
                    if let event, event.isPadding {
                        consumerEventsSeen += 1
                        consumerPadding &+= event.count
                        consumerTail &+= event.count
                        consumerRegionEnd = consumerTail
                        paddingReleased.store(consumerPadding, ordering: .releasing)
                        tail.store(consumerTail, ordering: .sequentiallyConsistent)
                        if blocking && producerWaiting.load(ordering: .sequentiallyConsistent) { parker.wake(.producer) }
                        continue
                    }
                    if let event {
                        consumerEventsSeen += 1
                        consumerDropped &+= event.count
                        consumerRegionEnd = consumerTail
                        return .dropped(event)
                    }
                } else {
                    end = Swift.min(end, p)
                }
            }
            // `end` can lie behind the tail: `complete` posts padding before it publishes the head past
            // it, and the consumer may already have skipped that padding. Then there is nothing yet.
            if end &- consumerTail > 0 {
                consumerRegionEnd = end
                let count = end &- consumerTail
                let offset = consumerTail & mask
                let a = Swift.min(count, capacity - offset)
                return .data(ReadRegion(
                    first: UnsafeRawBufferPointer(start: storage + offset, count: a),
                    second: UnsafeRawBufferPointer(start: storage, count: count - a),
                    streamOffset: consumerTail &+ consumerDropped &- consumerPadding))
            }
            // Empty. `st` was loaded before head and the events, so if it says closed they were final.
            if st & Self.closedBit != 0 { return .endOfStream }
            if waited { return .timedOut }
            if let timeout, timeout <= .zero { return .timedOut }
            if deadline == nil { deadline = RingParker.deadline(after: timeout) }
            if !waitForData(deadline: deadline) { waited = true }  // one last look, then .timedOut
        }
    }

    /// Gives `count` bytes from the start of the last `.data` region back to the producer.
    /// Consumer thread only.
    public func release(_ count: Int) {
        precondition(count >= 0 && consumerTail &+ count <= consumerRegionEnd, "release beyond the read region")
        guard count > 0 else { return }
        consumerTail &+= count
        if blocking {
            tail.store(consumerTail, ordering: .sequentiallyConsistent)
            if producerWaiting.load(ordering: .sequentiallyConsistent) { parker.wake(.producer) }
        } else {
            // A drop-newest producer never waits, so nobody needs waking.
            tail.store(consumerTail, ordering: .releasing)
        }
    }

    // MARK: - Waiting

    private func consumerHasWork() -> Bool {
        head.load(ordering: .sequentiallyConsistent) &- consumerTail > 0
            || eventsPosted.load(ordering: .sequentiallyConsistent) != consumerEventsSeen
            || state.load(ordering: .sequentiallyConsistent) != 0
    }

    /// Spins, then parks until there is something for the consumer; false on timeout.
    private func waitForData(deadline: UInt64?) -> Bool {
        if spin({ consumerHasWork() }) { return true }
        consumerWaiting.store(true, ordering: .sequentiallyConsistent)
        let ready = parker.park(.consumer, deadline: deadline) { consumerHasWork() }
        consumerWaiting.store(false, ordering: .relaxed)
        return ready
    }

    /// Spins, then parks until `want` bytes are free (or the ring is cancelled); false on timeout.
    private func waitForSpace(_ want: Int, deadline: UInt64?) -> Bool {
        let hasRoom = { () -> Bool in
            self.producerTailCache = self.tail.load(ordering: .sequentiallyConsistent)
            return self.capacity - (self.producerHead - self.producerTailCache) >= want
                || self.state.load(ordering: .sequentiallyConsistent) & Self.cancelledBit != 0
        }
        let ready: Bool
        if spin(hasRoom) {
            ready = true
        } else {
            producerWaiting.store(true, ordering: .sequentiallyConsistent)
            ready = parker.park(.producer, deadline: deadline, until: hasRoom)
            producerWaiting.store(false, ordering: .relaxed)
        }
        return ready && state.load(ordering: .acquiring) & Self.cancelledBit == 0
    }

    @inline(__always)
    private func spin(_ ready: () -> Bool) -> Bool {
        for _ in 0..<Self.spinChecks where ready() { return true }
        for _ in 0..<Self.yieldChecks {
            RingParker.yieldThread()
            if ready() { return true }
        }
        return false
    }
}

/// Pending drop events in ring order; touched under the ring's lock only (rare path).
struct DropQueue {
    var items: [SampleRing.DropEvent] = []
    var start = 0

    var first: SampleRing.DropEvent? { start < items.count ? items[start] : nil }
    var last: SampleRing.DropEvent? { start < items.count ? items[items.count - 1] : nil }

    mutating func popFirst() -> SampleRing.DropEvent? {
        guard start < items.count else { return nil }
        let e = items[start]
        start += 1
        if start == items.count {
            items.removeAll(keepingCapacity: true)
            start = 0
        }
        return e
    }
}

/// 128 bytes of nothing, put between the producer's and the consumer's fields so they never share a
/// cache line (nor an adjacent-line prefetch pair).
struct CacheLinePad {
    private let words: (Int, Int, Int, Int, Int, Int, Int, Int, Int, Int, Int, Int, Int, Int, Int, Int) =
        (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
}
