import Foundation
import Yams

/// All hardware profiles: one YAML file per device family under `hw-profiles/`, loaded once and
/// validated, with errors naming the file and key (the same scheme as the satellite catalogue).
///
/// Choosing a profile for a device: of the profiles whose `match` holds, the one with the most
/// conditions wins (an RTL-SDR Blog V4 matches the generic 0bda:2838 profile with 1 condition and the
/// V4 profile with 3: ids, manufacturer, product); equal counts go to the profile id first in
/// alphabetical order. Two profiles with identical `match` blocks are rejected at load time.
public struct HardwareProfileSet: Sendable {
    public let profiles: [HardwareProfile]

    public init(profiles: [HardwareProfile]) { self.profiles = profiles.sorted { $0.id < $1.id } }

    public func profile(id: String) -> HardwareProfile? { profiles.first { $0.id == id } }
    public func profiles(driver: HardwareProfile.Driver) -> [HardwareProfile] { profiles.filter { $0.driver == driver } }

    /// The profile for `device` by the rule above, or nil when none matches.
    public func profile(for device: DiscoveredDevice) -> HardwareProfile? {
        var best: HardwareProfile?
        for p in profiles where p.match.matches(device) {
            // profiles are sorted by id, so keeping the first of equal specificity breaks ties by id.
            if let b = best, b.match.specificity >= p.match.specificity { continue }
            best = p
        }
        return best
    }

    /// Where the profiles are: an explicit path, `$GSD_HW_PROFILES`, `share/gsd/hw-profiles` beside the
    /// executable's prefix, or the source tree this binary was built from.
    public static func defaultDirectory(explicit: String? = nil) -> String {
        if let explicit { return explicit }
        if let env = ProcessInfo.processInfo.environment["GSD_HW_PROFILES"] { return env }
        let exe = URL(fileURLWithPath: CommandLine.arguments.first ?? "").resolvingSymlinksInPath()
        let installed = exe.deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("share/gsd/hw-profiles").path
        if FileManager.default.fileExists(atPath: installed) { return installed }
        // Sources/GroundStation/Profiles/HardwareProfileSet.swift → package root.
        return URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("hw-profiles").path
    }

