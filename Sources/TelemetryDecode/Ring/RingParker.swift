#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The slow path of `SampleRing`'s waits: one pthread mutex and two condition variables (one for the
/// consumer waiting for data, one for the producer waiting for space).
///
/// The ring's fast paths never touch it: a side that finds nothing to do spins briefly, then raises its
/// waiter flag and parks here; the other side takes the mutex only when it sees that flag. Timed waits
/// use `CLOCK_MONOTONIC` deadlines so a wall-clock step cannot stretch or cut them.
final class RingParker: @unchecked Sendable {
    // @unchecked: the pthread objects live at fixed heap addresses for the object's lifetime and are only
    // used through the pthread API, which is itself thread-safe.
    enum Side { case consumer, producer }

    private let mutex: UnsafeMutablePointer<pthread_mutex_t>
    private let consumerCond: UnsafeMutablePointer<pthread_cond_t>
    private let producerCond: UnsafeMutablePointer<pthread_cond_t>

    init() {
        mutex = .allocate(capacity: 1)
        mutex.initialize(to: pthread_mutex_t())
        pthread_mutex_init(mutex, nil)
        consumerCond = .allocate(capacity: 1)
        consumerCond.initialize(to: pthread_cond_t())
        producerCond = .allocate(capacity: 1)
        producerCond.initialize(to: pthread_cond_t())
        var attr = pthread_condattr_t()
        pthread_condattr_init(&attr)
        #if !canImport(Darwin)
        pthread_condattr_setclock(&attr, CLOCK_MONOTONIC)
        #endif
        pthread_cond_init(consumerCond, &attr)
        pthread_cond_init(producerCond, &attr)
        pthread_condattr_destroy(&attr)
    }

    deinit {
        pthread_cond_destroy(consumerCond)
        pthread_cond_destroy(producerCond)
        pthread_mutex_destroy(mutex)
        consumerCond.deallocate()
        producerCond.deallocate()
        mutex.deallocate()
    }

    private func cond(_ side: Side) -> UnsafeMutablePointer<pthread_cond_t> {
        side == .consumer ? consumerCond : producerCond
    }

    /// Parks the calling thread until `ready()` is true or `deadline` (monotonic nanoseconds) passes.
    /// `ready` is evaluated with the mutex held, so a wake-up sent under the mutex cannot be lost.
    /// Returns `ready()`'s last value.
    func park(_ side: Side, deadline: UInt64?, until ready: () -> Bool) -> Bool {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        while !ready() {
            guard let deadline else {
                pthread_cond_wait(cond(side), mutex)
                continue
            }
            let now = Self.monotonicNanos()
            if now >= deadline { return ready() }
            #if canImport(Darwin)
            let rel = deadline - now
            var ts = timespec(tv_sec: Int(rel / 1_000_000_000), tv_nsec: Int(rel % 1_000_000_000))
            pthread_cond_timedwait_relative_np(cond(side), mutex, &ts)
            #else
            var ts = timespec(tv_sec: Int(deadline / 1_000_000_000), tv_nsec: Int(deadline % 1_000_000_000))
            pthread_cond_timedwait(cond(side), mutex, &ts)
            #endif
        }
        return true
    }

    /// Wakes the thread parked on `side`, if any.
    func wake(_ side: Side) {
        pthread_mutex_lock(mutex)
        pthread_cond_signal(cond(side))
        pthread_mutex_unlock(mutex)
    }

    /// Wakes both sides (close, cancel).
    func wakeAll() {
        pthread_mutex_lock(mutex)
        pthread_cond_broadcast(consumerCond)
        pthread_cond_broadcast(producerCond)
        pthread_mutex_unlock(mutex)
    }

    static func monotonicNanos() -> UInt64 {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return UInt64(ts.tv_sec) &* 1_000_000_000 &+ UInt64(ts.tv_nsec)
    }

    /// `now + timeout` in monotonic nanoseconds, or nil for "no deadline".
    static func deadline(after timeout: Duration?) -> UInt64? {
        guard let timeout else { return nil }
        let (s, atto) = timeout.components
        if s < 0 || (s == 0 && atto <= 0) { return monotonicNanos() }
        let ns = UInt64(clamping: s).multipliedReportingOverflow(by: 1_000_000_000)
        if ns.overflow { return nil }
        let (sum, overflow) = monotonicNanos().addingReportingOverflow(ns.partialValue &+ UInt64(atto / 1_000_000_000))
        return overflow ? nil : sum
    }
}

extension RingParker {
    /// Gives the CPU away once (the middle stage of the spin-then-park waits).
    static func yieldThread() { _ = sched_yield() }
}
