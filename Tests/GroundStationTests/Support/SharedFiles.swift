import Foundation

/// Finds `../shared` (vectors) and this target's fixture folders relative to the package root.
enum SharedFiles {
    /// This file sits at Tests/GroundStationTests/Support/SharedFiles.swift.
    static let packageRoot: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    /// `shared/` beside the clone, or `$GSD_SHARED` when set.
    static var root: URL {
        if let env = ProcessInfo.processInfo.environment["GSD_SHARED"] { return URL(fileURLWithPath: env) }
        return packageRoot.deletingLastPathComponent().appendingPathComponent("shared")
    }

    /// A file under shared/, or an error naming the path that was tried.
    static func url(_ relative: String) throws -> URL {
        let url = root.appendingPathComponent(relative)
        guard FileManager.default.fileExists(atPath: url.path) else { throw MissingSharedFile(path: url.path) }
        return url
    }

    static func text(_ relative: String) throws -> String {
        String(decoding: try Data(contentsOf: url(relative)), as: UTF8.self)
    }

    /// A fixture under Tests/GroundStationTests/Orbits/Fixtures.
    static func orbitFixture(_ name: String) throws -> URL {
        let url = packageRoot.appendingPathComponent("Tests/GroundStationTests/Orbits/Fixtures/\(name)")
        guard FileManager.default.fileExists(atPath: url.path) else { throw MissingSharedFile(path: url.path) }
        return url
    }

    struct MissingSharedFile: Error, CustomStringConvertible {
        let path: String
        var description: String { "test data not found: \(path) (clone gsd beside shared/ or set GSD_SHARED)" }
    }
}
