import Foundation
import TelemetryDecode

extension FrequencyProfile {
    /// The downlink's Doppler shift every second of the pass (hertz, seconds from `from`): received
    /// frequency − transmitted frequency = −f·ṙ/c.
    public static func passDoppler(frequency: Double, angles: LookAngleProvider, from: Date, to: Date) -> FrequencyProfile {
        let span = max(1, to.timeIntervalSince(from) + 2)
        var points: [(time: Double, hertz: Double)] = []
        var t = 0.0
        while t <= span {
            if let a = angles.angles(at: from.addingTimeInterval(t)) {
                points.append((t, DopplerCorrection.downlinkFrequency(nominal: frequency, rangeRate: a.rangeRate) - frequency))
            }
            t += 1
        }
        return FrequencyProfile(points: points)
    }
}
