import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// A child process started with posix_spawn: empty signal mask and default dispositions (test
/// threads have every signal blocked, which a Foundation `Process` child would inherit), stdout and
/// stderr to a file, stdin from /dev/null or from one end of a socket pair (written with
/// MSG_NOSIGNAL, so a dead child is an error and never SIGPIPE).
final class TestChild: @unchecked Sendable {
    let pid: pid_t
    let argv: [String]
    /// Our end of the child's stdin when `feedStdin` was set, else -1.
    private(set) var stdinFD: Int32
    private var reaped = false
    private let lock = NSLock()

    struct SpawnError: Error, CustomStringConvertible {
        var description: String
    }

    init(_ argv: [String], output: String, feedStdin: Bool = false, environment: [String: String] = [:]) throws {
        self.argv = argv
        var fa = posix_spawn_file_actions_t()
        var attr = posix_spawnattr_t()
        posix_spawn_file_actions_init(&fa)
        posix_spawnattr_init(&attr)
        defer {
            posix_spawn_file_actions_destroy(&fa)
            posix_spawnattr_destroy(&attr)
        }
        var empty = sigset_t()
        sigemptyset(&empty)
        var all = sigset_t()
        sigfillset(&all)
        posix_spawnattr_setsigmask(&attr, &empty)
        posix_spawnattr_setsigdefault(&attr, &all)
        posix_spawnattr_setflags(&attr, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))

        var pair: [Int32] = [-1, -1]
        if feedStdin {
            guard socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0, &pair) == 0 else {
                throw SpawnError(description: "socketpair: \(String(cString: strerror(errno)))")
            }
            posix_spawn_file_actions_adddup2(&fa, pair[1], 0)
        } else {
            posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0)
        }
        posix_spawn_file_actions_addopen(&fa, 1, output, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_adddup2(&fa, 1, 2)

        var env = ProcessInfo.processInfo.environment
        for (k, v) in environment { env[k] = v }
        let cArgs = argv.map { strdup($0) } + [nil]
        let cEnv = env.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            cArgs.forEach { free($0) }
            cEnv.forEach { free($0) }
        }
        var pid: pid_t = 0
        let rc = posix_spawnp(&pid, argv[0], &fa, &attr, cArgs, cEnv)
        if feedStdin { _ = close(pair[1]) }
        if rc != 0 {
            if feedStdin { _ = close(pair[0]) }
            throw SpawnError(description: "spawn \(argv[0]): \(String(cString: strerror(rc)))")
        }
        self.pid = pid
        self.stdinFD = feedStdin ? pair[0] : -1
    }

    deinit { kill() }

    /// Writes everything to the child's stdin (blocking); false if the child stopped reading.
    func feed(_ bytes: [UInt8]) -> Bool {
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

    /// Feeds `bytes` on a background thread, keeping stdin open afterwards.
    func feedInBackground(_ bytes: [UInt8]) {
        Thread.detachNewThread { [self] in _ = self.feed(bytes) }
    }

    func closeStdin() {
        lock.withLock {
            if stdinFD >= 0 { _ = close(stdinFD) }
            stdinFD = -1
        }
    }

    var isRunning: Bool {
        lock.withLock {
            if reaped { return false }
            var status: Int32 = 0
            if waitpid(pid, &status, WNOHANG) == pid {
                reaped = true
                return false
            }
            return true
        }
    }

    /// Waits for the child to exit by itself; its exit status, or nil on timeout or death by signal.
    func wait(timeout: Duration) -> Int32? {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            let r: Int32? = lock.withLock {
                if reaped { return -1 }
                var status: Int32 = 0
                if waitpid(pid, &status, WNOHANG) == pid {
                    reaped = true
                    return (status & 0x7f) == 0 ? (status >> 8) & 0xff : -1
                }
                return nil
            }
            if let r { return r >= 0 ? r : nil }
            usleep(20_000)
        }
        return nil
    }

    /// SIGKILL and reap (idempotent).
    func kill() {
        closeStdin()
        lock.withLock {
            if reaped { return }
            _ = Glibc.kill(pid, SIGKILL)
            var status: Int32 = 0
            _ = waitpid(pid, &status, 0)
            reaped = true
        }
    }
}

enum ModemTestSupport {
    static func executable(_ name: String) -> String? {
        for dir in ["/usr/bin", "/usr/local/bin", "/bin"] {
            let p = "\(dir)/\(name)"
            if FileManager.default.isExecutableFile(atPath: p) { return p }
        }
        return nil
    }

    static var hasDirewolf: Bool {
        executable("direwolf") != nil && executable("gen_packets") != nil
    }

