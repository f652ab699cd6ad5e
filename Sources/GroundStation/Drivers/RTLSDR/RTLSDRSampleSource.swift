import TelemetryDecode

/// A local RTL-SDR as a pipeline `SampleSource`: streams cu8 IQ from the dongle into its own drop-newest
/// `SampleRing` (the USB transfers land in its storage; the event thread never waits or copies) and hands
/// the bytes to the pipeline's source thread.
/// Gaps (the consumer fell behind) are counted in `droppedBytes`; the stream is contiguous otherwise.
/// The end of the stream is 0 after `stop()`, or throws `RTLSDRError.deviceDisconnected` /
/// `.streamFailed` when the dongle went away or failed.
public final class RTLSDRSampleSource: SampleSource, @unchecked Sendable {
    // @unchecked: the ring is the only thing shared with the USB thread, and it is itself thread-safe
    // (single producer: the event thread; single consumer: the caller of `read`). Counters are consumer-only.
    public let device: RTLSDRDevice
    public let ring: SampleRing
    /// Bytes the ring had to drop because the consumer was too slow.
    public var droppedBytes: Int { ring.bytesDropped }
    /// Drop events seen by `read` (each a run of missing bytes).
    public private(set) var dropEvents = 0
    /// Bytes handed out by `read`.
    public private(set) var bytesRead = 0

    /// Starts streaming at once. `ringCapacity` must be a power of two (16 MiB ≈ 2.6 s at 3.2 Msps).
    public init(
        device: RTLSDRDevice, ringCapacity: Int = 16 << 20, transferCount: Int = 15, transferSize: Int = 256 * 1024,
        onEnd: (@Sendable (RTLSDRError?) -> Void)? = nil
    ) throws {
        self.device = device
        ring = try SampleRing(capacity: ringCapacity, policy: .dropNewest)
        try device.startStreaming(into: ring, transferCount: transferCount, transferSize: transferSize, onEnd: onEnd)
    }

    deinit { device.stopStreaming() }

    public func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        guard buffer.count > 0 else { return 0 }
        while true {
            switch ring.read(timeout: .milliseconds(500)) {
            case .data(let region):
                let n = region.copy(to: buffer)
                ring.release(n)
                bytesRead += n
                return n
            case .dropped(let event):
                _ = event
                dropEvents += 1
            case .endOfStream:
                if let e = device.streamError { throw e }
                return 0
            case .timedOut:
                continue
            }
        }
    }

    /// Stops the transfers (the ring is closed when the last one is back); `read` returns what is
    /// buffered, then 0.
    public func stop() {
        device.stopStreaming()
    }
}
