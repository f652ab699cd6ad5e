import Yams

/// Reads YAML from files anyone may have written (configuration, profiles, catalogue, telemetry
/// definitions). `Yams.load` traps on a mapping whose keys repeat after construction (two null keys,
/// `1` and `1.0`, ...): found by FuzzDaemonConfig. Here the document is composed first and every mapping
/// is checked, so such input is an error naming the line, never a crash.
enum YAMLText {
    struct Problem: Error, CustomStringConvertible {
        let description: String
    }

    static func load(_ text: String) throws -> Any? {
        guard let node = try Yams.compose(yaml: text) else { return nil }
        try check(node)
        return node.any
    }

    private static func check(_ node: Node) throws {
        switch node {
        case .mapping(let mapping):
            var seen = Set<AnyHashable>()
            for (key, value) in mapping {
                let line = key.mark.map { " (line \($0.line))" } ?? ""
                guard case .scalar = key, let k = key.any as? AnyHashable else {
                    throw Problem(description: "mapping keys must be plain values\(line)")
                }
                guard seen.insert(k).inserted else { throw Problem(description: "duplicate key '\(k)'\(line)") }
                try check(value)
            }
        case .sequence(let sequence):
            for item in sequence { try check(item) }
        default:
            break
        }
    }
}
