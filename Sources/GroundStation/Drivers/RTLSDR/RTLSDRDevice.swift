import TelemetryDecode

/// An RTL2832U dongle with an R820T/R828D tuner, driven natively over libusb: open, tune, set the rate
/// and gain, and stream cu8 IQ from bulk endpoint 0x81 into a `SampleRing` (drop-newest: the USB event
/// thread never blocks; drops are counted by the ring).
///
/// Settings are applied with control transfers from the caller's thread and are serialised by a lock.
/// When the dongle disappears mid-stream the stream ends with `RTLSDRError.deviceDisconnected`
/// (`streamError`), the ring is closed, and `onStreamEnd` is told; the owner may `open` it again when it
/// is back.
public final class RTLSDRDevice: @unchecked Sendable {
    // @unchecked: every mutable property is touched only with `lock` held.

    /// USB IDs of RTL2832U dongles (generic Realtek IDs and common rebrands).
    public static let knownIDs: [USBDeviceID] = [
        USBDeviceID(vendor: 0x0bda, product: 0x2838), USBDeviceID(vendor: 0x0bda, product: 0x2832),
        USBDeviceID(vendor: 0x0ccd, product: 0x00a9), USBDeviceID(vendor: 0x0ccd, product: 0x00b3),
        USBDeviceID(vendor: 0x185b, product: 0x0620), USBDeviceID(vendor: 0x1f4d, product: 0xb803),
        USBDeviceID(vendor: 0x1d19, product: 0x1101), USBDeviceID(vendor: 0x1b80, product: 0xd3a4),
    ]
    public static let defaultXtal: Double = 28_800_000
    public static let bulkEndpoint: UInt8 = 0x81

    public enum Tuner: String, Sendable { case r820t = "R820T", r828d = "R828D" }

    /// How the device is chosen: by serial string, or by index among the dongles on the bus.
    public enum Selector: Sendable, Hashable, CustomStringConvertible {
        case serial(String)
        case index(Int)
        /// A serial when some dongle has it, else an index when the text is a small number.
        public init(_ text: String) {
            if let i = Int(text), i >= 0, i < 100, text.count <= 2 { self = .index(i) } else { self = .serial(text) }
        }
        public var description: String {
            switch self {
            case .serial(let s): "serial \(s)"
            case .index(let i): "index \(i)"
            }
        }
    }

    public let usb: USBDeviceHandle
    public let tuner: Tuner
    public var info: USBDeviceInfo { usb.info }
    public var name: String { info.serial.map { "serial \($0)" } ?? "\(info.portPath)" }

    private let rtl: RTL2832URegisters
    private let lock = USBLock()
    private var r82xx: R82xxTuner
    private var rate: Double = 0
    private var frequency: UInt64 = 0
    private var ppm: Int = 0
    private var gain: RTLSDRGain = .automatic
    private var gainTenths = 0
    private var agc = false
    private var testMode = false
    private var directSampling = 0
    private var biasTee = false
    /// The IF bandwidth asked for; nil: the sample rate's.
    private var requestedBandwidth: Double?
    private var stream: USBBulkStream?
    private var streamEnd: USBBulkStream.End?

    // MARK: opening

    /// Lists the RTL2832U dongles on the bus (with serials).
    public static func list(context: USBContext) throws(RTLSDRError) -> [USBDeviceInfo] {
        do {
            let ids = Set(knownIDs)
            return try context.devices(readStringsOf: ids).filter { ids.contains(USBDeviceID(vendor: $0.vendorID, product: $0.productID)) }
        } catch { throw .usb(error) }
    }

    /// Opens, initialises the demodulator, probes and initialises the tuner, and sets 2.048 Msps,
    /// 100 MHz, automatic gain. `context` keeps its event thread running for streaming.
    public static func open(_ selector: Selector, context: USBContext) throws(RTLSDRError) -> RTLSDRDevice {
        let dongles = try list(context: context)
        var target: USBDeviceInfo?
        switch selector {
        case .serial(let s): target = dongles.first { $0.serial == s }
        case .index(let i): target = i < dongles.count ? dongles[i] : nil
        }
        if target == nil, case .serial(let s) = selector, let i = Int(s), i >= 0, i < dongles.count { target = dongles[i] }
        guard let target else {
            throw .notFound(selector: selector.description, seen: dongles.map(\.description))
        }
        let handle: USBDeviceHandle
        do {
            handle = try context.open(target)
        } catch { throw .usb(error) }
        return try RTLSDRDevice(handle: handle)
    }

