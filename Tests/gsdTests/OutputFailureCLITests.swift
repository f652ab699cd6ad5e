import Foundation
import Testing

/// Output that cannot be written is an error, never frames lost with exit status 0. /dev/full fails
/// every write with ENOSPC, as a full disk does.
@Suite(.enabled(if: FileManager.default.fileExists(atPath: "/dev/full"), "needs /dev/full to stand in for a full disk"))
struct OutputFailureCLITests {
    static let us04 = RecordingManifest.recordings.appendingPathComponent("us04.wav").path

    /// Runs gsd through the shell so stdout can be redirected: `redirect` is appended to the command line.
    static func gsd(_ arguments: [String], redirect: String) async throws -> GSDProcess.Result {
        let quoted = arguments.map { "'" + $0.replacingOccurrences(of: "'", with: "'\\''") + "'" }.joined(separator: " ")
        return try await GSDProcess.run(
            URL(fileURLWithPath: "/bin/sh"), ["-c", "exec \"$0\" \(quoted) \(redirect)", GSDProcess.executable.path])
    }

    @Test(arguments: ["hex", "json", "kiss"])
    func framesOnAFullStdoutAreAnError(output: String) async throws {
        let r = try await Self.gsd(["replay", Self.us04, "--norad", "42702", "--output", output], redirect: ">/dev/full")
        #expect(r.status == 1, "\(r.stderr)")
        #expect(r.stderr.contains("stdout: No space left on device: output is incomplete"), "\(r.stderr)")
    }

    /// Commands that print a finite listing are checked at exit, when the C library writes the last buffer.
    @Test func aListingOnAFullStdoutIsAnError() async throws {
        let r = try await Self.gsd(["satellites"], redirect: ">/dev/full")
        #expect(r.status == 1, "\(r.stderr)")
        #expect(r.stderr.contains("stdout: No space left on device"), "\(r.stderr)")
        let ok = try await Self.gsd(["satellites"], redirect: ">/dev/null")
        #expect(ok.status == 0, "\(ok.stderr)")
    }

    @Test func aKissFileThatCannotBeWrittenIsAnError() async throws {
        let r = try await GSDProcess.run(["replay", Self.us04, "--norad", "42702", "--kiss-out", "/dev/full"])
        #expect(r.status == 1, "\(r.stderr)")
        #expect(r.stderr.contains("/dev/full: No space left on device: output is incomplete"), "\(r.stderr)")
        // Opened in place: the device is still a device (it used to be replaced by a regular file).
        let type = try FileManager.default.attributesOfItem(atPath: "/dev/full")[.type] as? FileAttributeType
        #expect(type == .typeCharacterSpecial)
        let directory = try await GSDProcess.run(["replay", Self.us04, "--norad", "42702", "--kiss-out", "/tmp"])
        #expect(directory.status != 0 && directory.stderr.contains("/tmp: cannot create: Is a directory"), "\(directory.stderr)")
    }

    /// --kiss-out into a FIFO feeds the process reading it, the same bytes a regular file gets.
    @Test func aKissFifoIsWrittenInPlace() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("gsd-out-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let fifo = dir.appendingPathComponent("frames.fifo").path
        let copy = dir.appendingPathComponent("copy.kiss").path
        let file = dir.appendingPathComponent("file.kiss").path
        #expect(mkfifo(fifo, 0o600) == 0)
        // The reader is killed if gsd never opens the FIFO (as when the FIFO was replaced), so a regression
        // fails here instead of hanging.
        let script = """
            cat "$1" > "$2" & c=$!
            "$0" replay "$3" --norad 42702 --kiss-out "$1" >/dev/null; s=$?
            (sleep 10; kill $c 2>/dev/null) & wait $c; exit $s
            """
        let r = try await GSDProcess.run(
            URL(fileURLWithPath: "/bin/sh"), ["-c", script, GSDProcess.executable.path, fifo, copy, Self.us04])
        #expect(r.status == 0, "\(r.stderr)")
        var st = stat()
        #expect(lstat(fifo, &st) == 0 && st.st_mode & S_IFMT == S_IFIFO, "the FIFO was replaced by a file")
        let plain = try await GSDProcess.run(["replay", Self.us04, "--norad", "42702", "--kiss-out", file])
        #expect(plain.status == 0, "\(plain.stderr)")
        let sent = try Data(contentsOf: URL(fileURLWithPath: copy))
        let written = try Data(contentsOf: URL(fileURLWithPath: file))
        #expect(!sent.isEmpty && sent == written)
        let decoded = try await GSDProcess.run(["kiss", "decode", copy])
        #expect(decoded.stdout.split(separator: "\n").count == 2, "\(decoded.stderr)")
    }
}
