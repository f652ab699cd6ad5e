import ArgumentParser
import Foundation
import GroundStation
import TelemetryDecode

/// `gsd listen`: `gsd replay` on a live receiver.
struct ListenCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "listen",
        abstract: "Decode a satellite live from a receiver: a local RTL-SDR, any SoapySDR device or an rtl_tcp server.",
        discussion: """
            Tunes --device to the satellite's first downlink (minus --tuning-offset), decodes every transmitter \
            inside the sampled band through the same chains as gsd replay and the daemon, and prints good frames \
            as they arrive (stdout, one per line; --output json adds time and transmitter). With --tle and \
            --station the pass's Doppler is removed in software. Runs for --seconds, or until the stream ends \
            or Ctrl-C. DEVICE: a dongle's serial or index (gsd's own driver), soapy:ARGS (e.g. \
            soapy:driver=airspy), or rtl_tcp:HOST:PORT.
            """)

    @Option(help: "serial|index (native RTL-SDR), soapy:ARGS, or rtl_tcp:HOST:PORT.")
    var device: String

    @Option(help: "Satellite name (or alternative name) in the catalogue.")
    var satellite: String?

    @Option(help: "NORAD catalogue number.")
    var norad: Int?

    @Option(help: "Sample rate in samples/s.")
    var rate: Double = 1_024_000

    @Option(help: "Tuner gain in dB, or 'auto'.")
    var gain: String = "auto"

    @Option(help: "Frequency correction in ppm.")
    var ppm: Int = 0

    @Option(name: .customLong("tuning-offset"), help: "Hz to tune below the downlink (keeps the signal off the DC spike).")
    var tuningOffset: Double = 0

    @Option(name: .customLong("soapy-format"), help: "Stream format asked of a SoapySDR device: cs8, cs16 or cf32.")
    var soapyFormat: String = "cs8"

    @Option(help: "Seconds to listen (default: until the stream ends or Ctrl-C).")
    var seconds: Double?

    @Option(help: "TLE/OMM file with the satellite's elements, for Doppler correction (with --station).")
    var tle: String?

    @Option(help: "Station LAT,LON[,ALT_M] for Doppler correction (with --tle).")
    var station: String?

    @Option(help: "stdout format: hex or json.")
    var output: String = "hex"

    @Option(help: "Satellite catalogue folder (default: the one shipped with gsd).")
    var catalogue: String?

    func validate() throws {
        guard ["hex", "json"].contains(output) else { throw ValidationError("--output must be hex or json") }
        guard (satellite == nil) != (norad == nil) else { throw ValidationError("give exactly one of --satellite or --norad") }
        guard rate.isFinite, rate > 0, rate <= SampleFileSource.maximumSampleRate else {
            throw ValidationError("--rate \(rate) is not a sample rate up to \(Int(SampleFileSource.maximumSampleRate)) Hz")
        }
        guard abs(tuningOffset) <= rate * 0.4 else { throw ValidationError("--tuning-offset must be within ±40 % of --rate") }
        if let seconds { guard seconds.isFinite, seconds > 0 else { throw ValidationError("--seconds must be positive") } }
        guard gain == "auto" || Double(gain).map({ $0.isFinite && abs($0) <= 200 }) == true else {
            throw ValidationError("--gain '\(gain)' is neither 'auto' nor a number of dB")
        }
        guard SoapySDRSampleSource.StreamFormat(rawValue: soapyFormat) != nil else { throw ValidationError("--soapy-format must be cs8, cs16 or cf32") }
        guard (tle == nil) == (station == nil) else { throw ValidationError("--tle and --station go together (Doppler correction)") }
        if let station { guard GeodeticPosition(parsing: station) != nil else { throw ValidationError("--station must be LAT,LON[,ALT_M]") } }
    }

    /// The receiver as the daemon's configuration describes one.
    func source() throws -> DaemonConfiguration.Source {
        let dB = Double(gain)
        if device.hasPrefix("rtl_tcp:") {
            let address = String(device.dropFirst(8))
            guard let endpoint = HamlibEndpoint(parsing: address) else { throw ValidationError("--device rtl_tcp:HOST:PORT, not '\(device)'") }
            return .rtlTCP(.init(endpoint: endpoint, sampleRate: rate, gain: dB, ppm: ppm, tuningOffset: tuningOffset))
        }
        if device.hasPrefix("soapy:") {
            guard device.count > 6 else { throw ValidationError("--device soapy: needs SoapySDR arguments, e.g. soapy:driver=rtlsdr") }
            return .sdr(.init(
                profile: "", sampleRate: rate, gain: dB, serial: nil, soapyArguments: String(device.dropFirst(6)), ppm: ppm,
                tuningOffset: tuningOffset, streamFormat: SoapySDRSampleSource.StreamFormat(rawValue: soapyFormat) ?? .cs8))
        }
        return .sdr(.init(profile: "rtlsdr-generic", sampleRate: rate, gain: dB, serial: device, ppm: ppm, tuningOffset: tuningOffset))
    }

    func run() async throws {
        let dir = SatelliteCatalogue.defaultDirectory(explicit: catalogue)
        let cat: SatelliteCatalogue
        do { cat = try SatelliteCatalogue.load(directory: dir) } catch { throw ValidationFailure(error.description) }
        let sat: Satellite
        do { sat = try cat.find(name: satellite, norad: norad, directory: dir) } catch { throw ValidationFailure(error.description) }
        var doppler: LookAngleProvider?
        if let tle, let station, let location = GeodeticPosition(parsing: station) {
            var sets = ElementSets(files: [tle])
            do { try sets.refresh() } catch { throw ValidationFailure("\(error)") }
            guard let e = sets.byNorad[sat.norad] else { throw ValidationFailure("\(tle): no elements for NORAD \(sat.norad)") }
            doppler = try LookAngleProvider(elements: e, station: location, passStart: Date(), geometryStart: nil)
        }
        let profiles = try? HardwareProfileSet.load(directory: HardwareProfileSet.defaultDirectory())
        let session: LiveDecodeSession
        do {
            session = try LiveDecodeSession(source: try source(), satellite: sat, doppler: doppler, profiles: profiles)
        } catch let e as ValidationError {
            throw e
        } catch {
            throw ValidationFailure("gsd: listen: --device \(device): \(error)")
        }
        for why in session.skipped { printError("gsd: listen: skipping \(why)") }
        let timestamps = ISO8601DateFormatter()
        let summary = try await session.run(seconds: seconds) { f, time in
            guard f.frame.checkPassed else { return }
            if output == "json" {
                var o = JSONLine()
                o.add("time", timestamps.string(from: time))
                o.add("satellite", sat.name)
                o.add("transmitter", f.transmitter)
                o.add("framing", f.frame.framing)
                o.add("hex", hexString(f.frame.bytes))
                try StandardOutput.line(o.text)
            } else {
                try StandardOutput.line(hexString(f.frame.bytes))
            }
            // Live: a program reading the pipe gets each frame as it is decoded, not a 4 KB buffer later.
            try StandardOutput.finish()
        }
        printError(
            "gsd: listen: \(sat.name) on \(summary.hardware), \(Int(summary.centre)) Hz at \(Int(summary.sampleRate)) Sps"
                + (doppler != nil ? ", Doppler corrected" : "") + ": \(summary.goodFrames) good frames, \(summary.failedFrames) failed checks, "
                + (summary.damagedCopies > 0 ? "\(summary.damagedCopies) damaged copies of good frames, " : "")
                + "\(String(format: "%.1f", summary.seconds)) s of signal, \(summary.droppedBytes) bytes dropped by the decoder, "
                + "\(summary.driverDrops) lost in the driver")
    }
}
