import Foundation
import Synchronization

/// Hot-plug events as an async sequence, for the daemon: a `DeviceWatcher` runs on a thread of its
/// own (libudev is blocking and not thread-safe, so the watcher never leaves that thread). The
/// devices present at start come first as arrivals; the thread ends when the stream is dropped or
/// cancelled (within `pollTimeout`).
public enum DeviceWatchStream {
    public static func changes(
        source: DeviceWatcher.Source, pollTimeout: Duration = .milliseconds(250)
    ) -> AsyncThrowingStream<DeviceChange, any Error> {
        let stop = StopFlag()
        let (stream, continuation) = AsyncThrowingStream<DeviceChange, any Error>.makeStream()
        continuation.onTermination = { _ in stop.value.store(true, ordering: .relaxed) }
        let thread = Thread {
            do {
                let watcher = try DeviceWatcher(source: source)
                for d in watcher.devices { continuation.yield(.arrived(d)) }
                while !stop.value.load(ordering: .relaxed) {
                    for change in try watcher.next(timeout: pollTimeout) { continuation.yield(change) }
                }
                continuation.finish()
            } catch {
                continuation.finish(throwing: error)
            }
        }
        thread.name = "gsd-device-watch"
        thread.start()
        return stream
    }

    private final class StopFlag: Sendable {
        let value = Atomic<Bool>(false)
    }
}
