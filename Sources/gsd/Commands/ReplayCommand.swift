import ArgumentParser
import Foundation
import GroundStation
import TelemetryDecode

#if canImport(Glibc)
import Glibc
#endif

struct ReplayCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "replay",
        abstract: "Decode a recorded file (WAV, SigMF, raw IQ) through the same receive chains the station runs.",
        discussion: """
            Choose the transmitter by satellite (--satellite NAME or --norad ID: every transmitter in the \
            catalogue is tried) or describe it (--modulation M --baud B --framing F). Good frames go to \
            stdout, one per line; a summary goes to stderr.
            """)

    @Argument(help: "Recording: .wav, .sigmf-meta/.sigmf-data/.sigmf, or raw with --format and --rate.")
    var file: String

    @Option(help: "Satellite name (or alternative name) in the catalogue.")
    var satellite: String?

    @Option(help: "NORAD catalogue number.")
    var norad: Int?

    @Option(help: "Modulation when no satellite is given: \(Modulation.allCases.map(\.rawValue).joined(separator: ", ")).")
    var modulation: String?

    @Option(help: "Baud rate when no satellite is given.")
    var baud: Double?

    @Option(help: "Framing when no satellite is given: \(Framing.allCases.map(\.rawValue).joined(separator: ", ")).")
    var framing: String?

    @Option(help: "AFSK tone centre (Hz) with --modulation AFSK.")
    var afCarrier: Double?

    @Option(help: "AFSK deviation (Hz, negative if the 1 tone is lower) with --modulation AFSK.")
    var deviation: Double?

    @Option(help: "Raw sample format: cu8, cs8, cs16, cf32, f32, s16, u8.")
    var format: String?

    @Option(help: "Sample rate (Hz) of a raw file.")
    var rate: Double?

    @Flag(help: "Stereo WAV holds I/Q.")
    var iq = false

    @Option(name: .customLong("f-offset"), help: "Signal offset from the centre (IQ) or BPSK audio carrier (Hz).")
    var fOffset: Double?

    @Option(help: "stdout format: hex, json or kiss (binary KISS stream).")
    var output: String = "hex"

    @Flag(help: "Also report the failed checks that are not damaged copies of good frames: in --output json as lines with \"check\": \"failed\", otherwise on stderr.")
    var failed = false

    @Option(help: "Also write the good frames to this KISS file.")
    var kissOut: String?

    @Option(help: "Satellite catalogue folder (default: the one shipped with gsd).")
    var catalogue: String?

    func validate() throws {
        guard ["hex", "json", "kiss"].contains(output) else { throw ValidationError("--output must be hex, json or kiss") }
        let chosen = [satellite != nil, norad != nil, modulation != nil || framing != nil || baud != nil].filter { $0 }.count
        guard chosen == 1 else {
            throw ValidationError("give exactly one of --satellite, --norad, or --modulation/--baud/--framing")
        }
    }

    func run() async throws {
        let (specs, satName) = try transmitters()
        let telemetry = output == "json" ? ReplayTelemetry.load(catalogue: catalogue, satellite: satName) : nil
        var sampleFormat: SampleFormat? = nil
        if let format {
            guard let f = SampleFormat(name: format) else { throw ValidationError("unknown --format '\(format)'") }
            sampleFormat = f
        }
        let session: ReplaySession
        do {
            session = try ReplaySession(ReplayOptions(
                path: file, format: sampleFormat, rate: rate, iq: iq, frequencyOffset: fOffset, transmitters: specs,
                satellite: satName))
        } catch let e as CustomStringConvertible & Error {
            throw ValidationFailure(e.description)
        }
        for (name, why) in session.summary.skipped { printError("gsd: skipping transmitter '\(name)': \(why)") }

        let kissFile = try kissOut.map { try OutputFile(path: $0) }
        let showProgress = isatty(2) == 1
        let summary = try await session.run(onFrame: { f in
            let kiss = KISSEncoder.encode(KISSFrame(payload: f.frame.bytes))
            try kissFile?.write(kiss)
            switch output {
            case "kiss": try StandardOutput.write(kiss)
            case "json": try StandardOutput.line(json(f, satellite: satName, telemetry: telemetry))
            default: try StandardOutput.line(hexString(f.frame.bytes))
            }
        }, onFailed: failed ? { f in
            if output == "json" {
                try StandardOutput.line(json(f, satellite: satName))
            } else {
                printError("gsd: failed check at \(String(format: "%.3f", f.time)) s, \(f.transmitter), \(f.frame.framing), \(f.frame.bytes.count) bytes: \(hexString(f.frame.bytes))")
            }
        } : nil, progress: showProgress ? { p in
            let width = 40
            let filled = Int(p * Double(width))
            FileHandle.standardError.write(Data("\r[\(String(repeating: "#", count: filled))\(String(repeating: ".", count: width - filled))] \(Int(p * 100))%".utf8))
        } : nil)
        if showProgress { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
        try kissFile?.close()
        for w in summary.warnings { printError("gsd: warning: \(w)") }
        let rtf = summary.realtimeFactor
        printError(
            "gsd: \(file): \(summary.goodFrames) good frames, \(summary.failedFrames) failed checks, "
                + (summary.damagedCopies > 0 ? "\(summary.damagedCopies) damaged copies of good frames, " : "")
                + "\(String(format: "%.1f", summary.signalSeconds)) s of signal, "
                + "\(String(format: "%.0f", rtf))x realtime")
    }

    func json(_ f: ReceivedFrame, satellite: String?, telemetry: ReplayTelemetry? = nil) -> String {
        var o = JSONLine()
        o.add("time", (f.time * 1000).rounded() / 1000)
        if let satellite { o.add("satellite", satellite) }
        o.add("transmitter", f.transmitter)
        o.add("framing", f.frame.framing)
        o.add("length", f.frame.bytes.count)
        o.add("hex", hexString(f.frame.bytes))
        o.add("check", f.frame.checkPassed ? "passed" : "failed")
        o.add("corrected", f.frame.correctedSymbols)
        if let t = telemetry?.json(f) { o.addRaw("telemetry", t) }
        return o.text
    }

    /// The transmitters to listen for, from the catalogue or the command line.
    func transmitters() throws -> ([TransmitterSpec], String?) {
        if satellite != nil || norad != nil {
            let dir = SatelliteCatalogue.defaultDirectory(explicit: catalogue)
            let cat: SatelliteCatalogue
            do { cat = try SatelliteCatalogue.load(directory: dir) } catch { throw ValidationFailure(error.description) }
            let sat: Satellite
            do { sat = try cat.find(name: satellite, norad: norad, directory: dir) } catch { throw ValidationFailure(error.description) }
            return (sat.transmitters, sat.name)
        }
        guard let modulation, let m = Modulation(rawValue: modulation) ?? Modulation.allCases.first(where: { $0.rawValue.lowercased() == modulation.lowercased() }) else {
            throw ValidationError("--modulation is required: \(Modulation.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        guard let baud, baud > 0 else { throw ValidationError("--baud is required and must be positive") }
        guard let framing, let fr = Framing(rawValue: framing) ?? Framing.allCases.first(where: { $0.rawValue.lowercased() == framing.lowercased() }) else {
            throw ValidationError("--framing is required: \(Framing.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        var spec = TransmitterSpec(name: "\(m.rawValue) \(Int(baud)) Bd \(fr.rawValue)", modulation: m, baudRate: baud, framing: fr)
        spec.afCarrier = afCarrier
        spec.deviation = deviation
        return ([spec], nil)
    }
}
