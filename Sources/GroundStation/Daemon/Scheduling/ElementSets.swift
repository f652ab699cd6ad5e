import Foundation

/// The mean elements of the configured TLE/OMM files, by NORAD id (the newest epoch wins when a
/// satellite appears more than once). Files are re-read when their modification time changes.
public struct ElementSets: Sendable {
    public private(set) var byNorad: [Int: MeanElements] = [:]
    private var modified: [String: Date] = [:]
    public let files: [String]

    public init(files: [String]) { self.files = files }

    /// Reloads the files that changed since the last call; returns true when anything was re-read.
    /// A file that fails to parse keeps the previous elements and is reported in the error.
    @discardableResult
    public mutating func refresh() throws(ConfigurationError) -> Bool {
        var changed = false
        for path in files {
            let attrs = try? FileManager.default.attributesOfItem(atPath: path)
            let mtime = attrs?[.modificationDate] as? Date ?? .distantPast
            if modified[path] == mtime { continue }
            modified[path] = mtime
            changed = true
            guard let data = FileManager.default.contents(atPath: path) else {
                throw ConfigurationError(file: path, key: "", problem: "cannot read the TLE file")
            }
            var sets: [MeanElements] = []
            let first = data.first { $0 != UInt8(ascii: " ") && $0 != UInt8(ascii: "\n") && $0 != UInt8(ascii: "\r") }
            do {
                if first == UInt8(ascii: "[") || first == UInt8(ascii: "{") {
                    sets = try OMM.decode(data).map { try $0.meanElements() }
                } else {
                    sets = try TwoLineElements.parseMany(String(decoding: data, as: UTF8.self), source: path).map(\.meanElements)
                }
            } catch {
                throw ConfigurationError(file: path, key: "", problem: "\(error)")
            }
            for e in sets {
                if let old = byNorad[e.noradID], old.epoch > e.epoch { continue }
                byNorad[e.noradID] = e
            }
        }
        return changed
    }
}