    init(handle: USBDeviceHandle) throws(RTLSDRError) {
        usb = handle
        rtl = RTL2832URegisters(usb: handle)
        do {
            try handle.claim(interface: 0)
            try rtl.initBaseband()
            try rtl.i2cRepeater(true)
        } catch { throw .usb(error) }
        // Tuner probe, in the usual order (address, register, expected value).
        let probes: [(String, UInt8, UInt8, UInt8)] = [
            ("E4000", 0xc8, 0x02, 0x40), ("FC0013", 0xc6, 0x00, 0xa3), ("R820T", 0x34, 0x00, 0x69),
            ("R828D", 0x74, 0x00, 0x69), ("FC2580", 0xac, 0x01, 0x56), ("FC0012", 0xc6, 0x00, 0xa1),
        ]
        var found: String?
        for (name, address, register, expected) in probes {
            if let v = rtl.i2cProbe(address: address, register: register), v & (name == "FC2580" ? 0x7f : 0xff) == expected {
                found = name
                break
            }
        }
        switch found {
        case "R820T": tuner = .r820t; r82xx = R82xxTuner(chip: .r820t)
        case "R828D":
            tuner = .r828d
            let blogV4 = handle.info.manufacturer == "RTLSDRBlog" && handle.info.product == "Blog V4"
            r82xx = R82xxTuner(chip: .r828d, board: blogV4 ? .rtlSDRBlogV4 : .generic)
        case let other?:
            try? rtl.i2cRepeater(false)
            throw .unsupportedTuner(other)
        case nil:
            try? rtl.i2cRepeater(false)
            throw .noTuner
        }
        do {
            // The tuner delivers a low IF (set with the rate's filter) with the spectrum inverted.
            try r82xx.initialize(rtl)
            try rtl.setIFFrequency(r82xx.intermediateFrequency, xtal: Self.defaultXtal)
            try rtl.demodWrite(page: 1, 0x15, 0x01)
            try rtl.i2cRepeater(false)
        } catch let e as RTLSDRError {
            throw e
        } catch let e as USBError {
            throw .usb(e)
        } catch {
            throw .usb(USBError(code: -99, operation: "tuner initialisation"))
        }
        _ = try setSampleRate(2_048_000)
        try setCenterFrequency(100_000_000)
        _ = try setGain(.automatic)
    }

    deinit { close() }

    /// Runs USB register work, wrapping its error.
    private func usbCall<R>(_ body: () throws(USBError) -> R) throws(RTLSDRError) -> R {
        do { return try body() } catch { throw .usb(error) }
    }

    /// Stops streaming and closes the device.
    public func close() {
        stopStreaming()
        usb.close()
    }

    // MARK: settings

    /// The corrected RTL crystal (nominal * (1 + ppm/1e6)).
    private var rtlXtal: Double { Self.defaultXtal * (1 + Double(ppm) / 1e6) }

    /// Sets the sample rate (225001-300000 or 900001-3200000 Hz) and returns the exact rate the
    /// resampler produces: xtal * 2^22 / ratio, the ratio a multiple of 4.
    @discardableResult
    public func setSampleRate(_ hz: Double) throws(RTLSDRError) -> Double {
        guard hz.isFinite, (225_001...300_000).contains(hz) || (900_001...3_200_000).contains(hz) else {
            throw .invalidSampleRate(hz)
        }
        return try lock.locked { () throws(RTLSDRError) -> Double in
            let xtal = rtlXtal
            let ratio = UInt32(xtal * 4_194_304 / hz) & 0x0fff_fffc
            // 28 bits fit the register; the resampler repeats bit 27 as bit 28, so the ratios of the
            // 225-300 kHz rates (above 2^28) are written without their top bit and still produce them.
            let actual = xtal * 4_194_304 / Double(ratio | ((ratio & 0x0800_0000) << 1))
            try usbCall { () throws(USBError) in
                try rtl.demodWrite(page: 1, 0x9f, UInt16(ratio >> 16), length: 2)
                try rtl.demodWrite(page: 1, 0xa1, UInt16(ratio & 0xffff), length: 2)
                try writePPM()
                try rtl.demodWrite(page: 1, 0x01, 0x14)  // soft reset
                try rtl.demodWrite(page: 1, 0x01, 0x10)
            }
            rate = actual
            try applyFilterLocked()
            return actual
        }
    }

