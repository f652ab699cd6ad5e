/// One device family from `hw-profiles/*.yml`, loaded once and validated (see hw-profiles/README.md).
/// Plain values only: the drivers and the daemon look profiles up by `driver` and read these fields.
public struct HardwareProfile: Sendable, Hashable {
    /// The driver that opens devices of this family.
    public enum Driver: String, Sendable, Hashable, CaseIterable {
        /// gsd's own RTL2832U driver over libusb.
        case rtlsdr
        /// A serial port (USB CDC-ACM or USB-UART bridge) carrying KISS to a TNC.
        case serialKISS = "serial-kiss"
        /// A SoapySDR device, opened with `soapy.args` (plus `serial=` of the discovered device).
        case soapy
    }

    /// A supported sample rate in Hz: one value (`lower == upper`) or a continuous range.
    public struct SampleRateRange: Sendable, Hashable {
        public var lower: Double
        public var upper: Double
        public init(lower: Double, upper: Double) {
            self.lower = lower
            self.upper = upper
        }
        public func contains(_ rate: Double) -> Bool { rate >= lower && rate <= upper }
    }

    /// Gain limits in dB; `steps`, when given, are the only settable values (RTL tuners).
    public struct GainRange: Sendable, Hashable {
        public var minimum: Double
        public var maximum: Double
        public var steps: [Double]
        /// The element's default (soapy gain elements only).
        public var defaultValue: Double?
        public init(minimum: Double, maximum: Double, steps: [Double] = [], defaultValue: Double? = nil) {
            self.minimum = minimum
            self.maximum = maximum
            self.steps = steps
            self.defaultValue = defaultValue
        }
        public func contains(_ gain: Double) -> Bool { gain >= minimum && gain <= maximum }
    }

    /// How to open a SoapySDR device.
    public struct Soapy: Sendable, Hashable {
        /// Device arguments, e.g. `driver=airspy`; the discovered serial is appended as `serial=...`.
        public var args: String
        public var antenna: String?
        /// Gain per element (e.g. LNA, MIX, VGA), in file order.
        public var gainElements: [GainElement]
        /// Analogue bandwidth in Hz; nil leaves the driver's default.
        public var bandwidth: Double?
        public init(args: String, antenna: String? = nil, gainElements: [GainElement] = [], bandwidth: Double? = nil) {
            self.args = args
            self.antenna = antenna
            self.gainElements = gainElements
            self.bandwidth = bandwidth
        }
    }

    public struct GainElement: Sendable, Hashable {
        public var name: String
        public var range: GainRange
        public init(name: String, range: GainRange) {
            self.name = name
            self.range = range
        }
    }

    /// Starting settings for a device of this family.
    public struct Defaults: Sendable, Hashable {
        public var sampleRate: Double?
        /// nil: automatic gain (AGC).
        public var gain: Double?
        public var ppm: Int
        public var biasTee: Bool
        /// Serial baud rate (serial-kiss).
        public var baudRate: Int?
        public init(sampleRate: Double? = nil, gain: Double? = nil, ppm: Int = 0, biasTee: Bool = false, baudRate: Int? = nil) {
            self.sampleRate = sampleRate
            self.gain = gain
            self.ppm = ppm
            self.biasTee = biasTee
            self.baudRate = baudRate
        }
    }

    /// The file name without `.yml`, e.g. `rtlsdr-blog-v4`.
    public var id: String
    public var name: String
    public var driver: Driver
    public var match: DeviceMatch
    /// RTL tuner chip (R820T, R828D, E4000, FC0012, FC0013, FC2580) or nil when the driver probes it.
    public var tuner: String?
    public var sampleRates: [SampleRateRange]
    public var gain: GainRange?
    public var soapy: Soapy?
    public var defaults: Defaults
    public var notes: String?
    /// The file it came from.
    public var source: String

    public init(
        id: String, name: String, driver: Driver, match: DeviceMatch, tuner: String? = nil,
        sampleRates: [SampleRateRange] = [], gain: GainRange? = nil, soapy: Soapy? = nil,
        defaults: Defaults = Defaults(), notes: String? = nil, source: String
    ) {
        self.id = id
        self.name = name
        self.driver = driver
        self.match = match
        self.tuner = tuner
        self.sampleRates = sampleRates
        self.gain = gain
        self.soapy = soapy
        self.defaults = defaults
        self.notes = notes
        self.source = source
    }

    /// True when `rate` lies in one of the supported ranges (or none are listed).
    public func supports(sampleRate rate: Double) -> Bool {
        sampleRates.isEmpty || sampleRates.contains { $0.contains(rate) }
    }
}
