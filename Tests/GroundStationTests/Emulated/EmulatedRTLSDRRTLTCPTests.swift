import Foundation
import TestSupport
import GroundStation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Debian's rtl_tcp (librtlsdr → libusb) serving the emulated dongle in its own process (the emulator
/// library preloaded with GSD_RTLSDR_EMULATOR=1), read by gsd's RTLTCPClient.
extension EmulatedRTLSDRTests {
    static var emulatorLibrary: String {
        URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
            .appendingPathComponent("libRTLSDREmulator.so").path
    }


    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/rtl_tcp"), "needs Debian's rtl_tcp (package rtl-sdr)"))
    func debianRTLTCPServesTheEmulatedDongleToTheRTLTCPClient() throws {
        let library = Self.emulatorLibrary
        try #require(FileManager.default.fileExists(atPath: library), "libRTLSDREmulator.so not built at \(library)")
        let dir = try ModemTestSupport.temporaryDirectory("gsd-rtltcp-emulated")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let port = try LoopbackPorts.free()
        let preload = (ProcessInfo.processInfo.environment["LD_PRELOAD"] ?? "libumockdev-preload.so.0") + " " + library
        let log = dir + "/rtl_tcp.log"
        let child = try ChildProcess(
            ["/usr/bin/rtl_tcp", "-a", "127.0.0.1", "-p", String(port), "-s", "2048000", "-f", "100000000"],
            output: log,
            environment: ["LD_PRELOAD": preload, "GSD_RTLSDR_EMULATOR": "1", "GSD_RTLSDR_EMULATOR_SERIAL": "TCP00001",
                          "GSD_RTLSDR_EMULATOR_PACED": "1",
                          // The child's testbed folder lands in ours, so it goes even if the child is killed.
                          "TMPDIR": dir])
        defer {
            _ = Glibc.kill(child.pid, SIGTERM)  // lets the emulator remove its testbed folder
            if child.wait(timeout: .seconds(5)) == nil { child.kill() }
        }
        var client: RTLTCPClient?
        let deadline = ContinuousClock.now + .seconds(20)
        while client == nil && ContinuousClock.now < deadline {
            client = try? RTLTCPClient(host: "127.0.0.1", port: port, connectTimeout: .milliseconds(500))
            if client == nil { Thread.sleep(forTimeInterval: 0.1) }
        }
        let c = try #require(client, "rtl_tcp did not accept: \((try? String(contentsOfFile: log, encoding: .utf8)) ?? "")")
        defer { c.close() }
        #expect(c.header.tunerType == .r820t)
        #expect(c.header.gainCount == 29)
        try c.send(.frequency(137_100_000))
        try c.send(.gainMode(manual: true))
        try c.send(.gain(tenthsDB: 297))
        var checker = CounterPatternChecker()
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 65536, alignment: 16)
        defer { buffer.deallocate() }
        while checker.offset < 4 << 20 {
            let n = try c.read(into: buffer)
            if n == 0 { break }
            checker.check(UnsafeRawBufferPointer(rebasing: buffer[0..<n]))
        }
        #expect(checker.offset >= 4 << 20)
        #expect(checker.firstMismatch == nil, "pattern broken at byte \(checker.firstMismatch ?? -1)")
        let text = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
        #expect(text.contains("Found Rafael Micro R820T tuner"), "\(text)")
    }
}
