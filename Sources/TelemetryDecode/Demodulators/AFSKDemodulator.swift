/// Audio FSK (AFSK): two tones at `carrier ± deviation` in real audio. A quadrature discriminator
/// turns the tones into a baseband NRZ signal which then goes through the FSK symbol recovery.
public struct AFSKDemodulator: Sendable {
    public struct Configuration: Sendable, Hashable {
        public var sampleRate: Double
        public var baudRate: Double
        /// Centre between the two tones, Hz (1700 for Bell 202).
        public var carrier: Double
        /// Tone offset from the centre for a 1 bit, Hz; negative when the 1 tone is the lower one.
        public var deviation: Double
        public var clockGain: Double
        /// The level midpoint by default: AX.25 over AFSK starts with a flag lead-in (TXDELAY), and
        /// NRZI flags sit 7 symbols of 8 at one level. A running mean walks ¾ of the way to that level,
        /// so the first frame after the lead-in starts with its eye nearly closed on one side: at
        /// 15 dB and 100 ppm, 11 of 20 single frames after a 0.3 s lead-in were lost that way.
        public var dcRemoval: FSKDemodulator.DCRemoval

        public init(
            sampleRate: Double, baudRate: Double, carrier: Double, deviation: Double, clockGain: Double = 0.15,
            dcRemoval: FSKDemodulator.DCRemoval = .levelMidpoint
        ) {
            self.dcRemoval = dcRemoval
            self.sampleRate = sampleRate
            self.baudRate = baudRate
            self.carrier = carrier
            self.deviation = deviation
            self.clockGain = clockGain
        }
    }

    public let configuration: Configuration
    var discriminator: FMDiscriminator
    var fsk: FSKDemodulator
    var baseband: [Float] = []

    public init(_ c: Configuration) {
        configuration = c
        discriminator = FMDiscriminator(
            carrier: c.carrier, bandwidth: abs(c.deviation) + c.baudRate * 0.75, sampleRate: c.sampleRate)
        fsk = FSKDemodulator(.init(
            sampleRate: c.sampleRate, baudRate: c.baudRate, clockGain: c.clockGain, inverted: c.deviation < 0,
            dcRemoval: c.dcRemoval))
    }

    public mutating func process(_ samples: UnsafeBufferPointer<Float>, into out: inout [UInt8]) {
        baseband.removeAll(keepingCapacity: true)
        discriminator.process(samples, into: &baseband)
        baseband.withUnsafeBufferPointer { fsk.process($0, into: &out) }
    }
}
