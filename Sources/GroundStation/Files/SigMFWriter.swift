import Foundation
import TelemetryDecode

/// Writes a SigMF recording (`<base>.sigmf-data` streamed, `<base>.sigmf-meta` on `finish()`), in any
/// datatype `SigMFReader` reads (cu8, ci16_le, cf32_le, ...), and optionally packs it into a `.sigmf`
/// tar archive. Used for `gsd record`, pass recordings and test fixtures.
public final class SigMFWriter {
    public let metaPath: String
    public let dataPath: String
    public let format: SampleFormat
    public let datatype: String
    public let sampleRate: Double
    public let frequency: Double?
    public let datetime: Date?
    public let recordingDescription: String?
    public private(set) var samplesWritten = 0
    /// Annotation objects (each with at least `core:sample_start`), written by `finish()` in sample order.
    public var annotations: [[String: Any]] = []
    private let raw: RawSampleWriter
    private var finished = false

    /// The SigMF datatype for a format, or nil when SigMF (as read here) has none.
    public static func datatype(for format: SampleFormat) -> String? {
        SigMFReader.supportedDatatypes.first { SigMFReader.format(datatype: $0) == format }
    }

    /// `basePath` without extension: writes `basePath.sigmf-data` and `basePath.sigmf-meta`.
    public init(basePath: String, format: SampleFormat, sampleRate: Double, frequency: Double? = nil,
                datetime: Date? = nil, description: String? = nil) throws(SampleFileError) {
        guard let dt = Self.datatype(for: format) else {
            throw .invalidUse(path: basePath, reason: "no SigMF datatype for \(format)")
        }
        (metaPath, dataPath) = SigMFReader.paths(for: basePath)
        self.format = format
        datatype = dt
        self.sampleRate = sampleRate
        self.frequency = frequency
        self.datetime = datetime
        recordingDescription = description
        raw = try RawSampleWriter(path: dataPath, format: format)
    }

    public func write(_ samples: [ComplexSample]) throws(SampleFileError) {
        try raw.write(samples)
        samplesWritten = raw.samplesWritten
    }

    public func write(_ samples: [Float]) throws(SampleFileError) {
        try raw.write(samples)
        samplesWritten = raw.samplesWritten
    }

    /// Appends bytes already in this recording's format (a tap on a receiver's byte stream).
    public func writeEncoded(_ bytes: UnsafeRawBufferPointer) throws(SampleFileError) {
        try raw.writeEncoded(bytes)
        samplesWritten = raw.samplesWritten
    }

    /// Closes the data file and writes the metadata.
    public func finish() throws(SampleFileError) {
        guard !finished else { return }
        finished = true
        try raw.finish()
        try FileSink(path: metaPath).appendAndClose(metadataJSON())
    }

    /// The metadata document as UTF-8 JSON.
    public func metadataJSON() throws(SampleFileError) -> [UInt8] {
        var global: [String: Any] = [
            "core:datatype": datatype,
            "core:sample_rate": sampleRate,
            "core:version": "1.0.0",
        ]
        if let d = recordingDescription { global["core:description"] = d }
        var capture: [String: Any] = ["core:sample_start": 0]
        if let f = frequency { capture["core:frequency"] = f }
        if let t = datetime {
            let f = ISO8601DateFormatter()
            f.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
            capture["core:datetime"] = f.string(from: t)
        }
        let sorted = annotations.sorted { ($0["core:sample_start"] as? Int ?? 0) < ($1["core:sample_start"] as? Int ?? 0) }
        let doc: [String: Any] = ["global": global, "captures": [capture], "annotations": sorted]
        do {
            let data = try JSONSerialization.data(withJSONObject: doc, options: [.prettyPrinted, .sortedKeys])
            return Array(data)
        } catch {
            throw .invalidUse(path: metaPath, reason: "cannot encode metadata: \(error)")
        }
    }

    /// Packs a finished recording into a `.sigmf` archive as `<name>/<name>.sigmf-meta` and
    /// `<name>/<name>.sigmf-data`, where name is the last path component of `basePath`.
    public static func makeArchive(basePath: String, archivePath: String) throws(SampleFileError) {
        let (meta, data) = SigMFReader.paths(for: basePath)
        let name = (basePath as NSString).lastPathComponent
        let tar = try TarWriter(path: archivePath)
        try tar.add(name: "\(name)/\(name).sigmf-meta", contentsOf: meta)
        try tar.add(name: "\(name)/\(name).sigmf-data", contentsOf: data)
        try tar.finish()
    }
}

extension FileSink {
    func appendAndClose(_ bytes: [UInt8]) throws(SampleFileError) {
        try append(bytes)
        try close()
    }
}
