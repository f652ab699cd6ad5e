import Foundation

/// Earth orientation as SGP4 users need it: Greenwich sidereal time and the rotation from TEME to an
/// Earth-fixed frame.
///
/// Polar motion is ignored: the "Earth-fixed" frame here is the pseudo-Earth-fixed frame (PEF), which
/// differs from ITRF by up to ~0.5″ (about 15 m at the surface, well below SGP4's own error of a
/// kilometre or so). UT1 is taken equal to UTC (see `JulianDate`).
public enum EarthFrames {
    /// Position (km) and velocity (km/s, relative to the rotating Earth) in the Earth-fixed frame.
    public struct FixedState: Sendable, Hashable {
        public var position: SIMD3<Double>
        public var velocity: SIMD3<Double>
        @inlinable public init(position: SIMD3<Double>, velocity: SIMD3<Double>) {
            self.position = position
            self.velocity = velocity
        }
    }

    /// Earth's rotation rate, rad/s.
    public static let rotationRate = 7.292115146706979e-5

    /// Greenwich mean sidereal angle in radians, 0 ..< 2π, from the IAU-82 expression (Vallado's `gstime`).
    @inlinable
    public static func greenwichSiderealAngle(_ date: JulianDate) -> Double {
        let tut1 = (date.value - 2_451_545.0) / 36_525.0
        var seconds = -6.2e-6 * tut1 * tut1 * tut1 + 0.093104 * tut1 * tut1
            + (876_600.0 * 3600 + 8_640_184.812866) * tut1 + 67_310.54841
        seconds = (seconds * (Double.pi / 180) / 240.0).truncatingRemainder(dividingBy: 2 * Double.pi)
        if seconds < 0 { seconds += 2 * Double.pi }
        return seconds
    }

    /// TEME position (km) and velocity (km/s) rotated into the Earth-fixed frame at `date`; the velocity is
    /// relative to the rotating Earth.
    @inlinable
    public static func earthFixed(_ state: TEMEState, at date: JulianDate) -> FixedState {
        earthFixed(state, greenwichAngle: greenwichSiderealAngle(date))
    }

    /// As `earthFixed(_:at:)` with the sidereal angle already known.
    @inlinable
    public static func earthFixed(_ state: TEMEState, greenwichAngle g: Double) -> FixedState {
        let c = cos(g), s = sin(g)
        let r = state.position, v = state.velocity
        let rf = SIMD3(c * r.x + s * r.y, -s * r.x + c * r.y, r.z)
        let w = rotationRate
        // v_fixed = R v − ω × r_fixed
        let vf = SIMD3(c * v.x + s * v.y + w * rf.y, -s * v.x + c * v.y - w * rf.x, v.z)
        return FixedState(position: rf, velocity: vf)
    }
}
