/// The R82xx IF filter for a wanted bandwidth, and the IF the tuner mixes to so that the signal sits in
/// its passband. Facts from the chip's register description: register 0x0a bit 4 selects the wide (6-8
/// MHz) filter with low Q; register 0x0b holds the high-pass corners (bits 6-5, each cleared one widens
/// the passband by 350 and 380 kHz) and the low-pass code (bits 3-0, 15 = 1.7 MHz down to 6 = 350 kHz).
/// Below 6 MHz the passband is built from 2.3 MHz down and the IF is its centre.
struct R82xxIFFilter: Equatable, Sendable {
    /// Register 0x0a bits under mask 0x10.
    let register0A: UInt8
    /// Register 0x0b bits under mask 0xef (bit 4 is the calibration trigger).
    let register0B: UInt8
    /// The IF the tuner's LO is placed above the wanted frequency.
    let intermediateFrequency: Double
    /// The passband the filter gives.
    let bandwidth: Double

    /// Low-pass bandwidths of codes 15, 14, ... 6.
    static let lowPass: [Double] = [1_700_000, 1_600_000, 1_550_000, 1_450_000, 1_200_000, 900_000, 700_000, 550_000, 450_000, 350_000]
    /// What clearing 0x0b bit 6 (first) and bit 5 (second) adds to the passband.
    static let highPassNarrow = 350_000.0
    static let highPassWide = 380_000.0

    /// The filter that passes `bandwidth` (the narrowest that does, or the widest there is).
    init(bandwidth: Double) {
        if bandwidth > 7_000_000 {
            self.init(register0A: 0x10, register0B: 0x0b, intermediateFrequency: 4_570_000, bandwidth: 8_000_000)
        } else if bandwidth > 6_000_000 {
            self.init(register0A: 0x10, register0B: 0x2a, intermediateFrequency: 4_570_000, bandwidth: 7_000_000)
        } else if bandwidth > Self.lowPass[0] + Self.highPassNarrow + Self.highPassWide {
            self.init(register0A: 0x10, register0B: 0x6b, intermediateFrequency: 3_570_000, bandwidth: 6_000_000)
        } else {
            var corners: UInt8 = 0x80
            var remaining = bandwidth, passband = 0.0
            if remaining > Self.lowPass[0] + Self.highPassNarrow {
                remaining -= Self.highPassWide
                passband += Self.highPassWide
            } else {
                corners |= 0x20
            }
            if remaining > Self.lowPass[0] {
                remaining -= Self.highPassNarrow
                passband += Self.highPassNarrow
            } else {
                corners |= 0x40
            }
            // The narrowest low-pass that still covers what is left (what is left never exceeds the widest).
            let index = Self.lowPass.lastIndex { $0 >= remaining } ?? 0
            corners |= UInt8(15 - index)
            let highPass = passband
            passband += Self.lowPass[index]
            self.init(register0A: 0x00, register0B: corners, intermediateFrequency: 2_300_000 + highPass - passband / 2, bandwidth: passband)
        }
    }

    private init(register0A: UInt8, register0B: UInt8, intermediateFrequency: Double, bandwidth: Double) {
        self.register0A = register0A
        self.register0B = register0B
        self.intermediateFrequency = intermediateFrequency
        self.bandwidth = bandwidth
    }
}
