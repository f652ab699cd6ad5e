import Foundation
import GroundStation
import TelemetryDecode
import Testing
import TestSupport

/// `gsd listen` (live decoding) against gsd's rtl_tcp server playing IQ made from the shared us04.wav in
/// real time, as a dongle on a remote host would deliver it: the reference frames come out on stdout.
@Suite(.timeLimit(.minutes(3))) struct ListenCLITests {
    static var gsdExecutable: String {
        URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("gsd").path
    }

    @Test func listenDecodesFramesFromAnRTLTCPServer() async throws {
        let gsd = Self.gsdExecutable
        try #require(FileManager.default.isExecutableFile(atPath: gsd), "gsd not built at \(gsd)")
        let audio = try IQReplayTests.readAudio(try SharedRecordings.path("us04.wav"))
        let plan = IQSynthesis.Plan(
            kind: .fm(deviation: 3_000), upsample: 5, offset: 5_000, driftRate: 0, snr: 18, noiseBandwidth: 2 * (3_000 + 4_800), seed: 21)
        let lead = [Float](repeating: 0, count: Int(audio.rate))
        let iq = IQSynthesis.make(audio: lead + audio.samples + lead, audioRate: audio.rate, plan: plan)
        var cu8: [UInt8] = []
        iq.withUnsafeBufferPointer { c in
            UnsafeRawBufferPointer(c).withMemoryRebound(to: Float.self) { SampleFormat.encode(.u8, $0, appendingTo: &cu8) }
        }
        let dir = try FilesTestDirectory("gsd-listen")
        let path = dir.write("us04-240k.cu8", cu8)
        let events = Collector<String>()
        let server = try RTLTCPServer(
            recording: path, format: .cu8, rate: 240_000, configuration: .init(sampleRate: 240_000, pacing: .realtime, loop: false),
            onEvent: { events.add($0.description) })
        defer { server.stop() }

        let out = dir.file("stdout"), err = dir.file("stderr")
        let child = try ChildProcess(
            [gsd, "listen", "--device", "rtl_tcp:127.0.0.1:\(server.port)", "--norad", "42702", "--rate", "240000",
             "--tuning-offset", "5000", "--gain", "20", "--seconds", "10", "--output", "json"],
            stdout: .truncate(out), stderr: .truncate(err))
        defer { child.kill() }
        // The recording lasts 9 s (the client would reconnect after the server closes: a network stream
        // is expected to come back), --seconds ends the session. Frames reach stdout as they are decoded,
        // while gsd still runs (stdout to a file or pipe is block-buffered unless flushed).
        let seenWhileRunning = try await Offload.run { () -> Bool in
            while child.isRunning {
                if let text = try? String(contentsOfFile: out, encoding: .utf8), text.contains("\n") { return true }
                usleep(50_000)
            }
            return false
        }
        #expect(seenWhileRunning, "no frame reached stdout before gsd ended")
        let status = try await Offload.run { child.wait(timeout: .seconds(90)) }
        let log = (try? String(contentsOfFile: err, encoding: .utf8)) ?? ""
        #expect(status == 0, "\(log)")
        let lines = ((try? String(contentsOfFile: out, encoding: .utf8)) ?? "").split(separator: "\n")
        let objects = lines.compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
        #expect(objects.count == lines.count, "every line is JSON")
        let got = Set(objects.compactMap { $0["hex"] as? String })
        #expect(got == (try IQReplayTests.expectedFrames("us04.wav")), "\(log)")
        #expect(objects.allSatisfy { $0["satellite"] as? String == "COLUMBIA" && ($0["time"] as? String)?.hasPrefix("20") == true })
        // Tuned 5 kHz below COLUMBIA's 437.055 MHz at 240 kSps, 20 dB.
        #expect(events.all.contains { $0.contains("frequency 437050000 Hz") }, "\(events.all)")
        #expect(log.contains("2 good frames") && log.contains("0 bytes dropped"), "\(log)")
        #expect(events.all.contains { $0.contains("end of recording") })
    }

    /// rtl_tcp's command fields are 32-bit. QO-100's 10.4898 GHz, a huge rate or gain used to trap
    /// converting to UInt32/Int32 (crashing `gsd listen`, or the daemon at a pass); now each is an error.
    @Test func settingsRtlTCPCannotCarryAreErrors() throws {
        let endpoint = try #require(HamlibEndpoint(parsing: "127.0.0.1:1"))
        func message(_ config: DaemonConfiguration.RTLTCPSource, centre: Double) -> String {
            do {
                _ = try LiveStreamOpener.open(.rtlTCP(config), centre: centre, profiles: nil)
                return "opened"
            } catch { return "\(error)" }
        }
        let plain = DaemonConfiguration.RTLTCPSource(endpoint: endpoint, sampleRate: 1_024_000, gain: nil, ppm: 0, tuningOffset: 0)
        #expect(message(plain, centre: 10_489_800_000) == "centre frequency 10489800000 Hz is beyond rtl_tcp's 32-bit tuning (up to 4294967295 Hz)")
        var fast = plain
        fast.sampleRate = 1e12
        #expect(message(fast, centre: 437e6).contains("sample rate 1000000000000.0 Hz is out of range"))
        var loud = plain
        loud.gain = 1e300
        #expect(message(loud, centre: 437e6).contains("gain 1e+300 dB is out of range"))
    }

    @Test func listenRefusesSettingsNoReceiverHas() throws {
        for (option, value) in [("--rate", "1e12"), ("--gain", "nan"), ("--gain", "1e300")] {
            let r = try ChildProcess.run(
                [Self.gsdExecutable, "listen", "--device", "rtl_tcp:127.0.0.1:1", "--norad", "42702", option, value], timeout: .seconds(60))
            #expect(r.status == 64 && r.stderr.contains(option), "\(option) \(value): \(r.status) \(r.stderr)")
        }
        // Found while running, not while parsing: the message alone, not the root's "gsd <subcommand>" usage.
        let r = try ChildProcess.run([Self.gsdExecutable, "listen", "--device", "rtl_tcp:nohost", "--norad", "42702"], timeout: .seconds(60))
        #expect(r.status == 64 && r.stderr == "Error: --device rtl_tcp:HOST:PORT, not 'rtl_tcp:nohost'\n", "\(r.stderr)")
    }
}
