import TelemetryDecode

/// One satellite of the catalogue.
public struct Satellite: Sendable, Hashable {
    public var name: String
    public var alternativeNames: [String]
    public var norad: Int
    public var transmitters: [TransmitterSpec]
    /// The catalogue file it came from.
    public var source: String
    /// Telemetry definition names (catalogue/telemetry) per transmitter name, tried in order.
    public var telemetry: [String: [String]] = [:]

    public init(name: String, alternativeNames: [String] = [], norad: Int, transmitters: [TransmitterSpec], source: String) {
        self.name = name
        self.alternativeNames = alternativeNames
        self.norad = norad
        self.transmitters = transmitters
        self.source = source
    }

    /// The telemetry definitions for frames of `transmitter`: its own (none when it has no `telemetry:` key,
    /// so another transmitter's layout is never applied to its frames); every transmitter's, in order, when
    /// the transmitter is not known (nil or not in the catalogue). A transmitter of AX.25 frames without a
    /// `telemetry:` key gets the generic `ax25` definition: its header (callsigns) always decodes.
    public func telemetryDefinitions(transmitter: String?) -> [String] {
        func own(_ t: TransmitterSpec) -> [String] {
            telemetry[t.name] ?? (Self.ax25Framings.contains(t.framing) ? [Self.ax25Definition] : [])
        }
        if let transmitter, let t = transmitters.first(where: { $0.name == transmitter }) { return own(t) }
        var all: [String] = []
        for t in transmitters { for n in own(t) where !all.contains(n) { all.append(n) } }
        return all
    }

    /// Framings whose frames are plain AX.25 frames, and the definition that decodes any of them.
    static let ax25Framings: Set<Framing> = [.ax25, .ax25G3RUH]
    static let ax25Definition = "ax25"
}