    /// Sets the tuner's IF filter bandwidth (nil: follow the sample rate, the default). The filter
    /// chosen is the narrowest that passes it; the IF moves with it, so the dongle is retuned.
    public func setBandwidth(_ hz: Double?) throws(RTLSDRError) {
        if let hz, !(hz.isFinite && hz > 0 && hz <= 8_000_000) { throw .unsupported("IF bandwidth \(hz) Hz (0-8 MHz)") }
        try lock.locked { () throws(RTLSDRError) in
            requestedBandwidth = hz
            try applyFilterLocked()
        }
    }

    /// The passband of the tuner's IF filter in use.
    public var bandwidth: Double { lock.locked { r82xx.filter.bandwidth } }

    /// The tuner's IF filter calibration code (nil: the calibration failed and the widest setting is used).
    public var filterCalibration: Int? { lock.locked { r82xx.filterCalibration.map(Int.init) } }

    /// The IF filter for the requested bandwidth or the rate; then the RTL2832U's IF follows the tuner's
    /// and the frequency is tuned again (the LO sits the IF above it).
    private func applyFilterLocked() throws(RTLSDRError) {
        let wanted = requestedBandwidth ?? rate
        guard wanted > 0 else { return }
        do {
            try rtl.i2cRepeater(true)
            defer { try? rtl.i2cRepeater(false) }
            try r82xx.setBandwidth(rtl, wanted)
            guard directSampling == 0 else { return }
            try rtl.setIFFrequency(r82xx.intermediateFrequency, xtal: rtlXtal)
        } catch { throw .usb(error) }
        if frequency > 0 { try tuneLocked(frequency) }
    }

    public var sampleRate: Double { lock.locked { rate } }

    private func writePPM() throws(USBError) {
        let offset = Int(-Double(ppm) * 16_777_216 / 1e6)
        try rtl.demodWrite(page: 1, 0x3f, UInt16(offset & 0xff))
        try rtl.demodWrite(page: 1, 0x3e, UInt16((offset >> 8) & 0x3f))
    }

    /// Tunes the centre frequency (tuner PLL, or the DDC in direct sampling). Returns the frequency.
    @discardableResult
    public func setCenterFrequency(_ hz: UInt64) throws(RTLSDRError) -> UInt64 {
        try lock.locked { () throws(RTLSDRError) -> UInt64 in
            try tuneLocked(hz)
            frequency = hz
            return hz
        }
    }

    private func tuneLocked(_ hz: UInt64) throws(RTLSDRError) {
        if directSampling != 0 {
            do { try rtl.setIFFrequency(Double(hz), xtal: rtlXtal) } catch { throw .usb(error) }
            return
        }
        guard hz >= r82xx.lowestFrequency, hz <= 1_766_000_000 else { throw .invalidFrequency(hz) }
        do { try rtl.i2cRepeater(true) } catch { throw .usb(error) }
        defer { try? rtl.i2cRepeater(false) }
        let reference = r82xx.xtal * (1 + Double(ppm) / 1e6)
        _ = try r82xx.tune(rtl, frequency: hz, reference: reference)
    }

    public var centerFrequency: UInt64 { lock.locked { frequency } }

    /// Frequency correction in ppm: the demodulator's sample clock correction and the tuner reference;
    /// retunes and re-sets the rate.
    public func setFrequencyCorrection(ppm newValue: Int) throws(RTLSDRError) {
        guard (-1000...1000).contains(newValue) else { throw .invalidGain("ppm \(newValue) outside -1000...1000") }
        let (r, f) = lock.locked { () -> (Double, UInt64) in
            ppm = newValue
            return (rate, frequency)
        }
        if r > 0 { _ = try setSampleRate(r) }
        if f > 0 { try setCenterFrequency(f) }
    }

