/// The Rafael Micro R820T / R828D tuner behind the RTL2832U's I2C repeater. Facts from the chip's public
/// register description: registers 0x05-0x1f are write-only from the host's view (a shadow copy is kept
/// here); reads always start at register 0 and come out bit-reversed; register 0 reads 0x69; register 2
/// bit 6 is PLL lock; register 4 bits 5-4 the VCO fine-tune state and bits 3-0 the filter calibration code.
/// The LO is `2 * ref * (nint + sdm / 65536) / mixDiv` with nint = 4 * ni + si + 13 (register 0x14),
/// sdm in 0x16:0x15 and mixDiv = 2 << divNum (register 0x10 bits 7-5); the VCO runs 1.77-3.54 GHz.
struct R82xxTuner: Sendable {
    enum Chip: String, Sendable { case r820t = "R820T", r828d = "R828D" }
    /// The board around the chip: the RTL-SDR Blog V4 puts a 28.8 MHz crystal, an HF upconverter and
    /// three switched inputs around its R828D.
    enum Board: Sendable, Equatable { case generic, rtlSDRBlogV4 }
    /// The R828D's inputs (register 0x05 bits 6-5 and 0x06 bit 3).
    enum Input: Sendable, Equatable { case airIn, cable1, cable2 }

    static let r820tAddress: UInt8 = 0x34
    static let r828dAddress: UInt8 = 0x74
    static let chipID: UInt8 = 0x69
    /// The filter calibration runs against the PLL at this frequency.
    static let calibrationLO: Double = 56_000_000
    /// Generic R828D boards take the air input above this frequency (the cable input below).
    static let r828dAirInputAbove: UInt64 = 345_000_000
    /// The Blog V4 upconverts HF by its 28.8 MHz clock; its bands switch at 28.8 and 250 MHz.
    static let blogV4Upconversion: UInt64 = 28_800_000
    static let blogV4UHFFrom: UInt64 = 250_000_000

    /// Register defaults for 0x05-0x1f.
    static let initialRegisters: [UInt8] = [
        0x83, 0x32, 0x75, 0xc0, 0x40, 0xd6, 0x6c, 0xf5, 0x63, 0x75, 0x68, 0x6c, 0x83, 0x80,
        0x00, 0x0f, 0x00, 0xc0, 0x30, 0x48, 0xcc, 0x60, 0x00, 0x54, 0xae, 0x4a, 0xc0,
    ]

    /// LNA and mixer gain steps (tenths of dB) for indices 0-15, cumulative.
    static let lnaSteps: [Int] = [0, 9, 13, 40, 38, 13, 31, 22, 26, 31, 26, 14, 19, 5, 35, 13]
    static let mixerSteps: [Int] = [0, 5, 10, 10, 19, 9, 10, 25, 17, 10, 8, 16, 13, 6, 3, -8]
    /// The gains offered (tenths of dB): what the LNA/mixer ladder reaches, as rtl_tcp clients expect.
    static let gains: [Int] = [
        0, 9, 14, 27, 37, 77, 87, 125, 144, 157, 166, 197, 207, 229, 254, 280, 297, 328, 338, 364, 372, 386,
        402, 421, 434, 439, 445, 480, 496,
    ]

    /// RF input selection by frequency: (lower edge MHz, open drain 0x17, RF mux/poly 0x1a, tracking filter 0x1b).
    static let frequencyRanges: [(mhz: Int, openDrain: UInt8, rfMux: UInt8, trackingFilter: UInt8)] = [
        (0, 0x08, 0x02, 0xdf), (50, 0x08, 0x02, 0xbe), (55, 0x08, 0x02, 0x8b), (60, 0x08, 0x02, 0x7b),
        (65, 0x08, 0x02, 0x69), (70, 0x08, 0x02, 0x58), (75, 0x00, 0x02, 0x44), (90, 0x00, 0x02, 0x34),
        (110, 0x00, 0x02, 0x24), (140, 0x00, 0x02, 0x14), (180, 0x00, 0x02, 0x13), (250, 0x00, 0x02, 0x11),
        (280, 0x00, 0x02, 0x00), (310, 0x00, 0x41, 0x00), (588, 0x00, 0x40, 0x00),
    ]

    static let vcoMin: Double = 1_770_000_000
    static let vcoMax: Double = 3_540_000_000

