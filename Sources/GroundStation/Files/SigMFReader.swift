import Foundation

/// One entry of a SigMF `captures` array.
public struct SigMFCapture: Sendable, Hashable {
    /// `core:sample_start`: the first sample (index into the data file) this capture describes.
    public var sampleStart: Int
    /// `core:frequency` in Hz.
    public var frequency: Double?
    /// `core:datetime` parsed (ISO 8601 / RFC 3339), and as written.
    public var datetime: Date?
    public var datetimeText: String?

    public init(sampleStart: Int, frequency: Double? = nil, datetime: Date? = nil, datetimeText: String? = nil) {
        self.sampleStart = sampleStart
        self.frequency = frequency
        self.datetime = datetime
        self.datetimeText = datetimeText
    }
}

/// The parts of a `.sigmf-meta` file a replay needs.
public struct SigMFMetadata: Sendable, Hashable {
    /// `global.core:datatype` as written (e.g. `cf32_le`) and as a format.
    public var datatype: String
    public var format: SampleFormat
    /// `global.core:sample_rate` in Hz.
    public var sampleRate: Double
    /// `captures`, ordered by `core:sample_start`.
    public var captures: [SigMFCapture]
    public var version: String?
    public var recordingDescription: String?
    public var hardware: String?

    /// The frequency and time of the first capture.
    public var centerFrequency: Double? { captures.first?.frequency }
    public var startTime: Date? { captures.first?.datetime }
}

/// Reads SigMF recordings: a `.sigmf-meta` JSON file beside its `.sigmf-data` file (either name, or
/// the common base name, may be given), or a `.sigmf` tar archive holding both (the first
/// `*.sigmf-meta` member and the `*.sigmf-data` member with the same base name).
///
/// Datatypes: `cu8`, `ci8`, `ci16_le`, `ci32_le`, `cf32_le` and their real `r…` counterparts. Single
/// channel only. The data is streamed; only the metadata is read whole (up to 64 MiB).
public enum SigMFReader {
    static let maxMetadataBytes = 64 << 20

    /// The sample format for a SigMF datatype, or nil when unsupported.
    public static func format(datatype: String) -> SampleFormat? {
        switch datatype {
        case "cu8": .cu8
        case "ci8": .cs8
        case "ci16_le": .cs16
        case "ci32_le": .cs32
        case "cf32_le": .cf32
        case "ru8": .u8
        case "ri8": .s8
        case "ri16_le": .s16
        case "ri32_le": .s32
        case "rf32_le": .f32
        default: nil
        }
    }

    public static let supportedDatatypes = ["cu8", "ci8", "ci16_le", "ci32_le", "cf32_le", "ru8", "ri8", "ri16_le", "ri32_le", "rf32_le"]

    /// The metadata and data paths for a path naming either file or their common base.
    public static func paths(for path: String) -> (meta: String, data: String) {
        var base = path
        for suffix in [".sigmf-meta", ".sigmf-data"] where base.hasSuffix(suffix) {
            base.removeLast(suffix.count)
        }
        return (base + ".sigmf-meta", base + ".sigmf-data")
    }

    /// Opens a recording (meta + data pair, or `.sigmf` archive) as a sample source.
    public static func open(path: String) throws(SampleFileError) -> SampleFileSource {
        if path.lowercased().hasSuffix(".sigmf") { return try openArchive(path: path) }
        let (metaPath, dataPath) = paths(for: path)
        let metaFile = try RandomAccessFile(path: metaPath)
        let metaSize = try metaFile.size()
        guard metaSize <= maxMetadataBytes else {
            throw .invalidMetadata(path: metaPath, field: "file", reason: "metadata of \(metaSize) bytes is larger than \(maxMetadataBytes)")
        }
        let meta = try parseMetadata(metaFile.bytes(at: 0, count: metaSize), path: metaPath)
        let data = try RandomAccessFile(path: dataPath)
        return SampleFileSource(
            file: data, kind: .sigmf, format: meta.format, sampleRate: meta.sampleRate,
            dataOffset: 0, dataEnd: nil, warnings: [], sigmf: meta)
    }

    static func openArchive(path: String) throws(SampleFileError) -> SampleFileSource {
        let file = try RandomAccessFile(path: path)
        let tar = try TarArchive(file: file)
        guard let metaMember = tar.members(withSuffix: ".sigmf-meta").first else {
            throw .missingMember(path: path, member: "*.sigmf-meta")
        }
        let dataName = String(metaMember.name.dropLast(".sigmf-meta".count)) + ".sigmf-data"
        guard let dataMember = tar.member(named: dataName) else {
            throw .missingMember(path: path, member: dataName)
        }
        let metaLabel = "\(path):\(metaMember.name)"
        guard metaMember.size <= maxMetadataBytes else {
            throw .invalidMetadata(path: metaLabel, field: "file", reason: "metadata of \(metaMember.size) bytes is too large")
        }
        let metaBytes = try file.bytes(at: metaMember.dataOffset, count: metaMember.size)
        guard metaBytes.count == metaMember.size else {
            throw .corruptArchive(path: path, offset: metaMember.dataOffset + metaBytes.count,
                                  reason: "member \(metaMember.name) truncated (\(metaBytes.count) of \(metaMember.size) bytes)")
        }
        let meta = try parseMetadata(metaBytes, path: metaLabel)
        let end = dataMember.dataOffset + dataMember.size
        var warnings: [SampleFileWarning] = []
        if end > tar.fileSize {
            warnings.append(.truncatedData(path: "\(path):\(dataMember.name)", dataOffset: dataMember.dataOffset,
                                           declaredEnd: end, actualEnd: tar.fileSize))
        }
        return SampleFileSource(
            file: file, kind: .sigmfArchive, format: meta.format, sampleRate: meta.sampleRate,
            dataOffset: dataMember.dataOffset, dataEnd: end, warnings: warnings, sigmf: meta)
    }