    public var frequencyCorrection: Int { lock.locked { ppm } }

    /// The manual gains the tuner offers, in dB.
    public var gains: [Double] { R82xxTuner.gains.map { Double($0) / 10 } }

    /// Sets the tuner gain; manual gains snap to the nearest offered value. Returns the gain in dB that
    /// the LNA/mixer ladder reached (nil for automatic).
    @discardableResult
    public func setGain(_ g: RTLSDRGain) throws(RTLSDRError) -> Double? {
        try lock.locked { () throws(RTLSDRError) -> Double? in
            do {
                try rtl.i2cRepeater(true)
                defer { try? rtl.i2cRepeater(false) }
                switch g {
                case .automatic:
                    try r82xx.setAutomaticGain(rtl)
                    gain = g
                    return nil
                case .manual(let db):
                    guard db.isFinite, db >= -10, db <= 60 else { throw RTLSDRError.invalidGain("\(db) dB") }
                    let tenths = Int((db * 10).rounded())
                    let nearest = R82xxTuner.gains.min { abs($0 - tenths) < abs($1 - tenths) } ?? 0
                    gainTenths = try r82xx.setManualGain(rtl, tenthsDB: nearest)
                    gain = g
                    return Double(gainTenths) / 10
                }
            } catch let e as USBError {
                throw .usb(e)
            } catch let e as RTLSDRError {
                throw e
            } catch {
                throw .invalidGain("\(g)")
            }
        }
    }

    /// Sets a manual gain by its index in `gains`.
    @discardableResult
    public func setGain(index: Int) throws(RTLSDRError) -> Double? {
        guard index >= 0, index < R82xxTuner.gains.count else { throw .invalidGain("index \(index) of \(R82xxTuner.gains.count)") }
        return try setGain(.manual(dB: Double(R82xxTuner.gains[index]) / 10))
    }

    public var currentGain: RTLSDRGain { lock.locked { gain } }

    private func writeMode() throws(USBError) {
        try rtl.demodWrite(page: 0, 0x19, testMode ? 0x03 : (agc ? 0x25 : 0x05))
    }

    /// The RTL2832U's digital AGC.
    public func setRTLAGC(_ on: Bool) throws(RTLSDRError) {
        try lock.locked { () throws(RTLSDRError) in
            agc = on
            try usbCall { () throws(USBError) in try writeMode() }
        }
    }

    /// The demodulator's test mode: an 8-bit counter instead of ADC samples.
    public func setTestMode(_ on: Bool) throws(RTLSDRError) {
        try lock.locked { () throws(RTLSDRError) in
            testMode = on
            try usbCall { () throws(USBError) in try writeMode() }
        }
    }

    /// Bias tee: 4.5 V on the antenna input through GPIO 0 (on dongles that have the circuit).
    public func setBiasTee(_ on: Bool) throws(RTLSDRError) {
        try lock.locked { () throws(RTLSDRError) in
            try usbCall { () throws(USBError) in try rtl.setGPIO(0, output: on) }
            biasTee = on
        }
    }

    /// Direct sampling: 0 off (tuner), 1 the I ADC, 2 the Q ADC (HF below 28.8 MHz through the ADC pins).
    public func setDirectSampling(_ mode: Int) throws(RTLSDRError) {
        guard (0...2).contains(mode) else { throw .unsupported("direct sampling mode \(mode)") }
        try lock.locked { () throws(RTLSDRError) in
            do {
                if mode == 0 {
                    try rtl.demodWrite(page: 1, 0xb1, 0x1b)   // zero-IF back on
                    try rtl.demodWrite(page: 0, 0x08, 0xcd)   // both ADCs
                    try rtl.demodWrite(page: 0, 0x06, 0x80)
                    try rtl.demodWrite(page: 1, 0x15, 0x01)   // spectrum inversion for the R82xx IF
                    try rtl.setIFFrequency(r82xx.intermediateFrequency, xtal: rtlXtal)
                    directSampling = 0
                    // Back on the tuner: retune if the last frequency is in its range.
                    if frequency >= r82xx.lowestFrequency && frequency <= 1_766_000_000 { try tuneLocked(frequency) }
                } else {
                    try rtl.demodWrite(page: 1, 0xb1, 0x1a)   // zero-IF off
                    try rtl.demodWrite(page: 1, 0x15, 0x00)
                    try rtl.demodWrite(page: 0, 0x08, 0x4d)   // I ADC input only
                    try rtl.demodWrite(page: 0, 0x06, mode == 2 ? 0x90 : 0x80)
                    directSampling = mode
                    try tuneLocked(frequency)
                }
            } catch let e as USBError {
                throw .usb(e)
            } catch let e as RTLSDRError {
                throw e
            } catch {
                throw .unsupported("direct sampling")
            }
        }
    }

