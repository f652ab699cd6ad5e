import Foundation
import Testing

/// The shared recordings' MANIFEST.tsv and expected frame sets, for end-to-end tests of `gsd replay`.
struct RecordingManifest {
    struct Row: Sendable, CustomTestStringConvertible {
        var file: String
        var satellite: String
        var norad: Int?
        var modulations: [String]
        var framings: [String]
        var referenceFrames: Int?
        var testDescription: String { file }
    }

    static var sharedRoot: URL {
        if let env = ProcessInfo.processInfo.environment["GSD_SHARED"] { return URL(fileURLWithPath: env) }
        return URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("shared")
    }

    static var recordings: URL { sharedRoot.appendingPathComponent("recordings") }

    /// All rows; empty (and the tests then fail loudly) when shared/ is missing.
    static let rows: [Row] = {
        guard let text = try? String(contentsOf: recordings.appendingPathComponent("MANIFEST.tsv"), encoding: .utf8) else { return [] }
        return text.split(separator: "\n").dropFirst().map { line in
            let c = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            return Row(
                file: c[0], satellite: c[1], norad: Int(c[2]), modulations: c[3].split(separator: ";").map(String.init),
                framings: c[5].split(separator: ";").map(String.init), referenceFrames: Int(c[9]))
        }
    }()

    /// Distinct reference frames as hex.
    static func expected(_ file: String) throws -> Set<String> {
        let base = String(file.dropLast(4))
        let text = try String(contentsOf: recordings.appendingPathComponent("expected/\(base).frames.tsv"), encoding: .utf8)
        return Set(text.split(separator: "\n").dropFirst().map { String($0.split(separator: "\t", omittingEmptySubsequences: false)[5]) })
    }
}

