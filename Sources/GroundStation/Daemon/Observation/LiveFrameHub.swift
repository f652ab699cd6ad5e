import Synchronization
import TelemetryDecode
import Foundation

/// Fans stored frames out to live subscribers. A slow subscriber loses its oldest events (its stream keeps
/// the newest 256) rather than holding up storage.
public final class LiveFrameHub: Sendable {
    private let subscribers = Locked<[UInt64: AsyncStream<LiveFrameEvent>.Continuation]>([:])
    private let nextID = Atomic<UInt64>(0)

    public init() {}

    public func subscribe() -> AsyncStream<LiveFrameEvent> {
        let (stream, continuation) = AsyncStream.makeStream(of: LiveFrameEvent.self, bufferingPolicy: .bufferingNewest(256))
        let id = nextID.add(1, ordering: .relaxed).newValue
        subscribers.withLock { $0[id] = continuation }
        continuation.onTermination = { [weak self] _ in
            _ = self?.subscribers.withLock { $0.removeValue(forKey: id) }
        }
        return stream
    }

    public func publish(_ event: LiveFrameEvent) {
        let targets = subscribers.withLock { Array($0.values) }
        for c in targets { c.yield(event) }
    }

    public var subscriberCount: Int { subscribers.withLock { $0.count } }

    /// Ends every subscription (shutdown).
    public func finishAll() {
        let targets = subscribers.withLock { s in
            let all = Array(s.values)
            s.removeAll()
            return all
        }
        for c in targets { c.finish() }
    }
}
