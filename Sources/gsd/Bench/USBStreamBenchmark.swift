import Foundation
import GroundStation

extension Benchmark {
    /// Sustained streaming from an RTL-SDR through the native driver into its SampleRing, in MB/s (10^6
    /// bytes), at 3.2 Msps for 5 s; drops are reported on stderr. Meant for the emulated dongle:
    /// `LD_PRELOAD="libumockdev-preload.so.0 .build/release/libRTLSDREmulator.so" GSD_RTLSDR_EMULATOR=1`
    /// (add GSD_RTLSDR_EMULATOR_PACED=1 to deliver at the programmed 6.4 MB/s instead of as fast as
    /// the host takes it). Peer: Debian's `rtl_sdr -s 3200000` under the same preload
    /// (`bench/peers/usb_stream_vs_rtl_sdr.sh`). What is measured is the driver into the ring: the
    /// consumer releases what arrived without touching it, as rtl_sdr writing to /dev/null does.
    static let usbStream = Benchmark(
        name: "usb-stream", unit: "MB/s",
        summary: "RTL-SDR (emulated: needs the umockdev preload + GSD_RTLSDR_EMULATOR=1) 3.2 Msps into the ring, 5 s"
    ) {
        let env = ProcessInfo.processInfo.environment
        guard env["GSD_RTLSDR_EMULATOR"] == "1", (env["LD_PRELOAD"] ?? "").contains("libRTLSDREmulator") else {
            throw BenchFailure(what: "usb-stream needs the emulated dongle: run it as LD_PRELOAD=\"libumockdev-preload.so.0 "
                + ".build/release/libRTLSDREmulator.so\" GSD_RTLSDR_EMULATOR=1 gsd bench usb-stream")
        }
        let context = try USBContext()
        defer { context.close() }
        let device = try RTLSDRDevice.open(.index(0), context: context)
        defer { device.close() }
        try device.setSampleRate(3_200_000)
        try device.setCenterFrequency(137_500_000)
        let source = try RTLSDRSampleSource(device: device, ringCapacity: 16 << 20)
        let clock = ContinuousClock()
        let start = clock.now
        var bytes = 0, gaps = 0
        var elapsed = 0.0
        reading: repeat {
            switch source.ring.read(timeout: .milliseconds(500)) {
            case .data(let region):
                bytes += region.count
                source.ring.release(region.count)
            case .dropped: gaps += 1
            case .endOfStream: break reading
            case .timedOut: break
            }
            let d = clock.now - start
            elapsed = Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18
        } while elapsed < 5
        source.stop()
        if let error = device.streamError { throw error }
        FileHandle.standardError.write(Data(
            "usb-stream: \(bytes) bytes in \(String(format: "%.2f", elapsed)) s, \(source.droppedBytes) bytes dropped in \(gaps) gap(s)\n".utf8))
        return Double(bytes) / elapsed / 1e6
    }
}
