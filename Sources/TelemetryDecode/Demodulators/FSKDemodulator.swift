/// Demodulates 2-FSK already turned into baseband by an FM receiver (the audio of an FM radio, or an
/// FM discriminator's output): DC removal, matched filter, zero-crossing timing recovery, soft symbols.
public struct FSKDemodulator: Sendable {
    public struct Configuration: Sendable, Hashable {
        public var sampleRate: Double
        public var baudRate: Double
        /// Timing loop gain (fraction of each measured timing error corrected).
        public var clockGain: Double
        /// Invert the symbol polarity (a receiver or satellite with the opposite deviation sign).
        public var inverted: Bool
        /// Low-pass cutoff as a fraction of the baud rate; 0 selects a one-symbol boxcar matched filter.
        public var filterCutoff: Double

        public init(
            sampleRate: Double, baudRate: Double, clockGain: Double = 0.15, inverted: Bool = false,
            filterCutoff: Double = 0.8
        ) {
            self.sampleRate = sampleRate
            self.baudRate = baudRate
            self.clockGain = clockGain
            self.inverted = inverted
            self.filterCutoff = filterCutoff
        }
    }

    public let configuration: Configuration
    var dc: DCBlocker
    var matched: BoxcarFilter
    var lowPass: FIRFilter?
    var filtered: [Float] = []
    var sync: ZeroCrossingSynchronizer
    var scaler = SoftSymbolScaler()
    var work: [Float] = []
    var symbols: [Float] = []

    public init(_ c: Configuration) {
        configuration = c
        let sps = c.sampleRate / c.baudRate
        dc = DCBlocker(timeConstant: Float(sps * 32))
        matched = BoxcarFilter(length: c.filterCutoff > 0 ? 1 : max(1, Int(sps.rounded())))
        if c.filterCutoff > 0 {
            lowPass = FIRFilter(taps: FIRFilter.lowPass(
                cutoff: c.baudRate * c.filterCutoff, sampleRate: c.sampleRate, taps: Int(sps * 4) | 1))
        }
        sync = ZeroCrossingSynchronizer(samplesPerSymbol: sps, gain: c.clockGain)
    }

    /// Symbols produced so far (the position of the next symbol in the stream).
    public var symbolCount: Int { symbolsProduced }
    private var symbolsProduced = 0

    /// Demodulates real samples, appending soft symbols to `out`.
    public mutating func process(_ samples: UnsafeBufferPointer<Float>, into out: inout [UInt8]) {
        work.removeAll(keepingCapacity: true)
        if configuration.inverted {
            work.append(contentsOf: samples.lazy.map { -$0 })
        } else {
            work.append(contentsOf: samples)
        }
        work.withUnsafeMutableBufferPointer { w in
            dc.process(w)
            if lowPass == nil { matched.process(w) }
        }
        if lowPass != nil {
            filtered.removeAll(keepingCapacity: true)
            filtered.append(contentsOf: repeatElement(0, count: work.count))
            work.withUnsafeBufferPointer { w in
                filtered.withUnsafeMutableBufferPointer { lowPass!.process(w, into: $0) }
            }
            swap(&work, &filtered)
        }
        symbols.removeAll(keepingCapacity: true)
        work.withUnsafeBufferPointer { sync.process($0, into: &symbols) }
        symbols.withUnsafeBufferPointer { scaler.process($0, into: &out) }
        symbolsProduced += symbols.count
    }
}
