import Foundation
import Testing

/// Runs a suite's tests on threads of their own instead of Swift's cooperative pool.
///
/// Swift Testing starts every test at once on the cooperative pool (one thread per core). A test that
/// decodes recordings synchronously holds its pool thread for seconds, and a waiting test's next step is
/// queued behind every such test not yet run: on a 2-core machine daemon tests were starved for over a
/// minute and missed their deadlines. Compute-bound suites carry `.computeThreads`, so the pool stays free
/// for the tests that wait on processes, sockets and clocks.
public struct ComputeThreads: SuiteTrait, TestTrait, TestScoping {
    public var isRecursive: Bool { true }

    public func provideScope(
        for test: Test, testCase: Test.Case?, performing function: @Sendable () async throws -> Void
    ) async throws {
        try await withTaskExecutorPreference(ComputeExecutor.shared) { try await function() }
    }
}

extension Trait where Self == ComputeThreads {
    /// The test's code runs on `ComputeExecutor`'s threads (see `ComputeThreads`).
    public static var computeThreads: Self { ComputeThreads() }
}

/// A task executor with one thread per core, separate from the cooperative pool; jobs run in the order
/// they arrive.
public final class ComputeExecutor: TaskExecutor, @unchecked Sendable {
    public static let shared = ComputeExecutor(threads: ProcessInfo.processInfo.activeProcessorCount)

    private let condition = NSCondition()
    private var queue: [UnownedJob] = []  // guarded by `condition`

    init(threads: Int) {
        for index in 0..<max(1, threads) {
            let thread = Thread { [unowned self] in self.serve() }
            thread.name = "compute-\(index)"
            thread.start()
        }
    }

    public func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        condition.lock()
        queue.append(job)
        condition.signal()
        condition.unlock()
    }

    private func serve() {
        while true {
            condition.lock()
            while queue.isEmpty { condition.wait() }
            let job = queue.removeFirst()
            condition.unlock()
            job.runSynchronously(on: asUnownedTaskExecutor())
        }
    }
}
