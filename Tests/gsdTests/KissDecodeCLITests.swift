import Foundation
import Testing
import TestSupport

@Suite struct KissDecodeCLITests {
    static let fixture = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/kiss/satellites.kiss").path

    @Test func textOutputRendersAX25AndTimes() async throws {
        let r = try await GSDProcess.run(["kiss", "decode", Self.fixture])
        #expect(r.status == 0, "\(r.stderr)")
        let lines = r.stdout.split(separator: "\n")
        #expect(lines.count == 5)
        #expect(lines.first?.hasPrefix("2023-11-14T22:13:20.000Z AO27 T>N4USI:N") == true)
        #expect(lines.contains { $0.contains("TI0IRA>TI0TEC:") })
        #expect(lines.last?.hasPrefix("2023-11-14T22:13:26.000Z KD8CJT>CQ:") == true)
    }

    /// Standard input may be a live TNC: a frame is printed when it arrives, not when 4 KB have piled up
    /// or the input ends.
    @Test func framesFromALiveStreamComeOutAtOnce() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("gsd-kiss-live-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("stdout").path
        let child = try ChildProcess([GSDProcess.executable.path, "kiss", "decode", "-"], stdin: .feed, stdout: .truncate(out))
        defer { child.kill() }
        #expect(child.feed([0xC0, 0x00, 0x41, 0x42, 0xC0]))
        let seen = try await Offload.run { () -> String? in
            for _ in 0..<200 {
                if let text = try? String(contentsOfFile: out, encoding: .utf8), !text.isEmpty { return text }
                usleep(50_000)
            }
            return nil
        }
        #expect(seen == "4142\n", "the frame did not come out while the input stayed open")
        child.closeStdin()
        #expect(child.waitForTermination(timeout: .seconds(30)) == .exited(0))
    }

    @Test func jsonFromStdinCarriesHexAndAX25Fields() async throws {
        let data = try Data(contentsOf: URL(fileURLWithPath: Self.fixture))
        let r = try await GSDProcess.run(["kiss", "decode", "--json"], stdin: data)
        #expect(r.status == 0)
        let objects = try r.stdout.split(separator: "\n").map {
            try #require(JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])
        }
        #expect(objects.count == 5)
        let first = try #require(objects.first)
        #expect(first["hex"] as? String == "9c68aaa6924000829e646e40a80103f04ed02518")
        #expect(first["source"] as? String == "AO27 T")
        #expect(first["destination"] as? String == "N4USI")
        #expect(first["port"] as? Int == 0)
        #expect(first["time"] as? String == "2023-11-14T22:13:20.000Z")
        #expect((first["path"] as? [Any])?.isEmpty == true)
    }

    @Test func nonAX25FramesPrintAsHex() async throws {
        let r = try await GSDProcess.run(["kiss", "decode"], stdin: Data([0xC0, 0x00, 0x01, 0x02, 0xDB, 0xDC, 0xC0]))
        #expect(r.status == 0)
        #expect(r.stdout == "0102c0\n")
    }

    @Test func brokenStreamsReportTheOffsetAndFail() async throws {
        let r = try await GSDProcess.run(["kiss", "decode"], stdin: Data([0xC0, 0x00, 0x41, 0xC0, 0x00, 0xDB, 0x11, 0xC0]))
        #expect(r.status == 1)
        #expect(r.stdout.hasPrefix("41"))
        #expect(r.stderr.contains("<stdin>") && r.stderr.contains("byte 6"))
    }

    @Test func missingFileIsAClearError() async throws {
        let r = try await GSDProcess.run(["kiss", "decode", "/nonexistent/x.kiss"])
        #expect(r.status != 0)
        #expect(r.stderr.contains("/nonexistent/x.kiss") && r.stderr.contains("No such file"))
    }
}
