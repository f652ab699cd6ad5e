import Foundation
import TelemetryDecode

/// Runs each body on its own `Thread` (never on the 2-thread cooperative pool) and suspends until all
/// have returned or `timeout` passes. On timeout `onTimeout` runs (cancel the ring, so parked threads
/// unwind) and the result is false: a broken ring fails the test instead of hanging it.
func runOnThreads(
    timeout: Duration, onTimeout: @escaping @Sendable () -> Void = {}, _ bodies: [@Sendable () -> Void]
) async -> Bool {
    let group = DispatchGroup()
    for (i, body) in bodies.enumerated() {
        group.enter()
        let t = Thread {
            body()
            group.leave()
        }
        t.name = "ring-test-\(i)"
        t.start()
    }
    let (s, atto) = timeout.components
    let seconds = Double(s) + Double(atto) * 1e-18
    return await withCheckedContinuation { (c: CheckedContinuation<Bool, Never>) in
        let waiter = Thread {
            let ok = group.wait(timeout: .now() + seconds) == .success
            if !ok {
                onTimeout()
                _ = group.wait(timeout: .now() + 10)
            }
            c.resume(returning: ok)
        }
        waiter.start()
    }
}

/// A value shared between threads behind a lock (NSLock: visible to ThreadSanitizer).
final class Shared<T: Sendable>: @unchecked Sendable {
    // @unchecked: `v` is only touched with `lock` held.
    private let lock = NSLock()
    private var v: T
    init(_ value: T) { v = value }
    func withLock<R>(_ body: (inout T) -> R) -> R { lock.withLock { body(&v) } }
    var value: T { lock.withLock { v } }
}

/// The known byte stream of the stress tests: byte i is `bytes[i % period]`, a SplitMix64 sequence.
/// The buffer holds two periods back to back, so any run of up to `period` bytes starting anywhere is
/// one contiguous slice and can be produced with one memcpy and checked with one memcmp.
final class TestPattern: @unchecked Sendable {  // immutable after init: only read by the threads
    let period: Int
    private let storage: UnsafeMutableRawBufferPointer

    init(period: Int = 1_048_573, seed: UInt64 = 0x5EED) {
        self.period = period
        storage = .allocate(byteCount: 2 * period, alignment: 64)
        var rng = SplitMix64(seed: seed)
        var i = 0
        while i < period {
            var w = rng.next()
            let n = Swift.min(8, period - i)
            withUnsafeBytes(of: &w) { src in
                for k in 0..<n { storage[i + k] = src[k] }
            }
            i += n
        }
        UnsafeMutableRawBufferPointer(rebasing: storage[period...])
            .copyMemory(from: UnsafeRawBufferPointer(rebasing: storage[..<period]))
    }

    deinit { storage.deallocate() }

    /// The stream's bytes [offset, offset + count), count <= period.
    func slice(at offset: Int, count: Int) -> UnsafeRawBufferPointer {
        precondition(count <= period)
        let start = offset % period
        return UnsafeRawBufferPointer(rebasing: storage[start..<(start + count)])
    }

    /// Whether `bytes` equal the stream at `offset` (any length).
    func matches(_ bytes: UnsafeRawBufferPointer, at offset: Int) -> Bool {
        var done = 0
        while done < bytes.count {
            let n = Swift.min(period, bytes.count - done)
            let expected = slice(at: offset + done, count: n)
            guard let a = bytes.baseAddress, let b = expected.baseAddress else { return n == 0 }
            if memcmp(a + done, b, n) != 0 { return false }
            done += n
        }
        return true
    }
}

/// Merges drop runs that touch (no stored bytes between them) so producer and consumer views compare.
func mergedRuns(_ runs: [(offset: Int, count: Int)]) -> [(offset: Int, count: Int)] {
    var out: [(offset: Int, count: Int)] = []
    for r in runs where r.count > 0 {
        if let last = out.last, last.offset + last.count == r.offset {
            out[out.count - 1].count += r.count
        } else {
            out.append(r)
        }
    }
    return out
}
