import Foundation

/// One entry of the daemon's schedule: a predicted pass (live source) or a recording the `file` source
/// will play as a pass.
public struct ScheduledPass: Sendable, Equatable {
    public enum State: String, Sendable, Codable {
        case pending, running, done, failed
        /// Lost an overlap to a pass of higher priority (see `PassScheduler`).
        case skipped
    }

    public var slot: Int
    public var norad: Int
    public var satellite: String
    public var start: Date
    public var end: Date
    /// Degrees, when the pass was predicted from elements.
    public var maxElevation: Double?
    public var state: State
    /// Why the pass was skipped or failed.
    public var note: String?
    /// The recording played for this pass (`file` source only).
    public var recording: DaemonConfiguration.FileRecording?
    /// The predicted pass whose geometry gives the look angles (for a file pass: the satellite's next real
    /// pass, with the recording's time mapped onto it from AOS).
    public var geometry: SatellitePass?
    /// Id of the stored pass once observation has begun.
    public var passID: Int64?

    public init(
        slot: Int, norad: Int, satellite: String, start: Date, end: Date, maxElevation: Double? = nil,
        state: State = .pending, note: String? = nil, recording: DaemonConfiguration.FileRecording? = nil,
        geometry: SatellitePass? = nil, passID: Int64? = nil
    ) {
        self.slot = slot
        self.norad = norad
        self.satellite = satellite
        self.start = start
        self.end = end
        self.maxElevation = maxElevation
        self.state = state
        self.note = note
        self.recording = recording
        self.geometry = geometry
        self.passID = passID
    }

    public func overlaps(_ other: ScheduledPass) -> Bool { start < other.end && other.start < end }
}
