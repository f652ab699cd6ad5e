#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Turns a stream of samples into waterfall rows: power spectra of `fftSize`-sample windowed blocks,
/// averaged over a time slice per row.
///
/// Memory stays bounded however long the pass: when the completed rows reach `maxRows`, adjacent
/// rows are averaged pairwise (in linear power) and the row duration doubles. So a pass of any length
/// ends as at most `maxRows` rows of `binCount` floats each, the row being filled included.
///
/// Complex IQ gives `fftSize` bins from -fs/2 to fs/2 - fs/N (DC in the middle); real audio gives
/// `fftSize/2 + 1` bins from 0 to fs/2. Power is normalised so that a tone of amplitude A reads
/// A² (0 dB for a full-scale tone), complex or real. Trailing samples short of one FFT block are not
/// counted; `snapshot()` includes the row being filled when it holds at least one block.
public struct WaterfallAccumulator: Sendable {
    public enum Input: Sendable, Equatable {
        /// Complex baseband (I/Q): two-sided spectrum.
        case complex
        /// Real samples (audio): one-sided spectrum.
        case real
    }

    public let fftSize: Int
    public let sampleRate: Double
    public let input: Input
    public let window: WaterfallWindow
    public let maxRows: Int
    /// FFT blocks averaged into one row now (doubles on each merge).
    public private(set) var blocksPerRow: Int
    /// Rows merged so far (each merge halves the row count and doubles the duration).
    public private(set) var merges = 0
    /// Whole rows so far, linear power, `binCount` per row, oldest first.
    private var power: [Float] = []
    private var rowCount = 0
    /// The row being filled.
    private var partial: [Float]
    private var partialBlocks = 0
    /// The block being collected.
    private var blockRe: [Float]
    private var blockIm: [Float]
    private var blockFill = 0
    private var workRe: [Float]
    private var workIm: [Float]
    private let windowTable: [Float]
    private let scale: Float
    private let fft: FFT
    /// Samples consumed in whole blocks.
    public private(set) var samplesCounted = 0

    /// - Parameters:
    ///   - fftSize: points per FFT, rounded up to a power of two (at least 16).
    ///   - rowDuration: the time slice of one row at the start, in seconds; rounded to whole FFT blocks (at least one).
    ///   - maxRows: the most rows kept (rounded up to an even number, at least 2).
    public init(fftSize: Int, sampleRate: Double, input: Input, rowDuration: Double, maxRows: Int = 1024, window: WaterfallWindow = .hann) {
        fft = FFT(size: max(16, fftSize))
        self.fftSize = fft.size
        self.sampleRate = sampleRate > 0 && sampleRate.isFinite ? sampleRate : 1
        self.input = input
        self.window = window
        self.maxRows = max(2, maxRows + (maxRows & 1))
        let blocks = rowDuration * self.sampleRate / Double(fft.size)
        blocksPerRow = blocks.isFinite ? max(1, Int(blocks.rounded())) : 1
        windowTable = window.coefficients(fft.size)
        let gain = windowTable.reduce(0, +)
        // |X|² of a tone of amplitude A is (A·Σw)² (complex) or (A·Σw/2)² (real, per side).
        scale = (input == .complex ? 1 : 4) / (gain * gain)
        let bins = input == .complex ? fft.size : fft.size / 2 + 1
        partial = [Float](repeating: 0, count: bins)
        blockRe = [Float](repeating: 0, count: fft.size)
        blockIm = [Float](repeating: 0, count: fft.size)
        workRe = blockRe
        workIm = blockIm
    }

    /// Bins per row.
    public var binCount: Int { partial.count }
    /// Seconds of signal per row now.
    public var rowDuration: Double { Double(blocksPerRow * fftSize) / sampleRate }
    /// Frequency of bin `k` in Hz (offset from the centre for complex input).
    public func frequency(ofBin k: Int) -> Double {
        let spacing = sampleRate / Double(fftSize)
        return input == .complex ? Double(k - fftSize / 2) * spacing : Double(k) * spacing
    }

