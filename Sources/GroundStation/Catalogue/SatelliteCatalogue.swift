import Foundation
import TelemetryDecode
import Yams

/// The satellite catalogue: one YAML file per satellite under `catalogue/satellites/`, loaded once
/// and validated, with errors naming the file and key.
public struct SatelliteCatalogue: Sendable {
    public let satellites: [Satellite]

    public init(satellites: [Satellite]) { self.satellites = satellites }

    public func satellite(norad: Int) -> Satellite? { satellites.first { $0.norad == norad } }

    /// Where the catalogue is: an explicit path, `$GSD_CATALOGUE`, `share/gsd/catalogue` beside the
    /// executable's prefix, or the source tree this binary was built from.
    public static func defaultDirectory(explicit: String? = nil) -> String {
        if let explicit { return explicit }
        if let env = ProcessInfo.processInfo.environment["GSD_CATALOGUE"] { return env }
        let exe = URL(fileURLWithPath: CommandLine.arguments.first ?? "").resolvingSymlinksInPath()
        let installed = exe.deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("share/gsd/catalogue").path
        if FileManager.default.fileExists(atPath: installed) { return installed }
        // Sources/GroundStation/Catalogue/SatelliteCatalogue.swift → package root.
        return URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("catalogue").path
    }

    /// Loads every `*.yml` under `directory/satellites` (or `directory` itself when it has no such folder).
    public static func load(directory: String) throws(CatalogueError) -> SatelliteCatalogue {
        var dir = directory
        let sub = (directory as NSString).appendingPathComponent("satellites")
        var isDir: ObjCBool = false
        if FileManager.default.fileExists(atPath: sub, isDirectory: &isDir), isDir.boolValue { dir = sub }
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: dir) else { throw .notFound(directory: directory) }
        var satellites: [Satellite] = []
        var byNorad: [Int: String] = [:]
        var byName: [String: String] = [:]
        for name in names.sorted() where name.hasSuffix(".yml") || name.hasSuffix(".yaml") {
            let path = (dir as NSString).appendingPathComponent(name)
            let sat = try loadFile(path)
            if let first = byNorad[sat.norad] { throw .duplicateNorad(sat.norad, first: first, second: path) }
            byNorad[sat.norad] = path
            if let first = byName[sat.name.lowercased()] { throw .duplicateName(sat.name, first: first, second: path) }
            byName[sat.name.lowercased()] = path
            satellites.append(sat)
        }
        // A wrong folder would otherwise look like a catalogue that lacks every satellite.
        if satellites.isEmpty { throw .empty(directory: dir) }
        return SatelliteCatalogue(satellites: satellites)
    }

    /// Parses and validates one satellite file.
    public static func loadFile(_ path: String) throws(CatalogueError) -> Satellite {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw .unreadable(file: path, reason: "cannot read file")
        }
        let node: Any?
        do {
            node = try YAMLText.load(String(decoding: data, as: UTF8.self))
        } catch {
            throw .unreadable(file: path, reason: "not valid YAML: \(error)")
        }
        guard let map = node as? [String: Any] else { throw .invalid(file: path, key: "(top level)", problem: "expected a mapping") }
        let fields = Fields(map: map, file: path, prefix: "")
        let name = try fields.string("name")
        let norad = try fields.int("norad")
        guard norad > 0 else { throw .invalid(file: path, key: "norad", problem: "must be a positive NORAD catalogue number") }
        let alternative = try fields.optionalStringList("alternative_names") ?? []
        guard let list = map["transmitters"] as? [Any], !list.isEmpty else {
            throw .invalid(file: path, key: "transmitters", problem: "missing or empty list")
        }
        var transmitters: [TransmitterSpec] = []
        var telemetry: [String: [String]] = [:]
        for (i, item) in list.enumerated() {
            let key = "transmitters[\(i)]"
            guard let t = item as? [String: Any] else { throw .invalid(file: path, key: key, problem: "expected a mapping") }
            let spec = try transmitter(Fields(map: t, file: path, prefix: key + "."))
            transmitters.append(spec)
            if let names = t["telemetry"] {
                // One definition name or a list, tried in order (catalogue/telemetry/*.yml).
                let list = (names as? String).map { [$0] } ?? (names as? [Any])?.compactMap { $0 as? String }
                guard let list, !list.isEmpty, list.count == ((names as? [Any])?.count ?? 1) else {
                    throw .invalid(file: path, key: key + ".telemetry", problem: "expected a definition name or a list of names")
                }
                telemetry[spec.name] = list
            }
        }
        var satellite = Satellite(name: name, alternativeNames: alternative, norad: norad, transmitters: transmitters, source: path)
        satellite.telemetry = telemetry
        return satellite
    }

    static func transmitter(_ f: Fields) throws(CatalogueError) -> TransmitterSpec {
        let modulationName = try f.string("modulation")
        guard let modulation = Modulation(rawValue: modulationName) else {
            throw f.error("modulation", "unknown modulation '\(modulationName)' (known: \(Modulation.allCases.map(\.rawValue).joined(separator: ", ")))")
        }
        let framingName = try f.string("framing")
        guard let framing = Framing(rawValue: framingName) else {
            throw f.error("framing", "unknown framing '\(framingName)' (known: \(Framing.allCases.map(\.rawValue).joined(separator: ", ")))")
        }
        let baud = try f.double("baud_rate")
        guard baud > 0 && baud < 10_000_000 else { throw f.error("baud_rate", "must be between 0 and 10^7") }
        var spec = TransmitterSpec(
            name: try f.string("name"), frequency: try f.optionalDouble("frequency"), modulation: modulation,
            baudRate: baud, framing: framing)
        spec.afCarrier = try f.optionalDouble("af_carrier")
        spec.deviation = try f.optionalDouble("deviation")
        spec.precoding = try f.optionalString("precoding")
        spec.rsBasis = try f.optionalString("rs_basis")
        spec.rsInterleaving = try f.optionalInt("rs_interleaving")
        spec.frameSize = try f.optionalInt("frame_size")
        spec.convolutional = try f.optionalString("convolutional")
        spec.scrambler = try f.optionalString("scrambler")
        spec.variant = try f.optionalString("variant")
        spec.callsign = try f.optionalString("callsign")
        if let c = spec.callsign, !(1...6).contains(c.utf8.count) || !c.utf8.allSatisfy({ $0 >= 0x20 && $0 < 0x7F }) {
            throw f.error("callsign", "must be 1 to 6 printable ASCII characters, not '\(c)'")
        }
        if modulation == .afsk && (spec.afCarrier == nil || spec.deviation == nil) {
            throw f.error(spec.afCarrier == nil ? "af_carrier" : "deviation", "required for AFSK")
        }
        if let basis = spec.rsBasis, basis != "conventional" && basis != "dual" {
            throw f.error("rs_basis", "must be 'conventional' or 'dual', not '\(basis)'")
        }
        return spec
    }
}

