import Foundation

/// Locates `../shared` (vectors and recordings) relative to the package root, whatever the working directory.
enum SharedData {
    /// The package root: this file sits at Tests/TelemetryDecodeTests/Support/SharedData.swift.
    static let packageRoot: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    /// `shared/` beside the clone, or `$GSD_SHARED` when set.
    static var root: URL {
        if let env = ProcessInfo.processInfo.environment["GSD_SHARED"] { return URL(fileURLWithPath: env) }
        return packageRoot.deletingLastPathComponent().appendingPathComponent("shared")
    }

    /// Text of a file under shared/, or a test failure naming the path that was tried.
    static func text(_ relative: String) throws -> String {
        let url = root.appendingPathComponent(relative)
        guard let data = FileManager.default.contents(atPath: url.path) else {
            throw MissingSharedFile(path: url.path)
        }
        return String(decoding: data, as: UTF8.self)
    }

    /// Rows of a tab-separated file under shared/, skipping blank lines and `#` comments.
    static func tsvRows(_ relative: String) throws -> [[String]] {
        try text(relative).split(separator: "\n", omittingEmptySubsequences: true)
            .filter { !$0.hasPrefix("#") }
            .map { $0.split(separator: "\t", omittingEmptySubsequences: false).map(String.init) }
    }
}

struct MissingSharedFile: Error, CustomStringConvertible {
    let path: String
    var description: String { "shared data file not found: \(path) (clone gsd beside shared/ or set GSD_SHARED)" }
}

/// Hex helpers for tests.
enum Hex {
    static func bytes(_ s: some StringProtocol) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(s.utf8.count / 2)
        var hi: UInt8? = nil
        for c in s.utf8 {
            let v: UInt8
            switch c {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): v = c - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): v = c - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): v = c - UInt8(ascii: "A") + 10
            default: continue
            }
            if let h = hi { out.append(h << 4 | v); hi = nil } else { hi = v }
        }
        return out
    }

    static func string(_ b: some Sequence<UInt8>) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var s: [UInt8] = []
        for x in b { s.append(digits[Int(x >> 4)]); s.append(digits[Int(x & 15)]) }
        return String(decoding: s, as: UTF8.self)
    }
}
