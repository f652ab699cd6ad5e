import Foundation

/// A recording played as if it arrived live: bytes are handed out no faster than the sample rate times
/// `speed` (0 = unpaced). Runs on the pipeline's source thread, so sleeping here delays only that thread.
///
/// `@unchecked Sendable`: the file object is used by the source thread alone while the pipeline runs.
public struct PacedFileByteSource: SampleSource, @unchecked Sendable {
    let file: SampleFileSource
    let bytesPerSecond: Double
    private var started: ContinuousClock.Instant?
    private var delivered = 0

    public init(_ file: SampleFileSource, speed: Double) {
        self.file = file
        bytesPerSecond = speed > 0 ? file.sampleRate * Double(file.format.bytesPerSample) * speed : 0
    }

    public mutating func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        guard bytesPerSecond > 0 else { return try file.readRawBytes(into: buffer) }
        let clock = ContinuousClock()
        let start = started ?? clock.now
        started = start
        // At most a tenth of a second per read, so the decoder sees a steady trickle.
        let chunk = max(file.format.bytesPerSample, min(buffer.count, Int(bytesPerSecond / 10)))
        let due = start + .seconds(Double(delivered) / bytesPerSecond)
        if due > clock.now { Thread.sleep(forTimeInterval: Double((due - clock.now) / .milliseconds(1)) / 1000) }
        let n = try file.readRawBytes(into: UnsafeMutableRawBufferPointer(rebasing: buffer.prefix(chunk)))
        delivered += n
        return n
    }
}
