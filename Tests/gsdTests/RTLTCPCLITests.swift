import Foundation
import Testing
import TestSupport

#if canImport(Glibc)
import Glibc
#endif

/// `gsd rtl-tcp`: serves a cu8 file to a raw rtl_tcp client; `--device` with no dongle fails clearly.
@Suite(.serialized, .timeLimit(.minutes(2))) struct RTLTCPCLITests {
    @Test func missingDeviceIsNamed() async throws {
        // No dongle on the bus here (the Emulated tests cover serving one).
        let r = try await GSDProcess.run(["rtl-tcp", "--device", "0", "--listen", "127.0.0.1:0"])
        #expect(r.status != 0)
        #expect(r.stderr.contains("--device 0") && r.stderr.contains("no dongle matches index 0"), "\(r.stderr)")
    }

    @Test func rejectsANonCU8Recording() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("gsd-rtltcp-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("x.cs16").path
        _ = FileManager.default.createFile(atPath: path, contents: Data(repeating: 0, count: 4096))
        let r = try await GSDProcess.run(["rtl-tcp", "--file", path, "--format", "cs16", "--rate", "48000", "--listen", "127.0.0.1:0"])
        #expect(r.status != 0)
        #expect(r.stderr.contains("cu8"), "\(r.stderr)")
    }

    @Test func servesAFileToARawClient() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("gsd-rtltcp-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let data = (0..<200_000).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ $0 >> 9) }
        let path = dir.appendingPathComponent("rec.cu8").path
        _ = FileManager.default.createFile(atPath: path, contents: Data(data))
        let port = try LoopbackPorts.free()

        let errPath = dir.appendingPathComponent("err").path
        let child = try ChildProcess(
            [GSDProcess.executable.path, "rtl-tcp", "--file", path, "--format", "cu8", "--rate", "48000",
             "--listen", "127.0.0.1:\(port)", "--tuner", "r828d", "--seconds", "10"],
            stdout: .null, stderr: .truncate(errPath))
        defer { child.kill() }

        var fd: Int32 = -1
        let end = Date().addingTimeInterval(3)
        while fd < 0 && Date() < end {
            fd = Self.connect(port)
            if fd < 0 { usleep(50_000) }
        }
        try #require(fd >= 0, "gsd rtl-tcp did not listen on \(port)")
        defer { close(fd) }
        let command: [UInt8] = [0x01, 0x1a, 0x0c, 0x17, 0x40]  // frequency 437 MHz
        _ = command.withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
        var got: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while got.count < 12 + data.count + 1 {
            let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n <= 0 { break }  // end of recording (connection closed) or 2 s without data
            got += buffer[0..<n]
        }
        #expect(Array(got.prefix(12)) == Array("RTL0".utf8) + [0, 0, 0, 6, 0, 0, 0, 29])
        #expect(Array(got.dropFirst(12)) == data)

        // --seconds is generous so a loaded machine still serves the whole file before the server stops.
        #expect(child.waitForTermination(timeout: .seconds(16)) != nil, "gsd rtl-tcp did not stop after --seconds")
        let log = (try? String(contentsOfFile: errPath, encoding: .utf8)) ?? ""
        #expect(log.contains("serving") && log.contains("127.0.0.1:\(port)"), "\(log)")
        #expect(log.contains("frequency 437000000 Hz"), "\(log)")
        #expect(log.contains("end of recording"), "\(log)")
    }

    static func connect(_ port: UInt16) -> Int32 {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return -1 }
        var tv = timeval(tv_sec: 2, tv_usec: 0)
        _ = setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        var a = sockaddr_in()
        a.sin_family = sa_family_t(AF_INET)
        a.sin_port = port.bigEndian
        a.sin_addr.s_addr = inet_addr("127.0.0.1")
        let r = withUnsafePointer(to: &a) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        if r != 0 {
            close(fd)
            return -1
        }
        return fd
    }
}
