/// Merges the frames of several receivers running on the same signal: a frame found by more than one
/// chain (or repeated by a deframer) within `window` seconds is reported once, keeping the first.
/// Genuine repeats further apart (satellites that send the same beacon twice) are kept.
public struct FrameMerger: Sendable {
    public let window: Double
    private var recent: [(bytes: [UInt8], time: Double)] = []

    public init(window: Double = 1.0) { self.window = window }

    /// Returns true when `frame` is new and should be reported.
    public mutating func accept(_ frame: ReceivedFrame) -> Bool {
        recent.removeAll { frame.time - $0.time > window * 4 }
        if recent.contains(where: { $0.bytes == frame.frame.bytes && abs($0.time - frame.time) <= window }) { return false }
        recent.append((frame.frame.bytes, frame.time))
        return true
    }
}
