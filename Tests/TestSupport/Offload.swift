import Foundation

/// Blocking work (a child process to wait for, a socket to read) on a thread of its own, awaited.
///
/// Swift Testing runs every test on the cooperative pool, which has one thread per core: two tests
/// blocked in waits on a 2-core machine stalled every other test (daemon tests missed their timing).
public enum Offload {
    public static func run<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            Thread.detachNewThread { continuation.resume(with: Result { try work() }) }
        }
    }
}
