import Foundation
import TelemetryDecode
import Testing
import TestSupport

@Suite(.computeThreads) struct WaterfallAccumulatorTests {
    /// Gaussian-ish noise from a fixed seed (sum of uniforms), so runs repeat exactly.
    struct Noise {
        var state: UInt64
        mutating func next() -> Float {
            var sum: Float = 0
            for _ in 0..<4 {
                state = state &* 6364136223846793005 &+ 1442695040888963407
                sum += Float(state >> 40) / Float(1 << 24) - 0.5
            }
            return sum
        }
    }

    /// A complex tone at +3 kHz during rows 10..<20 and one at -4.5 kHz during rows 30..<35, in noise
    /// 40 dB down: each lands in its bin and its rows, at its amplitude.
    @Test func complexTonesLandInTheirBinAndRows() {
        let fs = 48_000.0, n = 256
        let rowSamples = 15 * n  // 0.08 s
        var acc = WaterfallAccumulator(fftSize: n, sampleRate: fs, input: .complex, rowDuration: 0.08, maxRows: 1024)
        #expect(acc.blocksPerRow == 15)
        #expect(acc.binCount == n)
        #expect(acc.frequency(ofBin: 144) == 3_000)
        #expect(acc.frequency(ofBin: 104) == -4_500)
        var noise = Noise(state: 1)
        var samples: [ComplexSample] = []
        for i in 0..<(40 * rowSamples) {
            let row = i / rowSamples
            var re = 0.01 * noise.next(), im = 0.01 * noise.next()
            if (10..<20).contains(row) {
                let ph = 2 * Double.pi * 3_000 * Double(i) / fs
                re += Float(0.5 * cos(ph))
                im += Float(0.5 * sin(ph))
            }
            if (30..<35).contains(row) {
                let ph = 2 * Double.pi * -4_500 * Double(i) / fs
                re += Float(cos(ph))
                im += Float(sin(ph))
            }
            samples.append(ComplexSample(re, im))
        }
        // In uneven blocks, as a pipeline delivers them.
        var at = 0, step = 1
        while at < samples.count {
            let end = min(samples.count, at + step)
            acc.append(Array(samples[at..<end]))
            at = end
            step = step * 3 % 7919 + 1
        }
        let w = acc.snapshot()
        #expect(w.rowCount == 40)
        #expect(abs(w.rowDuration - 0.08) < 1e-12)
        for row in 0..<40 {
            let values = (0..<n).map { w.value(row: row, bin: $0) }
            let peak = values.indices.max { values[$0] < values[$1] } ?? -1
            switch row {
            case 10..<20:
                #expect(peak == 144, "row \(row) peak at bin \(peak)")
                #expect(abs(values[144] - 20 * log10f(0.5)) < 0.3, "row \(row): \(values[144]) dB")
            case 30..<35:
                #expect(peak == 104, "row \(row) peak at bin \(peak)")
                #expect(abs(values[104]) < 0.3, "row \(row): \(values[104]) dB")
            default:
                #expect(values.max() ?? 0 < -30, "row \(row) should hold only noise, max \(values.max() ?? 0) dB")
            }
        }
    }

    /// Real audio: a 1200 Hz tone of amplitude 0.5 at 9600 Hz in bin 8 of 33, -6 dB.
    @Test func realAudioGivesAOneSidedSpectrum() {
        let fs = 9_600.0, n = 64
        var acc = WaterfallAccumulator(fftSize: n, sampleRate: fs, input: .real, rowDuration: 0.1, maxRows: 100, window: .blackmanHarris)
        #expect(acc.binCount == 33)
        #expect(acc.frequency(ofBin: 8) == 1_200)
        let audio = (0..<9_600).map { Float(0.5 * sin(2 * Double.pi * 1_200 * Double($0) / fs)) }
        acc.append(real: audio)
        let w = acc.snapshot()
        #expect(w.rowCount == 10)
        for row in 0..<w.rowCount {
            let values = (0..<w.binCount).map { w.value(row: row, bin: $0) }
            #expect(values.indices.max { values[$0] < values[$1] } == 8)
            #expect(abs(values[8] - 20 * log10f(0.5)) < 0.1, "\(values[8]) dB")
            #expect(values[0] < -60 && values[32] < -60)
        }
    }

