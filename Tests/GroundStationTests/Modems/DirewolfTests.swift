import Foundation
import TestSupport
import GroundStation
import TelemetryDecode
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// direwolf (Debian `direwolf`) as a real KISS TNC over TCP. Receive: `gen_packets` makes AFSK
/// audio from TNC2 lines, direwolf demodulates it from stdin, and the frames that reach
/// `KISSTCPClient` must be byte-identical to the same lines parsed by `AX25TextParser`. Transmit:
/// frames sent through `KISSModem` come out of direwolf as audio (an ALSA `file` plugin in a HOME
/// of the test's own) that `atest` decodes back to the same bytes.
@Suite(
    .serialized,
    .enabled(if: ModemTestSupport.hasDirewolf, "direwolf/gen_packets not installed (apt-get install direwolf)"))
struct DirewolfTests {
    /// Covers SSIDs, a repeated path (`*` marks earlier digis repeated too), bytes KISS must escape
    /// (0xC0, 0xDB), a CR, and a long information field.
    static let lines = [
        "N0CALL-1>APRS,WIDE1-1,WIDE2-2*:>hello from gsd tests",
        "AB1CD-15>CQ:escapes <0xc0><0xdb> and <0x0d> end",
        "N0CALL>APZGSD,RELAY*,WIDE2-1:!4903.50N/07201.75W-Test 123",
        "K1ABC-7>TEST:" + String((0..<180).map { Character(Unicode.Scalar(UInt8(0x21 + $0 % 90))) }),
    ]

    /// gen_packets 1.6 keeps the line's newline in the information field.
    static func expectedBytes(_ line: String) throws -> [UInt8] {
        try AX25TextParser.parse(line).bytes + [0x0A]
    }

    @Test func receivedFramesAreByteIdenticalToGeneratedOnes() throws {
        let dir = try ModemTestSupport.temporaryDirectory("gsd-direwolf-rx")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let audio = try ModemTestSupport.generateAudio(lines: Self.lines, in: dir)
        let expected = try Self.lines.map(Self.expectedBytes)

        let (direwolf, port, logPath) = try ModemTestSupport.startDirewolf(in: dir)
        defer { direwolf.kill() }
        let client = try KISSTCPClient(host: "127.0.0.1", port: port, connectTimeout: .seconds(5))
        let modem = KISSModem(link: client)
        defer { modem.close() }
        #expect(client.name == "127.0.0.1:\(port)")
        // Audio only once direwolf has registered the client, or the frames would go nowhere.
        #expect(ModemTestSupport.waitForText("Attached to KISS TCP client", in: logPath, child: direwolf, timeout: .seconds(10)))
        direwolf.feedInBackground(audio)

        var received: [KISSFrame] = []
        let deadline = ContinuousClock.now + .seconds(30)
        while received.count < expected.count, ContinuousClock.now < deadline {
            if let f = try modem.nextFrame(timeout: ContinuousClock.now.duration(to: deadline)) { received.append(f) }
        }
        try #require(received.count == expected.count, "direwolf log:\n\(ModemTestSupport.log(logPath))")
        for (frame, bytes) in zip(received, expected) {
            #expect(frame.port == 0 && frame.command == KISS.dataCommand)
            #expect(frame.payload == bytes)
        }
        // The bytes also read back as the lines they came from.
        let texts = try received.map { try AX25Frame(bytes: $0.payload).text }
        #expect(texts[0] == "N0CALL-1>APRS,WIDE1-1*,WIDE2-2*:>hello from gsd tests<0x0a>")
        #expect(texts[1] == "AB1CD-15>CQ:escapes <0xc0><0xdb> and <0x0d> end<0x0a>")
    }

    /// The serial path to the same real modem: socat bridges a pty (our "serial device") to
    /// direwolf's KISS TCP port, as a USB serial TNC would present itself.
    @Test(.enabled(if: ModemTestSupport.executable("socat") != nil, "socat not installed (apt-get install socat)"))
    func receivesThroughSerialPortBridgedBySocat() throws {
        let dir = try ModemTestSupport.temporaryDirectory("gsd-direwolf-serial")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let lines = Array(Self.lines.prefix(2))
        let audio = try ModemTestSupport.generateAudio(lines: lines, in: dir)
        let (direwolf, port, logPath) = try ModemTestSupport.startDirewolf(in: dir)
        defer { direwolf.kill() }
        let link = dir + "/ttyTNC"
        let socat = try ChildProcess(
            ["socat", "pty,raw,echo=0,link=\(link)", "tcp:127.0.0.1:\(port)"], output: dir + "/socat.log")
        defer { socat.kill() }
        #expect(ModemTestSupport.waitForText("Attached to KISS TCP client", in: logPath, child: direwolf, timeout: .seconds(10)))
        let deadline = ContinuousClock.now + .seconds(10)
        while !FileManager.default.fileExists(atPath: link), ContinuousClock.now < deadline { usleep(20_000) }

        let serial = try SerialPort(path: link, baudRate: 9600)
        let modem = KISSModem(link: serial)
        defer { modem.close() }
        direwolf.feedInBackground(audio)
        var received: [KISSFrame] = []
        while received.count < lines.count, ContinuousClock.now < deadline + .seconds(20) {
            if let f = try modem.nextFrame(timeout: .seconds(1)) { received.append(f) }
        }
        #expect(received.map(\.payload) == (try lines.map(Self.expectedBytes)), "direwolf log:\n\(ModemTestSupport.log(logPath))")
    }

