import Foundation

/// Brouwer/Kozai mean elements as SGP4 consumes them, whatever they were read from (TLE or OMM).
///
/// Angles are in radians, mean motion in radians per minute (Kozai convention, as published in TLEs),
/// `bstar` in inverse Earth radii. `meanMotionDot` and `meanMotionDDot` are carried for completeness
/// (SGP4 does not use them) in rev/day² and rev/day³, already multiplied out (not halved / sixthed).
public struct MeanElements: Sendable, Hashable {
    public var noradID: Int
    public var name: String?
    public var epoch: JulianDate
    public var inclination: Double
    public var rightAscension: Double
    public var eccentricity: Double
    public var argumentOfPerigee: Double
    public var meanAnomaly: Double
    public var meanMotion: Double
    public var bstar: Double
    public var meanMotionDot: Double
    public var meanMotionDDot: Double

    public init(
        noradID: Int, name: String? = nil, epoch: JulianDate, inclination: Double, rightAscension: Double,
        eccentricity: Double, argumentOfPerigee: Double, meanAnomaly: Double, meanMotion: Double,
        bstar: Double, meanMotionDot: Double = 0, meanMotionDDot: Double = 0
    ) {
        self.noradID = noradID
        self.name = name
        self.epoch = epoch
        self.inclination = inclination
        self.rightAscension = rightAscension
        self.eccentricity = eccentricity
        self.argumentOfPerigee = argumentOfPerigee
        self.meanAnomaly = meanAnomaly
        self.meanMotion = meanMotion
        self.bstar = bstar
        self.meanMotionDot = meanMotionDot
        self.meanMotionDDot = meanMotionDDot
    }

    /// Builds elements from the units used in TLEs and OMMs: degrees and revolutions per day.
    public init(
        noradID: Int, name: String?, epoch: JulianDate, inclinationDegrees: Double, rightAscensionDegrees: Double,
        eccentricity: Double, argumentOfPerigeeDegrees: Double, meanAnomalyDegrees: Double,
        revolutionsPerDay: Double, bstar: Double, meanMotionDot: Double, meanMotionDDot: Double
    ) {
        let rad = Double.pi / 180
        self.init(
            noradID: noradID, name: name, epoch: epoch, inclination: inclinationDegrees * rad,
            rightAscension: rightAscensionDegrees * rad, eccentricity: eccentricity,
            argumentOfPerigee: argumentOfPerigeeDegrees * rad, meanAnomaly: meanAnomalyDegrees * rad,
            meanMotion: revolutionsPerDay / (1440 / (2 * Double.pi)), bstar: bstar,
            meanMotionDot: meanMotionDot, meanMotionDDot: meanMotionDDot)
    }

    /// Mean motion in revolutions per day.
    public var revolutionsPerDay: Double { meanMotion * 1440 / (2 * Double.pi) }
}
