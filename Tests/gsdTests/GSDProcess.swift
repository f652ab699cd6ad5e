import Foundation
import TestSupport

/// Runs the built `gsd` executable (it sits beside the test bundle) and captures its output.
enum GSDProcess {
    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
        var stdoutData: Data
    }

    static var executable: URL {
        var dir = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for _ in 0..<4 {
            let candidate = dir.appendingPathComponent("gsd")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
            dir = dir.deletingLastPathComponent()
        }
        return URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("gsd")
    }

    /// Runs gsd with `arguments` to its end (killed past `timeout`), `stdin` as its input.
    static func run(_ arguments: [String], stdin: Data? = nil, timeout: Duration = .seconds(600)) async throws -> Result {
        try await run(executable, arguments, stdin: stdin, timeout: timeout)
    }

    /// `run`, but at most one such child per core at a time: for the decoding runs that tests start by the
    /// dozen (one per recording). Started all at once they starved every other test of CPU: in-process
    /// daemon tests missed 80 s deadlines while 50 replays ran beside them.
    static func runDecoding(_ arguments: [String], timeout: Duration = .seconds(600)) async throws -> Result {
        try await decodingSlots.holding { try await run(arguments, timeout: timeout) }
    }

    private static let decodingSlots = AsyncSlots(max(2, ProcessInfo.processInfo.activeProcessorCount))

    /// The same for another executable.
    /// Waits on a thread of its own (Offload), not on the test's pool thread.
    static func run(_ executable: URL, _ arguments: [String], stdin: Data? = nil, timeout: Duration = .seconds(600)) async throws -> Result {
        let argv = [executable.path] + arguments
        let done = try await Offload.run { try ChildProcess.run(argv, stdin: stdin, timeout: timeout) }
        return Result(status: done.status, stdout: done.stdout, stderr: done.stderr, stdoutData: done.stdoutData)
    }
}
