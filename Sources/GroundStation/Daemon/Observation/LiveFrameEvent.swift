import Foundation

/// A frame as pushed to live subscribers (SSE, WebSocket) right after it was stored.
public struct LiveFrameEvent: Sendable, Codable, Equatable {
    public var passID: Int64
    public var sequence: Int
    public var norad: Int
    public var satellite: String
    public var time: Date
    public var hex: String
    public var checksOK: Bool
    public var framing: String
    public var azimuth: Double?
    public var elevation: Double?
    /// Decoded telemetry as a nested object, when a definition applies.
    public var telemetry: JSONValue?

    public init(
        passID: Int64, sequence: Int, norad: Int, satellite: String, time: Date, hex: String, checksOK: Bool, framing: String,
        azimuth: Double?, elevation: Double?, telemetry: JSONValue? = nil
    ) {
        self.telemetry = telemetry
        self.passID = passID
        self.sequence = sequence
        self.norad = norad
        self.satellite = satellite
        self.time = time
        self.hex = hex
        self.checksOK = checksOK
        self.framing = framing
        self.azimuth = azimuth
        self.elevation = elevation
    }

    /// A stored frame of `pass`.
    public init(_ frame: FrameRecord, of pass: PassRecord) {
        self.init(
            passID: pass.id, sequence: frame.sequence, norad: pass.norad, satellite: pass.satellite, time: frame.time,
            hex: frame.bytes.map { String(format: "%02x", $0) }.joined(), checksOK: frame.checksOK, framing: frame.framing,
            azimuth: frame.azimuth, elevation: frame.elevation, telemetry: frame.telemetryJSON.flatMap(JSONValue.init(text:)))
    }

    enum CodingKeys: String, CodingKey {
        case passID = "pass_id", sequence, norad, satellite, time, hex, checksOK = "checks_ok", framing, azimuth, elevation, telemetry
    }
}
