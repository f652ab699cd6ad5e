import Foundation
import TelemetryDecode

/// Catalogue + telemetry definitions → decoded frames: what the CLI and the daemon call to turn frame bytes
/// into values. Built once; decoding is pure and safe to share across tasks.
public struct TelemetryService: Sendable {
    public let catalogue: SatelliteCatalogue
    public let library: TelemetryLibrary

    /// Checks that every `telemetry:` name in the catalogue is a loaded definition.
    public init(catalogue: SatelliteCatalogue, library: TelemetryLibrary) throws(CatalogueError) {
        for sat in catalogue.satellites {
            for (i, t) in sat.transmitters.enumerated() {
                for name in sat.telemetry[t.name] ?? [] where library.plan(named: name) == nil {
                    throw .invalid(file: sat.source, key: "transmitters[\(i)].telemetry",
                                   problem: "no telemetry definition named '\(name)' (catalogue/telemetry)")
                }
            }
        }
        self.catalogue = catalogue
        self.library = library
    }

    /// Loads the satellite catalogue and the definitions beside it (`DIR/satellites`, `DIR/telemetry`).
    public static func load(catalogue directory: String? = nil) throws(CatalogueError) -> TelemetryService {
        let root = SatelliteCatalogue.defaultDirectory(explicit: directory)
        let cat = try SatelliteCatalogue.load(directory: root)
        let lib = try TelemetryLibrary.load(directory: TelemetryLibrary.defaultDirectory(catalogue: root))
        return try TelemetryService(catalogue: cat, library: lib)
    }

    /// The definitions in `DIR/telemetry` of the catalogue folder `directory` (see
    /// `SatelliteCatalogue.defaultDirectory`) for an already loaded `catalogue`; nil when that folder has no
    /// `telemetry` folder (a catalogue without definitions). Invalid definitions are an error naming file and key.
    public static func loadIfPresent(catalogue: SatelliteCatalogue, directory: String? = nil) throws(CatalogueError) -> TelemetryService? {
        let root = SatelliteCatalogue.defaultDirectory(explicit: directory)
        let definitions = (root as NSString).appendingPathComponent("telemetry")
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: definitions, isDirectory: &isDirectory), isDirectory.boolValue else { return nil }
        return try TelemetryService(catalogue: catalogue, library: try TelemetryLibrary.load(directory: definitions))
    }

    /// Decodes a frame of satellite `norad` (received on `transmitter`, when known). Nil when the catalogue has
    /// no definition for it; a frame that does not fit gets a result with `error` set.
    public func decode(norad: Int, transmitter: String? = nil, frame: [UInt8]) -> TelemetryDecoding? {
        guard let sat = catalogue.satellite(norad: norad) else { return nil }
        return library.decode(frame, definitions: sat.telemetryDefinitions(transmitter: transmitter))
    }

    /// The same as JSON text (see `TelemetryJSON`), or nil when there is no definition.
    public func json(norad: Int, transmitter: String? = nil, frame: [UInt8]) -> String? {
        decode(norad: norad, transmitter: transmitter, frame: frame).map(TelemetryJSON.render)
    }
}
