import CSoapySDR

/// Any SoapySDR receiver (rtlsdr, airspy, hackrf, ... modules) as a pipeline `SampleSource`, through
/// SoapySDR's C API: the device is made from an argument string ("driver=rtlsdr,serial=..."), tuned,
/// and read in the configured stream format: CS8 (handed on as cu8, each byte + 128, the RTL-SDR's own
/// format), CS16 (12- to 16-bit receivers: Airspy, LimeSDR, Pluto, USRP) or CF32, passed on unchanged.
/// Overflows reported by the driver are counted in `overflows`. `close()` ends the stream (read → 0).
public final class SoapySDRSampleSource: SampleSource, @unchecked Sendable {
    // @unchecked: `read` is called by one thread at a time (the pipeline's source thread); `close`
    // only sets an atomic flag checked between reads; the C handles are immutable.
    /// The samples SoapySDR is asked for and what `read` delivers.
    public enum StreamFormat: String, Sendable, Hashable, CaseIterable {
        case cs8, cs16, cf32

        /// SoapySDR's name for it.
        var soapyName: String { rawValue.uppercased() }
        /// The bytes `read` delivers.
        public var sampleFormat: SampleFormat {
            switch self {
            case .cs8: .cu8
            case .cs16: .cs16
            case .cf32: .cf32
            }
        }
        /// Bytes per complex sample.
        var elementSize: Int {
            switch self {
            case .cs8: 2
            case .cs16: 4
            case .cf32: 8
            }
        }
    }

    public struct Configuration: Sendable {
        /// SoapySDR device arguments, e.g. "driver=rtlsdr" or "driver=rtlsdr,serial=00000001".
        public var arguments: String
        public var frequency: Double
        public var sampleRate: Double
        /// Gain in dB; nil: the driver's automatic gain.
        public var gain: Double?
        public var channel: Int
        /// Seconds without a sample after which `read` gives up with an error: some modules (rtlsdr) keep
        /// answering "timeout" for ever once their device is unplugged.
        public var stallTimeout: Double
        /// Antenna port (e.g. "RX", "LNAW"); nil leaves the driver's default.
        public var antenna: String?
        /// Gain per named element in dB (e.g. LNA, MIX, VGA), set after the overall gain.
        public var gainElements: [String: Double]
        /// Analogue filter bandwidth in Hz; nil leaves the driver's default.
        public var bandwidth: Double?
        public var format: StreamFormat

        public init(
            arguments: String, frequency: Double, sampleRate: Double, gain: Double? = nil, channel: Int = 0, stallTimeout: Double = 5,
            antenna: String? = nil, gainElements: [String: Double] = [:], bandwidth: Double? = nil, format: StreamFormat = .cs8
        ) {
            self.format = format
            self.antenna = antenna
            self.gainElements = gainElements
            self.bandwidth = bandwidth
            self.arguments = arguments
            self.frequency = frequency
            self.sampleRate = sampleRate
            self.gain = gain
            self.channel = channel
            self.stallTimeout = stallTimeout
        }
    }

    public let configuration: Configuration
    /// The rate the device reports after setting it.
    public let actualSampleRate: Double
    /// Overflow reports (samples lost in the driver).
    public private(set) var overflows = 0
    /// The module's driver key and the hardware key (e.g. "RTLSDR", "R820T"), for recordings' metadata.
    public let driverKey: String
    public let hardwareKey: String
    private let device: OpaquePointer
    private let stream: OpaquePointer
    private let closedFlag = USBAtomicInt()

