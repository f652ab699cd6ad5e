/// Demodulates 2-FSK already turned into baseband by an FM receiver (the audio of an FM radio, or an
/// FM discriminator's output): DC removal, matched filter, zero-crossing timing recovery, soft symbols.
/// DC removal is a running mean (right for balanced, scrambled data) or the midpoint of the two tracked
/// symbol levels (`TwoLevelDCTracker`: long runs of one symbol survive); the receive chains run both.
/// Input with few and fractional samples per symbol (9600 Bd in 44.1 kHz audio) is first resampled to
/// a whole number of them (`WorkingRate`).
///
/// With `tones` 4 (4-FSK) each output is the symbol's amplitude (128 ± about 60 for the outer tones,
/// ± 20 for the inner ones), not a bit: the deframer slices it with levels it learns from its preamble.
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
        public var dcRemoval: DCRemoval
        /// Tones: 2 (soft bits out) or 4 (symbol amplitudes out).
        public var tones: Int

        public init(
            sampleRate: Double, baudRate: Double, clockGain: Double = 0.15, inverted: Bool = false,
            filterCutoff: Double = 0.8, dcRemoval: DCRemoval = .runningMean, tones: Int = 2
        ) {
            self.dcRemoval = dcRemoval
            self.tones = tones
            self.sampleRate = sampleRate
            self.baudRate = baudRate
            self.clockGain = clockGain
            self.inverted = inverted
            self.filterCutoff = filterCutoff
        }
    }

    public enum DCRemoval: Sendable, Hashable {
        /// Mean over ~32 symbols, before the filter. Follows offsets that jump beyond the deviation at
        /// once, but drifts toward a long run of one symbol.
        case runningMean
        /// Midpoint of the two symbol levels, after the filter (`TwoLevelDCTracker`). Holds through runs
        /// of hundreds of symbols, but after noise with skewed excursions a level can be left behind
        /// for up to ~1000 symbols.
        case levelMidpoint
    }

    public let configuration: Configuration
    /// The rate the demodulator runs at (`configuration.sampleRate` unless resampled).
    public let workingRate: Double
    var resampler: PolyphaseResampler<Float>?
    var resampled: [Float] = []
    var dc: DCBlocker
    var levels: TwoLevelDCTracker
    var matched: BoxcarFilter
    var lowPass: FIRFilter?
    var filtered: [Float] = []
    var sync: ZeroCrossingSynchronizer
    var scaler: SoftSymbolScaler
    var work: [Float] = []
    var symbols: [Float] = []

    public init(_ c: Configuration) {
        configuration = c
        // Far more samples per symbol than needed (a wide real recording) is brought down to about the
        // 48 kHz of audio: the low-pass costs ~4 samples per symbol for each sample, so a 10 MHz input
        // ran 300 times slower than real time.
        let rate = WorkingRate.choose(
            inputRate: c.sampleRate, baudRate: c.baudRate, maximumSamplesPerSymbol: 128,
            preferredSamplesPerSymbol: max(8, Int((48_000 / c.baudRate).rounded(.up))))
        // The resampler keeps the signal band (up to the input's or the output's Nyquist frequency).
        resampler = rate == c.sampleRate ? nil : try? PolyphaseResampler(inputRate: c.sampleRate, outputRate: rate)
        workingRate = resampler == nil ? c.sampleRate : rate
        let sps = workingRate / c.baudRate
        // Four-level data is sent unscrambled by the radios that use it: a 32-symbol mean would follow
        // the data, so its DC is followed over ~256 symbols (its deframer tracks the levels themselves).
        dc = DCBlocker(timeConstant: Float(sps * (c.tones == 4 ? 256 : 32)))
        scaler = SoftSymbolScaler(target: c.tones == 4 ? 40 : 96)
        // Each level settles in ~32 symbols of its own; the other follows over ~1000, longer than the
        // runs in real frames.
        levels = TwoLevelDCTracker(fast: Float(sps * 16), slow: Float(sps * 1024))
        matched = BoxcarFilter(length: c.filterCutoff > 0 ? 1 : max(1, Int(sps.rounded())))
        if c.filterCutoff > 0 {
            lowPass = FIRFilter(taps: FIRFilter.lowPass(
                cutoff: c.baudRate * c.filterCutoff, sampleRate: workingRate, taps: Int(sps * 4) | 1))
        }
        sync = ZeroCrossingSynchronizer(samplesPerSymbol: sps, gain: c.clockGain)
    }

    /// Symbols produced so far (the position of the next symbol in the stream).
    public var symbolCount: Int { symbolsProduced }
    private var symbolsProduced = 0

    /// Demodulates real samples, appending soft symbols to `out`.
    public mutating func process(_ samples: UnsafeBufferPointer<Float>, into out: inout [UInt8]) {
        if var r = resampler {
            resampler = nil  // so `r` holds the only reference to its buffers (no copy on write)
            resampled.removeAll(keepingCapacity: true)
            r.process(samples, into: &resampled)
            resampler = r
            let input = resampled
            resampled = []
            input.withUnsafeBufferPointer { demodulate($0, into: &out) }
            resampled = input
        } else {
            demodulate(samples, into: &out)
        }
    }

    mutating func demodulate(_ samples: UnsafeBufferPointer<Float>, into out: inout [UInt8]) {
        work.removeAll(keepingCapacity: true)
        if configuration.inverted {
            work.append(contentsOf: samples.lazy.map { -$0 })
        } else {
            work.append(contentsOf: samples)
        }
        let levelMidpoint = configuration.dcRemoval == .levelMidpoint
        work.withUnsafeMutableBufferPointer { w in
            if !levelMidpoint { dc.process(w) }
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
        // After the filter, so the tracked levels are those of filtered symbols.
        if levelMidpoint { work.withUnsafeMutableBufferPointer { levels.process($0) } }
        symbols.removeAll(keepingCapacity: true)
        work.withUnsafeBufferPointer { sync.process($0, into: &symbols) }
        symbols.withUnsafeBufferPointer { scaler.process($0, into: &out) }
        symbolsProduced += symbols.count
    }
}
