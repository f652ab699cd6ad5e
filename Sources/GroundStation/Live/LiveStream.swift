import Foundation
import TelemetryDecode

/// A receiver's sample stream for one live pass (rtl_tcp, the native RTL-SDR driver or SoapySDR), as a
/// pipeline source. The daemon opens one per pass, tuned for the satellite, and calls `stop()` at LOS
/// (from any thread): `read` then returns 0 and the pipeline flushes its decoders. The device is released
/// when the stream is deinitialised.
public final class LiveStream: SampleSource, @unchecked Sendable {
    // @unchecked: `read` runs on the pipeline's source thread alone; `stop` and the counters are
    // thread-safe in each underlying driver.
    public let format: SampleFormat
    /// The rate the receiver actually runs at.
    public let sampleRate: Double
    /// Centre frequency the receiver was tuned to, hertz.
    public let centreFrequency: Double
    /// What it is, for logs and SigMF `core:hw`.
    public let hardware: String
    private let readBody: (UnsafeMutableRawBufferPointer) throws -> Int
    private let stopBody: @Sendable () -> Void
    private let dropsBody: @Sendable () -> Int
    private let releaseBody: (() -> Void)?

    init(
        format: SampleFormat, sampleRate: Double, centreFrequency: Double, hardware: String,
        read: @escaping (UnsafeMutableRawBufferPointer) throws -> Int, stop: @escaping @Sendable () -> Void,
        drops: @escaping @Sendable () -> Int = { 0 }, release: (() -> Void)? = nil
    ) {
        self.format = format
        self.sampleRate = sampleRate
        self.centreFrequency = centreFrequency
        self.hardware = hardware
        readBody = read
        stopBody = stop
        dropsBody = drops
        releaseBody = release
    }

    deinit { releaseBody?() }

    public func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int { try readBody(buffer) }

    /// Ends the stream: a `read` in progress or later returns 0 soon.
    public func stop() { stopBody() }

    /// Losses inside the driver, before the pipeline's ring (bytes, or overflow reports for SoapySDR).
    /// Read it once the stream has ended.
    public var driverDrops: Int { dropsBody() }
}

/// Opens the configured live receiver for a pass.
public enum LiveStreamOpener {
    /// Tunes the configured source to `centre` hertz. `profiles` resolves an `sdr` source's profile.
    public static func open(
        _ source: DaemonConfiguration.Source, centre: Double, profiles: HardwareProfileSet?,
        onEvent: (@Sendable (String) -> Void)? = nil
    ) throws -> LiveStream {
        switch source {
        case .file:
            throw LiveStreamError.notLive
        case .rtlTCP(let r):
            // rtl_tcp's command fields are 32-bit: a value that does not fit is an error, not a trap.
            guard let rate = UInt32(exactly: r.sampleRate.rounded()), rate > 0 else {
                throw LiveStreamError.outOfRange("rtl_tcp sample rate \(r.sampleRate) Hz is out of range (1...4294967295 Hz)")
            }
            guard let hz = UInt32(exactly: centre.rounded()) else {
                throw LiveStreamError.outOfRange("centre frequency \(String(format: "%.0f", centre)) Hz is beyond rtl_tcp's 32-bit tuning (up to 4294967295 Hz)")
            }
            var commands: [RTLTCPCommand] = [.sampleRate(rate), .frequency(hz)]
            if let g = r.gain {
                guard let tenths = Int32(exactly: (g * 10).rounded()) else { throw LiveStreamError.outOfRange("rtl_tcp gain \(g) dB is out of range") }
                commands += [.gainMode(manual: true), .gain(tenthsDB: tenths)]
            } else {
                commands.append(.gainMode(manual: false))
            }
            if r.ppm != 0 {
                guard let ppm = Int32(exactly: r.ppm) else { throw LiveStreamError.outOfRange("rtl_tcp ppm \(r.ppm) is out of range") }
                commands.append(.frequencyCorrection(ppm: ppm))
            }
            let client = try RTLTCPClient(
                endpoint: r.endpoint.description, commands: commands, reconnect: .init(delay: .seconds(1), maximumAttempts: 30),
                onGap: { gap in onEvent?("rtl_tcp \(r.endpoint): \(gap)") })
            return LiveStream(
                format: .cu8, sampleRate: r.sampleRate, centreFrequency: centre,
                hardware: "rtl_tcp \(r.endpoint) (\(client.header), gain \(r.gain.map { "\($0) dB" } ?? "auto"))",
                read: { try client.read(into: $0) }, stop: { client.close() })
        case .sdr(let s):
            if let args = s.soapyArguments {
                return try openSoapy(arguments: args, s, centre: centre, profile: nil)
            }
            guard let profiles, let profile = profiles.profile(id: s.profile) else {
                throw LiveStreamError.unknownProfile(s.profile)
            }
            switch profile.driver {
            case .soapy:
                var args = profile.soapy?.args ?? ""
                if let serial = s.serial { args += (args.isEmpty ? "" : ",") + "serial=\(serial)" }
                return try openSoapy(arguments: args, s, centre: centre, profile: profile)
            case .rtlsdr:
                return try openRTLSDR(s, centre: centre, profile: profile, onEvent: onEvent)
            case .serialKISS:
                throw LiveStreamError.notAReceiver(profile.id)
            }
        }
    }

