import Foundation
import TelemetryDecode

/// One way into recorded samples, whatever the file: raw (cu8, cs16, cf32, f32, ...), WAV, SigMF
/// (meta + data pair) or a SigMF `.sigmf` tar archive. Samples stream through bounded, reused buffers,
/// converted to `Float` scaled to about ±1.0: real audio as `[Float]`, I/Q as `[ComplexSample]`.
///
/// A source is used by one thread at a time. Memory is bounded by the largest block asked for
/// (`maxSamples`) plus a 256 KiB byte chunk, never by the file size. Files are read with positional
/// `pread`, so they must be regular (seekable) files; standard input or a pipe is refused with a message.
public final class SampleFileSource {
    public enum Kind: String, Sendable, Hashable {
        case raw, wav, sigmf, sigmfArchive
    }

    /// The highest sample rate a file may have (Hz): above any receiver's, and the decoders' filters and
    /// buffers grow with the rate (~400 MB at 61.44 MS/s). A header claiming 4 GHz made replay spin for
    /// minutes on a few samples, or abort allocating.
    public static let maximumSampleRate = 100e6
    static var maximumRateReason: String { "above the \(Int(maximumSampleRate / 1e6)) MHz gsd decodes" }

    /// The file read (for a SigMF pair: the data file; for an archive: the archive).
    public let path: String
    public let kind: Kind
    public let format: SampleFormat
    /// Samples per second (complex samples count once).
    public let sampleRate: Double
    public var isComplex: Bool { format.isComplex }
    public var sampleKind: SampleKind { format.kind }
    /// Centre frequency in Hz (SigMF `core:frequency` of the first capture).
    public let centerFrequency: Double?
    /// Time of the first sample (SigMF `core:datetime` of the first capture).
    public let startTime: Date?
    /// Whole samples in the file when it was opened (nil never happens for regular files, but a
    /// streamed source may not know).
    public let totalSamples: Int?
    /// File offset of the first sample byte.
    public let dataOffset: Int
    /// The parsed WAV header or SigMF metadata, when the file has one.
    public let wavHeader: WAVHeader?
    public let sigmf: SigMFMetadata?
    /// Problems that did not stop reading (truncated data, trailing partial sample).
    public private(set) var warnings: [SampleFileWarning]

    /// File offset of the next unread byte: everything before it has been consumed.
    public private(set) var byteOffset: Int
    /// Samples delivered so far (or skipped with `seek`).
    public private(set) var samplesRead = 0
    /// True once the end of the data has been reached.
    public private(set) var isAtEnd = false

    private let file: RandomAccessFile
    /// Where the data ends if the header says so (it may lie beyond the end of a truncated file).
    private let dataEnd: Int?
    private var bytes: [UInt8] = []
    private var realBuffer: [Float] = []
    private var complexBuffer: [ComplexSample] = []
    /// Conversion works through at most this many bytes at a time, whatever the caller's buffer.
    static let chunkBytes = 1 << 18

    init(file: RandomAccessFile, kind: Kind, format: SampleFormat, sampleRate: Double, dataOffset: Int,
         dataEnd: Int?, warnings: [SampleFileWarning], wavHeader: WAVHeader? = nil, sigmf: SigMFMetadata? = nil) {
        self.file = file
        self.path = file.path
        self.kind = kind
        self.format = format
        self.sampleRate = sampleRate
        self.dataOffset = dataOffset
        self.dataEnd = dataEnd
        self.warnings = warnings
        self.wavHeader = wavHeader
        self.sigmf = sigmf
        self.centerFrequency = sigmf?.centerFrequency
        self.startTime = sigmf?.startTime
        self.byteOffset = dataOffset
        let size = (try? file.size()) ?? 0
        let end = dataEnd.map { min($0, size) } ?? size
        self.totalSamples = max(0, end - dataOffset) / format.bytesPerSample
    }

    // MARK: opening

    /// Extensions read as WAV or SigMF; anything else is raw.
    public static func detectKind(path: String) -> Kind {
        let lower = path.lowercased()
        if lower.hasSuffix(".wav") || lower.hasSuffix(".wave") { return .wav }
        if lower.hasSuffix(".sigmf") { return .sigmfArchive }
        if lower.hasSuffix(".sigmf-meta") || lower.hasSuffix(".sigmf-data") { return .sigmf }
        return .raw
    }

