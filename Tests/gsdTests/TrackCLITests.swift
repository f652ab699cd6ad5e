import Foundation
import Testing
import TestSupport

#if canImport(Glibc)
    import Glibc
#endif

/// `gsd track` against Hamlib's real dummy daemons on loopback.
@Suite(.serialized) struct TrackCLITests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Tests/GroundStationTests/Orbits/Fixtures")

    static func tool(_ name: String) -> String? {
        ["/usr/bin", "/usr/local/bin", "/opt/homebrew/bin"].map { "\($0)/\(name)" }
            .first { FileManager.default.isExecutableFile(atPath: $0) }
    }
    static var available: Bool { tool("rotctld") != nil && tool("rigctld") != nil }

    /// Starts `name -m 1` on a free loopback port; kill it with `stop`.
    static func start(_ name: String) throws -> (ChildProcess, UInt16) {
        let path = try #require(tool(name))
        for _ in 0..<5 {
            let port = try LoopbackPorts.free()
            let child = try ChildProcess([path, "-m", "1", "-t", String(port), "-T", "127.0.0.1"])
            if LoopbackPorts.waitUntilAccepting(port, child: child, timeout: .seconds(3)) { return (child, port) }
            child.kill()
        }
        throw ChildProcess.Failure("\(name) did not start listening")
    }

    static func stop(_ child: ChildProcess) { child.kill() }

    @Test(.enabled(if: available, "rotctld/rigctld not installed (apt-get install libhamlib-utils)"))
    func tracksAPastPassSegment() async throws {
        let (rot, rotPort) = try Self.start("rotctld")
        defer { Self.stop(rot) }
        let (rig, rigPort) = try Self.start("rigctld")
        defer { Self.stop(rig) }
        // ISS over Munich, 2024-03-01 02:33:45–02:40:01 UTC (TCA 02:36:52, 38.8°).
        let r = try await GSDProcess.run([
            "track", "--tle", Self.fixtures.appendingPathComponent("passes.tle").path, "--norad", "25544",
            "--station", "48.1351,11.582,520", "--rotctld", "127.0.0.1:\(rotPort)", "--rigctld", "127.0.0.1:\(rigPort)",
            "--frequency", "437800000", "--start", "2024-03-01T02:36:30Z", "--now-for", "2",
            "--update-interval", "0.25", "--doppler-interval", "0.5", "--threshold", "0.2", "--json",
        ])
        #expect(r.status == 0, "\(r.stderr)")
        let lines = r.stdout.split(separator: "\n").compactMap {
            try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
        }
        let freqs = lines.compactMap { $0["frequency_hz"] as? Int }
        let azimuths = lines.compactMap { $0["rotator_azimuth"] as? Double }
        #expect(freqs.count >= 3, "\(r.stdout)")
        #expect(azimuths.count >= 2, "\(r.stdout)")
        // Near TCA the Doppler shift is small and falling.
        #expect(freqs.allSatisfy { abs($0 - 437_800_000) < 12_000 })
        #expect(freqs == freqs.sorted(by: >))
        #expect(r.stderr.contains("radio commands, 0 errors"), "\(r.stderr)")
    }

    @Test func unreachableDaemonIsAClearError() async throws {
        let port = try LoopbackPorts.free()
        let r = try await GSDProcess.run([
            "track", "--tle", Self.fixtures.appendingPathComponent("passes.tle").path, "--norad", "25544",
            "--station", "48.1351,11.582,520", "--rotctld", "127.0.0.1:\(port)", "--now-for", "1",
        ])
        #expect(r.status == 1)
        #expect(r.stderr.contains("cannot connect to 127.0.0.1:\(port)"), "\(r.stderr)")
    }

    @Test func argumentErrors() async throws {
        let tle = Self.fixtures.appendingPathComponent("passes.tle").path
        let several = try await GSDProcess.run([
            "track", "--tle", tle, "--station", "48,11,0", "--rotctld", "127.0.0.1:1", "--now-for", "1",
        ])
        #expect(several.status != 0)
        #expect(several.stderr.contains("--norad"), "\(several.stderr)")
        let badEndpoint = try await GSDProcess.run([
            "track", "--tle", tle, "--norad", "25544", "--station", "48,11,0", "--rotctld", "nohost", "--now-for", "1",
        ])
        #expect(badEndpoint.status != 0)
        #expect(badEndpoint.stderr.contains("is not HOST:PORT"), "\(badEndpoint.stderr)")
        let noFrequency = try await GSDProcess.run([
            "track", "--tle", tle, "--norad", "25544", "--station", "48,11,0", "--rigctld", "127.0.0.1:1",
        ])
        #expect(noFrequency.status != 0)
        #expect(noFrequency.stderr.contains("--rigctld needs --frequency"), "\(noFrequency.stderr)")
        // 1e300 s overflowed the planner's sample count and crashed once the rotator answered.
        let forever = try await GSDProcess.run([
            "track", "--tle", tle, "--norad", "25544", "--station", "48,11,0", "--rotctld", "127.0.0.1:1", "--now-for", "1e300",
        ])
        #expect(forever.status == 64 && forever.stderr.contains("--now-for must be positive and at most"), "\(forever.stderr)")
    }
}
