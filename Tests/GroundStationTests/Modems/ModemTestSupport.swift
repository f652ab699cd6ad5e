import Foundation
import Testing
import TestSupport

#if canImport(Glibc)
import Glibc
#endif

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

    /// direwolf 1.6 rejects KISS ports above 49151: LoopbackPorts.free() stays below 45000.
    static func freePort() throws -> UInt16 { try LoopbackPorts.free() }

    /// Waits until the file contains `text` (direwolf's output is unbuffered); false on timeout or
    /// when the child exits first.
    static func waitForText(_ text: String, in path: String, child: ChildProcess, timeout: Duration) -> Bool {
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
        let child = try ChildProcess(["gen_packets", "-r", "48000", "-o", wav, msgs], output: dir + "/gen_packets.log")
        defer { child.kill() }
        guard child.wait(timeout: .seconds(30)) == 0 else {
            throw ChildProcess.Failure("gen_packets failed: \(log(dir + "/gen_packets.log"))")
        }
        let data = try [UInt8](Data(contentsOf: URL(fileURLWithPath: wav)))
        guard data.count > 44 else { throw ChildProcess.Failure("gen_packets wrote no audio") }
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
        -> (ChildProcess, UInt16, String)
    {
        let port = try freePort()
        let conf = try direwolfConfig(in: dir, port: port, output: output)
        let logPath = dir + "/direwolf.log"
        let child = try ChildProcess(
            ["direwolf", "-c", conf, "-t", "0", "-r", "48000", "-"], output: logPath, feedStdin: true,
            environment: environment)
        guard waitForText("Ready to accept KISS TCP client application 0 on port \(port) ", in: logPath, child: child, timeout: .seconds(15)) else {
            child.kill()
            throw ChildProcess.Failure("direwolf did not open its KISS port:\n\(log(logPath))")
        }
        return (child, port, logPath)
    }
}
