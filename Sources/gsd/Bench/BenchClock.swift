import Foundation

/// Wall-clock helpers shared by the benchmarks: repeat a body until enough time has passed.
enum BenchClock {
    /// Runs `body` at least once and until `minimumSeconds` have elapsed; returns (iterations, seconds).
    static func measure(minimumSeconds: Double = 1.0, _ body: () throws -> Void) rethrows -> (Int, Double) {
        // One untimed warm-up so tables and caches are built.
        try body()
        let clock = ContinuousClock()
        let start = clock.now
        var iterations = 0
        var elapsed = 0.0
        repeat {
            try body()
            iterations += 1
            let d = clock.now - start
            elapsed = Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18
        } while elapsed < minimumSeconds
        return (iterations, elapsed)
    }
}

/// Keeps the optimiser from deleting benchmark work whose result is otherwise unused.
@inline(never)
func blackHole<T>(_ value: T) { withExtendedLifetime(value) {} }
