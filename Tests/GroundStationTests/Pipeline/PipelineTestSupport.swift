import Foundation
import GroundStation
import TelemetryDecode

/// Byte i of the test streams.
@inline(__always)
func streamByte(_ i: Int) -> UInt8 { UInt8(truncatingIfNeeded: (UInt64(i) &* 2_654_435_761) >> 7) }

func streamBytes(_ range: Range<Int>) -> [UInt8] { range.map(streamByte) }

struct PipelineTimeout: Error, CustomStringConvertible {
    let seconds: Duration
    var description: String { "pipeline did not finish within \(seconds)" }
}

/// Collects every output, failing with `PipelineTimeout` (and cancelling the pipeline) instead of
/// hanging when the pipeline never finishes. Errors of the stream are rethrown.
func collect<T: Sendable>(_ pipeline: SamplePipeline<T>, timeout: Duration = .seconds(60)) async throws -> [T] {
    let result = try await withThrowingTaskGroup(of: [T]?.self) { group in
        group.addTask {
            var out: [T] = []
            for try await x in pipeline.outputs { out.append(x) }
            return out
        }
        group.addTask {
            try? await Task.sleep(for: timeout)
            return nil
        }
        defer { group.cancelAll() }
        return try await group.next() ?? nil
    }
    guard let result else {
        pipeline.cancel()
        throw PipelineTimeout(seconds: timeout)
    }
    return result
}

/// Waits on a plain thread (not the cooperative pool) for both pipeline threads to exit; false on timeout.
func stopped<T: Sendable>(_ pipeline: SamplePipeline<T>, timeout: Duration = .seconds(30)) async -> Bool {
    await withCheckedContinuation { (c: CheckedContinuation<Bool, Never>) in
        Thread { c.resume(returning: pipeline.waitUntilStopped(timeout: timeout)) }.start()
    }
}

/// A value shared between threads behind a lock (NSLock: visible to ThreadSanitizer).
final class Shared<T: Sendable>: @unchecked Sendable {
    // @unchecked: `v` is only touched with `lock` held.
    private let lock = NSLock()
    private var v: T
    init(_ value: T) { v = value }
    func withLock<R>(_ body: (inout T) -> R) -> R { lock.withLock { body(&v) } }
    var value: T { lock.withLock { v } }
}

/// A temporary file holding `bytes`, removed by `remove()`.
struct TempFile {
    let path: String
    init(_ bytes: [UInt8], name: String = "samples.cu8") throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("gsd-pipeline-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let url = dir.appendingPathComponent(name)
        try Data(bytes).write(to: url)
        path = url.path
    }
    func remove() { try? FileManager.default.removeItem(atPath: (path as NSString).deletingLastPathComponent) }
}

// MARK: - Sources

/// The test stream from memory, in reads of at most `maxRead` bytes; optionally throws after `failAfter` bytes.
struct PatternSource: SampleSource {
    let total: Int
    var maxRead = 1 << 16
    var failAfter: Int?
    private(set) var offset = 0

    init(total: Int, maxRead: Int = 1 << 16, failAfter: Int? = nil) {
        self.total = total
        self.maxRead = maxRead
        self.failAfter = failAfter
    }

    struct Boom: Error, Equatable { let offset: Int }

    mutating func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        if let failAfter, offset >= failAfter { throw Boom(offset: offset) }
        var n = Swift.min(buffer.count, maxRead, total - offset)
        if let failAfter { n = Swift.min(n, failAfter - offset) }
        for k in 0..<n { buffer[k] = streamByte(offset + k) }
        offset += n
        return n
    }
}

/// Zeros forever.
struct EndlessSource: SampleSource {
    mutating func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        if let base = buffer.baseAddress { base.initializeMemory(as: UInt8.self, repeating: 0, count: buffer.count) }
        return buffer.count
    }
}

// MARK: - Chains

/// CRC-32 and byte count of everything it is fed; checks that blocks arrive in stream order.
struct CRCChain: DecodeChain {
    struct Summary: Sendable, Equatable {
        var bytes = 0
        var crc: UInt32 = 0
        var blocks = 0
        var inOrder = true
    }

    var register = CRCAlgorithm.crc32.start
    var summary = Summary()
    var nextOffset = 0

    mutating func process(_ block: UnsafeRawBufferPointer, streamOffset: Int, into outputs: inout [Summary]) {
        if streamOffset != nextOffset { summary.inOrder = false }
        nextOffset = streamOffset + block.count
        register = CRCAlgorithm.crc32.update(register, block)
        summary.bytes += block.count
        summary.blocks += 1
    }

    mutating func finish(into outputs: inout [Summary]) {
        summary.crc = CRCAlgorithm.crc32.finalize(register)
        outputs.append(summary)
    }
}

/// Per block: its stream offset and length, after checking the bytes against the test stream.
/// Optionally sleeps per block (a slow decoder) and fails at a given offset.
struct CheckingChain: DecodeChain {
    enum Event: Sendable, Equatable {
        case block(offset: Int, count: Int, valid: Bool)
        case gap(offset: Int, count: Int)
    }

    var itemSize = 1
    var sleepMicroseconds: UInt32 = 0
    var failAt: Int?

    struct Failure: Error, Equatable { let offset: Int }

    mutating func process(_ block: UnsafeRawBufferPointer, streamOffset: Int, into outputs: inout [Event]) throws {
        if let failAt, streamOffset + block.count > failAt { throw Failure(offset: streamOffset) }
        var valid = block.count % itemSize == 0 && streamOffset % itemSize == 0
        for (k, b) in block.enumerated() where b != streamByte(streamOffset + k) {
            valid = false
            break
        }
        outputs.append(.block(offset: streamOffset, count: block.count, valid: valid))
        if sleepMicroseconds > 0 { usleep(sleepMicroseconds) }
    }

    mutating func discontinuity(_ gap: SampleRing.DropEvent, into outputs: inout [Event]) {
        outputs.append(.gap(offset: gap.streamOffset, count: gap.count))
    }
}

/// The benchmark-style consumer: cu8 I/Q → Float (x − 127.5) / 127.5, emitting the sample count per block.
struct CU8ToFloatChain: DecodeChain {
    var itemSize: Int { 2 }
    var scratch: [Float] = []
    var sum: Double = 0

    mutating func process(_ block: UnsafeRawBufferPointer, streamOffset: Int, into outputs: inout [Int]) {
        let n = block.count
        if scratch.count < n { scratch = [Float](repeating: 0, count: n) }
        scratch.withUnsafeMutableBufferPointer { out in
            for i in 0..<n { out[i] = (Float(block[i]) - 127.5) * (1 / 127.5) }
        }
        sum += Double(scratch[0])
        outputs.append(n / 2)
    }
}
