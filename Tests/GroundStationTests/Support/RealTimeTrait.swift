import Foundation
import Testing

extension Trait where Self == ConditionTrait {
    /// For tests whose outcome depends on keeping up with the wall clock (a live pass, a tracker's
    /// updates). Inside the parallel suite on two cores their tasks wait behind other tests for tens of
    /// seconds and miss what they measure; `scripts/test` runs them alone afterwards with
    /// `GSD_REALTIME_TESTS=1` (the "real-time" step's filter names each of them).
    static var realTime: Self {
        .enabled(if: ProcessInfo.processInfo.environment["GSD_REALTIME_TESTS"] == "1",
                 "real-time test: run alone with GSD_REALTIME_TESTS=1 (scripts/test does)")
    }
}
