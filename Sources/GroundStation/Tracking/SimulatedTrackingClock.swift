import TelemetryDecode
import Foundation

/// A clock that starts at a chosen date (for example during a pass in the past).
///
/// - `rate: nil`: virtual time — `sleep(until:)` jumps there at once, so a whole pass runs in
///   milliseconds.
/// - `rate: r`: scaled real time — simulated time advances r seconds per real second from creation
///   (1: real time, for hardware such as a slewing rotator that moves in real time).
public final class SimulatedTrackingClock: TrackingClock {
    public let start: Date
    public let rate: Double?
    private let realStart: ContinuousClock.Instant
    private let virtualNow: Locked<Date>

    public init(start: Date, rate: Double? = nil) {
        self.start = start
        self.rate = rate.flatMap { $0.isFinite && $0 > 0 ? $0 : nil }
        self.realStart = ContinuousClock.now
        self.virtualNow = Locked(start)
    }

    public func now() -> Date {
        guard let rate else { return virtualNow.withLock { $0 } }
        let elapsed = realStart.duration(to: ContinuousClock.now)
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
        return start.addingTimeInterval(seconds * rate)
    }

    /// Moves virtual time forward (no effect on a scaled real-time clock).
    public func advance(by seconds: Double) {
        guard rate == nil, seconds > 0 else { return }
        virtualNow.withLock { $0 = $0.addingTimeInterval(seconds) }
    }

    public func sleep(until date: Date) async throws {
        try Task.checkCancellation()
        guard let rate else {
            virtualNow.withLock { if date > $0 { $0 = date } }
            return
        }
        let realSeconds = date.timeIntervalSince(now()) / rate
        if realSeconds > 0 { try await Task.sleep(for: .milliseconds(Int64((realSeconds * 1000).rounded(.up)))) }
    }
}