    let chip: Chip
    let board: Board
    let address: UInt8
    /// Nominal crystal (28.8 MHz on R820T dongles and the Blog V4, 16 MHz on other R828D boards).
    let xtal: Double
    /// The VCO fine-tune state the PLL divider is chosen for (the chips differ).
    let vcoReference: UInt8
    private(set) var shadow = [UInt8](repeating: 0, count: 32)
    /// The IF filter in use (set from the sample rate or an explicit bandwidth).
    private(set) var filter = R82xxIFFilter(bandwidth: 6_000_000)
    /// The filter calibration code found at initialisation; nil when the calibration failed twice (the
    /// widest setting, 0, is used then: it never cuts the signal).
    private(set) var filterCalibration: UInt8?
    /// The R828D input selected (nil: not set yet, or an R820T).
    private(set) var input: Input?

    init(chip: Chip, board: Board = .generic) {
        self.chip = chip
        self.board = board
        address = chip == .r820t ? Self.r820tAddress : Self.r828dAddress
        xtal = chip == .r828d && board == .generic ? 16_000_000 : 28_800_000
        vcoReference = chip == .r828d ? 1 : 2
    }

    /// The IF the tuner mixes down to; the RTL2832U's DDC shifts it back to 0.
    var intermediateFrequency: Double { filter.intermediateFrequency }

    /// The lowest frequency the board tunes (the Blog V4 reaches HF through its upconverter).
    var lowestFrequency: UInt64 { board == .rtlSDRBlogV4 ? 500_000 : 24_000_000 }

    static func bitReversed(_ b: UInt8) -> UInt8 {
        var r: UInt8 = 0
        for i in 0..<8 where b & (1 << i) != 0 { r |= 0x80 >> i }
        return r
    }

    mutating func write(_ rtl: RTL2832URegisters, _ reg: UInt8, _ value: UInt8) throws(USBError) {
        try rtl.i2cWrite(address: address, [reg, value])
        shadow[Int(reg)] = value
    }

    mutating func write(_ rtl: RTL2832URegisters, _ reg: UInt8, _ value: UInt8, mask: UInt8) throws(USBError) {
        try write(rtl, reg, (shadow[Int(reg)] & ~mask) | (value & mask))
    }

    /// Status registers 0..<count, bit order corrected.
    func readStatus(_ rtl: RTL2832URegisters, count: Int) throws(USBError) -> [UInt8] {
        try rtl.i2cWrite(address: address, [0x00])
        return try rtl.i2cRead(address: address, length: count).map(Self.bitReversed)
    }

    /// Loads the register defaults, calibrates the IF filter and applies the SDR settings (6 MHz filter
    /// until a rate is set, image rejection, loop-through off).
    mutating func initialize(_ rtl: RTL2832URegisters) throws {
        var block: [UInt8] = [0x05]
        block += Self.initialRegisters
        try rtl.i2cWrite(address: address, block)
        for (i, v) in Self.initialRegisters.enumerated() { shadow[5 + i] = v }
        filterCalibration = try calibrateFilter(rtl)
        try write(rtl, 0x0a, 0x10 | (filterCalibration ?? 0), mask: 0x1f)   // low Q, calibration code
        try write(rtl, 0x0b, 0x6b, mask: 0xef)   // high-pass corner, bandwidth
        try write(rtl, 0x07, 0x00, mask: 0x80)   // image rejection
        try write(rtl, 0x06, 0x10, mask: 0x30)   // filter gain
        try write(rtl, 0x1e, 0x60, mask: 0x60)   // external enable
        try write(rtl, 0x05, 0x00, mask: 0x80)   // loop-through on (active low)
        try write(rtl, 0x1f, 0x00, mask: 0x80)   // loop-through attenuation off
        try write(rtl, 0x0f, 0x00, mask: 0x80)   // widest filter off
        try write(rtl, 0x19, 0x60, mask: 0x60)   // poly-filter current
    }

