import Foundation
import Testing

@Suite struct TelemetryCLITests {
    /// The GOMX-1 beacon of expected/gomx_1.frames.tsv (gr-satellites prints vbatt = 8.251, boot_count = 573).
    static let gomx1 = "82a78000551b0a1d79023dffe8fff00000ff8eff95ffcbff8fffb000bb003700231219fffefffdff96d5a8034a0350045016cd16bc0000203b000400020092001e00070000005101b60000013400b8fffcfffdfffcfffcfffffffe1c0051002a001c080000000000000000000000000400000000000000000000000000000000000000000000000000000000000000000000000000000000f8007c02fc00000000bf271200c06d5d003e776c00407fa3563f0508f9c3ac292b43321226c2a9a5900342aa000042aa0000c2aa0000222204054d6e04000200"

    static func objects(_ stdout: String) throws -> [[String: Any]] {
        try stdout.split(separator: "\n").map { try #require(JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]) }
    }

    @Test func decodeGivesValuesWithUnits() async throws {
        let r = try await GSDProcess.run(["telemetry", "decode", "--norad", "39430", Self.gomx1])
        #expect(r.status == 0, "\(r.stderr)")
        let o = try #require(try Self.objects(r.stdout).first)
        #expect(o["hex"] as? String == Self.gomx1)
        let t = try #require(o["telemetry"] as? [String: Any])
        #expect(t["definition"] as? String == "gomx-1")
        #expect(t["error"] == nil)
        let fields = try #require(t["fields"] as? [String: Any])
        #expect(fields["beacon_time"] as? String == "2015-03-31T20:57:01Z")
        let beacon = try #require(fields["beacon"] as? [String: Any])
        let eps = try #require(beacon["eps"] as? [String: Any])
        let vbatt = try #require(eps["vbatt"] as? [String: Any])
        #expect(vbatt["value"] as? Double == 8.251)
        #expect(vbatt["unit"] as? String == "V")
        #expect((beacon["obc"] as? [String: Any])?["boot_count"] as? Int == 573)
    }

    @Test func frameThatDoesNotFitIsKeptWithTheFieldAndOffset() async throws {
        let cut = String(Self.gomx1.prefix(40))
        let r = try await GSDProcess.run(["telemetry", "decode", "--definition", "gomx-3", "00", cut])
        #expect(r.status == 1)
        let objects = try Self.objects(r.stdout)
        #expect(objects.count == 2)
        let first = try #require(objects.first?["telemetry"] as? [String: Any])
        let error = try #require(first["error"] as? [String: Any])
        #expect(error["field"] as? String == "csp_header.destination")
        #expect(error["bit_offset"] as? Int == 7)
        #expect(objects.last?["hex"] as? String == cut)
        #expect(r.stderr.contains("frame 1"))
    }

    /// '-' reads frames from stdin, one per line, as `gsd replay` prints them; blank lines are skipped
    /// and a bad line is named by its number.
    @Test func framesFromStandardInput() async throws {
        let replay = try await GSDProcess.run(["replay", RecordingManifest.recordings.appendingPathComponent("gomx_1.wav").path, "--norad", "39430"])
        #expect(replay.status == 0 && replay.stdout == Self.gomx1 + "\n", "\(replay.stderr)")
        let r = try await GSDProcess.run(["telemetry", "decode", "--norad", "39430", "-"], stdin: Data(("\n" + replay.stdout + "\n" + replay.stdout).utf8))
        #expect(r.status == 0, "\(r.stderr)")
        let objects = try Self.objects(r.stdout)
        #expect(objects.count == 2 && objects.allSatisfy { $0["hex"] as? String == Self.gomx1 })
        #expect(objects.allSatisfy { ($0["telemetry"] as? [String: Any])?["definition"] as? String == "gomx-1" })
        let bad = try await GSDProcess.run(["telemetry", "decode", "--norad", "39430", "-"], stdin: Data((replay.stdout + "zz\n").utf8))
        #expect(bad.status != 0 && bad.stderr.contains("stdin line 2: not hex"), "\(bad.stderr)")
    }

    @Test func badArgumentsGiveClearErrors() async throws {
        let notHex = try await GSDProcess.run(["telemetry", "decode", "--norad", "39430", "zz"])
        #expect(notHex.status != 0 && notHex.stderr.contains("not hex"))
        let unknown = try await GSDProcess.run(["telemetry", "decode", "--definition", "nosuch", "00"])
        #expect(unknown.status != 0 && unknown.stderr.contains("nosuch"))
        let list = try await GSDProcess.run(["telemetry", "definitions"])
        #expect(list.status == 0 && list.stdout.contains("gomx-1\t"))
    }

    @Test func replayJSONCarriesDecodedTelemetry() async throws {
        let us04 = RecordingManifest.recordings.appendingPathComponent("us04.wav").path
        let r = try await GSDProcess.run(["replay", us04, "--satellite", "COLUMBIA", "--output", "json"])
        #expect(r.status == 0, "\(r.stderr)")
        let objects = try Self.objects(r.stdout)
        #expect(objects.count == 2)
        for o in objects {
            let t = try #require(o["telemetry"] as? [String: Any], "no telemetry in \(o)")
            #expect(t["definition"] as? String == "ax25")
            let header = try #require((t["fields"] as? [String: Any])?["header"] as? [String: Any])
            let addresses = try #require(header["addresses"] as? [[String: Any]])
            #expect(addresses.first?["callsign"] as? String == "CQ")
            #expect(header["pid"] as? Int == 0xF0)
        }
    }

    @Test func benchmarkReportsFramesPerSecond() async throws {
        let r = try await GSDProcess.run(["bench", "telemetry", "--json"])
        #expect(r.status == 0, "\(r.stderr)")
        let o = try #require(JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
        #expect(o["unit"] as? String == "frames/s")
        #expect((o["value"] as? Double ?? 0) > 0)
    }
}
