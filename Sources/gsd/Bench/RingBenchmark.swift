import Dispatch
import Foundation
import GroundStation
import TelemetryDecode

extension Benchmark {
    /// SampleRing throughput in GB/s (10^9 bytes): 16 KiB chunks through a 4 MiB ring, the producer
    /// copying each chunk in and the consumer copying it out, on two threads.
    /// Peer: bench/peers/ring_c11.c (C11-atomics ring, mutex ring, plain memcpy).
    static let ring = Benchmark(
        name: "ring", unit: "GB/s", summary: "SampleRing SPSC: 16 KiB chunks copied in/out of a 4 MiB ring, 2 threads"
    ) {
        let chunk = 16 << 10
        let perRun = 1 << 30
        let src = UnsafeMutableRawBufferPointer.allocate(byteCount: chunk, alignment: 64)
        let dst = UnsafeMutableRawBufferPointer.allocate(byteCount: chunk, alignment: 64)
        defer {
            src.deallocate()
            dst.deallocate()
        }
        for i in 0..<chunk { src[i] = UInt8(truncatingIfNeeded: i &* 31) }
        let source = ChunkRef(bytes: UnsafeRawBufferPointer(src))
        var failure: (any Error)?
        let (runs, seconds) = try BenchClock.measure {
            let ring = try SampleRing(capacity: 4 << 20, policy: .block())
            let done = DispatchSemaphore(value: 0)
            let producer = Thread {
                var moved = 0
                while moved < perRun {
                    guard (try? ring.write(source.bytes)) != nil else { break }
                    moved += chunk
                }
                ring.close()
                done.signal()
            }
            producer.start()
            var received = 0
            loop: while true {
                switch ring.read() {
                case .data(let region):
                    let n = region.copy(to: dst)
                    ring.release(n)
                    received += n
                case .endOfStream: break loop
                case .dropped, .timedOut: continue
                }
            }
            done.wait()
            if received != perRun { failure = BenchFailure(what: "ring moved \(received) of \(perRun) bytes") }
        }
        if let failure { throw failure }
        blackHole(dst[chunk - 1])
        return Double(runs) * Double(perRun) / seconds / 1e9
    }

    /// The whole receive path in Msps (10^6 complex cu8 samples per second): a 256 MiB cu8 file read by
    /// FileSampleSource into a 4 MiB ring on one thread, converted to Float on another, outputs through
    /// the AsyncStream. An RTL-SDR needs 2.4 Msps.
    static let ringPipeline = Benchmark(
        name: "ring-pipeline", unit: "Msps",
        summary: "file → SampleRing → cu8-to-Float chain → AsyncStream, 256 MiB cu8 from the page cache"
    ) { () async throws -> Double in
        let size = 256 << 20
        let path = FileManager.default.temporaryDirectory
            .appendingPathComponent("gsd-bench-ring-\(ProcessInfo.processInfo.processIdentifier).cu8").path
        var bytes = [UInt8](repeating: 0, count: size)
        var rng = SplitMix64(seed: 7)
        bytes.withUnsafeMutableBytes { raw in
            let words = raw.bindMemory(to: UInt64.self)
            for i in words.indices { words[i] = rng.next() }
        }
        guard FileManager.default.createFile(atPath: path, contents: Data(bytes)) else {
            throw BenchFailure(what: "cannot write \(path)")
        }
        bytes = []
        defer { try? FileManager.default.removeItem(atPath: path) }

        // Async all the way: the outputs are awaited, so no cooperative-pool thread is ever blocked.
        func once() async throws {
            let pipeline = try SamplePipeline(
                source: try FileSampleSource(path: path), chain: CU8ToFloatBenchChain(),
                configuration: .init(ringCapacity: 4 << 20, overrun: .block(), readChunk: 256 << 10))
            var samples = 0
            for try await n in pipeline.outputs { samples += n }
            if samples != size / 2 { throw BenchFailure(what: "pipeline saw \(samples) of \(size / 2) samples") }
        }
        try await once()  // warm-up: page cache, allocations
        let clock = ContinuousClock()
        let start = clock.now
        var runs = 0
        var seconds = 0.0
        repeat {
            try await once()
            runs += 1
            let d = clock.now - start
            seconds = Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18
        } while seconds < 2
        return Double(runs) * Double(size / 2) / seconds / 1e6
    }
}

/// The producer's read-only source chunk, handed to its thread.
private struct ChunkRef: @unchecked Sendable {
    // @unchecked: the memory is only read while the benchmark (which owns and frees it) waits.
    let bytes: UnsafeRawBufferPointer
}

struct BenchFailure: Error, CustomStringConvertible {
    let what: String
    var description: String { what }
}

/// cu8 I/Q → Float scaled to ±1, into a reused buffer; outputs the number of complex samples per block.
struct CU8ToFloatBenchChain: DecodeChain {
    var itemSize: Int { 2 }
    private var floats = [Float](repeating: 0, count: 64 << 10)
    private var sink: Float = 0

    mutating func process(_ block: UnsafeRawBufferPointer, streamOffset: Int, into outputs: inout [Int]) {
        let n = block.count
        if floats.count < n { floats = [Float](repeating: 0, count: n) }
        let bytes = block.bindMemory(to: UInt8.self)
        floats.withUnsafeMutableBufferPointer { out in
            for i in 0..<n { out[i] = Float(bytes[i]) * (1 / 127.5) - 1 }
        }
        sink += floats[n - 1]
        outputs.append(n / 2)
    }

    mutating func finish(into outputs: inout [Int]) { blackHole(sink) }
}
