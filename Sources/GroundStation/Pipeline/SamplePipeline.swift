import Dispatch
import Foundation
import TelemetryDecode

/// The threaded receive path: a `SampleSource` on its own thread fills a `SampleRing`; a `DecodeChain`
/// on a second thread drains it; the chain's outputs come out as an `AsyncThrowingStream`.
///
/// ```
/// source thread: source.read(into: ring region) → commit ─▶ SampleRing ─▶ decode thread: chain.process → outputs
/// ```
/// - The source reads straight into the ring (no copy). In block mode (file replay) it waits for room; in
///   drop-newest mode (live) it never waits: when the ring is full it reads into a scratch buffer and
///   the bytes are counted as dropped; the decode thread reports each gap to `onDrop` and to the chain.
/// - End of source: the ring is closed, the chain drains it, `finish` flushes, the stream finishes.
/// - Source error: the same, then the stream finishes throwing the source's error.
/// - Chain error: the ring is cancelled (the source stops) and the stream finishes with that error.
/// - The task iterating `outputs` cancelled, or `cancel()`: the ring is cancelled and both threads exit.
///   A stream cannot see a plain `break` out of its loop: call `cancel()` after one.
/// - `outputs` buffers without bound, so a consumer of frames never slows the decode thread; a chain
///   that emits per-sample outputs should batch them.
public final class SamplePipeline<Output: Sendable>: Sendable {
    public struct Configuration: Sendable {
        /// Ring size in bytes; a power of two.
        public var ringCapacity: Int
        /// `.block()` for files, `.dropNewest` for live sources.
        public var overrun: SampleRing.OverrunPolicy
        /// Largest single `read` the source is asked for, in bytes.
        public var readChunk: Int
        /// Largest block handed to the chain in one `process` call, in bytes.
        public var maxBlock: Int
        /// Called on the decode thread for every gap (drop-newest), with its stream offset: for logging.
        public var onDrop: (@Sendable (SampleRing.DropEvent) -> Void)?
        /// Prefix of the two threads' names.
        public var name: String

        public init(
            ringCapacity: Int = 4 << 20, overrun: SampleRing.OverrunPolicy = .block(),
            readChunk: Int = 64 << 10, maxBlock: Int = 64 << 10,
            onDrop: (@Sendable (SampleRing.DropEvent) -> Void)? = nil, name: String = "gsd-pipeline"
        ) {
            self.ringCapacity = ringCapacity
            self.overrun = overrun
            self.readChunk = readChunk
            self.maxBlock = maxBlock
            self.onDrop = onDrop
            self.name = name
        }
    }

    /// The ring between the two threads; read its counters for metrics.
    public let ring: SampleRing
    /// The chain's outputs, in stream order.
    public let outputs: AsyncThrowingStream<Output, any Error>

    private let stopped = DispatchGroup()
    private let sourceError = ErrorSlot()

    /// Creates the ring and starts both threads.
    public init<Source: SampleSource, Chain: DecodeChain>(
        source: sending Source, chain: sending Chain, configuration: Configuration = .init()
    ) throws(PipelineError) where Chain.Output == Output {
        guard configuration.readChunk > 0, configuration.maxBlock > 0 else {
            throw .invalidConfiguration("readChunk and maxBlock must be positive")
        }
        do {
            ring = try SampleRing(capacity: configuration.ringCapacity, policy: configuration.overrun)
        } catch {
            throw .invalidConfiguration(error.description)
        }
        let (stream, continuation) = AsyncThrowingStream.makeStream(
            of: Output.self, throwing: (any Error).self, bufferingPolicy: .unbounded)
        outputs = stream
        continuation.onTermination = { [ring] _ in ring.cancel() }

        // The closures own the (sent) source and chain; each is run by exactly one thread.
        var source = source
        var chain = chain
        let sourceWork = TransferBox<() -> Void>({ [self] in
            runSource(&source, configuration: configuration)
        })
        let chainWork = TransferBox<() -> Void>({ [self] in
            runChain(&chain, configuration: configuration, continuation: continuation)
        })
        stopped.enter()
        stopped.enter()
        let stopped = stopped
        let producer = Thread {
            sourceWork.value()
            stopped.leave()
        }
        producer.name = configuration.name + "-source"
        let consumer = Thread {
            chainWork.value()
            stopped.leave()
        }
        consumer.name = configuration.name + "-decode"
        consumer.start()
        producer.start()
    }

