import Foundation

/// Look angles of a pass's satellite at reception times. For a recording played as a pass, reception
/// time is mapped onto the predicted pass it stands in for: `offset` seconds into the recording are
/// `offset` seconds after that pass's AOS.
public struct LookAngleProvider: Sendable {
    let predictor: PassPredictor
    /// Added to a reception time to get the time whose geometry applies.
    let shift: TimeInterval

    public init(elements: MeanElements, station: GeodeticPosition, passStart: Date, geometryStart: Date?) throws {
        predictor = PassPredictor(propagator: try SGP4Propagator(elements), station: station)
        shift = geometryStart.map { $0.timeIntervalSince(passStart) } ?? 0
    }

    public func angles(at time: Date) -> LookAngles? {
        try? predictor.lookAngles(at: JulianDate(time.addingTimeInterval(shift)))
    }
}
