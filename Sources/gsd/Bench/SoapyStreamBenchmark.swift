import Foundation
import GroundStation

extension Benchmark {
    /// The `usb-stream` measurement through SoapySDR's rtlsdr module (librtlsdr) instead of gsd's own
    /// driver: 3.2 Msps for 5 s from the first dongle, in MB/s; overflows on stderr. Same emulated dongle
    /// and preload as usb-stream, so the two figures compare the drivers on equal terms.
    static let soapyStream = Benchmark(
        name: "soapy-stream", unit: "MB/s",
        summary: "RTL-SDR through SoapySDR's rtlsdr module (emulated, as usb-stream) 3.2 Msps, 5 s"
    ) {
        let env = ProcessInfo.processInfo.environment
        guard env["GSD_RTLSDR_EMULATOR"] == "1", (env["LD_PRELOAD"] ?? "").contains("libRTLSDREmulator") else {
            throw BenchFailure(what: "soapy-stream needs the emulated dongle: run it as LD_PRELOAD=\"libumockdev-preload.so.0 "
                + ".build/release/libRTLSDREmulator.so\" GSD_RTLSDR_EMULATOR=1 gsd bench soapy-stream")
        }
        let source = try SoapySDRSampleSource(configuration: .init(
            arguments: "driver=rtlsdr", frequency: 137_500_000, sampleRate: 3_200_000))
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 256 << 10, alignment: 64)
        defer { buffer.deallocate() }
        let clock = ContinuousClock()
        let start = clock.now
        var bytes = 0
        var elapsed = 0.0
        repeat {
            let n = try source.read(into: buffer)
            if n == 0 { break }
            bytes += n
            let d = clock.now - start
            elapsed = Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18
        } while elapsed < 5
        source.close()
        blackHole(buffer[0])
        FileHandle.standardError.write(Data(
            "soapy-stream: \(bytes) bytes in \(String(format: "%.2f", elapsed)) s, \(source.overflows) overflow(s)\n".utf8))
        return Double(bytes) / elapsed / 1e6
    }
}