    /// The filter calibration: with the calibration clock on and the PLL at 56 MHz, a trigger pulse on
    /// register 0x0b bit 4 leaves the code in status register 4 bits 3-0. 0 and 15 mean it failed; it
    /// is tried twice.
    private mutating func calibrateFilter(_ rtl: RTL2832URegisters) throws -> UInt8? {
        for _ in 0..<2 {
            try write(rtl, 0x0b, 0x6b, mask: 0x60)   // high-pass corner of the 6 MHz filter
            try write(rtl, 0x0f, 0x04, mask: 0x04)   // calibration clock on
            try write(rtl, 0x10, 0x00, mask: 0x03)   // crystal capacitors off
            _ = try setPLL(rtl, lo: Self.calibrationLO, reference: xtal)
            try write(rtl, 0x0b, 0x10, mask: 0x10)   // trigger
            try write(rtl, 0x0b, 0x00, mask: 0x10)
            try write(rtl, 0x0f, 0x00, mask: 0x04)   // calibration clock off
            let code = try readStatus(rtl, count: 5)[4] & 0x0f
            if code != 0 && code != 0x0f { return code }
        }
        return nil
    }

    /// Selects the IF filter for `bandwidth`; the caller moves the RTL2832U's IF and retunes.
    mutating func setBandwidth(_ rtl: RTL2832URegisters, _ bandwidth: Double) throws(USBError) {
        let f = R82xxIFFilter(bandwidth: bandwidth)
        try write(rtl, 0x0a, f.register0A, mask: 0x10)
        try write(rtl, 0x0b, f.register0B, mask: 0xef)
        filter = f
    }

    /// Tunes so that `frequency` lands at the IF; `reference` is the crystal corrected for ppm.
    /// Returns the LO frequency programmed (nominal crystal).
    mutating func tune(
        _ rtl: RTL2832URegisters, frequency: UInt64, reference: Double
    ) throws(RTLSDRError) -> Double {
        // The Blog V4 upconverts HF: tune the upconverted frequency.
        let rf = board == .rtlSDRBlogV4 && frequency < Self.blogV4Upconversion ? frequency + Self.blogV4Upconversion : frequency
        let lo = Double(rf) + intermediateFrequency
        do {
            try setInput(rtl, lo: lo)
            let programmed = try setPLL(rtl, lo: lo, reference: reference)
            try selectInput(rtl, frequency: frequency)
            return programmed
        } catch let e as USBError {
            throw .usb(e)
        } catch let e as RTLSDRError {
            throw e
        } catch {
            throw .usb(USBError(code: -99, operation: "tune"))
        }
    }

    private mutating func setInput(_ rtl: RTL2832URegisters, lo: Double) throws(USBError) {
        let mhz = Int(lo / 1_000_000)
        let range = Self.frequencyRanges.last { $0.mhz <= mhz } ?? Self.frequencyRanges[0]
        try write(rtl, 0x17, range.openDrain, mask: 0x08)
        try write(rtl, 0x1a, range.rfMux, mask: 0xc3)
        try write(rtl, 0x1b, range.trackingFilter)
        try write(rtl, 0x10, 0x00, mask: 0x0b)   // crystal capacitors: none
        try write(rtl, 0x08, 0x00, mask: 0x3f)   // image phase/gain trims neutral
        try write(rtl, 0x09, 0x00, mask: 0x3f)
    }

    /// R828D input switching (written only on a change: tuning is frequent during Doppler tracking).
    /// Generic boards: the cable-1 input up to 345 MHz, where both have about the same noise floor, the
    /// air input above. The Blog V4: HF through cable 2 (its upconverter switched in by RTL GPIO 5 low),
    /// VHF through cable 1, UHF from 250 MHz through the air input; its notch filters are off inside
    /// the broadcast FM and DAB bands and below 2.2 MHz (register 0x17 bit 3).
    private mutating func selectInput(_ rtl: RTL2832URegisters, frequency: UInt64) throws(USBError) {
        guard chip == .r828d else { return }
        switch board {
        case .generic:
            let wanted: Input = frequency > Self.r828dAirInputAbove ? .airIn : .cable1
            guard wanted != input else { return }
            try write(rtl, 0x05, wanted == .airIn ? 0x00 : 0x60, mask: 0x60)
            input = wanted
        case .rtlSDRBlogV4:
            let inNotchBand = frequency <= 2_200_000 || (85_000_000...112_000_000).contains(frequency)
                || (172_000_000...242_000_000).contains(frequency)
            try write(rtl, 0x17, inNotchBand ? 0x00 : 0x08, mask: 0x08)
            let wanted: Input = frequency <= Self.blogV4Upconversion ? .cable2 : frequency < Self.blogV4UHFFrom ? .cable1 : .airIn
            guard wanted != input else { return }
            try write(rtl, 0x06, wanted == .cable2 ? 0x08 : 0x00, mask: 0x08)
            try rtl.setGPIO(5, output: wanted != .cable2)
            try write(rtl, 0x05, wanted == .cable1 ? 0x40 : 0x00, mask: 0x40)
            try write(rtl, 0x05, wanted == .airIn ? 0x00 : 0x20, mask: 0x20)
            input = wanted
        }
    }

