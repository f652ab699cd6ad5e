import ArgumentParser
import Foundation
import GroundStation

#if canImport(Glibc)
import Glibc
#endif

struct RTLTCPServeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rtl-tcp",
        abstract: "Serve a local RTL-SDR (--device) or a cu8 IQ recording (--file) to rtl_tcp clients.",
        discussion: """
            Listens on --listen HOST:PORT (port 0 picks a free one; the address is printed on stderr) and \
            speaks the rtl_tcp protocol to any client (SDR++, gqrx, GNU Radio, gsd): the 12-byte RTL0 header, \
            then the recording's cu8 IQ bytes, once (the connection closes at the end) or --loop, paced at the \
            sample rate with --realtime or as fast as the client reads. Client commands are logged on stderr; \
            a recording cannot retune, so frequency and gain commands are only acknowledged, and a sample-rate \
            command changes the pacing. With --device the local dongle (native USB driver) is served: commands \
            retune it (frequency, rate, gain, ppm, AGC, direct sampling, bias tee) and samples flow at its rate.
            """)

    @Option(help: "Recording to serve: cu8 IQ as SigMF, or raw with --format cu8 --rate HZ.")
    var file: String?

    @Option(help: "Local RTL-SDR by serial or index (0 = the first dongle).")
    var device: String?

    @Option(help: "Raw sample format of --file (only cu8 is served).")
    var format: String?

    @Option(help: "Sample rate (Hz) of a raw --file.")
    var rate: Double?

    @Option(help: "Address to listen on, HOST:PORT.")
    var listen: String = "127.0.0.1:1234"

    @Flag(help: "Start the recording again at its end instead of closing the connection.")
    var loop = false

    @Flag(help: "Send at the sample rate (as a dongle would) instead of as fast as possible.")
    var realtime = false

    @Option(name: .customLong("max-clients"), help: "Clients served at once (more are refused).")
    var maxClients: Int = 1

    @Option(help: "Tuner type reported in the header: \(RTLTCPTunerType.allCases.map { $0.description.lowercased() }.joined(separator: ", ")).")
    var tuner: String = "r820t"

    @Option(help: "Number of gains reported in the header.")
    var gains: UInt32 = 29

    @Option(help: "Stop serving after this many seconds (default: until interrupted).")
    var seconds: Double?

    @Option(help: "Initial centre frequency (Hz) of --device.")
    var frequency: Double = 100_000_000

    @Option(help: "Initial sample rate (Sps) of --device.")
    var sampleRate: Double = 2_048_000

    /// Serves the local dongle: one client at a time streams from it; its commands drive it.
    private func serveDevice(_ selector: String) throws {
        let endpoint: (host: String, port: UInt16)
        do { endpoint = try parseRTLTCPEndpoint(listen, allowPortZero: true) } catch { throw ValidationFailure(error.description) }
        let context: USBContext
        do { context = try USBContext() } catch { throw ValidationFailure("gsd: rtl_tcp: \(error)") }
        defer { context.close() }
        let dongle: RTLSDRDevice
        do {
            dongle = try RTLSDRDevice.open(RTLSDRDevice.Selector(selector), context: context)
            try dongle.setSampleRate(sampleRate)
            try dongle.setCenterFrequency(UInt64(frequency.rounded()))
        } catch { throw ValidationFailure("gsd: rtl_tcp: --device \(selector): \(error)") }
        defer { dongle.close() }
        let config = GroundStation.RTLTCPServer.Configuration(
            host: endpoint.host, port: endpoint.port,
            header: RTLTCPHeader(tunerType: dongle.tuner == .r828d ? .r828d : .r820t, gainCount: UInt32(dongle.gains.count)),
            sampleRate: dongle.sampleRate, pacing: .asFastAsPossible, loop: false, maximumClients: 1)
        let server: GroundStation.RTLTCPServer
        do {
            server = try GroundStation.RTLTCPServer(
                configuration: config,
                onEvent: { event in
                    if case .command(_, let command, _) = event {
                        printError("gsd: rtl_tcp: \(command): \(Self.apply(command, to: dongle))")
                    } else {
                        printError("gsd: rtl_tcp: \(event)")
                    }
                },
                makeSource: { try RTLSDRSampleSource(device: dongle) })
        } catch { throw ValidationFailure("\(error)") }
        defer { server.stop() }
        printError("gsd: rtl_tcp: serving RTL-SDR \(dongle.name) (\(dongle.settingsDescription)) on \(server.endpoint)")
        fflush(nil)
        let deadline: ContinuousClock.Instant? = seconds.map { ContinuousClock.now + .milliseconds(Int64($0 * 1000)) }
        while true {
            if let deadline, ContinuousClock.now >= deadline { break }
            var ts = timespec(tv_sec: 0, tv_nsec: 100_000_000)
            _ = nanosleep(&ts, nil)
        }
        printError("gsd: rtl_tcp: stopping after \(server.bytesSent) bytes sent")
    }

    /// Applies a client's command to the dongle; returns what happened, for the log.
    static func apply(_ command: RTLTCPCommand, to dongle: RTLSDRDevice) -> String {
        do {
            switch command.kind {
            case .frequency?: try dongle.setCenterFrequency(UInt64(command.value)); return "tuned"
            case .sampleRate?:
                let actual = try dongle.setSampleRate(Double(command.value))
                return "rate \(actual) Sps"
            case .gainMode?: if command.value == 0 { try dongle.setGain(.automatic) }; return "gain mode set"
            case .gain?:
                let reached = try dongle.setGain(.manual(dB: Double(command.signedValue) / 10))
                return "gain " + (reached.map { "\($0) dB" } ?? "auto")
            case .gainByIndex?:
                let reached = try dongle.setGain(index: Int(command.value))
                return "gain " + (reached.map { "\($0) dB" } ?? "auto")
            case .frequencyCorrection?: try dongle.setFrequencyCorrection(ppm: Int(command.signedValue)); return "corrected"
            case .agcMode?: try dongle.setRTLAGC(command.value != 0); return "RTL AGC \(command.value != 0 ? "on" : "off")"
            case .directSampling?: try dongle.setDirectSampling(Int(command.value)); return "direct sampling \(command.value)"
            case .offsetTuning?: try dongle.setOffsetTuning(command.value != 0); return "offset tuning \(command.value != 0)"
            case .biasTee?: try dongle.setBiasTee(command.value != 0); return "bias tee \(command.value != 0 ? "on" : "off")"
            case .testMode?: try dongle.setTestMode(command.value != 0); return "test mode \(command.value != 0)"
            default: return "ignored"
            }
        } catch {
            return "failed: \(error)"
        }
    }

    func validate() throws {
        if (file == nil) == (device == nil) { throw ValidationError("Give exactly one of --file RECORDING or --device SERIAL|INDEX.") }
        if maxClients < 1 { throw ValidationError("--max-clients must be at least 1.") }
        if RTLTCPTunerType(name: tuner) == nil { throw ValidationError("Unknown --tuner '\(tuner)'.") }
        if let seconds, !(0...1e9).contains(seconds) { throw ValidationError("--seconds must be 0 to 1e9.") }
    }

    func run() throws {
        if let device { return try serveDevice(device) }
        guard let file else { throw ValidationFailure("no --file given") }
        let endpoint: (host: String, port: UInt16)
        do { endpoint = try parseRTLTCPEndpoint(listen, allowPortZero: true) } catch { throw ValidationFailure(error.description) }
        var sampleFormat: SampleFormat? = nil
        if let format {
            guard let f = SampleFormat(name: format) else { throw ValidationError("unknown --format '\(format)'") }
            sampleFormat = f
        }
        let probe: SampleFileSource
        do { probe = try SampleFileSource.open(path: file, format: sampleFormat, rate: rate) } catch {
            throw ValidationFailure(error.description)
        }
        guard probe.format == .cu8 else {
            throw ValidationFailure("\(file): rtl_tcp carries cu8 IQ, but the recording is \(probe.format.name)")
        }
        let config = GroundStation.RTLTCPServer.Configuration(
            host: endpoint.host, port: endpoint.port,
            header: RTLTCPHeader(tunerType: RTLTCPTunerType(name: tuner) ?? .r820t, gainCount: gains),
            sampleRate: probe.sampleRate, pacing: realtime ? .realtime : .asFastAsPossible, loop: loop,
            maximumClients: maxClients)
        let server: GroundStation.RTLTCPServer
        do {
            server = try GroundStation.RTLTCPServer(
                recording: file, format: sampleFormat, rate: rate, configuration: config,
                onEvent: { event in printError("gsd: rtl_tcp: \(event)") })
        } catch {
            throw ValidationFailure("\(error)")
        }
        defer { server.stop() }
        printError(
            "gsd: rtl_tcp: serving \(file) (cu8, \(Int(probe.sampleRate)) Hz\(loop ? ", looped" : "")"
                + "\(realtime ? ", real time" : "")) on \(server.endpoint)")
        fflush(nil)
        let deadline: ContinuousClock.Instant? = seconds.map { ContinuousClock.now + .milliseconds(Int64($0 * 1000)) }
        while true {
            if let deadline, ContinuousClock.now >= deadline { break }
            var ts = timespec(tv_sec: 0, tv_nsec: 100_000_000)
            _ = nanosleep(&ts, nil)
        }
        printError("gsd: rtl_tcp: stopping after \(server.bytesSent) bytes sent")
    }
}
