import TelemetryDecode

/// Writes RIFF/WAVE files: 8-bit unsigned, 16/24/32-bit signed PCM or IEEE float32, mono (audio) or
/// stereo (I/Q), optionally as WAVE_FORMAT_EXTENSIBLE. Sizes are patched in `finish()`.
/// Float files get an 18-byte fmt chunk and a `fact` chunk, as the format asks.
public final class WAVWriter {
    public let path: String
    public let sampleRate: Int
    public let channels: Int
    public let encoding: SampleEncoding
    public private(set) var framesWritten = 0
    private let sink: FileSink
    private let dataSizeOffset: Int
    private var factOffset: Int?
    private var dataBytes = 0
    private var finished = false
    private var scratch: [UInt8] = []

    public init(path: String, sampleRate: Int, channels: Int = 1, encoding: SampleEncoding = .s16,
                extensible: Bool = false) throws(SampleFileError) {
        guard channels == 1 || channels == 2 else {
            throw .invalidUse(path: path, reason: "WAVWriter writes 1 or 2 channels, not \(channels)")
        }
        guard encoding != .s8 else { throw .invalidUse(path: path, reason: "WAV 8-bit PCM is unsigned; use .u8") }
        guard sampleRate > 0 else { throw .invalidUse(path: path, reason: "sample rate must be positive") }
        self.path = path
        self.sampleRate = sampleRate
        self.channels = channels
        self.encoding = encoding
        sink = try FileSink(path: path)

        let bytesPer = encoding.bytesPerScalar
        let tag: UInt16 = encoding == .f32 ? WAVReader.formatFloat : WAVReader.formatPCM
        var h: [UInt8] = []
        h += Array("RIFF".utf8) + UInt32(0).littleEndianBytes + Array("WAVE".utf8)
        var fmt: [UInt8] = []
        fmt += (extensible ? WAVReader.formatExtensible : tag).littleEndianBytes
        fmt += UInt16(channels).littleEndianBytes
        fmt += UInt32(sampleRate).littleEndianBytes
        fmt += UInt32(sampleRate * channels * bytesPer).littleEndianBytes
        fmt += UInt16(channels * bytesPer).littleEndianBytes
        fmt += UInt16(bytesPer * 8).littleEndianBytes
        if extensible {
            fmt += UInt16(22).littleEndianBytes
            fmt += UInt16(bytesPer * 8).littleEndianBytes                    // valid bits
            fmt += UInt32(channels == 1 ? 0x4 : 0x3).littleEndianBytes       // channel mask
            fmt += tag.littleEndianBytes + WAVReader.subformatGUIDTail
        } else if encoding == .f32 {
            fmt += UInt16(0).littleEndianBytes
        }
        h += Array("fmt ".utf8) + UInt32(fmt.count).littleEndianBytes + fmt
        if encoding == .f32 {
            h += Array("fact".utf8) + UInt32(4).littleEndianBytes
            factOffset = h.count
            h += UInt32(0).littleEndianBytes
        }
        h += Array("data".utf8)
        dataSizeOffset = h.count
        h += UInt32(0).littleEndianBytes
        try sink.append(h)
    }

    /// Appends interleaved scalars (one per channel per frame).
    public func write(scalars: UnsafeBufferPointer<Float>) throws(SampleFileError) {
        guard !finished else { throw .invalidUse(path: path, reason: "write after finish") }
        guard scalars.count % channels == 0 else {
            throw .invalidUse(path: path, reason: "\(scalars.count) values is not a whole number of \(channels)-channel frames")
        }
        scratch.removeAll(keepingCapacity: true)
        SampleFormat.encode(encoding, scalars, appendingTo: &scratch)
        try sink.append(scratch)
        dataBytes += scratch.count
        framesWritten += scalars.count / channels
    }

    /// Appends mono samples.
    public func write(_ samples: [Float]) throws(SampleFileError) {
        guard channels == 1 else { throw .invalidUse(path: path, reason: "real samples written to a stereo WAV; use ComplexSample") }
        try samples.withUnsafeBufferPointer { b in Result { () throws(SampleFileError) in try write(scalars: b) } }.get()
    }

    /// Appends I/Q samples as stereo frames (I left, Q right).
    public func write(_ samples: [ComplexSample]) throws(SampleFileError) {
        guard channels == 2 else { throw .invalidUse(path: path, reason: "I/Q samples written to a mono WAV") }
        var flat: [Float] = []
        flat.reserveCapacity(samples.count * 2)
        for s in samples { flat.append(s.re); flat.append(s.im) }
        try flat.withUnsafeBufferPointer { b in Result { () throws(SampleFileError) in try write(scalars: b) } }.get()
    }

    /// Adds the pad byte after odd-sized data, patches the sizes and closes the file.
    public func finish() throws(SampleFileError) {
        guard !finished else { return }
        finished = true
        if dataBytes & 1 == 1 { try sink.append([0]) }
        guard sink.offset - 8 <= Int(UInt32.max) else {
            throw .invalidUse(path: path, reason: "WAV data of \(dataBytes) bytes does not fit in 32-bit RIFF sizes")
        }
        try sink.write(at: 4, UInt32(sink.offset - 8).littleEndianBytes)
        try sink.write(at: dataSizeOffset, UInt32(dataBytes).littleEndianBytes)
        if let f = factOffset { try sink.write(at: f, UInt32(framesWritten).littleEndianBytes) }
        try sink.close()
    }
}