    @Test func framesSentThroughKISSComeOutAsAudioThatAtestDecodes() throws {
        guard ModemTestSupport.executable("atest") != nil else {
            Issue.record("atest missing although direwolf is installed")
            return
        }
        let dir = try ModemTestSupport.temporaryDirectory("gsd-direwolf-tx")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let txRaw = dir + "/tx.raw"
        // direwolf 1.6 cannot write audio to stdout: an ALSA file plugin records what it transmits.
        try """
            pcm.gsdtx {
                type file
                slave.pcm "null"
                file "\(txRaw)"
                format "raw"
            }

            """.write(toFile: dir + "/.asoundrc", atomically: true, encoding: .utf8)
        let (direwolf, port, logPath) = try ModemTestSupport.startDirewolf(
            in: dir, output: "gsdtx", environment: ["HOME": dir])
        defer { direwolf.kill() }

        let sent = [
            try AX25TextParser.parse("N0CALL-2>CQ,WIDE1-1:hello transmit"),
            try AX25TextParser.parse("AB1CD>TEST:second <0xc0><0xdb> frame"),
        ]
        do {
            let modem = KISSModem(link: try KISSTCPClient(host: "127.0.0.1", port: port))
            defer { modem.close() }
            for f in sent { try modem.send(f) }
        }
        // Wait until direwolf has logged both transmissions and the audio file stops growing.
        #expect(ModemTestSupport.waitForText("[0L] AB1CD>TEST", in: logPath, child: direwolf, timeout: .seconds(20)))
        var lastSize = -1
        var stableSince = ContinuousClock.now
        let deadline = ContinuousClock.now + .seconds(20)
        while ContinuousClock.now < deadline {
            let size = ((try? FileManager.default.attributesOfItem(atPath: txRaw))?[.size] as? Int) ?? 0
            if size != lastSize {
                lastSize = size
                stableSince = ContinuousClock.now
            } else if size > 0, ContinuousClock.now - stableSince > .milliseconds(1500) {
                break
            }
            usleep(100_000)
        }
        direwolf.kill()
        let pcm = try [UInt8](Data(contentsOf: URL(fileURLWithPath: txRaw)))
        try #require(pcm.count > 48000, "direwolf transmitted too little audio: \(pcm.count) bytes\n\(ModemTestSupport.log(logPath))")
        try Data(ModemTestSupport.wav(pcm: pcm)).write(to: URL(fileURLWithPath: dir + "/tx.wav"))

        let atestLog = dir + "/atest.log"
        let atest = try ChildProcess(["atest", "-h", dir + "/tx.wav"], output: atestLog)
        defer { atest.kill() }
        #expect(atest.wait(timeout: .seconds(30)) != nil)
        let decoded = Self.atestFrames(ModemTestSupport.log(atestLog))
        #expect(decoded == sent.map(\.bytes), "atest output:\n\(ModemTestSupport.log(atestLog))")
    }

    /// Frame bytes from `atest -h` hex dumps ("  000:  86 a2 ...  ascii"), a new frame at each 000.
    static func atestFrames(_ output: String) -> [[UInt8]] {
        var frames: [[UInt8]] = []
        for raw in output.split(separator: "\n") {
            let line = raw.replacing(/\u{1B}\[[0-9;]*[A-Za-z]/, with: "")
            guard let m = line.firstMatch(of: /^\s+([0-9a-f]{3}):  (([0-9a-f]{2} ?)+)/) else { continue }
            let hex = m.output.2.split(separator: " ").compactMap { UInt8($0, radix: 16) }
            if m.output.1 == "000" { frames.append([]) }
            if !frames.isEmpty { frames[frames.count - 1] += hex }
        }
        return frames
    }
}