    /// Six rows of a DC tone with known powers, maxRows 4: three doubled rows, each the mean power of its pair.
    @Test func mergingAveragesPairsAndDoublesTheRowDuration() {
        let n = 16
        var acc = WaterfallAccumulator(fftSize: n, sampleRate: 1_600, input: .complex, rowDuration: 0.02, maxRows: 4, window: .rectangular)
        #expect(acc.blocksPerRow == 2)
        let amplitudes: [Float] = [1, 0.5, 0.25, 2, 1, 0.1]
        for a in amplitudes {
            acc.append([ComplexSample](repeating: ComplexSample(a, 0), count: 2 * n))
        }
        #expect(acc.merges == 1)
        #expect(acc.blocksPerRow == 4)
        let w = acc.snapshot()
        #expect(w.rowCount == 3)
        #expect(abs(w.rowDuration - 0.04) < 1e-12)
        for r in 0..<3 {
            let p = (amplitudes[2 * r] * amplitudes[2 * r] + amplitudes[2 * r + 1] * amplitudes[2 * r + 1]) / 2
            #expect(abs(w.value(row: r, bin: n / 2) - 10 * log10f(p)) < 0.01, "row \(r)")
        }
    }

    /// A long input (62,500 FFT blocks, maxRows 16): never more than 16 rows, and a tone switched on
    /// halfway is in the later rows only, whatever the merging.
    @Test func memoryStaysBoundedOnALongInput() {
        let n = 16, fs = 1_000.0
        var acc = WaterfallAccumulator(fftSize: n, sampleRate: fs, input: .complex, rowDuration: 0.016, maxRows: 16)
        let total = 1_000_000
        var block = [ComplexSample](repeating: .zero, count: 4_000)
        var maxRowsSeen = 0
        var i = 0
        while i < total {
            for j in 0..<block.count {
                let t = i + j
                // Bin +4 (250 Hz) in the second half.
                if t >= total / 2 {
                    let ph = 2 * Double.pi * 250 * Double(t) / fs
                    block[j] = ComplexSample(Float(cos(ph)), Float(sin(ph)))
                } else {
                    block[j] = ComplexSample(0.001, 0)
                }
            }
            acc.append(block)
            i += block.count
            let s = acc.snapshot()
            maxRowsSeen = max(maxRowsSeen, s.rowCount)
            #expect(s.decibels.count == s.rowCount * s.binCount)
        }
        #expect(maxRowsSeen <= 16)
        let w = acc.snapshot()
        #expect(acc.samplesCounted == total)
        #expect(w.rowCount >= 8)
        // 62,500 blocks: rows now 4096 blocks (65.536 s) long after 12 merges.
        #expect(acc.merges == 12)
        #expect(abs(w.duration - Double(total) / fs) < 1e-9)
        for r in 0..<w.rowCount {
            let start = w.time(ofRow: r), end = start + (r == w.rowCount - 1 ? w.lastRowDuration : w.rowDuration)
            let tone = w.value(row: r, bin: n / 2 + 4)
            if start >= 500 {
                #expect(abs(tone) < 0.5, "row \(r) at \(start) s: \(tone) dB")
            } else if end <= 500 {
                #expect(tone < -40, "row \(r) at \(start) s: \(tone) dB")
            }
        }
    }

    @Test func emptyAndShortInputsGiveNoRows() {
        var acc = WaterfallAccumulator(fftSize: 100, sampleRate: 0, input: .real, rowDuration: .nan, maxRows: 0)
        #expect(acc.fftSize == 128 && acc.maxRows == 2 && acc.blocksPerRow == 1)
        #expect(acc.snapshot().rowCount == 0)
        acc.append(real: [Float](repeating: 1, count: 127))
        #expect(acc.snapshot().rowCount == 0)
        #expect(acc.snapshot().duration == 0)
    }
}
