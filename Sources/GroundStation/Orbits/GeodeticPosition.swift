import Foundation

/// A place on or above the WGS-84 ellipsoid: geodetic latitude and longitude in degrees (east positive),
/// height above the ellipsoid in metres.
public struct GeodeticPosition: Sendable, Hashable, CustomStringConvertible {
    public var latitude: Double
    public var longitude: Double
    public var altitude: Double

    /// WGS-84 equatorial radius, km.
    public static let equatorialRadius = 6378.137
    /// WGS-84 flattening.
    public static let flattening = 1 / 298.257223563

    public init(latitude: Double, longitude: Double, altitude: Double = 0) {
        self.latitude = latitude
        self.longitude = longitude
        self.altitude = altitude
    }

    /// Earth-centred, Earth-fixed position in km.
    public var ecef: SIMD3<Double> {
        let phi = latitude * .pi / 180, lambda = longitude * .pi / 180
        let f = Self.flattening
        let e2 = f * (2 - f)
        let sinPhi = sin(phi), cosPhi = cos(phi)
        let n = Self.equatorialRadius / (1 - e2 * sinPhi * sinPhi).squareRoot()
        let h = altitude / 1000
        return SIMD3(
            (n + h) * cosPhi * cos(lambda), (n + h) * cosPhi * sin(lambda), (n * (1 - e2) + h) * sinPhi)
    }

    /// Parses "LAT,LON[,ALT_M]" (decimal degrees, metres).
    public init?(parsing text: String) {
        let parts = text.split(separator: ",").map { Double($0.trimmingCharacters(in: .whitespaces)) }
        guard parts.count == 2 || parts.count == 3, let lat = parts[0], let lon = parts[1],
            abs(lat) <= 90, abs(lon) <= 360, lat.isFinite, lon.isFinite
        else { return nil }
        var alt = 0.0
        if parts.count == 3 {
            guard let a = parts[2], a.isFinite else { return nil }
            alt = a
        }
        self.init(latitude: lat, longitude: lon, altitude: alt)
    }

    public var description: String { "\(latitude),\(longitude),\(altitude)" }
}