    /// Opens `path` by its extension: `.wav`, `.sigmf-meta`/`.sigmf-data`, `.sigmf` (archive), else raw.
    ///
    /// - `format` (`--format`): required for raw files unless the extension is a format name
    ///   (`x.cu8`, `x.cf32`, ...); not allowed for WAV or SigMF, whose headers say it.
    /// - `rate` (`--rate`): required for raw files; for WAV and SigMF it may be given only if it
    ///   matches the header.
    /// - `iq` (`--iq`): a stereo WAV is read as I/Q only with it (a mono WAV with it is an error);
    ///   a raw or SigMF file with a real format and `iq` is an error (complex formats are complex anyway).
    public static func open(path: String, format: SampleFormat? = nil, rate: Double? = nil, iq: Bool = false)
        throws(SampleFileError) -> SampleFileSource
    {
        if let r = rate, !(r.isFinite && r > 0) {
            throw .option(flag: "--rate", path: path, reason: "\(r) is not a positive sample rate")
        }
        if let r = rate, r > maximumSampleRate {
            throw .option(flag: "--rate", path: path, reason: "\(r) Hz is \(maximumRateReason)")
        }
        let kind = detectKind(path: path)
        let source: SampleFileSource
        switch kind {
        case .raw:
            let ext = (path as NSString).pathExtension
            guard let fmt = format ?? SampleFormat(name: ext) else {
                throw .option(flag: "--format", path: path, reason:
                    "required for a raw sample file (one of \(SampleFormat.rawFormats.map(\.name).joined(separator: ", ")))")
            }
            guard let r = rate else {
                throw .option(flag: "--rate", path: path, reason: "required for a raw sample file (samples per second)")
            }
            source = try openRaw(path: path, format: fmt, rate: r)
        case .wav, .sigmf, .sigmfArchive:
            if let f = format {
                throw .option(flag: "--format", path: path, reason: "given as \(f) but the \(kind == .wav ? "WAV" : "SigMF") header sets the format; leave it out")
            }
            source = kind == .wav ? try WAVReader.open(path: path, iq: iq) : try SigMFReader.open(path: path)
            if let r = rate, r != source.sampleRate {
                throw .option(flag: "--rate", path: path, reason: "given as \(r) but the header says \(source.sampleRate)")
            }
        }
        if iq && !source.isComplex {
            throw .option(flag: "--iq", path: path, reason: "the format \(source.format) is real, not I/Q")
        }
        return source
    }

    /// Opens a headerless file of `format` samples at `rate`; the whole file is data.
    public static func openRaw(path: String, format: SampleFormat, rate: Double) throws(SampleFileError) -> SampleFileSource {
        let file = try RandomAccessFile(path: path)
        return SampleFileSource(file: file, kind: .raw, format: format, sampleRate: rate, dataOffset: 0, dataEnd: nil, warnings: [])
    }

    // MARK: reading

    /// The next block of up to `maxSamples` samples, or nil at the end of the data. The returned array
    /// is this source's buffer: release it before the next call and no allocation happens.
    public func read(maxSamples: Int = 16_384) throws(SampleFileError) -> SampleBlock? {
        let want = max(1, maxSamples)
        if format.isComplex {
            if complexBuffer.count < want {
                complexBuffer.append(contentsOf: repeatElement(.zero, count: want - complexBuffer.count))
            }
            let n = try complexBuffer.withUnsafeMutableBufferPointer { (b) throws(SampleFileError) -> Int in
                try self.readComplex(into: UnsafeMutableBufferPointer(rebasing: b[0..<want]))
            }
            guard n > 0 else { return nil }
            if complexBuffer.count > n { complexBuffer.removeLast(complexBuffer.count - n) }
            return .complex(complexBuffer)
        } else {
            if realBuffer.count < want {
                realBuffer.append(contentsOf: repeatElement(0, count: want - realBuffer.count))
            }
            let n = try realBuffer.withUnsafeMutableBufferPointer { (b) throws(SampleFileError) -> Int in
                try self.readReal(into: UnsafeMutableBufferPointer(rebasing: b[0..<want]))
            }
            guard n > 0 else { return nil }
            if realBuffer.count > n { realBuffer.removeLast(realBuffer.count - n) }
            return .real(realBuffer)
        }
    }

    /// Calls `body` with each block and the file offset of its first byte, until the end of the data.
    public func forEachBlock(maxSamples: Int = 16_384, _ body: (SampleBlock, _ byteOffset: Int) throws -> Void) throws {
        while true {
            let start = byteOffset
            guard let block = try read(maxSamples: maxSamples) else { return }
            try body(block, start)
        }
    }

