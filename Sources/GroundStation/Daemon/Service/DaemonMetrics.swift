import Foundation
import Metrics
import Prometheus

/// The daemon's Prometheus metrics, made through swift-metrics on a registry of its own (so several
/// daemons in one test process do not share counters). `/metrics` renders `registry`.
public final class DaemonMetrics: Sendable {
    public let registry: PrometheusCollectorRegistry
    let factory: PrometheusMetricsFactory
    let ringBytesIn: Metrics.Counter
    let ringBytesDropped: Metrics.Counter
    let ringDropEvents: Metrics.Counter
    let httpRequests: Metrics.Counter

    public init() {
        registry = PrometheusCollectorRegistry()
        var f = PrometheusMetricsFactory(registry: registry)
        f.durationHistogramBuckets["gsd_decode_latency_seconds"] = [
            .milliseconds(10), .milliseconds(50), .milliseconds(100), .milliseconds(250), .milliseconds(500),
            .seconds(1), .seconds(2.5), .seconds(5), .seconds(10),
        ]
        factory = f
        ringBytesIn = Metrics.Counter(label: "gsd_ring_bytes_total", dimensions: [], factory: factory)
        ringBytesDropped = Metrics.Counter(label: "gsd_ring_dropped_bytes_total", dimensions: [], factory: factory)
        ringDropEvents = Metrics.Counter(label: "gsd_ring_drop_events_total", dimensions: [], factory: factory)
        httpRequests = Metrics.Counter(label: "gsd_http_requests_total", dimensions: [], factory: factory)
    }

    public func passStarted(satellite: String, kind: PassKind) {
        Metrics.Counter(label: "gsd_passes_total", dimensions: [("satellite", satellite), ("kind", kind.rawValue)], factory: factory).increment()
    }

    public func frame(satellite: String, checksOK: Bool, latency: Duration?) {
        Metrics.Counter(label: "gsd_frames_total", dimensions: [("satellite", satellite), ("checks", checksOK ? "ok" : "failed")], factory: factory)
            .increment()
        if let latency {
            // Clamped: a frame can complete slightly before its nominal time (pacing hands out 0.1 s at once),
            // and swift-prometheus 2.x crashes rendering a negative duration sum.
            Metrics.Timer(label: "gsd_decode_latency_seconds", dimensions: [], factory: factory).recordNanoseconds(
                max(0, Int64(latency / .nanoseconds(1))))
        }
    }

    /// Adds the ring counters' growth since the last call for this pass.
    public func ring(delta: (bytesIn: Int, dropped: Int, dropEvents: Int)) {
        if delta.bytesIn > 0 { ringBytesIn.increment(by: delta.bytesIn) }
        if delta.dropped > 0 { ringBytesDropped.increment(by: delta.dropped) }
        if delta.dropEvents > 0 { ringDropEvents.increment(by: delta.dropEvents) }
    }

    public func request() { httpRequests.increment() }

    /// Failed candidates that were damaged copies of a stored good frame (not stored themselves).
    public func damagedCopies(satellite: String, count: Int) {
        Metrics.Counter(label: "gsd_frames_damaged_copies_total", dimensions: [("satellite", satellite)], factory: factory)
            .increment(by: count)
    }

    /// A decoded frame the store refused (disk full, read-only, database gone): counted, never announced.
    public func frameNotStored(satellite: String) {
        Metrics.Counter(label: "gsd_frames_not_stored_total", dimensions: [("satellite", satellite)], factory: factory).increment()
    }

    public func render() -> [UInt8] { registry.emitToBuffer() }
}
