import ArgumentParser
import Foundation
import GroundStation

/// `gsd record`: cu8 IQ from a local RTL-SDR (native USB driver) to SigMF or a raw file.
struct RecordCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "record",
        abstract: "Record cu8 IQ from a local RTL-SDR to SigMF (default) or a raw file.",
        discussion: """
            Opens the dongle by serial or index (--device), tunes it, and streams --seconds of samples. \
            OUTPUT is a SigMF base path (writes OUTPUT.sigmf-data and OUTPUT.sigmf-meta with frequency, rate, \
            datetime and hardware), or a raw cu8 file with --raw or a .cu8/.raw/.bin name. Samples the disk \
            could not keep up with are dropped and counted (reported on stderr; exit status 1 if any).
            """)

    @Option(help: "RTL-SDR serial string or index (0 = the first dongle).")
    var device: String

    @Option(help: "Centre frequency in Hz.")
    var frequency: Double

    @Option(help: "Sample rate in samples/s (225001-300000 or 900001-3200000).")
    var rate: Double

    @Option(help: "Tuner gain in dB, or 'auto'.")
    var gain: String = "auto"

    @Option(help: "Frequency correction in ppm.")
    var ppm: Int = 0

    @Flag(name: .customLong("bias-tee"), help: "Switch the bias tee on while recording.")
    var biasTee = false

    @Option(help: "Seconds to record.")
    var seconds: Double

    @Flag(help: "Write a raw cu8 file instead of SigMF.")
    var raw = false

    @Argument(help: "Output: SigMF base path, or a raw file.")
    var output: String

    func validate() throws {
        guard frequency.isFinite, frequency > 0, frequency < 2e9 else { throw ValidationError("--frequency \(frequency) is not a frequency in Hz") }
        guard rate.isFinite, rate > 0 else { throw ValidationError("--rate \(rate) is not a sample rate") }
        guard seconds.isFinite, seconds > 0, seconds <= 86_400 else { throw ValidationError("--seconds must be > 0 and at most 86400") }
        guard RTLSDRGain(gain) != nil else { throw ValidationError("--gain '\(gain)' is neither 'auto' nor a number of dB") }
    }

    var isRaw: Bool { raw || [".cu8", ".raw", ".bin"].contains { output.lowercased().hasSuffix($0) } }

    func run() throws {
        let context: USBContext
        do { context = try USBContext() } catch { throw ValidationFailure("gsd: record: \(error)") }
        defer { context.close() }
        let dongle: RTLSDRDevice
        do { dongle = try RTLSDRDevice.open(RTLSDRDevice.Selector(device), context: context) } catch {
            throw ValidationFailure("gsd: record: --device \(device): \(error)")
        }
        defer { dongle.close() }
        let actualRate: Double
        var reachedGain: Double?
        do {
            actualRate = try dongle.setSampleRate(rate)
            if ppm != 0 { try dongle.setFrequencyCorrection(ppm: ppm) }
            try dongle.setCenterFrequency(UInt64(frequency.rounded()))
            reachedGain = try dongle.setGain(RTLSDRGain(gain) ?? .automatic)
            if biasTee { try dongle.setBiasTee(true) }
        } catch { throw ValidationFailure("gsd: record: \(error)") }

        let start = Date()
        let hardware = "RTL2832U + \(dongle.tuner.rawValue) (\(dongle.info.description)), gain "
            + (reachedGain.map { "\($0) dB" } ?? "auto") + (ppm != 0 ? ", \(ppm) ppm" : "")
        let sigmf: SigMFWriter?
        let dataPath: String
        do {
            if isRaw {
                sigmf = nil
                dataPath = output
            } else {
                let w = try SigMFWriter(basePath: output, format: .cu8, sampleRate: actualRate, frequency: frequency.rounded(),
                                        datetime: start, description: "gsd record from \(dongle.name)")
                sigmf = w
                dataPath = w.dataPath
            }
        } catch { throw ValidationFailure("gsd: record: \(output): \(error)") }
        let data: RawSampleWriter
        do { data = try RawSampleWriter(path: dataPath, format: .cu8) } catch { throw ValidationFailure("gsd: record: \(error)") }

        let wanted = Int((seconds * actualRate).rounded()) * 2
        let source: RTLSDRSampleSource
        do { source = try RTLSDRSampleSource(device: dongle) } catch { throw ValidationFailure("gsd: record: \(error)") }
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 256 << 10, alignment: 16)
        defer { buffer.deallocate() }
        var written = 0
        var failure: String?
        do {
            while written < wanted {
                let n = try source.read(into: UnsafeMutableRawBufferPointer(rebasing: buffer[0..<min(buffer.count, wanted - written)]))
                if n == 0 { break }
                try data.writeEncoded(UnsafeRawBufferPointer(rebasing: buffer[0..<n]))
                written += n
            }
        } catch {
            failure = "\(error)"
        }
        source.stop()
        do {
            try data.finish()
            if let sigmf {
                try sigmf.finish()
                try Self.addHardware(hardware, toMeta: sigmf.metaPath)
            }
        } catch { throw ValidationFailure("gsd: record: \(output): \(error)") }
        let drops = source.droppedBytes
        printError("gsd: record: \(written / 2) samples (\(written) bytes) at \(actualRate) Sps, \(UInt64(frequency.rounded())) Hz, "
                   + "\(drops) bytes dropped in \(source.dropEvents) gap(s) -> \(sigmf?.dataPath ?? dataPath)")
        if let failure { throw ValidationFailure("gsd: record: stopped after \(written) bytes: \(failure)") }
        if drops > 0 { throw ExitCode(1) }
    }

    /// SigMF's `core:hw` (the writer has no field for it): added to the finished metadata's global object.
    static func addHardware(_ hardware: String, toMeta path: String) throws {
        let url = URL(fileURLWithPath: path)
        guard var doc = try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any],
              var global = doc["global"] as? [String: Any]
        else { throw ValidationFailure("\(path): metadata is not a SigMF object") }
        global["core:hw"] = hardware
        global["core:recorder"] = "gsd"
        doc["global"] = global
        try JSONSerialization.data(withJSONObject: doc, options: [.prettyPrinted, .sortedKeys]).write(to: url)
    }
}
