import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A child process for tests (daemons, CLI runs, PostgreSQL, direwolf, Hamlib), started with posix_spawn.
///
/// Why not Foundation's `Process`: on Linux it watches each child through a socket pair whose far end
/// is not close-on-exec, so any child spawned at the same moment elsewhere inherits it and the first
/// child's exit goes unnoticed until the second one dies; with synchronous waits on a 2-core machine
/// that deadlocked the whole suite. Here every descriptor above stderr is closed in the child, the
/// signal mask is emptied (test threads block every signal, which children would inherit), and every
/// wait has a deadline.
public final class ChildProcess: @unchecked Sendable {
    // @unchecked: `stdinFD` and `termination` are only touched with `lock` held.
    public enum Input: Sendable {
        case null
        /// A socket the test writes with `feed` (MSG_NOSIGNAL: a dead child is an error, never SIGPIPE).
        case feed
        case file(String)
    }

    public enum Output: Sendable {
        case null
        case truncate(String)
        case append(String)
    }

    public enum Termination: Equatable, Sendable, CustomStringConvertible {
        case exited(Int32)
        case signaled(Int32)

        /// The shell's convention: the exit code, or 128 + the signal.
        public var status: Int32 {
            switch self {
            case .exited(let code): code
            case .signaled(let signal): 128 + signal
            }
        }

        public var description: String {
            switch self {
            case .exited(let code): "exit \(code)"
            case .signaled(let signal): "signal \(signal)"
            }
        }
    }

    public struct Failure: Error, CustomStringConvertible {
        public let description: String
        public init(_ description: String) { self.description = description }
    }

    public let pid: pid_t
    public let argv: [String]
    private let lock = NSLock()
    private var stdinFD: Int32
    private var ended: Termination?