    static func temporaryDirectory(_ prefix: String) throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("\(prefix)-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return dir
    }

    /// A TCP port that was free a moment ago. direwolf 1.6 rejects KISS ports above 49151 (and then
    /// silently uses 8001), so not an ephemeral one from bind(0): a random one in 20000-45000.
    static func freePort() throws -> UInt16 {
        for _ in 0..<100 {
            let port = UInt16.random(in: 20000...45000)
            let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            guard fd >= 0 else { throw TestChild.SpawnError(description: "socket failed") }
            defer { close(fd) }
            var addr = sockaddr_in()
            addr.sin_family = sa_family_t(AF_INET)
            addr.sin_port = port.bigEndian
            addr.sin_addr.s_addr = 0  // INADDR_ANY, as direwolf binds
            let ok = withUnsafePointer(to: &addr) { p in
                p.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
            }
            if ok { return port }
        }
        throw TestChild.SpawnError(description: "no free TCP port found")
    }

    /// Waits until the file contains `text` (direwolf's output is unbuffered); false on timeout or
    /// when the child exits first.
    static func waitForText(_ text: String, in path: String, child: TestChild, timeout: Duration) -> Bool {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if let s = try? String(contentsOfFile: path, encoding: .isoLatin1), s.contains(text) { return true }
            if !child.isRunning { return false }
            usleep(20_000)
        }
        return false
    }

    static func log(_ path: String) -> String {
        (try? String(contentsOfFile: path, encoding: .isoLatin1)) ?? "(no output)"
    }

    /// Runs `gen_packets -r 48000` on TNC2 lines; returns the raw s16 audio (WAV data after its header).
    static func generateAudio(lines: [String], in dir: String) throws -> [UInt8] {
        let msgs = dir + "/msgs.txt", wav = dir + "/test.wav"
        try lines.map { $0 + "\n" }.joined().write(toFile: msgs, atomically: true, encoding: .isoLatin1)
        let child = try TestChild(["gen_packets", "-r", "48000", "-o", wav, msgs], output: dir + "/gen_packets.log")
        defer { child.kill() }
        guard child.wait(timeout: .seconds(30)) == 0 else {
            throw TestChild.SpawnError(description: "gen_packets failed: \(log(dir + "/gen_packets.log"))")
        }
        let data = try [UInt8](Data(contentsOf: URL(fileURLWithPath: wav)))
        guard data.count > 44 else { throw TestChild.SpawnError(description: "gen_packets wrote no audio") }
        return Array(data[44...])
    }

    /// A 44-byte WAV header for mono s16le at `rate` around `pcm`.
    static func wav(pcm: [UInt8], rate: UInt32 = 48000) -> [UInt8] {
        func u32(_ v: UInt32) -> [UInt8] { (0..<4).map { UInt8(truncatingIfNeeded: v >> (8 * $0)) } }
        func u16(_ v: UInt16) -> [UInt8] { [UInt8(v & 0xff), UInt8(v >> 8)] }
        var h = Array("RIFF".utf8) + u32(UInt32(36 + pcm.count)) + Array("WAVEfmt ".utf8)
        h += u32(16) + u16(1) + u16(1) + u32(rate) + u32(rate * 2) + u16(2) + u16(16)
        h += Array("data".utf8) + u32(UInt32(pcm.count))
        return h + pcm
    }

    /// Writes a direwolf config: KISS on `port`, no AGW, 1200 baud AFSK on channel 0.
    static func direwolfConfig(in dir: String, port: UInt16, output: String = "null") throws -> String {
        let path = dir + "/dw.conf"
        try """
            ADEVICE stdin \(output)
            ARATE 48000
            ACHANNELS 1
            CHANNEL 0
            MYCALL N0CALL
            MODEM 1200
            AGWPORT 0
            KISSPORT \(port)

            """.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    /// Starts direwolf reading audio from a socket on its stdin and waits for its KISS port.
    static func startDirewolf(in dir: String, output: String = "null", environment: [String: String] = [:]) throws
        -> (TestChild, UInt16, String)
    {
        let port = try freePort()
        let conf = try direwolfConfig(in: dir, port: port, output: output)
        let logPath = dir + "/direwolf.log"
        let child = try TestChild(
            ["direwolf", "-c", conf, "-t", "0", "-r", "48000", "-"], output: logPath, feedStdin: true,
            environment: environment)
        guard waitForText("Ready to accept KISS TCP client application 0 on port \(port) ", in: logPath, child: child, timeout: .seconds(15)) else {
            child.kill()
            throw TestChild.SpawnError(description: "direwolf did not open its KISS port:\n\(log(logPath))")
        }
        return (child, port, logPath)
    }
}