    /// Counters of the ring (bytes in/out/dropped, high-water mark).
    public var statistics: SampleRing.Statistics { ring.statistics }

    /// Stops both threads soon (without draining); the output stream finishes without error.
    public func cancel() { ring.cancel() }

    /// Blocks the calling thread until both threads have exited or `timeout` passes; true if they exited.
    /// Do not call from the cooperative pool; use `waitUntilStopped()` there.
    public func waitUntilStopped(timeout: Duration) -> Bool {
        let (s, atto) = timeout.components
        let ns = Int(clamping: s) &* 1_000_000_000 &+ Int(atto / 1_000_000_000)
        return stopped.wait(timeout: .now() + .nanoseconds(ns)) == .success
    }

    /// Suspends until both threads have exited.
    public func waitUntilStopped() async {
        await withCheckedContinuation { (c: CheckedContinuation<Void, Never>) in
            stopped.notify(queue: .global()) { c.resume() }
        }
    }

    // MARK: - Source thread

    private func runSource<Source: SampleSource>(_ source: inout Source, configuration: Configuration) {
        let chunk = configuration.readChunk
        var blocking = true
        if case .dropNewest = configuration.overrun { blocking = false }
        var scratch: UnsafeMutableRawBufferPointer?
        defer { scratch?.deallocate() }
        do {
            while true {
                let region = try ring.writableRegion(minimum: blocking ? chunk : 1)
                if region.count == 0 {
                    // Drop-newest and full: the source's bytes still have to be taken, and are lost.
                    let buffer = scratch ?? UnsafeMutableRawBufferPointer.allocate(byteCount: chunk, alignment: 64)
                    scratch = buffer
                    let n = try source.read(into: buffer)
                    if n <= 0 { break }
                    ring.recordDrop(n)
                    continue
                }
                let target = UnsafeMutableRawBufferPointer(rebasing: region.first.prefix(chunk))
                let n = try source.read(into: target)
                if n <= 0 { break }
                ring.commit(Swift.min(n, target.count))
            }
        } catch SampleRingError.closed {
            return  // cancelled: nobody is listening any more
        } catch SampleRingError.timedOut {
            var timeout = Duration.zero
            if case .block(let t?) = configuration.overrun { timeout = t }
            let offset = ring.bytesIn
            sourceError.set(PipelineError.consumerStalled(timeout: timeout, streamOffset: offset))
        } catch {
            sourceError.set(error)
        }
        ring.close()
    }

    // MARK: - Decode thread

    private func runChain<Chain: DecodeChain>(
        _ chain: inout Chain, configuration: Configuration,
        continuation: AsyncThrowingStream<Output, any Error>.Continuation
    ) where Chain.Output == Output {
        var feeder = BlockFeeder(itemSize: Swift.max(1, chain.itemSize), maxBlock: configuration.maxBlock)
        defer { feeder.deallocate() }
        var outputs: [Output] = []
        var listening = true
        func flush() {
            guard !outputs.isEmpty else { return }
            for o in outputs where listening {
                if case .terminated = continuation.yield(o) {
                    listening = false
                    ring.cancel()
                }
            }
            outputs.removeAll(keepingCapacity: true)
        }
        do {
            loop: while listening {
                switch ring.read() {
                case .data(let region):
                    var offset = region.streamOffset
                    for part in [region.first, region.second] where part.count > 0 {
                        var start = 0
                        while start < part.count {
                            let n = Swift.min(configuration.maxBlock, part.count - start)
                            let slice = UnsafeRawBufferPointer(rebasing: part[start..<(start + n)])
                            try feeder.feed(slice, at: offset) { block, at in
                                try chain.process(block, streamOffset: at, into: &outputs)
                            }
                            ring.release(n)
                            start += n
                            offset += n
                            flush()
                        }
                    }
                case .dropped(let gap):
                    feeder.discardPartial()
                    configuration.onDrop?(gap)
                    try chain.discontinuity(gap, into: &outputs)
                    flush()
                case .endOfStream:
                    break loop
                case .timedOut:
                    continue
                }
            }
            if ring.isCancelled {
                continuation.finish()
                return
            }
            try chain.finish(into: &outputs)
            flush()
        } catch {
            ring.cancel()
            continuation.finish(throwing: error)
            return
        }
        if let error = sourceError.get() {
            continuation.finish(throwing: error)
        } else {
            continuation.finish()
        }
    }
}

