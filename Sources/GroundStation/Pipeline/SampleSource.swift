/// Where raw bytes enter a `SamplePipeline`: a recording, a USB dongle, an rtl_tcp socket.
///
/// The pipeline calls `read` from its own source thread, passing a region of the sample ring (zero copy),
/// so a source may block in the kernel as long as it needs. (`SendableMetatype`: the source's type is
/// used on that thread, so its conformance cannot be tied to an actor.)
public protocol SampleSource: SendableMetatype {
    /// Fills the start of `buffer` with up to `buffer.count` bytes and returns how many; 0 means end of
    /// stream. Errors end the pipeline's output stream with that error (after what was read is decoded).
    mutating func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int
}