    // MARK: metadata

    private struct MetaFile: Decodable {
        var global: Global?
        var captures: [Capture]?
    }

    private struct Global: Decodable {
        var datatype: String?
        var sampleRate: Double?
        var version: String?
        var description: String?
        var hw: String?
        var numChannels: Int?
        enum CodingKeys: String, CodingKey {
            case datatype = "core:datatype"
            case sampleRate = "core:sample_rate"
            case version = "core:version"
            case description = "core:description"
            case hw = "core:hw"
            case numChannels = "core:num_channels"
        }
    }

    private struct Capture: Decodable {
        var sampleStart: Int?
        var frequency: Double?
        var datetime: String?
        enum CodingKeys: String, CodingKey {
            case sampleStart = "core:sample_start"
            case frequency = "core:frequency"
            case datetime = "core:datetime"
        }
    }

    /// Parses `.sigmf-meta` JSON; `path` names it in errors.
    public static func parseMetadata(_ bytes: [UInt8], path: String) throws(SampleFileError) -> SigMFMetadata {
        let file: MetaFile
        do {
            file = try JSONDecoder().decode(MetaFile.self, from: Data(bytes))
        } catch let error as DecodingError {
            throw describe(error, path: path)
        } catch {
            throw .invalidMetadata(path: path, field: "file", reason: "\(error)")
        }
        guard let global = file.global else { throw .missingField(path: path, field: "global") }
        guard let datatype = global.datatype else { throw .missingField(path: path, field: "global.core:datatype") }
        guard let format = format(datatype: datatype) else {
            throw .invalidMetadata(path: path, field: "global.core:datatype",
                                   reason: "unsupported datatype \"\(datatype)\" (supported: \(supportedDatatypes.joined(separator: ", ")))")
        }
        guard let rate = global.sampleRate else { throw .missingField(path: path, field: "global.core:sample_rate") }
        guard rate.isFinite, rate > 0 else {
            throw .invalidMetadata(path: path, field: "global.core:sample_rate", reason: "\(rate) is not a positive sample rate")
        }
        guard rate <= SampleFileSource.maximumSampleRate else {
            throw .invalidMetadata(path: path, field: "global.core:sample_rate", reason: "\(rate) Hz is \(SampleFileSource.maximumRateReason)")
        }
        if let n = global.numChannels, n != 1 {
            throw .invalidMetadata(path: path, field: "global.core:num_channels", reason: "\(n) channels; only 1 is supported")
        }
        var captures: [SigMFCapture] = []
        for (i, c) in (file.captures ?? []).enumerated() {
            let start = c.sampleStart ?? 0
            guard start >= 0 else {
                throw .invalidMetadata(path: path, field: "captures[\(i)].core:sample_start", reason: "\(start) is negative")
            }
            var date: Date? = nil
            if let text = c.datetime {
                guard let d = parseDate(text) else {
                    throw .invalidMetadata(path: path, field: "captures[\(i)].core:datetime", reason: "\"\(text)\" is not an ISO 8601 date-time")
                }
                date = d
            }
            captures.append(SigMFCapture(sampleStart: start, frequency: c.frequency, datetime: date, datetimeText: c.datetime))
        }
        captures.sort { $0.sampleStart < $1.sampleStart }
        return SigMFMetadata(datatype: datatype, format: format, sampleRate: rate, captures: captures,
                             version: global.version, recordingDescription: global.description, hardware: global.hw)
    }

    /// RFC 3339 with or without fractional seconds.
    static func parseDate(_ text: String) -> Date? {
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        if let d = f.date(from: text) { return d }
        f.formatOptions = [.withInternetDateTime]
        return f.date(from: text)
    }

    private static func describe(_ error: DecodingError, path: String) -> SampleFileError {
        func field(_ codingPath: [any CodingKey]) -> String {
            var s = ""
            for k in codingPath {
                if let i = k.intValue { s += "[\(i)]" } else { s += (s.isEmpty ? "" : ".") + k.stringValue }
            }
            return s.isEmpty ? "file" : s
        }
        switch error {
        case .typeMismatch(let type, let ctx):
            return .invalidMetadata(path: path, field: field(ctx.codingPath), reason: "expected \(type == Double.self || type == Int.self ? "a number" : "\(type)")")
        case .valueNotFound(_, let ctx):
            return .invalidMetadata(path: path, field: field(ctx.codingPath), reason: "value is null")
        case .keyNotFound(let key, let ctx):
            return .missingField(path: path, field: field(ctx.codingPath + [key]))
        case .dataCorrupted(let ctx):
            if ctx.codingPath.isEmpty {
                return .invalidMetadata(path: path, field: "file", reason: "not valid JSON")
            }
            return .invalidMetadata(path: path, field: field(ctx.codingPath), reason: ctx.debugDescription)
        @unknown default:
            return .invalidMetadata(path: path, field: "file", reason: "\(error)")
        }
    }
}
