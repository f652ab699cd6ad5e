import Foundation

/// Confines a submitted recording path to the configured replay folder: relative paths only, resolved
/// with symbolic links followed, and the result must still lie inside the folder.
enum ReplayPath {
    static func confine(_ path: String, to directory: String) throws -> String {
        guard !path.isEmpty, !path.hasPrefix("/"), !path.contains("\0") else {
            throw APIError(.badRequest, "path: must be a file name relative to the replay folder")
        }
        let root = URL(fileURLWithPath: directory).resolvingSymlinksInPath().standardizedFileURL.path
        let full = URL(fileURLWithPath: (root as NSString).appendingPathComponent(path)).resolvingSymlinksInPath().standardizedFileURL.path
        guard full.hasPrefix(root.hasSuffix("/") ? root : root + "/") else {
            throw APIError(.forbidden, "path: '\(path)' is outside the replay folder")
        }
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: full, isDirectory: &isDir), !isDir.boolValue else {
            throw APIError(.notFound, "path: no recording '\(path)' in the replay folder")
        }
        return full
    }
}
