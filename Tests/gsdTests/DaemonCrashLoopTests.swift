import Foundation
import TelemetryDecode
import Testing
import TestSupport

#if canImport(Glibc)
import Glibc
#endif

/// `kill -9` at random moments, over and over: each run of the daemon plays recordings as passes and is
/// killed after a random delay (during start-up, mid-pass, between passes). No frame the API ever
/// showed may go missing, and the SQLite database must pass its integrity check at the end.
/// GSD_KILL_ITERATIONS sets the number of kills (default 12 in the suite; the note reports 50).
@Suite(.serialized, .timeLimit(.minutes(10))) struct DaemonCrashLoopTests {
    static var iterations: Int { Int(ProcessInfo.processInfo.environment["GSD_KILL_ITERATIONS"] ?? "") ?? 12 }

    @Test func repeatedKillMinusNineNeverLosesAnAcknowledgedFrame() async throws {
        let scratch = try DaemonEndToEndTests.Scratch()
        let config = try DaemonEndToEndTests.config(
            scratch, [("us04.wav", 42702), ("quetzal1.wav", 45598), ("us04.wav", 42702)], speed: 2, gap: 0.2, startDelay: 0.2)
        var rng = SplitMix64(seed: 0x6B69_6C6C)
        var acknowledged: [String: String] = [:]  // "pass.sequence" → hex, as the API showed them
        for i in 0..<Self.iterations {
            let daemon = try DaemonProcess(arguments: ["run", "--config", config, "--listen", "127.0.0.1:0"], outputPath: scratch.file("log\(i)"))
            defer { daemon.kill(SIGKILL) }
            let base = try await daemon.waitForURL()
            let until = ContinuousClock.now + .milliseconds(Int64.random(in: 200...4000, using: &rng))
            while ContinuousClock.now < until {
                if let frames = try? await DaemonHTTP.items(base + "/api/frames?limit=1000") {
                    for f in frames {
                        guard let p = f["pass_id"] as? Int, let s = f["sequence"] as? Int, let hex = f["hex"] as? String else { continue }
                        if let before = acknowledged["\(p).\(s)"] { #expect(before == hex, "frame \(p).\(s) changed") }
                        acknowledged["\(p).\(s)"] = hex
                    }
                }
                try await Task.sleep(for: .milliseconds(Int64.random(in: 20...300, using: &rng)))
            }
            daemon.kill(SIGKILL)
        }
        // One more start: everything acknowledged is there; passes left open were closed.
        let daemon = try DaemonProcess(arguments: ["run", "--config", config, "--listen", "127.0.0.1:0"], outputPath: scratch.file("final"))
        defer { daemon.kill(SIGKILL) }
        let base = try await daemon.waitForURL()
        var stored: [String: String] = [:]
        var offset = 0
        while true {
            let page = try await DaemonHTTP.items(base + "/api/frames?limit=1000&offset=\(offset)")
            for f in page {
                if let p = f["pass_id"] as? Int, let s = f["sequence"] as? Int, let hex = f["hex"] as? String { stored["\(p).\(s)"] = hex }
            }
            if page.count < 1000 { break }
            offset += page.count
        }
        let missing = acknowledged.filter { stored[$0.key] != $0.value }
        print("kill -9 loop: \(Self.iterations) kills, \(acknowledged.count) frames acknowledged, \(stored.count) stored, \(missing.count) lost")
        #expect(acknowledged.count > 0, "no frame was ever shown: the kills came too early")
        #expect(missing.isEmpty, "lost or changed: \(missing.keys.sorted().prefix(20))")
        daemon.signal(SIGTERM)
        #expect(try await daemon.waitExit(timeout: .seconds(30)) == 0)

        // The database itself, checked by SQLite (through Python's sqlite3 module).
        let check = try ChildProcess.run(
            ["python3", "-c", "import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute('pragma integrity_check').fetchone()[0])",
             scratch.file("data/gsd.sqlite")], timeout: .seconds(60))
        #expect(check.status == 0 && check.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "ok", "\(check.stdout) \(check.stderr)")
    }
}
