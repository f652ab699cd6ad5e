import Foundation

/// An Orbit Mean-Elements Message in CelesTrak's GP JSON form (CCSDS OMM keywords), as served by
/// `https://celestrak.org/NORAD/elements/gp.php?...&FORMAT=JSON`.
///
/// Numeric fields are accepted as JSON numbers or as strings (Space-Track writes strings).
/// `EPOCH` is UTC, "YYYY-MM-DDTHH:MM:SS[.ffffff][Z]".
public struct OMM: Sendable, Hashable, Decodable {
    public var objectName: String?
    public var objectID: String?
    public var epoch: String
    /// Revolutions per day.
    public var meanMotion: Double
    public var eccentricity: Double
    /// Degrees.
    public var inclination: Double
    public var rightAscension: Double
    public var argumentOfPericenter: Double
    public var meanAnomaly: Double
    public var ephemerisType: Int?
    public var classificationType: String?
    public var noradCatalogueID: Int
    public var elementSetNumber: Int?
    public var revolutionAtEpoch: Int?
    public var bstar: Double
    /// rev/day², as in the TLE (half the derivative).
    public var meanMotionDot: Double
    /// rev/day³, as in the TLE (a sixth of the second derivative).
    public var meanMotionDDot: Double

    enum CodingKeys: String, CodingKey {
        case objectName = "OBJECT_NAME", objectID = "OBJECT_ID", epoch = "EPOCH", meanMotion = "MEAN_MOTION"
        case eccentricity = "ECCENTRICITY", inclination = "INCLINATION", rightAscension = "RA_OF_ASC_NODE"
        case argumentOfPericenter = "ARG_OF_PERICENTER", meanAnomaly = "MEAN_ANOMALY"
        case ephemerisType = "EPHEMERIS_TYPE", classificationType = "CLASSIFICATION_TYPE"
        case noradCatalogueID = "NORAD_CAT_ID", elementSetNumber = "ELEMENT_SET_NO"
        case revolutionAtEpoch = "REV_AT_EPOCH", bstar = "BSTAR", meanMotionDot = "MEAN_MOTION_DOT"
        case meanMotionDDot = "MEAN_MOTION_DDOT"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        func number(_ key: CodingKeys) throws -> Double {
            if let v = try? c.decode(Double.self, forKey: key) { return v }
            let s = try c.decode(String.self, forKey: key)
            guard let v = Double(s.trimmingCharacters(in: .whitespaces)) else {
                throw DecodingError.dataCorruptedError(
                    forKey: key, in: c, debugDescription: "\(key.rawValue) \"\(s)\" is not a number")
            }
            return v
        }
        func optionalNumber(_ key: CodingKeys) throws -> Double? {
            guard c.contains(key), try !c.decodeNil(forKey: key) else { return nil }
            return try number(key)
        }
        func optionalInteger(_ key: CodingKeys) throws -> Int? {
            guard let v = try optionalNumber(key) else { return nil }
            guard let i = Int(exactly: v) else {
                throw DecodingError.dataCorruptedError(
                    forKey: key, in: c, debugDescription: "\(key.rawValue) \(v) is not an integer")
            }
            return i
        }
        objectName = try c.decodeIfPresent(String.self, forKey: .objectName)
        objectID = try c.decodeIfPresent(String.self, forKey: .objectID)
        epoch = try c.decode(String.self, forKey: .epoch)
        meanMotion = try number(.meanMotion)
        eccentricity = try number(.eccentricity)
        inclination = try number(.inclination)
        rightAscension = try number(.rightAscension)
        argumentOfPericenter = try number(.argumentOfPericenter)
        meanAnomaly = try number(.meanAnomaly)
        ephemerisType = try optionalInteger(.ephemerisType)
        classificationType = try c.decodeIfPresent(String.self, forKey: .classificationType)
        guard let id = try optionalInteger(.noradCatalogueID) else {
            throw DecodingError.keyNotFound(
                CodingKeys.noradCatalogueID, .init(codingPath: c.codingPath, debugDescription: "NORAD_CAT_ID missing"))
        }
        noradCatalogueID = id
        elementSetNumber = try optionalInteger(.elementSetNumber)
        revolutionAtEpoch = try optionalInteger(.revolutionAtEpoch)
        bstar = try optionalNumber(.bstar) ?? 0
        meanMotionDot = try optionalNumber(.meanMotionDot) ?? 0
        meanMotionDDot = try optionalNumber(.meanMotionDDot) ?? 0
    }

    /// Decodes a JSON array of messages, or a single message object.
    public static func decode(_ data: Data) throws(OMMError) -> [OMM] {
        let decoder = JSONDecoder()
        do {
            if let list = try? decoder.decode([OMM].self, from: data) { return list }
            return [try decoder.decode(OMM.self, from: data)]
        } catch let e as DecodingError {
            throw .invalidJSON(OMMError.describe(e))
        } catch {
            throw .invalidJSON("\(error)")
        }
    }

    /// Reads a file of messages (see `decode`).
    public static func load(contentsOf url: URL) throws(OMMError) -> [OMM] {
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw .unreadable(path: url.path, reason: (error as NSError).localizedDescription)
        }
        return try decode(data)
    }

    /// The epoch as a Julian date.
    public func epochDate() throws(OMMError) -> JulianDate {
        guard let date = Self.parseEpoch(epoch) else {
            throw .invalidEpoch(noradID: noradCatalogueID, text: epoch)
        }
        return date
    }

    /// Elements in SGP4's units.
    public func meanElements() throws(OMMError) -> MeanElements {
        MeanElements(
            noradID: noradCatalogueID, name: objectName, epoch: try epochDate(), inclinationDegrees: inclination,
            rightAscensionDegrees: rightAscension, eccentricity: eccentricity,
            argumentOfPerigeeDegrees: argumentOfPericenter, meanAnomalyDegrees: meanAnomaly,
            revolutionsPerDay: meanMotion, bstar: bstar, meanMotionDot: meanMotionDot * 2,
            meanMotionDDot: meanMotionDDot * 6)
    }

    /// "2024-02-29T12:25:00.000000" (fraction and a trailing "Z" optional) to a Julian date.
    static func parseEpoch(_ text: String) -> JulianDate? {
        guard text.contains("T") else { return nil }
        return JulianDate(iso8601: text)
    }
}