/// Typed access to a YAML mapping with errors that name the file and full key.
struct Fields {
    let map: [String: Any]
    let file: String
    let prefix: String

    func error(_ key: String, _ problem: String) -> CatalogueError { .invalid(file: file, key: prefix + key, problem: problem) }

    func string(_ key: String) throws(CatalogueError) -> String {
        guard let v = try optionalString(key) else { throw error(key, "missing") }
        return v
    }

    func optionalString(_ key: String) throws(CatalogueError) -> String? {
        guard let v = map[key] else { return nil }
        if let s = v as? String { return s }
        if let i = v as? Int { return String(i) }
        if let d = v as? Double { return String(d) }
        throw error(key, "expected text")
    }

    func double(_ key: String) throws(CatalogueError) -> Double {
        guard let v = try optionalDouble(key) else { throw error(key, "missing") }
        return v
    }

    func optionalDouble(_ key: String) throws(CatalogueError) -> Double? {
        guard let v = map[key] else { return nil }
        if let i = v as? Int { return Double(i) }
        if let d = v as? Double, d.isFinite { return d }
        if let s = v as? String, let d = Double(s), d.isFinite { return d }
        throw error(key, "expected a number, found '\(v)'")
    }

    func int(_ key: String) throws(CatalogueError) -> Int {
        guard let v = try optionalInt(key) else { throw error(key, "missing") }
        return v
    }

    func optionalInt(_ key: String) throws(CatalogueError) -> Int? {
        guard let v = map[key] else { return nil }
        if let i = v as? Int { return i }
        if let s = v as? String, let i = Int(s) { return i }
        throw error(key, "expected a whole number, found '\(v)'")
    }

    func optionalStringList(_ key: String) throws(CatalogueError) -> [String]? {
        guard let v = map[key] else { return nil }
        guard let list = v as? [Any] else { throw error(key, "expected a list") }
        return list.map { "\($0)" }
    }
}
