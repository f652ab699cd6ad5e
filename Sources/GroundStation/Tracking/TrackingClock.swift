import Foundation

/// The time source of a `PassTracker`: real time in service, simulated time in tests.
public protocol TrackingClock: Sendable {
    /// The current time.
    func now() -> Date
    /// Returns at `date` (immediately if it has passed). Throws `CancellationError` when cancelled.
    func sleep(until date: Date) async throws
}
