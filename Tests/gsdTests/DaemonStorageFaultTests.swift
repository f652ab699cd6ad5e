import Foundation
import Testing
import TestSupport

#if canImport(Glibc)
import Glibc
#endif

/// The data folder fills up in the middle of a pass (a small tmpfs, then a filler file): the daemon keeps
/// decoding and says what it could not store; after space returns and a restart, every frame the API had
/// shown is still there. Needs permission to mount a tmpfs (root with CAP_SYS_ADMIN); skipped otherwise.
@Suite(.serialized, .timeLimit(.minutes(8))) struct DaemonStorageFaultTests {
    static let canMountTmpfs: Bool = {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("gsd-mount-probe-\(getpid())").path
        try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        guard (try? ChildProcess.run(["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", dir], timeout: .seconds(20)))?.status == 0 else { return false }
        _ = try? ChildProcess.run(["umount", dir], timeout: .seconds(20))
        return true
    }()

    /// Writes to `path` until the file system refuses: bytes written.
    static func fill(_ path: String) -> Int {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        guard fd >= 0 else { return 0 }
        defer { close(fd) }
        var total = 0
        for chunk in [1 << 20, 4096, 1] {
            let bytes = [UInt8](repeating: 0xA5, count: chunk)
            while bytes.withUnsafeBytes({ write(fd, $0.baseAddress, chunk) }) == chunk { total += chunk }
        }
        return total
    }

    @Test(.enabled(if: canMountTmpfs, "cannot mount a tmpfs here (needs root with CAP_SYS_ADMIN)"))
    func diskFullDuringAPassLosesNoAcknowledgedFrame() async throws {
        let scratch = try DaemonEndToEndTests.Scratch()
        let data = scratch.file("data")
        try FileManager.default.createDirectory(atPath: data, withIntermediateDirectories: true)
        let mount = try ChildProcess.run(["mount", "-t", "tmpfs", "-o", "size=8m", "tmpfs", data], timeout: .seconds(20))
        try #require(mount.status == 0, "mount: \(mount.stderr)")
        defer { _ = try? ChildProcess.run(["umount", "-l", data], timeout: .seconds(20)) }

        // us04 at a tenth of real time: about 70 s of pass, its two good frames 50 s apart (a loaded CI
        // machine once kept this test from seeing the first frame within 20 s).
        let config = try DaemonEndToEndTests.config(scratch, [("us04.wav", 42702)], speed: 0.1)
        var seen: [[String: Any]] = []
        var refused = false
        do {
            let daemon = try DaemonProcess(arguments: ["run", "--config", config, "--listen", "127.0.0.1:0"], outputPath: scratch.file("log1"))
            defer { daemon.kill(SIGKILL) }
            let base = try await daemon.waitForURL()
            let deadline = ContinuousClock.now + .seconds(240)
            while ContinuousClock.now < deadline {
                // 404 until the pass opens. us04's two good frames are 5 s apart (50 s at this speed): the
                // disk fills after the first stored frame, well before the pass ends.
                let frames = (try? await DaemonHTTP.items(base + "/api/passes/1/frames")) ?? []
                if frames.count >= 1 {
                    seen = frames
                    break
                }
                try await Task.sleep(for: .milliseconds(100))
            }
            try #require(seen.count >= 1, "no frames before the deadline:\n\(daemon.output)")
            // The disk fills up mid-pass.
            let filler = data + "/filler"
            #expect(Self.fill(filler) > 0)
            let open = try await DaemonHTTP.json(base + "/api/passes/1")
            #expect(open["end"] == nil || open["end"] is NSNull, "the pass had ended before the disk filled: \(open)")
            var schedule: [String: Any] = [:]
            repeat {
                #expect(daemon.poll() == nil, "the daemon died on a full disk:\n\(daemon.output.suffix(3000))")
                schedule = try await DaemonHTTP.json(base + "/api/schedule")
                if schedule["finished"] as? Bool == true { break }
                try await Task.sleep(for: .milliseconds(200))
            } while ContinuousClock.now < deadline
            #expect(schedule["finished"] as? Bool == true)
            // It said what it could not store, and counted it.
            let status = try await DaemonHTTP.json(base + "/api/status")
            let lastError = status["last_error"] as? String ?? ""
            #expect(lastError.contains("not stored") || lastError.contains("full") || lastError.contains("waterfall"), "\(status)")
            // Frames decoded after the disk filled were refused and counted, unless SQLite still had room
            // (its WAL reuses pages it already has): then they must all be there after the restart.
            let (_, metrics) = try await DaemonHTTP.get(base + "/metrics")
            refused = String(decoding: metrics, as: UTF8.self).contains("gsd_frames_not_stored_total")
            // Space comes back; an abrupt end.
            try FileManager.default.removeItem(atPath: filler)
            daemon.kill(SIGKILL)
        }
        let daemon = try DaemonProcess(arguments: ["run", "--config", config, "--listen", "127.0.0.1:0"], outputPath: scratch.file("log2"))
        defer { daemon.kill(SIGKILL) }
        let base = try await daemon.waitForURL()
        let after = try await DaemonHTTP.items(base + "/api/passes/1/frames")
        DaemonEndToEndTests.expectStillThere(seen, after, fields: ["hex"])
        if !refused {
            let good = DaemonEndToEndTests.hex(try await DaemonHTTP.items(base + "/api/passes/1/frames?limit=1000"))
            #expect(good == (try RecordingManifest.expected("us04.wav")), "no frame was refused, so none may be missing")
        }
        let pass = try await DaemonHTTP.json(base + "/api/passes/1")
        #expect(pass["end"] is String, "the pass is closed (by the first run, or by the restart)")
        daemon.signal(SIGTERM)
        #expect(try await daemon.waitExit(timeout: .seconds(30)) == 0, "\(daemon.output.suffix(3000))")
    }

    /// A data folder on a read-only file system (a mount gone read-only, a misconfigured volume): the daemon
    /// refuses to start, naming the folder and the reason, instead of failing later or crashing. (A file
    /// system cannot be remounted read-only under a running daemon: Linux refuses while files are open for
    /// writing, so mid-pass write failures are what the disk-full test covers.)
    @Test(.enabled(if: canMountTmpfs, "cannot mount a tmpfs here (needs root with CAP_SYS_ADMIN)"))
    func readOnlyDataFolderIsRefusedAtStart() async throws {
        let scratch = try DaemonEndToEndTests.Scratch()
        let data = scratch.file("data")
        try FileManager.default.createDirectory(atPath: data, withIntermediateDirectories: true)
        let mount = try ChildProcess.run(["mount", "-t", "tmpfs", "-o", "size=1m,ro", "tmpfs", data], timeout: .seconds(20))
        try #require(mount.status == 0, "mount: \(mount.stderr)")
        defer { _ = try? ChildProcess.run(["umount", "-l", data], timeout: .seconds(20)) }
        let config = try DaemonEndToEndTests.config(scratch, [("us04.wav", 42702)], speed: 0)
        for folder in [data, data + "/station/db"] {
            let daemon = try DaemonProcess(arguments: ["run", "--config", config, "--data-dir", folder, "--listen", "127.0.0.1:0"], outputPath: scratch.file("log-ro"))
            defer { daemon.kill(SIGKILL) }
            let status = try await daemon.waitExit(timeout: .seconds(60))
            #expect(status != 0 && status != nil)
            #expect(daemon.output.contains("folder \(data) is not writable: Read-only file system"), "\(daemon.output.suffix(2000))")
        }
    }
}
