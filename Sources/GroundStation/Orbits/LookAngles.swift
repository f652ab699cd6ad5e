import Foundation

/// Where a satellite appears from a ground station: azimuth (degrees from north through east, 0 ..< 360),
/// elevation (degrees above the local ellipsoid horizon, no refraction), slant range (km) and range rate
/// (km/s, positive when receding).
public struct LookAngles: Sendable, Hashable {
    public var azimuth: Double
    public var elevation: Double
    public var range: Double
    public var rangeRate: Double

    public init(azimuth: Double, elevation: Double, range: Double, rangeRate: Double) {
        self.azimuth = azimuth
        self.elevation = elevation
        self.range = range
        self.rangeRate = rangeRate
    }

    /// A station with its Earth-fixed position and local east/north/up axes worked out once.
    public struct Observer: Sendable, Hashable {
        public let location: GeodeticPosition
        public let position: SIMD3<Double>
        @usableFromInline let east, north, up: SIMD3<Double>

        public init(_ location: GeodeticPosition) {
            self.location = location
            position = location.ecef
            let phi = location.latitude * .pi / 180, lambda = location.longitude * .pi / 180
            let sp = sin(phi), cp = cos(phi), sl = sin(lambda), cl = cos(lambda)
            east = SIMD3(-sl, cl, 0)
            north = SIMD3(-sp * cl, -sp * sl, cp)
            up = SIMD3(cp * cl, cp * sl, sp)
        }

        /// Look angles to a satellite given in the Earth-fixed frame.
        @inlinable
        public func lookAngles(to satellite: EarthFrames.FixedState) -> LookAngles {
            let rho = satellite.position - position
            let range = (rho * rho).sum().squareRoot()
            let e = (rho * east).sum(), n = (rho * north).sum(), u = (rho * up).sum()
            var az = atan2(e, n) * 180 / .pi
            if az < 0 { az += 360 }
            // atan2 keeps full precision near the zenith, where asin(u / range) does not.
            let el = atan2(u, (e * e + n * n).squareRoot()) * 180 / .pi
            let rate = (rho * satellite.velocity).sum() / range
            return LookAngles(azimuth: az, elevation: el, range: range, rangeRate: rate)
        }

        /// Look angles to a satellite given by its TEME state at `date`.
        @inlinable
        public func lookAngles(to state: TEMEState, at date: JulianDate) -> LookAngles {
            lookAngles(to: EarthFrames.earthFixed(state, at: date))
        }
    }
}
