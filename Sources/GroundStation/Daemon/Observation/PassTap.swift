import Foundation
import TelemetryDecode

/// What a pass keeps besides its frames: the samples as a SigMF recording (when configured) and a
/// waterfall image. It sees every byte the decoder reads, on the pipeline's reader thread, and is finished
/// by the pass runner after the pipeline has stopped.
///
/// A failing disk never stops decoding: the first write error ends the recording (reported by `finish`),
/// the waterfall and the frames go on.
public final class PassTap: @unchecked Sendable {
    // @unchecked: `observe` runs on the reader thread while the pipeline runs and touches only the
    // writer, waterfall and carry; `stored` (the runner's task) touches only `annotations`; `finish` runs
    // after `SamplePipeline.waitUntilStopped()`. Never two of them on the same state at once.
    public struct Outcome: Sendable {
        /// The SigMF base path (`.sigmf-meta` / `.sigmf-data`), when the recording was kept.
        public var recording: String?
        /// Why the recording stopped early or was not written.
        public var recordingError: String?
        public var waterfall: String?
        public var waterfallError: String?
    }

    private let format: SampleFormat
    private let sampleRate: Double
    private var writer: SigMFWriter?
    private let recordingBase: String?
    private var recordingError: String?
    private var waterfall: WaterfallAccumulator
    private var carry: [UInt8] = []
    private var scalars: [Float] = []
    private let start: Date
    /// The stored frames as SigMF annotations (only while recording).
    private var annotations: [[String: Any]] = []

    /// `recordingBase` nil: no SigMF. The waterfall's rows start one per second and merge as the pass grows.
    public init(format: SampleFormat, sampleRate: Double, recordingBase: String?, frequency: Double?, start: Date, description: String) {
        self.format = format
        self.sampleRate = sampleRate
        self.recordingBase = recordingBase
        self.start = start
        waterfall = WaterfallAccumulator(
            fftSize: format.isComplex ? 1024 : 512, sampleRate: sampleRate, input: format.isComplex ? .complex : .real,
            rowDuration: 1, maxRows: 600)
        if let recordingBase {
            do {
                try FileManager.default.createDirectory(
                    atPath: (recordingBase as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
                writer = try SigMFWriter(
                    basePath: recordingBase, format: format, sampleRate: sampleRate, frequency: frequency, datetime: start,
                    description: description)
            } catch {
                recordingError = "\(error)"
            }
        }
    }

    /// Wraps `source` so that every byte it delivers passes through this tap.
    public func tapping<S: SampleSource>(_ source: S) -> TappedSource<S> { TappedSource(base: source, tap: self) }

    func observe(_ bytes: UnsafeRawBufferPointer) {
        guard bytes.count > 0 else { return }
        if let writer {
            do { try writer.writeEncoded(bytes) } catch {
                recordingError = "\(error)"
                self.writer = nil
            }
        }
        // Whole samples to the waterfall; a sample split across reads waits in `carry`.
        let step = format.bytesPerSample
        var rest = bytes
        if !carry.isEmpty {
            let need = min(step - carry.count, rest.count)
            carry.append(contentsOf: rest.prefix(need))
            rest = UnsafeRawBufferPointer(rebasing: rest.dropFirst(need))
            guard carry.count == step else { return }
            carry.withUnsafeBytes { addToWaterfall($0) }
            carry.removeAll(keepingCapacity: true)
        }
        let whole = rest.count / step * step
        addToWaterfall(UnsafeRawBufferPointer(rebasing: rest.prefix(whole)))
        carry.append(contentsOf: rest.dropFirst(whole))
    }

    private func addToWaterfall(_ raw: UnsafeRawBufferPointer) {
        let samples = raw.count / format.bytesPerSample
        guard samples > 0 else { return }
        let scalarCount = samples * format.scalarsPerSample
        if scalars.count < scalarCount { scalars = [Float](repeating: 0, count: scalarCount) }
        scalars.withUnsafeMutableBufferPointer { out in _ = format.convert(raw, into: out) }
        scalars.withUnsafeBufferPointer { all in
            if format.isComplex {
                UnsafeRawBufferPointer(UnsafeBufferPointer(rebasing: all.prefix(scalarCount))).withMemoryRebound(to: ComplexSample.self) { waterfall.append($0) }
            } else {
                waterfall.append(real: UnsafeBufferPointer(rebasing: all.prefix(scalarCount)))
            }
        }
    }

    /// A frame the pass stored, received `signalTime` seconds into the samples: an annotation of the
    /// recording (called from the pass runner's task).
    public func stored(_ f: FrameRecord, signalTime: Double) {
        guard writer != nil else { return }
        let look = f.azimuth.flatMap { az in f.elevation.map { String(format: ", azimuth %.1f°, elevation %.1f°", az, $0) } } ?? ""
        annotations.append([
            "core:sample_start": max(0, Int((signalTime * sampleRate).rounded())),
            "core:label": f.checksOK ? "frame" : "frame (check failed)",
            "core:comment": "sequence \(f.sequence), \(f.framing), \(f.bytes.count) bytes\(look)",
        ])
    }

    /// Writes the SigMF metadata (frames as annotations) and, when a path is given, the waterfall PNG.
    public func finish(waterfallPath: String?, title: String) -> Outcome {
        var outcome = Outcome()
        if let writer {
            // SigMF wants annotations in sample order; failed checks are stored a little after later frames.
            writer.annotations = annotations.enumerated().sorted {
                let (a, b) = ($0.element["core:sample_start"] as? Int ?? 0, $1.element["core:sample_start"] as? Int ?? 0)
                return a != b ? a < b : $0.offset < $1.offset
            }.map(\.element)
            do {
                try writer.finish()
                outcome.recording = recordingBase
            } catch {
                recordingError = "\(error)"
            }
            self.writer = nil
        }
        outcome.recordingError = recordingError
        guard let waterfallPath else { return outcome }
        do {
            try FileManager.default.createDirectory(
                atPath: (waterfallPath as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            let png = try WaterfallRenderer(start: start, title: title).png(waterfall.snapshot())
            try Data(png).write(to: URL(fileURLWithPath: waterfallPath), options: .atomic)
            outcome.waterfall = waterfallPath
        } catch {
            outcome.waterfallError = "\(error)"
        }
        return outcome
    }
}

/// A sample source whose bytes also go to a `PassTap`.
public struct TappedSource<Base: SampleSource>: SampleSource, @unchecked Sendable {
    var base: Base
    let tap: PassTap

    public mutating func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        let n = try base.read(into: buffer)
        tap.observe(UnsafeRawBufferPointer(rebasing: buffer.prefix(n)))
        return n
    }
}