    public init(configuration c: Configuration) throws(SoapySDRError) {
        configuration = c
        var kwargs = SoapySDRKwargs_fromString(c.arguments)
        defer { SoapySDRKwargs_clear(&kwargs) }
        guard let dev = SoapySDRDevice_make(&kwargs) else { throw SoapySDRError(operation: "make device '\(c.arguments)'") }
        device = dev
        let rx = Int32(SOAPY_SDR_RX)
        let ch = c.channel
        func check(_ rc: Int32, _ what: String) throws(SoapySDRError) {
            if rc != 0 { throw SoapySDRError(operation: "\(what) on '\(c.arguments)'", code: rc) }
        }
        do {
            try check(SoapySDRDevice_setSampleRate(dev, rx, ch, c.sampleRate), "set sample rate \(c.sampleRate)")
            try check(SoapySDRDevice_setFrequency(dev, rx, ch, c.frequency, nil), "set frequency \(c.frequency)")
            if let g = c.gain {
                try check(SoapySDRDevice_setGainMode(dev, rx, ch, false), "manual gain mode")
                try check(SoapySDRDevice_setGain(dev, rx, ch, g), "set gain \(g)")
            } else if c.gainElements.isEmpty {
                try check(SoapySDRDevice_setGainMode(dev, rx, ch, true), "automatic gain mode")
            }
            for name in c.gainElements.keys.sorted() {
                guard let v = c.gainElements[name] else { continue }
                if c.gain == nil { try check(SoapySDRDevice_setGainMode(dev, rx, ch, false), "manual gain mode") }
                try check(SoapySDRDevice_setGainElement(dev, rx, ch, name, v), "set gain element \(name) to \(v) dB")
            }
            if let antenna = c.antenna { try check(SoapySDRDevice_setAntenna(dev, rx, ch, antenna), "select antenna \(antenna)") }
            if let bw = c.bandwidth { try check(SoapySDRDevice_setBandwidth(dev, rx, ch, bw), "set bandwidth \(bw) Hz") }
        } catch {
            SoapySDRDevice_unmake(dev)
            throw error
        }
        actualSampleRate = SoapySDRDevice_getSampleRate(dev, rx, ch)
        driverKey = Self.take(SoapySDRDevice_getDriverKey(dev))
        hardwareKey = Self.take(SoapySDRDevice_getHardwareKey(dev))
        var channels = [ch]
        guard let s = SoapySDRDevice_setupStream(dev, rx, c.format.soapyName, &channels, 1, nil) else {
            let e = SoapySDRError(operation: "set up a \(c.format.soapyName) stream on '\(c.arguments)'")
            SoapySDRDevice_unmake(dev)
            throw e
        }
        stream = s
        let rc = SoapySDRDevice_activateStream(dev, s, 0, 0, 0)
        if rc != 0 {
            SoapySDRDevice_closeStream(dev, s)
            SoapySDRDevice_unmake(dev)
            throw SoapySDRError(operation: "activate the stream on '\(c.arguments)'", code: rc)
        }
    }

    deinit {
        SoapySDRDevice_deactivateStream(device, stream, 0, 0)
        SoapySDRDevice_closeStream(device, stream)
        SoapySDRDevice_unmake(device)
    }

    /// A string SoapySDR allocated, freed.
    private static func take(_ text: UnsafeMutablePointer<CChar>?) -> String {
        guard let text else { return "" }
        defer { SoapySDR_free(text) }
        return String(cString: text)
    }

    /// Ends the stream: the next `read` returns 0.
    public func close() { closedFlag.store(1) }

    /// What `read` delivers.
    public var sampleFormat: SampleFormat { configuration.format.sampleFormat }

    public func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        let size = configuration.format.elementSize
        guard let base = buffer.baseAddress, buffer.count >= size else { return 0 }
        let deadline = ContinuousClock.now + .milliseconds(Int64(configuration.stallTimeout * 1000))
        while closedFlag.load() == 0 {
            var buffs: [UnsafeMutableRawPointer?] = [base]
            var flags: Int32 = 0
            var timeNs: Int64 = 0
            let n = SoapySDRDevice_readStream(device, stream, &buffs, buffer.count / size, &flags, &timeNs, 500_000)
            if n > 0 {
                let bytes = Int(n) * size
                if configuration.format == .cs8 {
                    let p = base.assumingMemoryBound(to: UInt8.self)
                    for i in 0..<bytes { p[i] ^= 0x80 }  // CS8 → cu8
                }
                return bytes
            }
            if n == SOAPY_SDR_TIMEOUT {
                guard ContinuousClock.now < deadline else {
                    throw SoapySDRError(
                        operation: "read stream on '\(configuration.arguments)'",
                        message: "no samples for \(configuration.stallTimeout) s: the device stopped or was unplugged")
                }
                continue
            }
            if n == SOAPY_SDR_OVERFLOW {
                overflows += 1
                continue
            }
            throw SoapySDRError(operation: "read stream on '\(configuration.arguments)'", code: n)
        }
        return 0
    }
}
