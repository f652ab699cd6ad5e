import Foundation
import TestSupport
import GroundStation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// `gsd record` and `gsd rtl-tcp --device` as separate processes on the emulated dongle (the emulator
/// library preloaded with GSD_RTLSDR_EMULATOR=1, as for Debian's tools).
extension EmulatedRTLSDRTests {
    static var gsdExecutable: String {
        URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("gsd").path
    }

    /// The child's umockdev testbed folder goes into `tmp` (the test's own folder), so it is removed
    /// with it even when the child has to be killed.
    static func emulatedEnvironment(serial: String, tmp: String) -> [String: String] {
        let preload = (ProcessInfo.processInfo.environment["LD_PRELOAD"] ?? "libumockdev-preload.so.0") + " " + emulatorLibrary
        return ["LD_PRELOAD": preload, "GSD_RTLSDR_EMULATOR": "1", "GSD_RTLSDR_EMULATOR_SERIAL": serial,
                "GSD_RTLSDR_EMULATOR_PACED": "1", "TMPDIR": tmp]
    }

    @Test func gsdRecordWritesSigMFWithTheDonglesSamplesAndMetadata() throws {
        let gsd = Self.gsdExecutable
        try #require(FileManager.default.isExecutableFile(atPath: gsd), "gsd not built at \(gsd)")
        let dir = try ModemTestSupport.temporaryDirectory("gsd-record-emulated")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let child = try ChildProcess(
            [gsd, "record", "--device", "REC00001", "--frequency", "137100000", "--rate", "1024000", "--gain", "29.7",
             "--seconds", "1", dir + "/pass"],
            output: dir + "/log", environment: Self.emulatedEnvironment(serial: "REC00001", tmp: dir))
        defer { child.kill() }
        let status = child.wait(timeout: .seconds(60))
        let log = (try? String(contentsOfFile: dir + "/log", encoding: .utf8)) ?? ""
        #expect(status == 0, "\(log)")
        let data = try Data(contentsOf: URL(fileURLWithPath: dir + "/pass.sigmf-data"))
        #expect(data.count == 2_048_000)
        var checker = CounterPatternChecker()
        data.withUnsafeBytes { checker.check($0) }
        #expect(checker.firstMismatch == nil)
        let meta = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: dir + "/pass.sigmf-meta"))) as? [String: Any])
        let global = try #require(meta["global"] as? [String: Any])
        #expect(global["core:datatype"] as? String == "cu8")
        #expect(abs((global["core:sample_rate"] as? Double ?? 0) - 1_024_000) < 1)
        #expect((global["core:hw"] as? String)?.contains("R820T") == true)
        #expect((global["core:hw"] as? String)?.contains("29.7 dB") == true)
        let capture = try #require((meta["captures"] as? [[String: Any]])?.first)
        #expect(capture["core:frequency"] as? Double == 137_100_000)
        #expect(capture["core:datetime"] is String)
        #expect(log.contains("0 bytes dropped"), "\(log)")
    }

    /// `gsd record --device soapy:ARGS` and `gsd devices --soapy`: the emulated dongle through SoapySDR's
    /// rtlsdr module (librtlsdr on libusb on umockdev) in a gsd child process.
    @Test(.enabled(if: hasSoapyRTLSDR, "needs SoapySDR's rtlsdr module (package soapysdr0.8-module-rtlsdr)"))
    func gsdRecordAndDevicesThroughSoapySDR() throws {
        let gsd = Self.gsdExecutable
        try #require(FileManager.default.isExecutableFile(atPath: gsd), "gsd not built at \(gsd)")
        let dir = try ModemTestSupport.temporaryDirectory("gsd-record-soapy")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let environment = Self.emulatedEnvironment(serial: "SOAPYREC", tmp: dir)

        // Only the rtlsdr module probes: others (UHD, audio, ...) open so many descriptors that
        // umockdev's preload aborts (its descriptor map overflows) on machines that have them.
        let list = try ChildProcess([gsd, "devices", "--soapy-args", "driver=rtlsdr", "--json"], stdout: .truncate(dir + "/devices"), stderr: .truncate(dir + "/devices.err"), environment: environment)
        defer { list.kill() }
        #expect(list.wait(timeout: .seconds(60)) == 0, "\(ModemTestSupport.log(dir + "/devices.err"))")
        let objects = ModemTestSupport.log(dir + "/devices").split(separator: "\n").compactMap {
            try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
        }
        let soapy = objects.filter { $0["subsystem"] as? String == "soapysdr" }
        #expect(soapy.contains { $0["driver"] as? String == "rtlsdr" && $0["serial"] as? String == "SOAPYREC"
            && $0["soapy_args"] as? String == "driver=rtlsdr,serial=SOAPYREC" }, "\(objects)")

        let child = try ChildProcess(
            [gsd, "record", "--device", "soapy:driver=rtlsdr,serial=SOAPYREC", "--frequency", "137100000", "--rate", "1024000",
             "--gain", "29.7", "--seconds", "1", dir + "/pass"],
            output: dir + "/log", environment: environment)
        defer { child.kill() }
        let status = child.wait(timeout: .seconds(60))
        let log = ModemTestSupport.log(dir + "/log")
        #expect(status == 0, "\(log)")
        let data = try Data(contentsOf: URL(fileURLWithPath: dir + "/pass.sigmf-data"))
        #expect(data.count == 2_048_000)
        // SoapySDR's rtlsdr module may start mid-stream: the pattern runs on from the first word it delivers.
        var checker = CounterPatternChecker(startingAt: Int(data.withUnsafeBytes { $0.load(as: UInt32.self) }) * 4)
        data.withUnsafeBytes { checker.check($0) }
        #expect(checker.firstMismatch == nil, "pattern broken at byte \(checker.firstMismatch ?? -1)")
        let meta = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: dir + "/pass.sigmf-meta"))) as? [String: Any])
        let global = try #require(meta["global"] as? [String: Any])
        #expect(global["core:datatype"] as? String == "cu8")
        let hw = global["core:hw"] as? String ?? ""
        #expect(hw.contains("SoapySDR driver") && hw.contains("driver=rtlsdr,serial=SOAPYREC") && hw.contains("29.7 dB"), "\(hw)")
        #expect(log.contains("through SoapySDR") && log.contains("0 overflow(s)"), "\(log)")

        // --soapy-format cs16: 4 bytes per sample, written and described as cs16_le.
        let wide = try ChildProcess(
            [gsd, "record", "--device", "soapy:driver=rtlsdr,serial=SOAPYREC", "--frequency", "137100000", "--rate", "1024000",
             "--soapy-format", "cs16", "--seconds", "0.5", dir + "/wide"],
            output: dir + "/wide.log", environment: environment)
        defer { wide.kill() }
        #expect(wide.wait(timeout: .seconds(60)) == 0, "\(ModemTestSupport.log(dir + "/wide.log"))")
        let wideData = try Data(contentsOf: URL(fileURLWithPath: dir + "/wide.sigmf-data"))
        #expect(wideData.count == 2_048_000)
        let wideMeta = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: dir + "/wide.sigmf-meta"))) as? [String: Any])
        #expect((wideMeta["global"] as? [String: Any])?["core:datatype"] as? String == "ci16_le")
    }

    @Test func gsdRecordNamesAMissingDevice() throws {
        let gsd = Self.gsdExecutable
        try #require(FileManager.default.isExecutableFile(atPath: gsd), "gsd not built at \(gsd)")
        let dir = try ModemTestSupport.temporaryDirectory("gsd-record-missing")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let child = try ChildProcess(
            [gsd, "record", "--device", "NOSUCH", "--frequency", "137100000", "--rate", "1024000", "--seconds", "1", dir + "/x"],
            output: dir + "/log", environment: Self.emulatedEnvironment(serial: "REC00002", tmp: dir))
        defer { child.kill() }
        let status = child.wait(timeout: .seconds(60))
        let log = (try? String(contentsOfFile: dir + "/log", encoding: .utf8)) ?? ""
        #expect(status != 0)
        #expect(log.contains("no dongle matches serial NOSUCH"), "\(log)")
        #expect(log.contains("REC00002"), "\(log)")
    }

    @Test func gsdRTLTCPServesTheLocalDongleAndAppliesCommands() throws {
        let gsd = Self.gsdExecutable
        try #require(FileManager.default.isExecutableFile(atPath: gsd), "gsd not built at \(gsd)")
        let dir = try ModemTestSupport.temporaryDirectory("gsd-rtltcp-device")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let port = try LoopbackPorts.free()
        let log = dir + "/log"
        let child = try ChildProcess(
            [gsd, "rtl-tcp", "--device", "0", "--listen", "127.0.0.1:\(port)", "--seconds", "8"],
            output: log, environment: Self.emulatedEnvironment(serial: "SRV00001", tmp: dir))
        // It stops by itself after --seconds, so the emulator removes its testbed folder.
        defer { if child.wait(timeout: .seconds(30)) == nil { child.kill() } }
        var client: RTLTCPClient?
        let deadline = ContinuousClock.now + .seconds(30)
        while client == nil && ContinuousClock.now < deadline {
            client = try? RTLTCPClient(host: "127.0.0.1", port: port, connectTimeout: .milliseconds(500))
            if client == nil { Thread.sleep(forTimeInterval: 0.1) }
        }
        let c = try #require(client, "gsd rtl-tcp did not accept: \((try? String(contentsOfFile: log, encoding: .utf8)) ?? "")")
        defer { c.close() }
        #expect(c.header.tunerType == .r820t)
        #expect(c.header.gainCount == 29)
        try c.send(.frequency(435_000_000))
        try c.send(.gain(tenthsDB: 297))
        try c.send(.biasTee(true))
        var checker = CounterPatternChecker()
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 65536, alignment: 16)
        defer { buffer.deallocate() }
        while checker.offset < 2 << 20 {
            let n = try c.read(into: buffer)
            if n == 0 { break }
            checker.check(UnsafeRawBufferPointer(rebasing: buffer[0..<n]))
        }
        #expect(checker.offset >= 2 << 20)
        #expect(checker.firstMismatch == nil)
        c.close()
        let text = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
        #expect(text.contains("435000000 Hz: tuned"), "\(text)")
        #expect(text.contains("gain 29.7 dB"), "\(text)")
        #expect(text.contains("bias tee on"), "\(text)")
    }
}