    /// Fills `out` with up to `out.count` real samples; returns how many (0 at the end).
    public func readReal(into out: UnsafeMutableBufferPointer<Float>) throws(SampleFileError) -> Int {
        guard !format.isComplex else {
            throw .invalidUse(path: path, reason: "readReal on an I/Q (\(format)) source; use readComplex")
        }
        return try readScalars(into: out)
    }

    /// Fills `out` with up to `out.count` complex samples; returns how many (0 at the end).
    public func readComplex(into out: UnsafeMutableBufferPointer<ComplexSample>) throws(SampleFileError) -> Int {
        guard format.isComplex else {
            throw .invalidUse(path: path, reason: "readComplex on a real (\(format)) source; use readReal")
        }
        guard let base = out.baseAddress, out.count > 0 else { return 0 }
        // ComplexSample is two Floats (re, im) with stride 8: the same memory as 2n interleaved floats.
        return try UnsafeMutableRawPointer(base).withMemoryRebound(to: Float.self, capacity: 2 * out.count) {
            (f) throws(SampleFileError) -> Int in
            try readScalars(into: UnsafeMutableBufferPointer(start: f, count: 2 * out.count))
        }
    }

    /// Skips to sample `index` (from the start of the data); the next read starts there.
    public func seek(toSample index: Int) {
        let i = max(0, index)
        byteOffset = dataOffset + i * format.bytesPerSample
        samplesRead = i
        isAtEnd = false
    }

    /// Reads the data region's raw bytes (no conversion) into `buffer`; 0 at the end of the data. For
    /// byte-oriented consumers such as `SamplePipeline`, which convert on their own thread.
    public func readRawBytes(into buffer: UnsafeMutableRawBufferPointer) throws(SampleFileError) -> Int {
        guard !isAtEnd, buffer.count > 0 else { return 0 }
        var want = buffer.count
        if let end = dataEnd { want = min(want, max(0, end - byteOffset)) }
        let got = want > 0 ? try file.read(at: byteOffset, into: UnsafeMutableRawBufferPointer(rebasing: buffer[0..<want])) : 0
        byteOffset += got
        samplesRead = (byteOffset - dataOffset) / format.bytesPerSample
        if got == 0 { isAtEnd = true }
        return got
    }

    /// Reads whole samples into `out` (`scalarsPerSample` floats each), through a bounded byte buffer.
    private func readScalars(into out: UnsafeMutableBufferPointer<Float>) throws(SampleFileError) -> Int {
        let bps = format.bytesPerSample
        let spS = format.scalarsPerSample
        let capacity = out.count / spS
        guard capacity > 0, !isAtEnd, let outBase = out.baseAddress else { return 0 }
        if bytes.isEmpty {
            bytes = [UInt8](repeating: 0, count: Self.chunkBytes / bps * bps)
        }
        let chunkSamples = bytes.count / bps
        var done = 0
        while done < capacity {
            var wantBytes = min(capacity - done, chunkSamples) * bps
            if let end = dataEnd { wantBytes = min(wantBytes, max(0, end - byteOffset)) }
            let got: Int
            if wantBytes > 0 {
                let at = byteOffset
                got = try bytes.withUnsafeMutableBytes { raw in
                    Result { () throws(SampleFileError) -> Int in
                        try file.read(at: at, into: UnsafeMutableRawBufferPointer(rebasing: raw[0..<wantBytes]))
                    }
                }.get()
            } else {
                got = 0
            }
            let samples = got / bps
            if samples > 0 {
                bytes.withUnsafeBytes { raw in
                    SampleFormat.convert(format.encoding, UnsafeRawBufferPointer(rebasing: raw[0..<(samples * bps)]),
                                         count: samples * spS, into: outBase + done * spS)
                }
                done += samples
                byteOffset += samples * bps
                samplesRead += samples
            }
            if got < wantBytes || wantBytes < bps {
                // End of the data (or of the file): note a trailing partial sample once.
                let leftover = got - samples * bps
                let tail = dataEnd.map { max(0, $0 - byteOffset) } ?? leftover
                let partial = got < wantBytes ? leftover : min(tail, bps - 1)
                if partial > 0 {
                    warnings.append(.partialSample(path: path, offset: byteOffset, bytes: partial, frameBytes: bps))
                }
                isAtEnd = true
                break
            }
        }
        return done
    }
}
