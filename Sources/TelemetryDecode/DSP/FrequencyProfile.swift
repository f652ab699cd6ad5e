/// A frequency that changes over time, as points (seconds, hertz) joined by straight lines and held
/// constant before the first and after the last point. Built from a pass prediction (Doppler every
/// second or so), it tells a `FrequencyShifter` how far the signal has moved at any sample.
public struct FrequencyProfile: Sendable, Equatable {
    public let times: [Double]
    public let hertz: [Double]

    /// `points` must be in increasing time order; non-finite points are dropped.
    public init(points: [(time: Double, hertz: Double)]) {
        var t: [Double] = [], f: [Double] = []
        for p in points where p.time.isFinite && p.hertz.isFinite {
            if let last = t.last, p.time <= last { continue }
            t.append(p.time)
            f.append(p.hertz)
        }
        times = t
        hertz = f
    }

    /// A constant frequency.
    public static func constant(_ hertz: Double) -> FrequencyProfile { FrequencyProfile(points: [(0, hertz)]) }

    /// The frequency at `time` seconds (0 when the profile is empty).
    public func frequency(at time: Double) -> Double {
        guard let first = times.first, let last = times.last else { return 0 }
        if time <= first { return hertz[0] }
        if time >= last { return hertz[hertz.count - 1] }
        // Binary search for the segment [lo, lo + 1] containing `time`.
        var lo = 0, hi = times.count - 1
        while hi - lo > 1 {
            let mid = (lo + hi) / 2
            if times[mid] <= time { lo = mid } else { hi = mid }
        }
        let u = (time - times[lo]) / (times[hi] - times[lo])
        return hertz[lo] + u * (hertz[hi] - hertz[lo])
    }
}
