import Foundation

/// Who is reporting: the station's callsign and position, as SiDS servers want them.
public struct SiDSStation: Sendable, Equatable, Codable {
    public var callsign: String
    /// Degrees, north positive.
    public var latitude: Double
    /// Degrees, east positive.
    public var longitude: Double

    public init(callsign: String, latitude: Double, longitude: Double) {
        self.callsign = callsign
        self.latitude = latitude
        self.longitude = longitude
    }
}

/// One received frame to share with SiDS (Simple Downlink Share Convention) telemetry servers such as
/// SatNOGS DB's `/api/telemetry/`: a form POST of noradID, source (callsign), timestamp (ISO 8601 UTC
/// with milliseconds), frame (upper-case hex), locator "longLat", longitude ("12.3456E"/"W"),
/// latitude ("N"/"S"), and azimuth/elevation of the satellite when known.
public struct SiDSReport: Sendable, Equatable, Codable {
    public var norad: Int
    public var time: Date
    public var bytes: [UInt8]
    public var azimuth: Double?
    public var elevation: Double?

    public init(norad: Int, time: Date, bytes: [UInt8], azimuth: Double? = nil, elevation: Double? = nil) {
        self.norad = norad
        self.time = time
        self.bytes = bytes
        self.azimuth = azimuth
        self.elevation = elevation
    }

    /// A stored frame of a pass of satellite `norad`.
    public init(norad: Int, frame: FrameRecord) {
        self.init(norad: norad, time: frame.time, bytes: frame.bytes, azimuth: frame.azimuth, elevation: frame.elevation)
    }

    /// The form fields, in the order they are sent.
    public func formFields(station: SiDSStation) -> [(name: String, value: String)] {
        var fields: [(String, String)] = [
            ("noradID", String(norad)),
            ("source", station.callsign),
            ("timestamp", Self.timestamp(time)),
            ("frame", Self.hex(bytes)),
            ("locator", "longLat"),
            ("longitude", Self.coordinate(station.longitude, positive: "E", negative: "W")),
            ("latitude", Self.coordinate(station.latitude, positive: "N", negative: "S")),
        ]
        if let azimuth, azimuth.isFinite { fields.append(("azimuth", Self.angle(azimuth))) }
        if let elevation, elevation.isFinite { fields.append(("elevation", Self.angle(elevation))) }
        return fields
    }

    /// `application/x-www-form-urlencoded` body of `formFields`.
    public func formBody(station: SiDSStation) -> Data {
        let text = formFields(station: station).map { "\(Self.formEncode($0.name))=\(Self.formEncode($0.value))" }.joined(separator: "&")
        return Data(text.utf8)
    }

    /// "2026-11-25T17:00:00.000Z": UTC, milliseconds.
    public static func timestamp(_ date: Date) -> String { JulianDate(date).iso8601(fractionDigits: 3) }

    static func hex(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789ABCDEF".utf8)
        var out = [UInt8]()
        out.reserveCapacity(bytes.count * 2)
        for b in bytes {
            out.append(digits[Int(b >> 4)])
            out.append(digits[Int(b & 0x0F)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    static func unhex(_ text: String) -> [UInt8]? {
        let chars = Array(text.utf8)
        guard chars.count % 2 == 0 else { return nil }
        func nibble(_ c: UInt8) -> UInt8? {
            switch c {
            case 0x30...0x39: return c - 0x30
            case 0x41...0x46: return c - 0x41 + 10
            case 0x61...0x66: return c - 0x61 + 10
            default: return nil
            }
        }
        var out = [UInt8]()
        out.reserveCapacity(chars.count / 2)
        var i = 0
        while i < chars.count {
            guard let hi = nibble(chars[i]), let lo = nibble(chars[i + 1]) else { return nil }
            out.append(hi << 4 | lo)
            i += 2
        }
        return out
    }

    /// Degrees with one decimal; never "-0.0".
    static func angle(_ degrees: Double) -> String {
        let text = String(format: "%.1f", degrees)
        return text == "-0.0" ? "0.0" : text
    }

    /// "12.3456E": degrees without sign, 4 decimals (about 10 m), then the hemisphere letter.
    static func coordinate(_ degrees: Double, positive: String, negative: String) -> String {
        String(format: "%.4f", abs(degrees)) + (degrees < 0 ? negative : positive)
    }

    /// Percent-encodes all but the unreserved characters (RFC 3986), so the body decodes the same everywhere.
    static func formEncode(_ text: String) -> String {
        var out = ""
        for byte in text.utf8 {
            switch byte {
            case 0x41...0x5A, 0x61...0x7A, 0x30...0x39, 0x2D, 0x2E, 0x5F, 0x7E: out.append(Character(UnicodeScalar(byte)))
            default: out += String(format: "%%%02X", byte)
            }
        }
        return out
    }

    // The journal keeps the frame as hex: a third of the size of a JSON number array.
    enum CodingKeys: String, CodingKey {
        case norad, time, frame, azimuth, elevation
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        norad = try c.decode(Int.self, forKey: .norad)
        time = Date(timeIntervalSince1970: try c.decode(Double.self, forKey: .time))
        let text = try c.decode(String.self, forKey: .frame)
        guard let bytes = Self.unhex(text) else {
            throw DecodingError.dataCorruptedError(forKey: .frame, in: c, debugDescription: "frame is not hex")
        }
        self.bytes = bytes
        azimuth = try c.decodeIfPresent(Double.self, forKey: .azimuth)
        elevation = try c.decodeIfPresent(Double.self, forKey: .elevation)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(norad, forKey: .norad)
        try c.encode(time.timeIntervalSince1970, forKey: .time)
        try c.encode(Self.hex(bytes), forKey: .frame)
        try c.encodeIfPresent(azimuth, forKey: .azimuth)
        try c.encodeIfPresent(elevation, forKey: .elevation)
    }
}
