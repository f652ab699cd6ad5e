/// Tuner gain: the tuner's AGC, or a manual gain in dB (rounded to the nearest step the tuner has).
public enum RTLSDRGain: Sendable, Hashable, CustomStringConvertible {
    case automatic
    case manual(dB: Double)

    /// Parses "auto" or a number of dB.
    public init?(_ text: String) {
        if text.lowercased() == "auto" { self = .automatic; return }
        guard let v = Double(text), v.isFinite else { return nil }
        self = .manual(dB: v)
    }

    public var description: String {
        switch self {
        case .automatic: "auto"
        case .manual(let db): "\(db) dB"
        }
    }
}
