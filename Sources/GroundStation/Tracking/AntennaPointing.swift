import Foundation

/// Decides where to point an az/el rotator and when to send a new position.
///
/// Targets are topocentric (azimuth 0 ..< 360 from north through east, elevation in degrees). The
/// rotator frame may differ:
/// - `.degrees360`: azimuth 0…360. A pass crossing north makes the rotator swing once around, unless
///   flip mode avoids it.
/// - `.degrees450`: azimuth 0…450. For a pass that crosses north, the whole pass is shifted into one
///   continuous stretch of the range (for example 300…420 instead of 300…360, 0…60), so the rotator
///   never swings through the end stop ("keyhole") mid-pass.
/// - Flip mode (rotators with 180° of elevation): a direction (az, el) can also be reached as
///   (az ± 180, 180 − el). When the normal track of a pass would cross the azimuth end stop and the
///   flipped one does not, the whole pass is flown flipped.
///
/// `plan(track:)` makes that choice for a pass from its predicted track; `command(forAzimuth:elevation:)`
/// then returns a rotator position only when the target has moved more than `threshold` degrees
/// (great-circle angle on the sky, so 359.5° → 0.5° is a 1° move) from the last position sent.
public struct AntennaPointing: Sendable, Hashable {
    public enum AzimuthRange: Sendable, Hashable {
        /// 0…360°.
        case degrees360
        /// 0…450°: 90° of overlap past north.
        case degrees450

        public var maximum: Double {
            switch self {
            case .degrees360: 360
            case .degrees450: 450
            }
        }
    }

    /// A position in the rotator's frame.
    public struct Position: Sendable, Hashable, CustomStringConvertible {
        public var azimuth: Double
        public var elevation: Double
        public init(azimuth: Double, elevation: Double) {
            self.azimuth = azimuth
            self.elevation = elevation
        }
        public var description: String { String(format: "az %.2f el %.2f", azimuth, elevation) }
    }

    public var azimuthRange: AzimuthRange
    /// The rotator has 0…180° of elevation and may fly a pass flipped.
    public var flipCapable: Bool
    /// Degrees of sky angle the target must move before a new position is sent.
    public var threshold: Double

    /// Whether the current pass is flown flipped (az ± 180, el 180 − el).
    public private(set) var flipped = false
    /// The last position returned by `command` (rotator frame), if any.
    public private(set) var lastCommanded: Position?
    /// Azimuth (rotator frame) the next position should be continuous with; set by `plan`.
    private var anchor: Double?

    public init(azimuthRange: AzimuthRange = .degrees360, flipCapable: Bool = false, threshold: Double = 2) {
        self.azimuthRange = azimuthRange
        self.flipCapable = flipCapable
        self.threshold = max(0, threshold)
    }

    /// Chooses normal or flipped pointing and the azimuth representation for a pass from its predicted
    /// track (topocentric azimuth/elevation in time order, normally the part above the horizon).
    /// Forgets the last commanded position.
    public mutating func plan(track: [(azimuth: Double, elevation: Double)]) {
        lastCommanded = nil
        flipped = false
        anchor = nil
        guard let first = track.first else { return }
        let unwrapped = Self.unwrap(track.map(\.azimuth))
        if let shift = fit(unwrapped) {
            anchor = unwrapped[0] + shift
            return
        }
        if flipCapable, let shift = fit(unwrapped.map { $0 + 180 }) {
            flipped = true
            anchor = unwrapped[0] + 180 + shift
            return
        }
        // Nothing avoids a swing: start at the plain azimuth of the first point.
        anchor = Self.normalize(first.azimuth)
    }

    /// The rotator position for a topocentric direction under the current plan, continuous with the
    /// last commanded position (or the planned start). Elevation below the horizon is clamped to 0.
    public func position(azimuth: Double, elevation: Double) -> Position {
        let el = min(90, max(0, elevation))
        var az = Self.normalize(azimuth)
        var rotEl = el
        if flipped {
            az = Self.normalize(az + 180)
            rotEl = 180 - el
        }
        let reference = lastCommanded?.azimuth ?? anchor ?? az
        return Position(azimuth: representation(of: az, nearest: reference), elevation: rotEl)
    }

    /// The position to send for the target, or nil when it is within `threshold` of the last one sent.
    public mutating func command(forAzimuth azimuth: Double, elevation: Double) -> Position? {
        guard azimuth.isFinite, elevation.isFinite else { return nil }
        if let last = lastCommanded {
            let lastSky = skyDirection(of: last)
            let target = (azimuth: azimuth, elevation: min(90, max(0, elevation)))
            if Self.angle(lastSky, target) <= threshold { return nil }
        }
        let p = position(azimuth: azimuth, elevation: elevation)
        lastCommanded = p
        return p
    }

    /// Forgets the last commanded position (the next `command` always returns one).
    public mutating func reset() { lastCommanded = nil }

    /// The topocentric direction a rotator position points at.
    public func skyDirection(of p: Position) -> (azimuth: Double, elevation: Double) {
        if p.elevation > 90 {
            return (Self.normalize(p.azimuth + 180), 180 - p.elevation)
        }
        return (Self.normalize(p.azimuth), p.elevation)
    }

    // MARK: - Geometry

    /// Great-circle angle in degrees between two directions.
    public static func angle(
        _ a: (azimuth: Double, elevation: Double), _ b: (azimuth: Double, elevation: Double)
    ) -> Double {
        let d = Double.pi / 180
        let c =
            sin(a.elevation * d) * sin(b.elevation * d)
            + cos(a.elevation * d) * cos(b.elevation * d) * cos((a.azimuth - b.azimuth) * d)
        return acos(min(1, max(-1, c))) / d
    }

    /// 0 ..< 360.
    static func normalize(_ az: Double) -> Double {
        let r = az.truncatingRemainder(dividingBy: 360)
        let n = r < 0 ? r + 360 : r
        return n >= 360 ? 0 : n
    }

    /// Azimuths made continuous (no ±360 jumps between neighbours); the first stays in 0 ..< 360.
    static func unwrap(_ azimuths: [Double]) -> [Double] {
        var out: [Double] = []
        out.reserveCapacity(azimuths.count)
        for a in azimuths {
            guard let prev = out.last else {
                out.append(normalize(a))
                continue
            }
            out.append(prev + remainder(a - prev, 360))
        }
        return out
    }

    /// A multiple of 360 that moves the continuous track inside 0…maximum, preferring the lowest
    /// azimuths; nil when none does.
    private func fit(_ track: [Double]) -> Double? {
        guard let lo = track.min(), let hi = track.max() else { return nil }
        let k = (-lo / 360).rounded(.up)
        let shift = k * 360
        return hi + shift <= azimuthRange.maximum + 1e-9 ? shift : nil
    }

    /// The azimuth az + 360·n inside 0…maximum nearest to `reference`.
    private func representation(of az: Double, nearest reference: Double) -> Double {
        var best = az
        var bestDistance = Double.infinity
        var candidate = az
        while candidate <= azimuthRange.maximum + 1e-9 {
            let d = abs(candidate - reference)
            if d < bestDistance {
                best = candidate
                bestDistance = d
            }
            candidate += 360
        }
        return min(best, azimuthRange.maximum)
    }
}
