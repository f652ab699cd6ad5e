/// The good frames a deframer emitted lately, so that one frame found twice (several sync hits, both
/// polarities, overlapping candidates) is emitted once.
struct RecentFrames: Sendable {
    private var items: [(bytes: [UInt8], position: Int)] = []

    /// True when `bytes` were emitted within `window` symbols before `position`; otherwise records them.
    mutating func isRepeat(_ bytes: [UInt8], at position: Int, window: Int) -> Bool {
        items.removeAll { position - $0.position > window }
        if items.contains(where: { $0.bytes == bytes }) { return true }
        items.append((bytes, position))
        return false
    }

    mutating func removeAll() { items.removeAll() }
}
