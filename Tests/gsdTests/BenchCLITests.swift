import Foundation
import Testing

@Suite struct BenchCLITests {
    @Test func listsBenchmarks() async throws {
        let r = try await GSDProcess.run(["bench", "--list"])
        #expect(r.status == 0)
        #expect(r.stdout.contains("crc16-x25") && r.stdout.contains("hdlc"))
    }

    @Test func unknownBenchmarkFails() async throws {
        let r = try await GSDProcess.run(["bench", "no-such-thing"])
        #expect(r.status != 0)
        #expect(r.stderr.contains("unknown benchmark"))
    }

    @Test func jsonShape() async throws {
        let r = try await GSDProcess.run(["bench", "crc16-x25", "--json"])
        #expect(r.status == 0)
        let o = try #require(JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
        #expect(o["benchmark"] as? String == "crc16-x25")
        #expect(o["unit"] as? String == "MB/s")
        #expect((o["value"] as? Double ?? 0) > 0)
    }

    /// The noise measurement, one second per framing: a line per transmitter and no false frame.
    @Test func falseFramesCoversEveryFraming() async throws {
        let r = try await GSDProcess.run(
            URL(fileURLWithPath: "/usr/bin/env"), ["GSD_NOISE_SECONDS=1", GSDProcess.executable.path, "bench", "false-frames", "--json"])
        #expect(r.status == 0, "\(r.stderr)")
        let o = try #require(JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
        #expect(o["unit"] as? String == "frames/hour")
        #expect(o["value"] as? Double == 0)
        let lines = r.stderr.split(separator: "\n").filter { $0.hasPrefix("false-frames: ") }
        #expect(lines.count >= 34)
        #expect(lines.allSatisfy { $0.contains(" 0 good frame(s)") })
    }
}
