import Foundation
import Testing
import TestSupport

#if canImport(Glibc)
import Glibc
#endif

/// `gsd replay` streams: its peak resident memory does not grow with the size of the file.
/// A raw cf32 file (a noisy FSK-ish block repeated) is replayed as an RTL-SDR-rate stream and the
/// child's VmHWM (peak RSS) is read from /proc while it runs.
@Suite struct BigFileReplayTests {
    /// 64 MB (several times the sample ring), always on: peak RSS under 200 MB. Small because a
    /// debug build decodes a 2.4 Msps stream at only a few times real time.
    @Test func replaysLargeRawFileInBoundedMemory() throws {
        let r = try Self.replay(bytes: 64 << 20)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.peakRSS > 0 && r.peakRSS < 200 << 20, "peak RSS \(r.peakRSS >> 20) MiB")
    }

    /// 2 GiB (`GSD_BIG_FILE_TEST=1`): writes the file to the temporary directory, replays it and
    /// prints the peak RSS; it must stay under the same 200 MB bound as the small file.
    @Test(.enabled(if: ProcessInfo.processInfo.environment["GSD_BIG_FILE_TEST"] == "1"))
    func replaysTwoGiBInConstantMemory() throws {
        let r = try Self.replay(bytes: 2 << 30)
        print("gsd replay of a 2 GiB cf32 file: peak RSS \(r.peakRSS >> 10) KiB, \(String(format: "%.1f", r.wall)) s wall; \(r.stderr)")
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.peakRSS > 0 && r.peakRSS < 200 << 20, "peak RSS \(r.peakRSS >> 20) MiB")
    }

    struct Run {
        var status: Int32
        var peakRSS: Int
        var wall: Double
        var stderr: String
    }

    /// Writes `bytes` of cf32 at 2.4 Msps and runs `gsd replay` on it, polling the child's VmHWM.
    static func replay(bytes: Int) throws -> Run {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("gsd-bigfile-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("big.cf32").path
        try writeRepeatedBlock(path: path, bytes: bytes)

        let errPath = dir.appendingPathComponent("err").path
        let start = Date()
        let child = try ChildProcess(
            [GSDProcess.executable.path, "replay", path, "--format", "cf32", "--rate", "2400000", "--modulation", "FSK",
             "--baud", "9600", "--framing", "AX.25 G3RUH"],
            stdout: .null, stderr: .truncate(errPath))
        defer { child.kill() }
        var peak = 0
        let status = "/proc/\(child.pid)/status"
        let deadline = ContinuousClock.now + .seconds(3600)
        while child.isRunning && ContinuousClock.now < deadline {
            if let kb = vmHWM(status) { peak = max(peak, kb * 1024) }
            usleep(20_000)
        }
        let wall = Date().timeIntervalSince(start)
        let text = String(decoding: (try? Data(contentsOf: URL(fileURLWithPath: errPath))) ?? Data(), as: UTF8.self)
        return Run(status: child.poll()?.status ?? -1, peakRSS: peak, wall: wall, stderr: text)
    }

    /// VmHWM (peak resident set, kB) from /proc/PID/status, or nil once the process is gone.
    static func vmHWM(_ path: String) -> Int? {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return nil }
        for line in text.split(separator: "\n") where line.hasPrefix("VmHWM:") {
            return Int(line.dropFirst(6).trimmingCharacters(in: .whitespaces).split(separator: " ").first ?? "")
        }
        return nil
    }

    /// A 1 MiB cf32 block (an FM signal with noise, so the demodulators work on something) written
    /// over and over until `bytes`.
    static func writeRepeatedBlock(path: String, bytes: Int) throws {
        let samples = 1 << 17  // 1 MiB of cf32
        var block = [Float](repeating: 0, count: 2 * samples)
        var phase = 0.0
        var state: UInt64 = 0x1234_5678
        var bit = false
        for i in 0..<samples {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            if i % 250 == 0 { bit = (state >> 33) & 1 == 1 }  // 9600 Bd at 2.4 Msps
            phase += 2 * Double.pi * (bit ? 3_500.0 : -3_500.0) / 2_400_000
            let noise = Float(Int64(state >> 40) - (1 << 23)) / Float(1 << 25)
            block[2 * i] = Float(cos(phase)) * 0.5 + noise
            block[2 * i + 1] = Float(sin(phase)) * 0.5 - noise
        }
        guard FileManager.default.createFile(atPath: path, contents: nil), let h = FileHandle(forWritingAtPath: path) else {
            throw CocoaError(.fileWriteUnknown)
        }
        defer { try? h.close() }
        let data = block.withUnsafeBytes { Data($0) }
        var written = 0
        while written < bytes {
            let n = min(data.count, bytes - written)
            try h.write(contentsOf: n == data.count ? data : data.prefix(n))
            written += n
        }
    }
}