    private static func openRTLSDR(
        _ s: DaemonConfiguration.SDRSource, centre: Double, profile: HardwareProfile, onEvent: (@Sendable (String) -> Void)?
    ) throws -> LiveStream {
        let receiver = try RTLSDRLiveSource(
            .init(
                selector: RTLSDRDevice.Selector(s.serial ?? "0"), sampleRate: s.sampleRate, bandwidth: s.bandwidth,
                ppm: s.ppm != 0 ? s.ppm : profile.defaults.ppm, centre: centre, gain: s.gain ?? profile.defaults.gain,
                biasTee: profile.defaults.biasTee),
            profile: profile.id, onEvent: onEvent)
        return LiveStream(
            format: .cu8, sampleRate: receiver.sampleRate, centreFrequency: centre, hardware: receiver.hardware,
            read: { try receiver.read(into: $0) }, stop: { receiver.stop() }, drops: { receiver.drops },
            release: { receiver.release() })
    }

    private static func openSoapy(
        arguments: String, _ s: DaemonConfiguration.SDRSource, centre: Double, profile: HardwareProfile?
    ) throws -> LiveStream {
        // Gains: the configured overall gain or elements; else the profile's overall default, else its
        // per-element defaults (e.g. an Airspy's LNA/MIX/VGA), else the driver's automatic gain.
        let gain = s.gain ?? (s.gainElements.isEmpty ? profile?.defaults.gain : nil)
        var elements = s.gainElements
        if gain == nil, elements.isEmpty, let profileElements = profile?.soapy?.gainElements {
            for e in profileElements { if let d = e.range.defaultValue { elements[e.name] = d } }
        }
        let source = try SoapySDRSampleSource(configuration: .init(
            arguments: arguments, frequency: centre.rounded(), sampleRate: s.sampleRate, gain: gain,
            antenna: s.antenna ?? profile?.soapy?.antenna, gainElements: elements,
            bandwidth: s.bandwidth ?? profile?.soapy?.bandwidth, format: s.streamFormat))
        return LiveStream(
            format: source.sampleFormat, sampleRate: source.actualSampleRate, centreFrequency: centre,
            hardware: "SoapySDR driver \(source.driverKey), hardware \(source.hardwareKey) (\(arguments))",
            read: { try source.read(into: $0) }, stop: { source.close() }, drops: { source.overflows })
    }
}

public enum LiveStreamError: Error, Sendable, CustomStringConvertible {
    case notLive
    case unknownProfile(String)
    case notAReceiver(String)
    /// A setting the receiver's interface cannot carry (e.g. a frequency past rtl_tcp's 32 bits).
    case outOfRange(String)

    public var description: String {
        switch self {
        case .notLive: "the file source is not a live receiver"
        case .unknownProfile(let p): "no hardware profile '\(p)' in hw-profiles (see gsd devices)"
        case .notAReceiver(let p): "profile '\(p)' is a serial modem, not a receiver"
        case .outOfRange(let message): message
        }
    }
}
