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

    /// Case-insensitive match on the name or an alternative name.
    public func matches(name query: String) -> Bool {
        let q = query.lowercased()
        return name.lowercased() == q || alternativeNames.contains { $0.lowercased() == q }
    }

    /// The telemetry definitions for frames of `transmitter`: its own (none when it has no `telemetry:` key,
    /// so another transmitter's layout is never applied to its frames); every transmitter's, in order, when
    /// the transmitter is not known (nil or not in the catalogue).
    public func telemetryDefinitions(transmitter: String?) -> [String] {
        if let transmitter, transmitters.contains(where: { $0.name == transmitter }) { return telemetry[transmitter] ?? [] }
        var all: [String] = []
        for t in transmitters { for n in telemetry[t.name] ?? [] where !all.contains(n) { all.append(n) } }
        return all
    }
}
