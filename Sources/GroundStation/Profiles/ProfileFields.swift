/// The catalogue's typed YAML access (`Fields`), with its errors turned into hardware-profile errors,
/// plus the checks profiles need beyond it (unknown keys, nested mappings, booleans).
struct ProfileFields {
    let fields: Fields

    init(map: [String: Any], file: String, prefix: String) {
        fields = Fields(map: map, file: file, prefix: prefix)
    }

    var map: [String: Any] { fields.map }
    var file: String { fields.file }
    var prefix: String { fields.prefix }

    func error(_ key: String, _ problem: String) -> HardwareProfileError {
        .invalid(file: file, key: prefix + key, problem: problem)
    }

    func has(_ key: String) -> Bool { map[key] != nil }

    /// Rejects keys outside `known`, so a misspelt key is an error rather than silently ignored.
    func onlyKeys(_ known: Set<String>) throws(HardwareProfileError) {
        for key in map.keys.sorted() where !known.contains(key) {
            throw error(key, "unknown key (known: \(known.sorted().joined(separator: ", ")))")
        }
    }

    func string(_ key: String) throws(HardwareProfileError) -> String {
        guard let v = try optionalString(key) else { throw error(key, "missing") }
        guard !v.isEmpty else { throw error(key, "must not be empty") }
        return v
    }

    func optionalString(_ key: String) throws(HardwareProfileError) -> String? {
        do { return try fields.optionalString(key) } catch { throw HardwareProfileError(error) }
    }

    func optionalDouble(_ key: String) throws(HardwareProfileError) -> Double? {
        do { return try fields.optionalDouble(key) } catch { throw HardwareProfileError(error) }
    }

    func double(_ key: String) throws(HardwareProfileError) -> Double {
        guard let v = try optionalDouble(key) else { throw error(key, "missing") }
        return v
    }

    func optionalInt(_ key: String) throws(HardwareProfileError) -> Int? {
        do { return try fields.optionalInt(key) } catch { throw HardwareProfileError(error) }
    }

    func optionalBool(_ key: String) throws(HardwareProfileError) -> Bool? {
        guard let v = map[key] else { return nil }
        guard let b = v as? Bool else { throw error(key, "expected true or false, found '\(v)'") }
        return b
    }

    func optionalMapping(_ key: String) throws(HardwareProfileError) -> ProfileFields? {
        guard let v = map[key] else { return nil }
        guard let m = v as? [String: Any] else { throw error(key, "expected a mapping") }
        return ProfileFields(map: m, file: file, prefix: prefix + key + ".")
    }

    func mapping(_ key: String) throws(HardwareProfileError) -> ProfileFields {
        guard let m = try optionalMapping(key) else { throw error(key, "missing") }
        return m
    }

    func optionalList(_ key: String) throws(HardwareProfileError) -> [Any]? {
        guard let v = map[key] else { return nil }
        guard let list = v as? [Any] else { throw error(key, "expected a list") }
        return list
    }
}
