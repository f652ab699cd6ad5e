import TelemetryDecode

/// Writes headerless sample files (cu8, cs16, cf32, f32, ...), quantising floats with
/// `SampleFormat.encode`; the counterpart of `SampleFileSource.openRaw`. Used for fixtures and tests.
public final class RawSampleWriter {
    public let path: String
    public let format: SampleFormat
    public private(set) var samplesWritten = 0
    private let sink: FileSink
    private var scratch: [UInt8] = []

    public init(path: String, format: SampleFormat) throws(SampleFileError) {
        self.path = path
        self.format = format
        sink = try FileSink(path: path)
    }

    /// Appends real samples (a real format), or interleaved I/Q scalars (a complex format; must be even).
    public func write(scalars: UnsafeBufferPointer<Float>) throws(SampleFileError) {
        guard scalars.count % format.scalarsPerSample == 0 else {
            throw .invalidUse(path: path, reason: "\(scalars.count) scalars is not a whole number of \(format) samples")
        }
        scratch.removeAll(keepingCapacity: true)
        SampleFormat.encode(format.encoding, scalars, appendingTo: &scratch)
        try sink.append(scratch)
        samplesWritten += scalars.count / format.scalarsPerSample
    }

    public func write(_ samples: [Float]) throws(SampleFileError) {
        guard !format.isComplex else { throw .invalidUse(path: path, reason: "real samples written to a \(format) file") }
        try samples.withUnsafeBufferPointer { b in Result { () throws(SampleFileError) in try write(scalars: b) } }.get()
    }

    public func write(_ samples: [ComplexSample]) throws(SampleFileError) {
        guard format.isComplex else { throw .invalidUse(path: path, reason: "I/Q samples written to a \(format) file") }
        try samples.withUnsafeBufferPointer { b in
            Result { () throws(SampleFileError) in
                guard let base = b.baseAddress else { return }
                try UnsafeRawPointer(base).withMemoryRebound(to: Float.self, capacity: 2 * b.count) {
                    (f) throws(SampleFileError) in
                    try write(scalars: UnsafeBufferPointer(start: f, count: 2 * b.count))
                }
            }
        }.get()
    }

    /// Appends already-encoded bytes (e.g. a pattern repeated to make a large file).
    public func writeEncoded(_ bytes: UnsafeRawBufferPointer) throws(SampleFileError) {
        try sink.append(bytes)
        samplesWritten += bytes.count / format.bytesPerSample
    }

    public func finish() throws(SampleFileError) { try sink.close() }
}
