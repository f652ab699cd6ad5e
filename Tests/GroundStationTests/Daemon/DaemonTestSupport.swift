import Foundation
import GroundStation
import Logging
import Testing

/// A scratch folder for one daemon test, removed by `remove()`.
struct DaemonScratch {
    let path: String

    init() throws {
        path = FileManager.default.temporaryDirectory.appendingPathComponent("gsd-daemon-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    func file(_ name: String) -> String { (path as NSString).appendingPathComponent(name) }

    func write(_ name: String, _ text: String) throws -> String {
        let p = file(name)
        try text.write(toFile: p, atomically: true, encoding: .utf8)
        return p
    }

    func remove() { try? FileManager.default.removeItem(atPath: path) }
}

enum DaemonFixtures {
    static var packageRoot: URL { SharedRecordings.packageRoot }
    static var catalogue: SatelliteCatalogue {
        get throws { try SatelliteCatalogue.load(directory: packageRoot.appendingPathComponent("catalogue").path) }
    }

    /// The distinct reference frames (hex) gr-satellites decoded from a shared recording.
    static func expectedFrames(_ recording: String) throws -> Set<String> {
        let base = String(recording.dropLast(4))
        let p = try SharedRecordings.path("expected/\(base).frames.tsv")
        let text = try String(contentsOfFile: p, encoding: .utf8)
        return Set(text.split(separator: "\n").dropFirst().map { String($0.split(separator: "\t", omittingEmptySubsequences: false)[5]) })
    }

    /// A file-source configuration playing `recordings` (shared recordings, by name) unpaced.
    static func fileConfiguration(
        scratch: DaemonScratch, recordings: [(String, Int)], speed: Double = 0, extra: String = ""
    ) throws -> String {
        let list = try recordings.map { "      - { path: \(try SharedRecordings.path($0.0)), norad: \($0.1) }" }.joined(separator: "\n")
        let sats = Array(Set(recordings.map(\.1))).sorted().map(String.init).joined(separator: ", ")
        return try scratch.write("gsd.yaml", """
            station:
              name: test-station
              location: { latitude: 50, longitude: 8, altitude: 100 }
            hardware:
              source: file
              file:
                speed: \(speed)
                start_delay: 0
                gap: 0
                recordings:
            \(list)
            satellites: [\(sats)]
            data_dir: \(scratch.path)/data
            \(extra)
            """)
    }

    static var logger: Logger {
        var l = Logger(label: "gsd-test")
        l.logLevel = .warning
        return l
    }
}

extension DaemonFixtures {
    /// A live-source configuration for COLUMBIA (42702) at `station`: `hardware` is the YAML of the
    /// `hardware:` mapping's body (indented two spaces), the pass threshold 80° (short overhead passes).
    static func liveConfiguration(
        scratch: DaemonScratch, station: GeodeticPosition, hardware: String, tle: String? = nil, extra: String = ""
    ) throws -> String {
        let tleFile = tle ?? packageRoot.appendingPathComponent("examples/demo.tle").path
        return try scratch.write("gsd.yaml", """
            station:
              name: live-test
              location: { latitude: \(station.latitude), longitude: \(station.longitude), altitude: 0 }
            hardware:
            \(hardware)
            satellites: [42702]
            tle: { files: [\(tleFile)] }
            minimum_elevation: 80
            schedule_hours: 0.05
            data_dir: \(scratch.path)/data
            \(extra)
            """)
    }

    /// COLUMBIA's illustrative elements from examples/demo.tle.
    static var columbia: MeanElements {
        get throws {
            let tle = packageRoot.appendingPathComponent("examples/demo.tle").path
            return try #require(try TwoLineElements.parseMany(String(contentsOfFile: tle, encoding: .utf8), source: tle)
                .map(\.meanElements).first { $0.noradID == 42702 })
        }
    }
}
