/// What a RIFF/WAVE header says, with the offsets needed to stream its data chunk.
public struct WAVHeader: Sendable, Hashable {
    /// `WAVE_FORMAT_PCM` (1), `WAVE_FORMAT_IEEE_FLOAT` (3); for `WAVE_FORMAT_EXTENSIBLE` files this is
    /// the sub-format and `isExtensible` is true.
    public var formatTag: UInt16
    public var isExtensible: Bool
    public var channels: Int
    public var sampleRate: Int
    public var bitsPerSample: Int
    public var blockAlign: Int
    /// Storage of one scalar (one channel of one frame).
    public var encoding: SampleEncoding
    /// File offset of the fmt chunk body (field offsets in errors are relative to the file).
    public var formatOffset: Int
    /// File offset of the first sample byte.
    public var dataOffset: Int
    /// Size from the data chunk header; nil when it was 0 or 0xFFFFFFFF (streamed WAV: read to the end).
    public var declaredDataSize: Int?
    /// The file size when the header was read.
    public var fileSize: Int

    /// Bytes of sample data actually present (to the declared end or the end of the file).
    public var availableDataBytes: Int {
        let end = declaredDataSize.map { min(dataOffset + $0, fileSize) } ?? fileSize
        return max(0, end - dataOffset)
    }

    /// Whole frames present in the file.
    public var frameCount: Int { blockAlign > 0 ? availableDataBytes / blockAlign : 0 }

    /// True when the data chunk claims more bytes than the file holds.
    public var isTruncated: Bool {
        guard let d = declaredDataSize else { return false }
        return dataOffset + d > fileSize
    }
}

/// Parses RIFF/WAVE headers: PCM 8-bit unsigned, 16/24/32-bit signed, IEEE float32, and
/// WAVE_FORMAT_EXTENSIBLE with those sub-formats. Unknown chunks (LIST, fact, cue, ...) are skipped,
/// honouring the RIFF pad byte after odd-sized chunks. Parsing stops at the data chunk, so the rest
/// of the file is only ever streamed.
///
/// Channels: 1 = real audio; 2 = I/Q (channel 0 = I, 1 = Q) and only when the caller asks for I/Q
/// (`iq: true`, the CLI's `--iq`). A stereo file without `--iq` is an error rather than silently
/// dropping a channel, and so is `--iq` on a mono file. Other channel counts are errors.
public enum WAVReader {
    public static let formatPCM: UInt16 = 1
    public static let formatFloat: UInt16 = 3
    public static let formatExtensible: UInt16 = 0xFFFE
    /// The 14 bytes after the 2-byte format code in a KSDATAFORMAT_SUBTYPE GUID.
    static let subformatGUIDTail: [UInt8] = [0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x80, 0x00, 0x00, 0xAA, 0x00, 0x38, 0x9B, 0x71]

    /// Reads and validates the header of the WAV file at `path`.
    public static func readHeader(path: String) throws(SampleFileError) -> WAVHeader {
        let file = try RandomAccessFile(path: path)
        return try readHeader(file)
    }

    /// Opens a WAV file as a sample source (see the type's notes on channels and `iq`).
    public static func open(path: String, iq: Bool) throws(SampleFileError) -> SampleFileSource {
        let file = try RandomAccessFile(path: path)
        let h = try readHeader(file)
        let complex: Bool
        switch (h.channels, iq) {
        case (1, false): complex = false
        case (2, true): complex = true
        case (1, true):
            throw .option(flag: "--iq", path: path, reason: "needs a 2-channel (I/Q) WAV, this one is mono")
        case (2, false):
            throw .option(flag: "--iq", path: path,
                          reason: "stereo WAV: pass --iq to read it as I/Q (channel 0 = I, channel 1 = Q)")
        default:
            throw .unsupported(path: path, offset: h.formatOffset + 2, field: "fmt channels", value: "\(h.channels)",
                               reason: "only 1 (audio) or 2 (I/Q) channels")
        }
        var warnings: [SampleFileWarning] = []
        if h.isTruncated, let d = h.declaredDataSize {
            warnings.append(.truncatedData(path: path, dataOffset: h.dataOffset, declaredEnd: h.dataOffset + d,
                                           actualEnd: h.fileSize))
        }
        return SampleFileSource(
            file: file, kind: .wav, format: SampleFormat(encoding: h.encoding, isComplex: complex),
            sampleRate: Double(h.sampleRate), dataOffset: h.dataOffset,
            dataEnd: h.declaredDataSize.map { h.dataOffset + $0 }, warnings: warnings, wavHeader: h)
    }

