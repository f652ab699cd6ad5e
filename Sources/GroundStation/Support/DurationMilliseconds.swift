extension Duration {
    /// Whole milliseconds (truncated), for APIs that take them (semaphore and poll timeouts).
    var wholeMilliseconds: Int {
        Int(components.seconds) * 1000 + Int(components.attoseconds / 1_000_000_000_000_000)
    }
}