    /// Starts `argv` (found on PATH when it has no slash). `stderr` nil sends it where stdout goes.
    public init(
        _ argv: [String], stdin: Input = .null, stdout: Output = .null, stderr: Output? = nil,
        environment: [String: String] = [:]
    ) throws {
        precondition(!argv.isEmpty)
        self.argv = argv
        var actions = posix_spawn_file_actions_t()
        var attributes = posix_spawnattr_t()
        posix_spawn_file_actions_init(&actions)
        posix_spawnattr_init(&attributes)
        defer {
            posix_spawn_file_actions_destroy(&actions)
            posix_spawnattr_destroy(&attributes)
        }
        var empty = sigset_t(), all = sigset_t()
        sigemptyset(&empty)
        sigfillset(&all)
        posix_spawnattr_setsigmask(&attributes, &empty)
        posix_spawnattr_setsigdefault(&attributes, &all)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))

        var pair: [Int32] = [-1, -1]
        switch stdin {
        case .null:
            posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        case .file(let path):
            posix_spawn_file_actions_addopen(&actions, 0, path, O_RDONLY, 0)
        case .feed:
            guard socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0, &pair) == 0 else {
                throw Failure("socketpair: \(String(cString: strerror(errno)))")
            }
            posix_spawn_file_actions_adddup2(&actions, pair[1], 0)
        }
        Self.addOutput(stdout, fd: 1, &actions)
        if let stderr { Self.addOutput(stderr, fd: 2, &actions) } else { posix_spawn_file_actions_adddup2(&actions, 1, 2) }
        _ = Self.closeFrom?(&actions, 3)

        var env = ProcessInfo.processInfo.environment
        for (key, value) in environment { env[key] = value }
        let cArgs = argv.map { strdup($0) } + [nil]
        let cEnv = env.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            cArgs.forEach { free($0) }
            cEnv.forEach { free($0) }
        }
        var pid: pid_t = 0
        let rc = posix_spawnp(&pid, argv[0], &actions, &attributes, cArgs, cEnv)
        if pair[1] >= 0 { _ = close(pair[1]) }
        guard rc == 0 else {
            if pair[0] >= 0 { _ = close(pair[0]) }
            throw Failure("cannot start \(argv[0]): \(String(cString: strerror(rc)))")
        }
        self.pid = pid
        self.stdinFD = pair[0]
    }

    /// stdout and stderr together into `output` (truncated); stdin from /dev/null or fed by the test.
    public convenience init(_ argv: [String], output: String, feedStdin: Bool = false, environment: [String: String] = [:]) throws {
        try self.init(argv, stdin: feedStdin ? .feed : .null, stdout: .truncate(output), environment: environment)
    }

    deinit { kill() }

    private static func addOutput(_ output: Output, fd: Int32, _ actions: inout posix_spawn_file_actions_t) {
        switch output {
        case .null: posix_spawn_file_actions_addopen(&actions, fd, "/dev/null", O_WRONLY, 0)
        case .truncate(let path): posix_spawn_file_actions_addopen(&actions, fd, path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        case .append(let path): posix_spawn_file_actions_addopen(&actions, fd, path, O_WRONLY | O_CREAT | O_APPEND, 0o644)
        }
    }

    /// glibc ≥ 2.34 has posix_spawn_file_actions_addclosefrom_np, which Swift's Glibc module does not
    /// import; looked up at run time (without it, children inherit descriptors, as before).
    private typealias CloseFromFunction = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32
    private static let closeFrom: CloseFromFunction? = {
        guard let symbol = dlsym(nil, "posix_spawn_file_actions_addclosefrom_np") else { return nil }
        return unsafeBitCast(symbol, to: CloseFromFunction.self)
    }()

    // MARK: stdin

    /// Writes everything to the child's stdin (blocking); false once the child stopped reading.
    @discardableResult
    public func feed(_ bytes: [UInt8]) -> Bool {
        let fd = lock.withLock { stdinFD }
        guard fd >= 0 else { return false }
        var done = 0
        while done < bytes.count {
            let n = bytes.withUnsafeBytes { send(fd, $0.baseAddress! + done, min(65536, $0.count - done), Int32(MSG_NOSIGNAL)) }
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { return false }
            done += n
        }
        return true
    }

    /// Feeds `bytes` from a background thread, keeping stdin open afterwards.
    public func feedInBackground(_ bytes: [UInt8]) {
        Thread.detachNewThread { [self] in _ = self.feed(bytes) }
    }

    public func closeStdin() {
        lock.withLock {
            if stdinFD >= 0 { _ = close(stdinFD) }
            stdinFD = -1
        }
    }

    // MARK: waiting

    /// How the child ended, reaping it if it just did; nil while it runs.
    @discardableResult
    public func poll() -> Termination? {
        lock.withLock {
            if let ended { return ended }
            var status: Int32 = 0
            guard waitpid(pid, &status, WNOHANG) == pid else { return nil }
            ended = Self.termination(status)
            return ended
        }
    }

    public var isRunning: Bool { poll() == nil }

    /// Blocks until the child ends or `timeout` passes (nil).
    public func waitForTermination(timeout: Duration) -> Termination? {
        let deadline = ContinuousClock.now + timeout
        repeat {
            if let ended = poll() { return ended }
            usleep(10_000)
        } while ContinuousClock.now < deadline
        return poll()
    }

    /// Suspends until the child ends or `timeout` passes (nil).
    public func termination(within timeout: Duration) async -> Termination? {
        let deadline = ContinuousClock.now + timeout
        repeat {
            if let ended = poll() { return ended }
            try? await Task.sleep(for: .milliseconds(20))
        } while ContinuousClock.now < deadline
        return poll()
    }

    /// The exit code once the child exits by itself; nil on timeout or death by a signal.
    public func wait(timeout: Duration) -> Int32? {
        if case .exited(let code) = waitForTermination(timeout: timeout) { return code }
        return nil
    }

    public func signal(_ signal: Int32) {
        lock.withLock {
            if ended == nil { _ = Glibc.kill(pid, signal) }
        }
    }

    /// SIGKILL and reap (idempotent; blocks only briefly: SIGKILL cannot be caught).
    public func kill() {
        closeStdin()
        lock.withLock {
            guard ended == nil else { return }
            _ = Glibc.kill(pid, SIGKILL)
            var status: Int32 = 0
            while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
            ended = Self.termination(status)
        }
    }

    private static func termination(_ status: Int32) -> Termination {
        (status & 0x7f) == 0 ? .exited((status >> 8) & 0xff) : .signaled(status & 0x7f)
    }

    // MARK: run to completion

    public struct Completed: Sendable {
        public var termination: Termination
        public var stdoutData: Data
        public var stderrData: Data
        /// Exit code, or 128 + signal.
        public var status: Int32 { termination.status }
        public var stdout: String { String(decoding: stdoutData, as: UTF8.self) }
        public var stderr: String { String(decoding: stderrData, as: UTF8.self) }
    }

    /// Runs `argv` to its end with `stdin` as input, capturing stdout and stderr through files (a chatty
    /// child never blocks on a full pipe). Past `timeout` the child is killed and this throws.
    public static func run(
        _ argv: [String], stdin: Data? = nil, environment: [String: String] = [:], timeout: Duration = .seconds(600)
    ) throws -> Completed {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("gsd-child-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let out = dir + "/out", err = dir + "/err", inp = dir + "/in"
        var input = Input.null
        if let stdin {
            try stdin.write(to: URL(fileURLWithPath: inp))
            input = .file(inp)
        }
        let child = try ChildProcess(argv, stdin: input, stdout: .truncate(out), stderr: .truncate(err), environment: environment)
        let ended = child.waitForTermination(timeout: timeout)
        let outData = (try? Data(contentsOf: URL(fileURLWithPath: out))) ?? Data()
        let errData = (try? Data(contentsOf: URL(fileURLWithPath: err))) ?? Data()
        guard let ended else {
            child.kill()
            throw Failure("\(argv.joined(separator: " ")) did not exit within \(timeout); stderr: \(String(decoding: errData.suffix(2000), as: UTF8.self))")
        }
        return Completed(termination: ended, stdoutData: outData, stderrData: errData)
    }
}