    private mutating func setPLL(_ rtl: RTL2832URegisters, lo: Double, reference: Double) throws -> Double {
        try write(rtl, 0x10, 0x00, mask: 0x10)   // reference divider 1
        try write(rtl, 0x1a, 0x00, mask: 0x0c)   // PLL auto-tune clock 128 kHz
        try write(rtl, 0x12, 0x80, mask: 0xe0)   // VCO current
        var mixDiv = 2.0, divNum = 0
        while mixDiv <= 64 {
            if lo * mixDiv >= Self.vcoMin && lo * mixDiv < Self.vcoMax { break }
            mixDiv *= 2
            divNum += 1
        }
        guard mixDiv <= 64 else { throw RTLSDRError.invalidFrequency(UInt64(max(0, lo - intermediateFrequency))) }
        // The VCO fine-tune state nudges the divider (relative to the chip's reference state).
        let fineTune = (try readStatus(rtl, count: 5)[4] & 0x30) >> 4
        if fineTune > vcoReference { divNum -= 1 } else if fineTune < vcoReference { divNum += 1 }
        try write(rtl, 0x10, UInt8(divNum << 5), mask: 0xe0)
        let vco = lo * mixDiv
        let twoRef = 2 * reference
        let nint = Int(vco / twoRef)
        guard nint >= 13, nint <= 128 / Int(vcoReference) - 1 else {
            throw RTLSDRError.invalidFrequency(UInt64(max(0, lo - intermediateFrequency)))
        }
        let fraction = vco - twoRef * Double(nint)
        let ni = (nint - 13) / 4, si = nint - 4 * ni - 13
        try write(rtl, 0x14, UInt8(ni + (si << 6)))
        try write(rtl, 0x12, fraction == 0 ? 0x08 : 0x00, mask: 0x08)   // sigma-delta off for integer N
        let sdm = min(0xffff, Int((fraction / twoRef * 65536).rounded()))
        try write(rtl, 0x16, UInt8(sdm >> 8))
        try write(rtl, 0x15, UInt8(sdm & 0xff))
        var locked = false
        for attempt in 0..<2 {
            if try readStatus(rtl, count: 3)[2] & 0x40 != 0 { locked = true; break }
            if attempt == 0 { try write(rtl, 0x12, 0x60, mask: 0xe0) }  // more VCO current, try again
        }
        guard locked else { throw RTLSDRError.pllNotLocked(hz: UInt64(lo)) }
        try write(rtl, 0x1a, 0x08, mask: 0x08)   // auto-tune clock 8 kHz once locked
        let nominalTwoRef = 2 * xtal
        return nominalTwoRef * (Double(nint) + Double(sdm) / 65536) / mixDiv
    }

    /// Manual gain: LNA and mixer manual, VGA fixed at 16.3 dB, then up the LNA/mixer ladder to the
    /// first total at or above `tenthsDB`. Returns the gain reached (tenths of dB).
    mutating func setManualGain(_ rtl: RTL2832URegisters, tenthsDB: Int) throws(USBError) -> Int {
        try write(rtl, 0x05, 0x10, mask: 0x10)
        try write(rtl, 0x07, 0x00, mask: 0x10)
        try write(rtl, 0x0c, 0x08, mask: 0x9f)
        var total = 0, lna = 0, mixer = 0
        for _ in 0..<15 {
            if total >= tenthsDB { break }
            lna += 1
            total += Self.lnaSteps[lna]
            if total >= tenthsDB { break }
            mixer += 1
            total += Self.mixerSteps[mixer]
        }
        try write(rtl, 0x05, UInt8(lna), mask: 0x0f)
        try write(rtl, 0x07, UInt8(mixer), mask: 0x0f)
        return total
    }

    /// Automatic gain: LNA and mixer AGC on, VGA at its SDR default.
    mutating func setAutomaticGain(_ rtl: RTL2832URegisters) throws(USBError) {
        try write(rtl, 0x05, 0x00, mask: 0x10)
        try write(rtl, 0x07, 0x10, mask: 0x10)
        try write(rtl, 0x0c, 0x0b, mask: 0x9f)
    }
}
