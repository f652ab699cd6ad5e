import ArgumentParser
import Foundation
import GroundStation

/// `gsd record`: cu8 IQ from a local RTL-SDR (native USB driver) or any SoapySDR receiver
/// (`--device soapy:ARGS`) to SigMF or a raw file.
struct RecordCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "record",
        abstract: "Record cu8 IQ from a local RTL-SDR or a SoapySDR receiver to SigMF (default) or a raw file.",
        discussion: """
            Opens the dongle by serial or index (--device), tunes it, and streams --seconds of samples. \
            OUTPUT is a SigMF base path (writes OUTPUT.sigmf-data and OUTPUT.sigmf-meta with frequency, rate, \
            datetime and hardware), or a raw cu8 file with --raw or a .cu8/.raw/.bin name. Samples the disk \
            could not keep up with are dropped and counted (reported on stderr; exit status 1 if any). \
            --device soapy:ARGS records through SoapySDR instead (ARGS as `gsd devices --soapy` prints them, \
            e.g. soapy:driver=airspy,serial=...): samples are read as CS8 and kept as cu8, or with \
            --soapy-format cs16|cf32 kept as cs16/cf32 (receivers with more than 8 bits); the metadata's core:hw \
            names SoapySDR's driver and hardware, and driver overflows count as drops. --ppm and --bias-tee \
            apply to the native driver only.
            """)

    @Option(help: "RTL-SDR serial string or index (0 = the first dongle), or soapy:ARGS for a SoapySDR receiver.")
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

    @Option(name: .customLong("soapy-format"), help: "Stream format asked of a SoapySDR device: cs8 (kept as cu8), cs16 or cf32.")
    var soapyFormat: String = "cs8"

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
        if soapyArguments != nil {
            if soapyArguments!.isEmpty { throw ValidationError("--device soapy: needs SoapySDR arguments, e.g. soapy:driver=rtlsdr") }
            if ppm != 0 || biasTee { throw ValidationError("--ppm and --bias-tee apply to the native RTL-SDR driver, not to --device soapy:") }
        } else if soapyFormat != "cs8" {
            throw ValidationError("--soapy-format applies to --device soapy: (the native driver delivers cu8)")
        }
        guard SoapySDRSampleSource.StreamFormat(rawValue: soapyFormat) != nil else {
            throw ValidationError("--soapy-format must be cs8, cs16 or cf32, not '\(soapyFormat)'")
        }
    }

    /// The SoapySDR arguments of `--device soapy:ARGS`, nil for the native driver.
    var soapyArguments: String? { device.hasPrefix("soapy:") ? String(device.dropFirst(6)) : nil }

    var isRaw: Bool { raw || [".cu8", ".cs16", ".cf32", ".raw", ".bin"].contains { output.lowercased().hasSuffix($0) } }

    func run() throws {
        if let soapyArguments { return try recordThroughSoapy(soapyArguments) }
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

        let hardware = "RTL2832U + \(dongle.tuner.rawValue) (\(dongle.info.description)), gain "
            + (reachedGain.map { "\($0) dB" } ?? "auto") + (ppm != 0 ? ", \(ppm) ppm" : "")
        let outputs = try Outputs(self, rate: actualRate, description: "gsd record from \(dongle.name)")
        let source: RTLSDRSampleSource
        do { source = try RTLSDRSampleSource(device: dongle) } catch { throw ValidationFailure("gsd: record: \(error)") }
        let (written, failure) = outputs.copy(seconds: seconds, rate: actualRate) { try source.read(into: $0) }
        source.stop()
        let path = try outputs.finish(hardware: hardware, output: output)
        let drops = source.droppedBytes
        printError("gsd: record: \(written / 2) samples (\(written) bytes) at \(actualRate) Sps, \(UInt64(frequency.rounded())) Hz, "
                   + "\(drops) bytes dropped in \(source.dropEvents) gap(s) -> \(path)")
        if let failure { throw ValidationFailure("gsd: record: stopped after \(written) bytes: \(failure)") }
        if drops > 0 { throw ExitCode(1) }
    }

    /// The same through SoapySDR's C API (any module's receiver).
    private func recordThroughSoapy(_ arguments: String) throws {
        let source: SoapySDRSampleSource
        do {
            let g = RTLSDRGain(gain)
            let dB: Double? = if case .manual(let v)? = g { v } else { nil }
            source = try SoapySDRSampleSource(configuration: .init(
                arguments: arguments, frequency: frequency.rounded(), sampleRate: rate, gain: dB,
                format: SoapySDRSampleSource.StreamFormat(rawValue: soapyFormat) ?? .cs8))
        } catch { throw ValidationFailure("gsd: record: --device \(device): \(error)") }
        let hardware = "SoapySDR driver \(source.driverKey), hardware \(source.hardwareKey) (\(arguments)), gain "
            + (gain == "auto" ? "auto" : "\(gain) dB")
        let outputs = try Outputs(
            self, rate: source.actualSampleRate, description: "gsd record through SoapySDR (\(arguments))", format: source.sampleFormat)
        let (written, failure) = outputs.copy(seconds: seconds, rate: source.actualSampleRate, bytesPerSample: source.sampleFormat.bytesPerSample) {
            try source.read(into: $0)
        }
        source.close()
        let path = try outputs.finish(hardware: hardware, output: output)
        printError("gsd: record: \(written / source.sampleFormat.bytesPerSample) samples (\(written) bytes, \(source.sampleFormat.name)) at \(source.actualSampleRate) Sps, \(UInt64(frequency.rounded())) Hz "
                   + "through SoapySDR \(source.driverKey), \(source.overflows) overflow(s) -> \(path)")
        if let failure { throw ValidationFailure("gsd: record: stopped after \(written) bytes: \(failure)") }
        if source.overflows > 0 { throw ExitCode(1) }
    }

    /// Where the samples go: a SigMF pair (metadata written at the end) or a raw cu8 file.
    struct Outputs {
        let sigmf: SigMFWriter?
        let raw: RawSampleWriter?

        init(_ command: RecordCommand, rate: Double, description: String, format: SampleFormat = .cu8) throws {
            do {
                if command.isRaw {
                    sigmf = nil
                    raw = try RawSampleWriter(path: command.output, format: format)
                } else {
                    sigmf = try SigMFWriter(basePath: command.output, format: format, sampleRate: rate, frequency: command.frequency.rounded(),
                                            datetime: Date(), description: description)
                    raw = nil
                }
            } catch { throw ValidationFailure("gsd: record: \(command.output): \(error)") }
        }

        /// Reads `seconds` of samples with `read` into the data file: bytes written, and what stopped it early.
        func copy(seconds: Double, rate: Double, bytesPerSample: Int = 2, _ read: (UnsafeMutableRawBufferPointer) throws -> Int) -> (Int, String?) {
            let wanted = Int((seconds * rate).rounded()) * bytesPerSample
            let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 256 << 10, alignment: 16)
            defer { buffer.deallocate() }
            var written = 0
            do {
                while written < wanted {
                    let n = try read(UnsafeMutableRawBufferPointer(rebasing: buffer[0..<min(buffer.count, wanted - written)]))
                    if n == 0 { break }
                    let chunk = UnsafeRawBufferPointer(rebasing: buffer[0..<n])
                    if let sigmf { try sigmf.writeEncoded(chunk) } else { try raw?.writeEncoded(chunk) }
                    written += n
                }
            } catch {
                return (written, "\(error)")
            }
            return (written, nil)
        }

        /// Closes the data file and writes the metadata with `hardware` as core:hw; the data file's path.
        func finish(hardware: String, output: String) throws -> String {
            do {
                try raw?.finish()
                if let sigmf {
                    try sigmf.finish()
                    try RecordCommand.addHardware(hardware, toMeta: sigmf.metaPath)
                    return sigmf.dataPath
                }
            } catch { throw ValidationFailure("gsd: record: \(output): \(error)") }
            return output
        }
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
