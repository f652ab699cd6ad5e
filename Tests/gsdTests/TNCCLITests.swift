import Foundation
import Testing
import TestSupport

#if canImport(Glibc)
import Glibc
#endif

/// `gsd tnc` end to end: against a pseudo-terminal standing in for a serial TNC, and against
/// direwolf as a real KISS TNC over TCP demodulating `gen_packets` audio.
@Suite(.serialized) struct TNCCLITests {
    @Test func serialSendsThenPrintsReceivedFramesAsHex() async throws {
        var m: Int32 = -1, s: Int32 = -1
        try #require(openpty(&m, &s, nil, nil, nil) == 0)
        defer {
            close(m)
            close(s)
        }
        let slavePath = String(cString: try #require(ttyname(s)))
        var tio = termios()
        tcgetattr(m, &tio)
        cfmakeraw(&tio)
        tcsetattr(m, TCSANOW, &tio)

        // --send-text N0CALL>CQ:hi: destination and source with their C bits set, UI, PID F0.
        let expectedOut: [UInt8] =
            [0xC0, 0x00, 0xDB, 0xDC, 0x01, 0xC0]
            + [0xC0, 0x00, 0x86, 0xA2, 0x40, 0x40, 0x40, 0x40, 0xE0, 0x9C, 0x60, 0x86, 0x82, 0x98, 0x98, 0xE1, 0x03, 0xF0, 0x68, 0x69, 0xC0]
        let incoming: [UInt8] = [0xC0, 0x00, 0x01, 0xDB, 0xDD, 0x02, 0xC0, 0xC0, 0x10, 0xAA, 0xC0]
        let modem = ModemSide(master: m, expect: expectedOut.count, reply: incoming)
        Thread.detachNewThread { modem.run() }

        let r = try await GSDProcess.run([
            "tnc", "--serial", slavePath, "--baud", "19200", "--send", "c0 01", "--send-text", "N0CALL>CQ:hi",
            "--count", "2", "--seconds", "20",
        ])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(modem.received == expectedOut)
        #expect(r.stdout == "01db02\n[port 1 cmd 0] aa\n")
        #expect(r.stderr.contains("sent 2 frame(s) to \(slavePath)"))
    }

    @Test func argumentAndDeviceErrors() async throws {
        let missing = try await GSDProcess.run(["tnc", "--serial", "/dev/ttyGSD-does-not-exist", "--seconds", "1"])
        #expect(missing.status == 1)
        #expect(missing.stderr.contains("serial device /dev/ttyGSD-does-not-exist: no such device"))

        let neither = try await GSDProcess.run(["tnc"])
        #expect(neither.status != 0 && neither.stderr.contains("--serial"))
        let both = try await GSDProcess.run(["tnc", "--serial", "/dev/null", "--kiss-tcp", "127.0.0.1:8001"])
        #expect(both.status != 0 && both.stderr.contains("exactly one"))
        let baud = try await GSDProcess.run(["tnc", "--serial", "/dev/null", "--baud", "12345"])
        #expect(baud.status != 0 && baud.stderr.contains("12345"))
        let hex = try await GSDProcess.run(["tnc", "--serial", "/dev/ttyGSD-does-not-exist", "--send", "abc"])
        #expect(hex.status == 1 && hex.stderr.contains("--send 'abc'"))
        let text = try await GSDProcess.run(["tnc", "--serial", "/dev/ttyGSD-does-not-exist", "--send-text", "N0CALL-99>CQ:x"])
        #expect(text.status == 1 && text.stderr.contains("invalid address 'N0CALL-99'"))
        let address = try await GSDProcess.run(["tnc", "--kiss-tcp", "localhost"])
        #expect(address.status == 1 && address.stderr.contains("invalid KISS TCP address 'localhost'"))
    }

    static let hasDirewolf = FileManager.default.isExecutableFile(atPath: "/usr/bin/direwolf")
        && FileManager.default.isExecutableFile(atPath: "/usr/bin/gen_packets")

    @Test(.enabled(if: hasDirewolf, "direwolf/gen_packets not installed (apt-get install direwolf)"))
    func kissTCPFromDirewolfAsJSON() async throws {
        let lines = [
            "N0CALL-1>APRS,WIDE1-1,WIDE2-2*:>hello",
            "AB1CD-15>CQ:escapes <0xc0><0xdb> end",
            "N0CALL>APZGSD,RELAY*,WIDE2-1:!4903.50N/07201.75W-Test",
        ]
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("gsd-tnc-cli-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }

        try lines.map { $0 + "\n" }.joined().write(toFile: dir + "/msgs.txt", atomically: true, encoding: .utf8)
        let gen = try ChildProcess(["gen_packets", "-r", "48000", "-o", dir + "/test.wav", dir + "/msgs.txt"], output: dir + "/gen.log")
        try #require(gen.wait(timeout: .seconds(30)) == 0)
        let audio = Array(try Data(contentsOf: URL(fileURLWithPath: dir + "/test.wav")).dropFirst(44))

        let port = try freePort()
        try """
            ADEVICE stdin null
            CHANNEL 0
            MYCALL N0CALL
            MODEM 1200
            AGWPORT 0
            KISSPORT \(port)

            """.write(toFile: dir + "/dw.conf", atomically: true, encoding: .utf8)
        let logPath = dir + "/direwolf.log"
        let direwolf = try ChildProcess(
            ["direwolf", "-c", dir + "/dw.conf", "-t", "0", "-r", "48000", "-"], output: logPath, feedStdin: true)
        defer { direwolf.kill() }
        try #require(waitForText("Ready to accept KISS TCP client application 0 on port \(port) ", in: logPath, timeout: .seconds(15)), "\(log(logPath))")
        // Audio once gsd is attached (direwolf logs it), from another thread while gsd runs.
        Thread.detachNewThread {
            if waitForText("Attached to KISS TCP client", in: logPath, timeout: .seconds(20)) { direwolf.feed(audio) }
        }

        let r = try await GSDProcess.run([
            "tnc", "--kiss-tcp", "127.0.0.1:\(port)", "--output", "json", "--seconds", "30", "--count", "\(lines.count)",
        ])
        #expect(r.status == 0, "\(r.stderr)")
        let objects = try r.stdout.split(separator: "\n").map {
            try #require(JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])
        }
        try #require(objects.count == lines.count, "gsd: \(r.stdout) \(r.stderr)\ndirewolf:\n\(log(logPath))")
        #expect(objects[0]["hex"] as? String == "82a0a4a64040e09c6086829898e2ae92888a6240e2ae92888a6440e503f03e68656c6c6f0a")
        #expect(objects[0]["source"] as? String == "N0CALL-1")
        #expect(objects[0]["destination"] as? String == "APRS")
        #expect(objects[0]["path"] as? [String] == ["WIDE1-1*", "WIDE2-2*"])
        #expect(objects[0]["info"] as? String == ">hello<0x0a>")
        #expect(objects[1]["info_hex"] as? String == "6573636170657320" + "c0db" + "20656e64" + "0a")
        #expect(objects[1]["source"] as? String == "AB1CD-15")
        #expect(objects[2]["path"] as? [String] == ["RELAY*", "WIDE2-1"])
        #expect(objects[2]["info"] as? String == "!4903.50N/07201.75W-Test<0x0a>")
        for o in objects {
            #expect(o["port"] as? Int == 0 && o["command"] as? Int == 0 && o["control"] as? Int == 3 && o["pid"] as? Int == 240)
        }
    }

    @Test(.enabled(if: hasDirewolf && FileManager.default.isExecutableFile(atPath: "/usr/bin/atest"), "direwolf/atest not installed"))
    func sentFramesComeOutOfDirewolfAsAudioThatAtestDecodes() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("gsd-tnc-tx-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let txRaw = dir + "/tx.raw"
        // direwolf 1.6 cannot transmit to stdout: an ALSA file plugin (in a HOME of our own) records it.
        try """
            pcm.gsdtx {
                type file
                slave.pcm "null"
                file "\(txRaw)"
                format "raw"
            }

            """.write(toFile: dir + "/.asoundrc", atomically: true, encoding: .utf8)
        let port = try freePort()
        try """
            ADEVICE stdin gsdtx
            ARATE 48000
            ACHANNELS 1
            CHANNEL 0
            MYCALL N0CALL
            MODEM 1200
            AGWPORT 0
            KISSPORT \(port)

            """.write(toFile: dir + "/dw.conf", atomically: true, encoding: .utf8)
        let logPath = dir + "/direwolf.log"
        let direwolf = try ChildProcess(
            ["direwolf", "-c", dir + "/dw.conf", "-t", "0", "-r", "48000", "-"], output: logPath, feedStdin: true,
            environment: ["HOME": dir])
        defer { direwolf.kill() }
        try #require(waitForText("Ready to accept KISS TCP client application 0 on port \(port) ", in: logPath, timeout: .seconds(15)), "\(log(logPath))")

        // "N0CALL>CQ:A" without C bits, as hex; and TNC2 text.
        let hexFrame = "86a240404040609c6086829898630 3f041".replacingOccurrences(of: " ", with: "")
        let r = try await GSDProcess.run([
            "tnc", "--kiss-tcp", "127.0.0.1:\(port)", "--send", hexFrame, "--send-text", "N0CALL-2>CQ,WIDE1-1:hello transmit",
        ])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.isEmpty)
        #expect(waitForText("[0L] N0CALL-2>CQ", in: logPath, timeout: .seconds(20)), "\(log(logPath))")
        // Let the audio file stop growing before stopping direwolf.
        var lastSize = -1
        var stableSince = ContinuousClock.now
        let deadline = ContinuousClock.now + .seconds(20)
        while ContinuousClock.now < deadline {
            let size = ((try? FileManager.default.attributesOfItem(atPath: txRaw))?[.size] as? Int) ?? 0
            if size != lastSize {
                (lastSize, stableSince) = (size, ContinuousClock.now)
            } else if size > 0, ContinuousClock.now - stableSince > .milliseconds(1500) {
                break
            }
            usleep(100_000)
        }
        direwolf.kill()
        let pcm = try Data(contentsOf: URL(fileURLWithPath: txRaw))
        try #require(pcm.count > 48000, "\(log(logPath))")
        func le(_ v: UInt32, _ n: Int) -> [UInt8] { (0..<n).map { UInt8(truncatingIfNeeded: v >> (8 * $0)) } }
        let header = Array("RIFF".utf8) + le(UInt32(36 + pcm.count), 4) + Array("WAVEfmt ".utf8) + le(16, 4) + le(1, 2) + le(1, 2)
            + le(48000, 4) + le(96000, 4) + le(2, 2) + le(16, 2) + Array("data".utf8) + le(UInt32(pcm.count), 4)
        try (Data(header) + pcm).write(to: URL(fileURLWithPath: dir + "/tx.wav"))

        let atest = try ChildProcess(["atest", "-h", dir + "/tx.wav"], output: dir + "/atest.log")
        #expect(atest.wait(timeout: .seconds(30)) != nil)
        // atest -h dumps each frame as "  000:  86 a2 ...  ascii" lines.
        var frames: [String] = []
        for raw in log(dir + "/atest.log").split(separator: "\n") {
            let line = raw.replacing(/\u{1B}\[[0-9;]*[A-Za-z]/, with: "")
            guard let m = line.firstMatch(of: /^\s+([0-9a-f]{3}):  (([0-9a-f]{2} ?)+)/) else { continue }
            if m.output.1 == "000" { frames.append("") }
            if !frames.isEmpty { frames[frames.count - 1] += m.output.2.replacingOccurrences(of: " ", with: "") }
        }
        let textHex = "86a240404040e09c6086829898e4ae92888a624063" + "03f0" + Array("hello transmit".utf8).map { String($0, radix: 16) }.joined()
        #expect(frames == [hexFrame, textHex], "\(log(dir + "/atest.log"))")
    }

    // MARK: helpers

    /// The modem end of the pty: reads what gsd sends, then replies with frames.
    final class ModemSide: @unchecked Sendable {
        let master: Int32
        let expect: Int
        let reply: [UInt8]
        private let lock = NSLock()
        private var bytes: [UInt8] = []
        var received: [UInt8] { lock.withLock { bytes } }

        init(master: Int32, expect: Int, reply: [UInt8]) {
            self.master = master
            self.expect = expect
            self.reply = reply
        }

        func run() {
            let deadline = ContinuousClock.now + .seconds(20)
            while received.count < expect, ContinuousClock.now < deadline {
                var pfd = pollfd(fd: master, events: Int16(POLLIN), revents: 0)
                guard poll(&pfd, 1, 100) > 0 else { continue }
                var buf = [UInt8](repeating: 0, count: 1024)
                let n = buf.withUnsafeMutableBytes { read(master, $0.baseAddress, $0.count) }
                if n > 0 { lock.withLock { bytes += buf[0..<n] } } else { usleep(10_000) }
            }
            _ = reply.withUnsafeBytes { write(master, $0.baseAddress, $0.count) }
        }
    }

    /// direwolf 1.6 rejects KISS ports above 49151 (falling back to 8001).
    func freePort() throws -> UInt16 { try LoopbackPorts.free() }

    func log(_ path: String) -> String { (try? String(contentsOfFile: path, encoding: .isoLatin1)) ?? "" }
}

private func waitForText(_ text: String, in path: String, timeout: Duration) -> Bool {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if let s = try? String(contentsOfFile: path, encoding: .isoLatin1), s.contains(text) { return true }
        usleep(20_000)
    }
    return false
}