/// Cuts the byte stream into whole-item blocks aligned to the stream, carrying an item split by the
/// ring's wrap or a block boundary in a small buffer.
struct BlockFeeder {
    let itemSize: Int
    let maxBlock: Int
    private let carry: UnsafeMutableRawBufferPointer
    private var carryCount = 0
    private var carryOffset = 0

    init(itemSize: Int, maxBlock: Int) {
        self.itemSize = itemSize
        self.maxBlock = maxBlock
        carry = .allocate(byteCount: itemSize, alignment: 16)
    }

    func deallocate() { carry.deallocate() }

    mutating func discardPartial() { carryCount = 0 }

    /// Feeds `bytes` (contiguous in the stream from `offset`) and calls `process` with whole items.
    mutating func feed(
        _ bytes: UnsafeRawBufferPointer, at offset: Int,
        _ process: (UnsafeRawBufferPointer, Int) throws -> Void
    ) rethrows {
        if itemSize == 1 {
            if bytes.count > 0 { try process(bytes, offset) }
            return
        }
        var p = bytes
        var off = offset
        if carryCount > 0 {
            if off != carryOffset + carryCount {
                carryCount = 0  // not contiguous with the carried bytes
            } else {
                let take = Swift.min(itemSize - carryCount, p.count)
                if take > 0, let src = p.baseAddress, let dst = carry.baseAddress {
                    (dst + carryCount).copyMemory(from: src, byteCount: take)
                }
                carryCount += take
                p = UnsafeRawBufferPointer(rebasing: p[take...])
                off += take
                if carryCount == itemSize {
                    carryCount = 0
                    try process(UnsafeRawBufferPointer(carry), carryOffset)
                }
            }
        }
        guard carryCount == 0, p.count > 0 else { return }
        let misalignment = off % itemSize
        if misalignment != 0 {
            // After a gap: skip to the next item boundary of the stream.
            let skip = Swift.min(itemSize - misalignment, p.count)
            p = UnsafeRawBufferPointer(rebasing: p[skip...])
            off += skip
        }
        let whole = p.count - p.count % itemSize
        if whole > 0 {
            try process(UnsafeRawBufferPointer(rebasing: p[..<whole]), off)
        }
        let rest = p.count - whole
        if rest > 0, let src = p.baseAddress, let dst = carry.baseAddress {
            dst.copyMemory(from: src + whole, byteCount: rest)
            carryCount = rest
            carryOffset = off + whole
        }
    }
}

/// The source thread's error, read by the decode thread after the ring is closed.
final class ErrorSlot: Sendable {
    private let error = Locked<(any Error)?>(nil)
    func set(_ e: any Error) { error.withLock { $0 = e } }
    func get() -> (any Error)? { error.withLock { $0 } }
}

/// Hands a non-Sendable value to exactly one other thread.
final class TransferBox<T>: @unchecked Sendable {
    // @unchecked: the value arrives with `sending` (no other reference to it remains with the caller) and
    // is read only by the one thread the box is given to.
    let value: T
    init(_ value: sending T) { self.value = value }
}
