import Foundation

/// Typed access to one mapping of the configuration file, with errors naming the full key.
struct ConfigNode {
    let map: [String: Any]
    let file: String
    /// Dotted path of this mapping, ending in "." (empty at the top level).
    let prefix: String
    /// Folder relative paths are resolved against (the configuration file's).
    let base: String

    func error(_ key: String, _ problem: String) -> ConfigurationError {
        ConfigurationError(file: file, key: prefix + key, problem: problem)
    }

    /// Typos must not be silently ignored: a misspelt key would otherwise fall back to a default.
    func rejectUnknown(_ known: Set<String>) throws(ConfigurationError) {
        for key in map.keys.sorted() where !known.contains(key) {
            throw error(key, "unknown key (known here: \(known.sorted().joined(separator: ", ")))")
        }
    }

    func section(_ key: String) throws(ConfigurationError) -> ConfigNode {
        guard let v = map[key] else { throw error(key, "missing") }
        guard let m = v as? [String: Any] else { throw error(key, "expected a mapping") }
        return ConfigNode(map: m, file: file, prefix: prefix + key + ".", base: base)
    }

    func string(_ key: String) throws(ConfigurationError) -> String {
        guard let v = try optionalString(key) else { throw error(key, "missing") }
        return v
    }

    func optionalString(_ key: String) throws(ConfigurationError) -> String? {
        guard let v = map[key], !(v is NSNull) else { return nil }
        if let s = v as? String { return s }
        if let i = v as? Int { return String(i) }
        throw error(key, "expected text, found '\(v)'")
    }

    func double(_ key: String) throws(ConfigurationError) -> Double {
        guard let v = try optionalDouble(key) else { throw error(key, "missing") }
        return v
    }

    func optionalDouble(_ key: String) throws(ConfigurationError) -> Double? {
        guard let v = map[key], !(v is NSNull) else { return nil }
        if let i = v as? Int { return Double(i) }
        if let d = v as? Double, d.isFinite { return d }
        throw error(key, "expected a number, found '\(v)'")
    }

    func int(_ key: String) throws(ConfigurationError) -> Int {
        guard let v = map[key] else { throw error(key, "missing") }
        guard let i = v as? Int else { throw error(key, "expected a whole number, found '\(v)'") }
        return i
    }

    func optionalBool(_ key: String) throws(ConfigurationError) -> Bool? {
        guard let v = map[key], !(v is NSNull) else { return nil }
        guard let b = v as? Bool else { throw error(key, "expected true or false, found '\(v)'") }
        return b
    }

    func optionalPath(_ key: String) throws(ConfigurationError) -> String? {
        try optionalString(key).map { Self.resolve($0, base: base) }
    }

    /// A path that must name an existing regular file.
    func existingFile(_ key: String, label: String? = nil) throws(ConfigurationError) -> String {
        let path = Self.resolve(try string(key), base: base)
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDir), !isDir.boolValue else {
            throw ConfigurationError(file: file, key: prefix + (label ?? key), problem: "file '\(path)' does not exist")
        }
        return path
    }

    func optionalEndpoint(_ key: String) throws(ConfigurationError) -> HamlibEndpoint? {
        guard let text = try optionalString(key) else { return nil }
        guard let e = HamlibEndpoint(parsing: text) else { throw error(key, "expected HOST:PORT, found '\(text)'") }
        return e
    }

    static func resolve(_ path: String, base: String) -> String {
        let expanded = (path as NSString).expandingTildeInPath
        if expanded.hasPrefix("/") { return (expanded as NSString).standardizingPath }
        return ((base as NSString).appendingPathComponent(expanded) as NSString).standardizingPath
    }
}