    public mutating func append(_ samples: UnsafeBufferPointer<ComplexSample>) {
        for s in samples {
            if input == .complex {
                blockRe[blockFill] = s.re
                blockIm[blockFill] = s.im
            } else {
                blockRe[blockFill] = s.re
                blockIm[blockFill] = 0
            }
            blockFill += 1
            if blockFill == fftSize { completeBlock() }
        }
    }

    public mutating func append(_ samples: [ComplexSample]) {
        samples.withUnsafeBufferPointer { append($0) }
    }

    /// Real samples (for `.complex` input they are taken as I with Q = 0).
    public mutating func append(real samples: UnsafeBufferPointer<Float>) {
        for s in samples {
            blockRe[blockFill] = s
            blockIm[blockFill] = 0
            blockFill += 1
            if blockFill == fftSize { completeBlock() }
        }
    }

    public mutating func append(real samples: [Float]) {
        samples.withUnsafeBufferPointer { append(real: $0) }
    }

    /// The rows so far, in dB, including the row being filled if it has at least one block.
    public func snapshot() -> WaterfallSnapshot {
        let bins = binCount
        var rowsDB: [Float] = []
        rowsDB.reserveCapacity((rowCount + 1) * bins)
        for p in power { rowsDB.append(Self.decibels(p)) }
        var lastRowBlocks = blocksPerRow
        var rows = rowCount
        if partialBlocks > 0 {
            let n = Float(partialBlocks)
            for p in partial { rowsDB.append(Self.decibels(p / n)) }
            rows += 1
            lastRowBlocks = partialBlocks
        }
        return WaterfallSnapshot(
            rowCount: rows, binCount: bins, decibels: rowsDB, rowDuration: rowDuration,
            lastRowDuration: Double(lastRowBlocks * fftSize) / sampleRate,
            firstBinFrequency: frequency(ofBin: 0), binSpacing: sampleRate / Double(fftSize), input: input)
    }

    static func decibels(_ p: Float) -> Float { 10 * log10f(max(p, 1e-20)) }

    private mutating func completeBlock() {
        blockFill = 0
        samplesCounted += fftSize
        for i in 0..<fftSize {
            workRe[i] = blockRe[i] * windowTable[i]
            workIm[i] = blockIm[i] * windowTable[i]
        }
        fft.transform(re: &workRe, im: &workIm)
        let n = fftSize
        if input == .complex {
            // fftshift: output bin k is FFT bin (k + N/2) mod N, so frequency rises left to right.
            for k in 0..<n {
                let j = (k + n / 2) & (n - 1)
                partial[k] += (workRe[j] * workRe[j] + workIm[j] * workIm[j]) * scale
            }
        } else {
            for k in 0...(n / 2) {
                // DC and Nyquist have no mirror image: a quarter of the one-sided scale.
                let edge: Float = (k == 0 || k == n / 2) ? 0.25 : 1
                partial[k] += (workRe[k] * workRe[k] + workIm[k] * workIm[k]) * scale * edge
            }
        }
        partialBlocks += 1
        if partialBlocks == blocksPerRow { completeRow() }
    }

    private mutating func completeRow() {
        let n = Float(partialBlocks)
        for k in 0..<partial.count {
            power.append(partial[k] / n)
            partial[k] = 0
        }
        partialBlocks = 0
        rowCount += 1
        // maxRows is even, so the rows pair up and the next row starts on a doubled-row boundary.
        if rowCount == maxRows { mergeRows() }
    }

    /// Averages rows 2i and 2i+1 into row i and doubles the row length.
    private mutating func mergeRows() {
        let bins = binCount
        let half = rowCount / 2
        for r in 0..<half {
            for k in 0..<bins {
                power[r * bins + k] = (power[2 * r * bins + k] + power[(2 * r + 1) * bins + k]) / 2
            }
        }
        power.removeLast((rowCount - half) * bins)
        rowCount = half
        blocksPerRow *= 2
        merges += 1
    }
}
