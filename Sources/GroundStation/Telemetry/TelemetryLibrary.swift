import Foundation
import TelemetryDecode
import Yams

/// The telemetry definitions: one YAML file per definition under `catalogue/telemetry/`, validated on load
/// (errors name the file and key) and compiled once into plans.
public struct TelemetryLibrary: Sendable {
    public let plans: [String: TelemetryPlan]

    public init(plans: [String: TelemetryPlan]) { self.plans = plans }

    public func plan(named name: String) -> TelemetryPlan? { plans[name] }

    /// `catalogue/telemetry` beside the satellite catalogue (same search as `SatelliteCatalogue`).
    public static func defaultDirectory(catalogue explicit: String? = nil) -> String {
        let root = SatelliteCatalogue.defaultDirectory(explicit: explicit)
        let sub = (root as NSString).appendingPathComponent("telemetry")
        return FileManager.default.fileExists(atPath: sub) ? sub : root
    }

    /// Loads and compiles every `*.yml` in `directory`.
    public static func load(directory: String) throws(CatalogueError) -> TelemetryLibrary {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory) else {
            throw .unreadable(file: directory, reason: "telemetry definitions folder not found")
        }
        var files: [String] = []
        for name in names.sorted() where name.hasSuffix(".yml") || name.hasSuffix(".yaml") {
            files.append((directory as NSString).appendingPathComponent(name))
        }
        return try load(files: files)
    }

    /// Loads and compiles the given definition files; references between them are resolved by name.
    public static func load(files: [String]) throws(CatalogueError) -> TelemetryLibrary {
        var loader = TelemetryDefinitionLoader()
        for path in files { try loader.add(file: path) }
        let definitions = try loader.definitions()
        var plans: [String: TelemetryPlan] = [:]
        for d in definitions {
            do {
                plans[d.name] = try TelemetryPlan(d)
            } catch {
                throw .invalid(file: loader.files[d.name] ?? d.name, key: "fields", problem: error.description)
            }
        }
        return TelemetryLibrary(plans: plans)
    }

    /// Decodes a frame with the first of `definitions` whose length range fits and that decodes without error;
    /// when none does, the first applicable one's partial result and error. Nil when none applies.
    public func decode(_ frame: [UInt8], definitions: [String]) -> TelemetryDecoding? {
        var first: TelemetryDecoding? = nil
        for name in definitions {
            guard let plan = plans[name], plan.definition.accepts(length: frame.count) else { continue }
            let d = plan.decode(frame)
            if d.error == nil { return d }
            if first == nil { first = d }
        }
        return first
    }
}
