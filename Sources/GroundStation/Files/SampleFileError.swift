/// Why a sample file (raw, WAV, SigMF, tar) could not be opened, parsed or written.
///
/// Every case names the file; header problems also name the byte offset and the field, JSON problems
/// the field path (e.g. `global.core:sample_rate`). `description` is the message for the user.
public enum SampleFileError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Opening or reading failed at the operating-system level.
    case file(FileInputError)
    /// The file ends inside a header structure: `field` needs `needed` bytes at `offset`, only
    /// `available` are there.
    case truncatedHeader(path: String, offset: Int, field: String, needed: Int, available: Int)
    /// A magic number or chunk id is wrong.
    case badMagic(path: String, offset: Int, field: String, expected: String, found: String)
    /// A header field holds a value that makes no sense (zero rate, block align mismatch, ...).
    case invalidField(path: String, offset: Int, field: String, value: String, reason: String)
    /// A header field holds a valid value this reader does not support (bits, format tag, channels...).
    case unsupported(path: String, offset: Int, field: String, value: String, reason: String)
    /// A required chunk is absent (searched up to `offset`).
    case missingChunk(path: String, offset: Int, chunk: String)
    /// A required metadata field is absent (`field` is a path like `global.core:sample_rate`).
    case missingField(path: String, field: String)
    /// A metadata field is present but unusable, or the metadata is not valid JSON.
    case invalidMetadata(path: String, field: String, reason: String)
    /// A tar archive lacks a member.
    case missingMember(path: String, member: String)
    /// A tar header is damaged at `offset`.
    case corruptArchive(path: String, offset: Int, reason: String)
    /// A command-line option is required (or contradicts the file); `flag` is e.g. `--rate`.
    case option(flag: String, path: String, reason: String)
    /// Writing failed.
    case writeFailed(path: String, offset: Int, reason: String)
    /// A writer was used wrongly (wrong sample kind, after finish, ...).
    case invalidUse(path: String, reason: String)

    public var description: String {
        switch self {
        case .file(let e):
            e.description
        case .truncatedHeader(let p, let o, let f, let n, let a):
            "\(p): truncated header at byte \(o): \(f) needs \(n) bytes, only \(a) present"
        case .badMagic(let p, let o, let f, let e, let found):
            "\(p): bad \(f) at byte \(o): expected \(e), found \(found)"
        case .invalidField(let p, let o, let f, let v, let r):
            "\(p): invalid \(f) at byte \(o): \(v) (\(r))"
        case .unsupported(let p, let o, let f, let v, let r):
            "\(p): unsupported \(f) at byte \(o): \(v) (\(r))"
        case .missingChunk(let p, let o, let c):
            "\(p): no '\(c)' chunk (searched to byte \(o))"
        case .missingField(let p, let f):
            "\(p): \(f) is missing"
        case .invalidMetadata(let p, let f, let r):
            "\(p): \(f): \(r)"
        case .missingMember(let p, let m):
            "\(p): archive has no member \(m)"
        case .corruptArchive(let p, let o, let r):
            "\(p): corrupt tar header at byte \(o): \(r)"
        case .option(let flag, let p, let r):
            "\(p): \(flag): \(r)"
        case .writeFailed(let p, let o, let r):
            "\(p): write failed at byte \(o): \(r)"
        case .invalidUse(let p, let r):
            "\(p): \(r)"
        }
    }
}

/// Something wrong with a file that still lets it be read; sources collect these in `warnings`.
public enum SampleFileWarning: Sendable, Hashable, CustomStringConvertible {
    /// The header declares sample data up to `declaredEnd`, but the file ends at `actualEnd`;
    /// what is there is read.
    case truncatedData(path: String, dataOffset: Int, declaredEnd: Int, actualEnd: Int)
    /// The data ends with `bytes` bytes (fewer than one sample frame) at `offset`; they are ignored.
    case partialSample(path: String, offset: Int, bytes: Int, frameBytes: Int)
    /// A metadata field was present but ignored or adjusted.
    case metadata(path: String, field: String, note: String)

    public var description: String {
        switch self {
        case .truncatedData(let p, let d, let declared, let actual):
            "\(p): sample data (from byte \(d)) declared to end at byte \(declared) but the file ends at byte \(actual); reading what is there"
        case .partialSample(let p, let o, let b, let f):
            "\(p): \(b) trailing bytes at byte \(o) are less than one \(f)-byte sample frame; ignored"
        case .metadata(let p, let f, let n):
            "\(p): \(f): \(n)"
        }
    }
}