    /// Loads every `*.yml`/`*.yaml` in `directory`.
    public static func load(directory: String) throws(HardwareProfileError) -> HardwareProfileSet {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory) else {
            throw .notFound(directory: directory)
        }
        var profiles: [HardwareProfile] = []
        for name in names.sorted() where name.hasSuffix(".yml") || name.hasSuffix(".yaml") {
            let p = try loadFile((directory as NSString).appendingPathComponent(name))
            if let other = profiles.first(where: { $0.id == p.id }) {
                throw .invalid(file: p.source, key: "(file name)", problem: "profile id '\(p.id)' is also used by \(other.source)")
            }
            if let other = profiles.first(where: { $0.match == p.match }) {
                throw .duplicateMatch(first: other.source, second: p.source)
            }
            profiles.append(p)
        }
        return HardwareProfileSet(profiles: profiles)
    }

    static let topLevelKeys: Set<String> = [
        "name", "driver", "match", "tuner", "sample_rates", "gain", "soapy", "defaults", "notes",
    ]
    /// Tuner chips an RTL2832U dongle can carry (the driver probes them in this order at open).
    public static let knownTuners: Set<String> = ["E4000", "FC0012", "FC0013", "FC2580", "R820T", "R828D"]

    /// Parses and validates one profile file.
    public static func loadFile(_ path: String) throws(HardwareProfileError) -> HardwareProfile {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw .unreadable(file: path, reason: "cannot read file")
        }
        let node: Any?
        do {
            node = try YAMLText.load(String(decoding: data, as: UTF8.self))
        } catch {
            throw .unreadable(file: path, reason: "not valid YAML: \(error)")
        }
        guard let map = node as? [String: Any] else {
            throw .invalid(file: path, key: "(top level)", problem: "expected a mapping")
        }
        let f = ProfileFields(map: map, file: path, prefix: "")
        try f.onlyKeys(topLevelKeys)
        let id = ((path as NSString).lastPathComponent as NSString).deletingPathExtension
        let name = try f.string("name")
        let driverName = try f.string("driver")
        guard let driver = HardwareProfile.Driver(rawValue: driverName) else {
            throw f.error("driver", "unknown driver '\(driverName)' (known: \(HardwareProfile.Driver.allCases.map(\.rawValue).joined(separator: ", ")))")
        }
        let match = try deviceMatch(try f.mapping("match"), driver: driver)

        var tuner: String? = nil
        if let t = try f.optionalString("tuner") {
            guard driver == .rtlsdr else { throw f.error("tuner", "only for driver rtlsdr") }
            if t != "probe" {
                guard knownTuners.contains(t) else {
                    throw f.error("tuner", "unknown tuner '\(t)' (known: \(knownTuners.sorted().joined(separator: ", ")), or probe)")
                }
                tuner = t
            }
        }
        let rates = try sampleRates(f)
        var gain: HardwareProfile.GainRange? = nil
        if let g = try f.optionalMapping("gain") { gain = try gainRange(g, allowDefault: false) }
        var soapy: HardwareProfile.Soapy? = nil
        if let s = try f.optionalMapping("soapy") { soapy = try soapySettings(s) }
        let defaults = try defaultSettings(f)
        let notes = try f.optionalString("notes")

        switch driver {
        case .rtlsdr:
            if rates.isEmpty { throw f.error("sample_rates", "required for driver rtlsdr") }
            if gain == nil { throw f.error("gain", "required for driver rtlsdr") }
            if soapy != nil { throw f.error("soapy", "only for driver soapy") }
            if defaults.baudRate != nil { throw f.error("defaults.baud", "only for driver serial-kiss") }
        case .soapy:
            if soapy == nil { throw f.error("soapy", "required for driver soapy") }
            if defaults.baudRate != nil { throw f.error("defaults.baud", "only for driver serial-kiss") }
        case .serialKISS:
            for key in ["sample_rates", "gain", "soapy"] where f.has(key) {
                throw f.error(key, "not used by driver serial-kiss")
            }
            if let baud = defaults.baudRate, !SerialPort.supportedBaudRates.contains(baud) {
                throw f.error("defaults.baud", "unsupported baud rate \(baud) (supported: \(SerialPort.supportedBaudRates.map(String.init).joined(separator: ", ")))")
            }
        }
        let profile = HardwareProfile(
            id: id, name: name, driver: driver, match: match, tuner: tuner, sampleRates: rates, gain: gain,
            soapy: soapy, defaults: defaults, notes: notes, source: path)
        if let rate = defaults.sampleRate, !profile.supports(sampleRate: rate) {
            throw f.error("defaults.sample_rate", "\(rate) Hz is not among sample_rates")
        }
        if let g = defaults.gain {
            guard let gain else { throw f.error("defaults.gain", "a gain default needs a gain range") }
            if !gain.contains(g) { throw f.error("defaults.gain", "\(g) dB is outside gain \(gain.minimum)...\(gain.maximum)") }
        }
        return profile
    }

    static func deviceMatch(_ m: ProfileFields, driver: HardwareProfile.Driver) throws(HardwareProfileError) -> DeviceMatch {
        try m.onlyKeys(["subsystem", "usb", "manufacturer", "product", "properties"])
        var subsystem: DeviceSubsystem = driver == .serialKISS ? .tty : .usb
        if let s = try m.optionalString("subsystem") {
            guard let parsed = DeviceSubsystem(rawValue: s) else { throw m.error("subsystem", "must be usb or tty, not '\(s)'") }
            subsystem = parsed
        }
        if driver == .serialKISS && subsystem != .tty { throw m.error("subsystem", "driver serial-kiss opens a tty") }
        if driver != .serialKISS && subsystem != .usb { throw m.error("subsystem", "driver \(driver.rawValue) opens a usb device") }
        var ids: [USBID] = []
        if let list = try m.optionalList("usb") {
            if list.isEmpty { throw m.error("usb", "empty list") }
            for (i, item) in list.enumerated() {
                // Quoted in YAML: an unquoted 1234:5678 may be read as a number.
                guard let text = item as? String, let id = USBID(text) else {
                    throw m.error("usb[\(i)]", "expected \"vendor:product\" in hex, e.g. \"0bda:2838\", found '\(item)'")
                }
                if ids.contains(id) { throw m.error("usb[\(i)]", "\(id) is listed twice") }
                ids.append(id)
            }
        }
        let manufacturer = try m.optionalString("manufacturer")
        let product = try m.optionalString("product")
        if manufacturer?.isEmpty == true { throw m.error("manufacturer", "must not be empty") }
        if product?.isEmpty == true { throw m.error("product", "must not be empty") }
        var properties: [String: String] = [:]
        if let p = try m.optionalMapping("properties") {
            for key in p.map.keys.sorted() {
                guard let v = try p.optionalString(key), !v.isEmpty else { throw p.error(key, "expected a non-empty value") }
                properties[key] = v
            }
        }
        let match = DeviceMatch(subsystem: subsystem, usbIDs: ids, manufacturer: manufacturer, product: product, properties: properties)
        if match.specificity == 0 { throw m.error("usb", "a match needs at least one of usb, manufacturer, product, properties") }
        return match
    }

    static func sampleRates(_ f: ProfileFields) throws(HardwareProfileError) -> [HardwareProfile.SampleRateRange] {
        guard let list = try f.optionalList("sample_rates") else { return [] }
        if list.isEmpty { throw f.error("sample_rates", "empty list") }
        var out: [HardwareProfile.SampleRateRange] = []
        for (i, item) in list.enumerated() {
            let key = "sample_rates[\(i)]"
            let range: HardwareProfile.SampleRateRange
            if let m = item as? [String: Any] {
                let r = ProfileFields(map: m, file: f.file, prefix: f.prefix + key + ".")
                try r.onlyKeys(["min", "max"])
                range = .init(lower: try r.double("min"), upper: try r.double("max"))
                if range.lower > range.upper { throw r.error("min", "greater than max") }
            } else {
                let single = ProfileFields(map: [key: item], file: f.file, prefix: f.prefix)
                let v = try single.double(key)
                range = .init(lower: v, upper: v)
            }
            if !(range.lower > 0 && range.upper <= 1e10) { throw f.error(key, "must be above 0 and at most 10 GHz") }
            out.append(range)
        }
        return out
    }

    static func gainRange(_ g: ProfileFields, allowDefault: Bool) throws(HardwareProfileError) -> HardwareProfile.GainRange {
        try g.onlyKeys(allowDefault ? ["min", "max", "steps", "default"] : ["min", "max", "steps"])
        let lo = try g.double("min"), hi = try g.double("max")
        if lo > hi { throw g.error("min", "greater than max") }
        var steps: [Double] = []
        if let list = try g.optionalList("steps") {
            for (i, item) in list.enumerated() {
                let key = "steps[\(i)]"
                let v = try ProfileFields(map: [key: item], file: g.file, prefix: g.prefix).double(key)
                if v < lo || v > hi { throw g.error(key, "\(v) is outside min...max") }
                if let last = steps.last, v <= last { throw g.error(key, "steps must rise") }
                steps.append(v)
            }
        }
        var def: Double? = nil
        if allowDefault { def = try g.optionalDouble("default") }
        if let def, def < lo || def > hi { throw g.error("default", "\(def) is outside min...max") }
        return .init(minimum: lo, maximum: hi, steps: steps, defaultValue: def)
    }

    static func soapySettings(_ s: ProfileFields) throws(HardwareProfileError) -> HardwareProfile.Soapy {
        try s.onlyKeys(["args", "antenna", "gains", "bandwidth"])
        let args = try s.string("args")
        let pairs = args.split(separator: ",").map { $0.split(separator: "=", maxSplits: 1) }
        guard pairs.allSatisfy({ $0.count == 2 && !$0[0].isEmpty }) else {
            throw s.error("args", "expected key=value pairs separated by commas, e.g. driver=airspy")
        }
        guard pairs.contains(where: { $0[0] == "driver" }) else { throw s.error("args", "must name the SoapySDR driver (driver=...)") }
        var elements: [HardwareProfile.GainElement] = []
        if let g = try s.optionalMapping("gains") {
            for name in g.map.keys.sorted() {
                elements.append(.init(name: name, range: try gainRange(try g.mapping(name), allowDefault: true)))
            }
        }
        let bandwidth = try s.optionalDouble("bandwidth")
        if let bandwidth, bandwidth <= 0 { throw s.error("bandwidth", "must be above 0 (leave it out for the driver's default)") }
        return .init(args: args, antenna: try s.optionalString("antenna"), gainElements: elements, bandwidth: bandwidth)
    }

    static func defaultSettings(_ f: ProfileFields) throws(HardwareProfileError) -> HardwareProfile.Defaults {
        guard let d = try f.optionalMapping("defaults") else { return .init() }
        try d.onlyKeys(["sample_rate", "gain", "ppm", "bias_tee", "baud"])
        var out = HardwareProfile.Defaults()
        out.sampleRate = try d.optionalDouble("sample_rate")
        if let g = d.map["gain"] as? String, g == "auto" {
            out.gain = nil
        } else if d.has("gain") {
            guard let g = try? d.optionalDouble("gain") else { throw d.error("gain", "expected a number in dB or auto") }
            out.gain = g
        }
        out.ppm = try d.optionalInt("ppm") ?? 0
        if abs(out.ppm) > 1000 { throw d.error("ppm", "must be within ±1000") }
        out.biasTee = try d.optionalBool("bias_tee") ?? false
        out.baudRate = try d.optionalInt("baud")
        return out
    }
}
