import Foundation

/// Locates `../shared/recordings` (the replay WAVs and their MANIFEST.tsv) relative to the package root,
/// or under `$GSD_SHARED` when set, and fails with a clear message when it is missing.
enum SharedRecordings {
    /// The package root: this file sits at Tests/GroundStationTests/Support/SharedRecordings.swift.
    static let packageRoot: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    /// `shared/` beside the clone, or `$GSD_SHARED`.
    static var sharedRoot: URL {
        if let env = ProcessInfo.processInfo.environment["GSD_SHARED"], !env.isEmpty {
            return URL(fileURLWithPath: env)
        }
        return packageRoot.deletingLastPathComponent().appendingPathComponent("shared")
    }

    static var directory: URL { sharedRoot.appendingPathComponent("recordings") }

    /// Path of a recording (or other file) under shared/recordings, checked to exist.
    static func path(_ name: String) throws -> String {
        let p = directory.appendingPathComponent(name).path
        guard FileManager.default.fileExists(atPath: p) else { throw MissingSharedRecording(path: p) }
        return p
    }

    /// One row of MANIFEST.tsv, by column name.
    struct ManifestRow {
        let fields: [String: String]
        subscript(_ column: String) -> String? { fields[column] }
        var file: String { fields["file"] ?? "" }
    }

    /// The rows of MANIFEST.tsv (the first line names the columns).
    static func manifest() throws -> [ManifestRow] {
        let p = try path("MANIFEST.tsv")
        guard let data = FileManager.default.contents(atPath: p) else { throw MissingSharedRecording(path: p) }
        let lines = String(decoding: data, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: true)
            .filter { !$0.hasPrefix("#") }
        guard let header = lines.first else { return [] }
        let columns = header.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
        return lines.dropFirst().map { line in
            let values = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            var row: [String: String] = [:]
            for (i, c) in columns.enumerated() where i < values.count { row[c] = values[i] }
            return ManifestRow(fields: row)
        }
    }
}

struct MissingSharedRecording: Error, CustomStringConvertible {
    let path: String
    var description: String { "shared recording not found: \(path) (clone gsd beside shared/ or set GSD_SHARED)" }
}