    /// Offset tuning exists for zero-IF tuners only; the R82xx already uses a low IF.
    public func setOffsetTuning(_ on: Bool) throws(RTLSDRError) {
        if on { throw .unsupported("offset tuning on the \(tuner.rawValue) (it already uses a low IF)") }
    }

    /// Crystal frequencies cannot be changed on this driver (the defaults are used).
    public var settingsDescription: String {
        lock.locked {
            "\(tuner.rawValue)\(r82xx.board == .rtlSDRBlogV4 ? " (RTL-SDR Blog V4)" : ""), \(Int(rate)) Sps, \(frequency) Hz, "
                + "IF filter \(Int(r82xx.filter.bandwidth / 1000)) kHz, gain \(gain), ppm \(ppm), AGC \(agc ? "on" : "off"), "
                + "bias tee \(biasTee ? "on" : "off"), direct sampling \(directSampling)"
        }
    }

    // MARK: streaming

    /// Starts streaming cu8 IQ into `ring` (its producer side belongs to the USB event thread from now
    /// on). The ring should use `.dropNewest`; the transfers fill its storage in place when it holds at
    /// least twice the transfers in flight (the default 16 MiB ring does), so no byte is copied on the
    /// event thread. `onEnd` hears how the stream ended (nil: stopped).
    public func startStreaming(
        into ring: SampleRing, transferCount: Int = 15, transferSize: Int = 256 * 1024,
        onEnd: (@Sendable (RTLSDRError?) -> Void)? = nil
    ) throws(RTLSDRError) {
        let name = self.name
        let s: USBBulkStream = try lock.locked { () throws(RTLSDRError) -> USBBulkStream in
            if stream != nil { throw .alreadyStreaming }
            return try usbCall { () throws(USBError) -> USBBulkStream in
                try rtl.resetBuffer()
                let s = try USBBulkStream(
                    device: usb,
                    configuration: .init(endpoint: Self.bulkEndpoint, transferCount: transferCount, transferSize: transferSize),
                    destination: .ring(ring),
                    onEnd: { [weak self] end in
                        let error: RTLSDRError?
                        switch end {
                        case .cancelled: error = nil
                        case .deviceGone(let e): error = .deviceDisconnected(device: name, underlying: e)
                        case .failed(let e): error = .streamFailed(device: name, underlying: e)
                        }
                        self?.lock.locked { self?.streamEnd = end }
                        ring.close()
                        onEnd?(error)
                    })
                stream = s
                streamEnd = nil
                return s
            }
        }
        do { try s.start() } catch {
            lock.locked { stream = nil }
            throw .usb(error)
        }
    }

    /// Why the last stream ended (nil while streaming or after a plain stop).
    public var streamError: RTLSDRError? {
        lock.locked {
            switch streamEnd {
            case .deviceGone(let e)?: .deviceDisconnected(device: name, underlying: e)
            case .failed(let e)?: .streamFailed(device: name, underlying: e)
            default: nil
            }
        }
    }

    /// Cancels the transfers and waits (up to 2 s) for them to come back.
    public func stopStreaming() {
        let s = lock.locked { () -> USBBulkStream? in
            defer { stream = nil }
            return stream
        }
        guard let s else { return }
        s.cancel()
        _ = s.waitUntilEnded(timeout: .seconds(2))
    }
}
