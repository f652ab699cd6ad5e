/// One pass of a satellite over a station: acquisition of signal (rising through the minimum elevation),
/// time of closest approach (maximum elevation) and loss of signal.
public struct SatellitePass: Sendable, Hashable {
    public var noradID: Int
    public var name: String?
    public var aos: JulianDate
    public var tca: JulianDate
    public var los: JulianDate
    /// Degrees.
    public var maxElevation: Double
    /// Degrees from north, at AOS, TCA and LOS.
    public var aosAzimuth: Double
    public var tcaAzimuth: Double
    public var losAzimuth: Double
    /// The satellite was already above the minimum elevation at the start of the search window
    /// (`aos` is the window start).
    public var startsBeforeWindow: Bool
    /// The satellite was still above the minimum elevation at the end of the window (`los` is the end).
    public var endsAfterWindow: Bool

    public init(
        noradID: Int, name: String?, aos: JulianDate, tca: JulianDate, los: JulianDate, maxElevation: Double,
        aosAzimuth: Double, tcaAzimuth: Double, losAzimuth: Double, startsBeforeWindow: Bool = false,
        endsAfterWindow: Bool = false
    ) {
        self.noradID = noradID
        self.name = name
        self.aos = aos
        self.tca = tca
        self.los = los
        self.maxElevation = maxElevation
        self.aosAzimuth = aosAzimuth
        self.tcaAzimuth = tcaAzimuth
        self.losAzimuth = losAzimuth
        self.startsBeforeWindow = startsBeforeWindow
        self.endsAfterWindow = endsAfterWindow
    }

    /// Seconds from AOS to LOS.
    public var duration: Double { los.minutes(since: aos) * 60 }
}