    static func readHeader(_ file: RandomAccessFile) throws(SampleFileError) -> WAVHeader {
        let path = file.path
        let fileSize = try file.size()
        let riff = try file.bytes(at: 0, count: 12)
        guard riff.count >= 4 else {
            throw .truncatedHeader(path: path, offset: 0, field: "RIFF id", needed: 4, available: riff.count)
        }
        guard riff[0..<4].elementsEqual("RIFF".utf8) else {
            if riff[0..<4].elementsEqual("RF64".utf8) {
                throw .unsupported(path: path, offset: 0, field: "RIFF id", value: "\"RF64\"", reason: "RF64 (64-bit WAV) is not supported")
            }
            throw .badMagic(path: path, offset: 0, field: "RIFF id", expected: "\"RIFF\"", found: riff.fourCC(0))
        }
        guard riff.count >= 12 else {
            let field = riff.count < 8 ? "RIFF size" : "WAVE id"
            let at = riff.count < 8 ? 4 : 8
            throw .truncatedHeader(path: path, offset: at, field: field, needed: 4, available: riff.count - at)
        }
        guard riff[8..<12].elementsEqual("WAVE".utf8) else {
            throw .badMagic(path: path, offset: 8, field: "WAVE id", expected: "\"WAVE\"", found: riff.fourCC(8))
        }

        var fmt: (offset: Int, body: [UInt8])?
        var offset = 12
        while true {
            let ch = try file.bytes(at: offset, count: 8)
            if ch.count < 8 {
                if ch.isEmpty {
                    throw .missingChunk(path: path, offset: offset, chunk: fmt == nil ? "fmt " : "data")
                }
                throw .truncatedHeader(path: path, offset: offset, field: "chunk header", needed: 8, available: ch.count)
            }
            let id = String(decoding: ch[0..<4], as: UTF8.self)
            let size = Int(ch.le32(4))
            let body = offset + 8
            switch id {
            case "fmt ":
                guard fmt == nil else {
                    throw .invalidField(path: path, offset: offset, field: "fmt chunk", value: "second fmt chunk",
                                        reason: "only one fmt chunk is allowed")
                }
                guard size >= 16 else {
                    throw .invalidField(path: path, offset: offset + 4, field: "fmt chunk size", value: "\(size)",
                                        reason: "fmt chunk too short, need at least 16 bytes")
                }
                let b = try file.bytes(at: body, count: min(size, 64))
                guard b.count >= min(size, 64) else {
                    throw .truncatedHeader(path: path, offset: body, field: "fmt chunk", needed: min(size, 64), available: b.count)
                }
                fmt = (body, b)
            case "data":
                guard let f = fmt else {
                    throw .missingChunk(path: path, offset: offset, chunk: "fmt ")
                }
                var h = try parseFormat(path: path, offset: f.offset, f.body)
                h.dataOffset = body
                h.declaredDataSize = (size == 0 || size == 0xFFFF_FFFF) ? nil : size
                h.fileSize = fileSize
                return h
            default:
                break
            }
            // Next chunk: skip the body and the pad byte of an odd-sized chunk.
            offset = body + size + (size & 1)
        }
    }

    /// Validates a fmt chunk body found at file offset `at`.
    static func parseFormat(path: String, offset at: Int, _ b: [UInt8]) throws(SampleFileError) -> WAVHeader {
        var tag = b.le16(0)
        let channels = Int(b.le16(2))
        let rate = Int(b.le32(4))
        let blockAlign = Int(b.le16(12))
        let bits = Int(b.le16(14))
        var extensible = false
        if tag == formatExtensible {
            extensible = true
            guard b.count >= 40 else {
                throw .invalidField(path: path, offset: at - 4, field: "fmt chunk size", value: "\(b.count)",
                                    reason: "WAVE_FORMAT_EXTENSIBLE needs a 40-byte fmt chunk")
            }
            let sub = b.le16(24)
            guard b[26..<40].elementsEqual(subformatGUIDTail) else {
                throw .unsupported(path: path, offset: at + 24, field: "fmt SubFormat", value: "non-standard GUID",
                                   reason: "only KSDATAFORMAT_SUBTYPE_PCM and _IEEE_FLOAT")
            }
            tag = sub
        }
        guard channels > 0 else {
            throw .invalidField(path: path, offset: at + 2, field: "fmt channels", value: "0", reason: "no channels")
        }
        guard rate > 0 else {
            throw .invalidField(path: path, offset: at + 4, field: "fmt sample rate", value: "0", reason: "sample rate must be positive")
        }
        guard Double(rate) <= SampleFileSource.maximumSampleRate else {
            throw .unsupported(path: path, offset: at + 4, field: "fmt sample rate", value: "\(rate) Hz",
                               reason: SampleFileSource.maximumRateReason)
        }
        let encoding: SampleEncoding
        switch (tag, bits) {
        case (formatPCM, 8): encoding = .u8
        case (formatPCM, 16): encoding = .s16
        case (formatPCM, 24): encoding = .s24
        case (formatPCM, 32): encoding = .s32
        case (formatFloat, 32): encoding = .f32
        case (formatPCM, _), (formatFloat, _):
            throw .unsupported(path: path, offset: at + 14, field: "fmt bits per sample", value: "\(bits)",
                               reason: tag == formatPCM ? "PCM must be 8, 16, 24 or 32 bits" : "float must be 32 bits")
        default:
            throw .unsupported(path: path, offset: extensible ? at + 24 : at, field: extensible ? "fmt SubFormat" : "fmt format tag",
                               value: "0x" + String(tag, radix: 16),
                               reason: "only PCM (1) and IEEE float (3)")
        }
        guard blockAlign == channels * encoding.bytesPerScalar else {
            throw .invalidField(path: path, offset: at + 12, field: "fmt block align", value: "\(blockAlign)",
                                reason: "expected \(channels * encoding.bytesPerScalar) for \(channels) channel(s) of \(bits) bits")
        }
        return WAVHeader(formatTag: tag, isExtensible: extensible, channels: channels, sampleRate: rate,
                         bitsPerSample: bits, blockAlign: blockAlign, encoding: encoding,
                         formatOffset: at, dataOffset: 0, declaredDataSize: nil, fileSize: 0)
    }
}
