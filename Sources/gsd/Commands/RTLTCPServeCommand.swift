import ArgumentParser
import Foundation
import GroundStation

#if canImport(Glibc)
import Glibc
#endif

struct RTLTCPServeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rtl-tcp",
        abstract: "Serve a cu8 IQ recording (or, later, a local dongle) to rtl_tcp clients.",
        discussion: """
            Listens on --listen HOST:PORT (port 0 picks a free one; the address is printed on stderr) and \
            speaks the rtl_tcp protocol to any client (SDR++, gqrx, GNU Radio, gsd): the 12-byte RTL0 header, \
            then the recording's cu8 IQ bytes, once (the connection closes at the end) or --loop, paced at the \
            sample rate with --realtime or as fast as the client reads. Client commands are logged on stderr; \
            a recording cannot retune, so frequency and gain commands are only acknowledged, and a sample-rate \
            command changes the pacing. --device needs the USB driver, which is not implemented yet.
            """)

    @Option(help: "Recording to serve: cu8 IQ as SigMF, or raw with --format cu8 --rate HZ.")
    var file: String?

    @Option(help: "Local RTL-SDR by serial or index (needs the USB driver: not implemented yet).")
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

    func validate() throws {
        if (file == nil) == (device == nil) { throw ValidationError("Give exactly one of --file RECORDING or --device SERIAL|INDEX.") }
        if maxClients < 1 { throw ValidationError("--max-clients must be at least 1.") }
        if RTLTCPTunerType(name: tuner) == nil { throw ValidationError("Unknown --tuner '\(tuner)'.") }
        if let seconds, !(0...1e9).contains(seconds) { throw ValidationError("--seconds must be 0 to 1e9.") }
    }

    func run() throws {
        if let device {
            throw ValidationFailure("--device \(device): USB driver not implemented yet (the RTL-SDR driver does not exist in gsd yet); serve a recording with --file")
        }
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
