import Foundation
import GroundStation
import Testing
import TelemetryDecode

@Suite struct SamplePipelineTests {
    @Test func fileThroughRingToCRCChain() async throws {
        let data = streamBytes(0..<3_000_017)
        let file = try TempFile(data)
        defer { file.remove() }
        // A small ring and odd chunk sizes so reads, wraps and blocks all fall at different places.
        let config = SamplePipeline<CRCChain.Summary>.Configuration(
            ringCapacity: 1 << 16, overrun: .block(timeout: .seconds(30)), readChunk: 12_345, maxBlock: 4_001)
        let pipeline = try SamplePipeline(
            source: try FileSampleSource(path: file.path), chain: CRCChain(), configuration: config)
        let outputs = try await collect(pipeline)
        #expect(outputs.count == 1)
        let summary = try #require(outputs.first)
        #expect(summary.bytes == data.count)
        #expect(summary.inOrder)
        #expect(summary.crc == CRCAlgorithm.crc32.checksum(data))
        #expect(summary.blocks >= data.count / 4_001)
        let stats = pipeline.statistics
        #expect(stats.bytesIn == data.count && stats.bytesOut == data.count && stats.bytesDropped == 0)
        #expect(stats.highWaterMark <= 1 << 16)
        #expect(await stopped(pipeline))
    }

    @Test func emptyFileFinishesWithTheChainsFlush() async throws {
        let file = try TempFile([])
        defer { file.remove() }
        let pipeline = try SamplePipeline(source: try FileSampleSource(path: file.path), chain: CRCChain())
        let outputs = try await collect(pipeline)
        #expect(outputs == [CRCChain.Summary(bytes: 0, crc: 0, blocks: 0, inOrder: true)])
    }

    @Test func missingFileNamesThePath() throws {
        let path = "/nonexistent-gsd-dir/pass-2024-01-01.cu8"
        #expect(throws: PipelineError.cannotOpen(path: path, errno: ENOENT)) {
            _ = try FileSampleSource(path: path)
        }
        do {
            _ = try FileSampleSource(path: path)
        } catch {
            #expect(error.description.contains(path))
            #expect(error.description.contains("No such file or directory"))
            #expect((error as any Error).localizedDescription.contains(path))
        }
    }

    @Test func readErrorOfAFileNamesPathAndOffset() async throws {
        // Reading a directory fails with EISDIR on the first read.
        let dir = FileManager.default.temporaryDirectory.path
        let pipeline = try SamplePipeline(source: try FileSampleSource(path: dir), chain: CRCChain())
        await #expect(throws: PipelineError.readFailed(path: dir, offset: 0, errno: EISDIR)) {
            _ = try await collect(pipeline)
        }
    }

    @Test func sourceErrorEndsTheStreamAfterTheDataBeforeIt() async throws {
        let pipeline = try SamplePipeline(
            source: PatternSource(total: 1 << 20, maxRead: 1000, failAfter: 100_000),
            chain: CheckingChain(),
            configuration: .init(ringCapacity: 1 << 14, readChunk: 4096))
        let received = Shared<[CheckingChain.Event]>([])
        await #expect(throws: PatternSource.Boom(offset: 100_000)) {
            for try await event in pipeline.outputs { received.withLock { $0.append(event) } }
        }
        let events = received.value
        var offset = 0
        for case .block(let at, let count, let valid) in events {
            #expect(at == offset && valid)
            offset += count
        }
        #expect(offset == 100_000, "every byte before the error is decoded")
        #expect(await stopped(pipeline))
    }

    @Test func chainErrorEndsTheStreamAndStopsTheSource() async throws {
        let pipeline = try SamplePipeline(
            source: EndlessSource(), chain: CheckingChain(failAt: 50_000),
            configuration: .init(ringCapacity: 1 << 14, readChunk: 4096))
        await #expect(throws: CheckingChain.Failure.self) { _ = try await collect(pipeline) }
        #expect(await stopped(pipeline))
        #expect(pipeline.ring.isCancelled)
    }

    @Test func leavingTheLoopAndCancellingStopsBothThreads() async throws {
        let pipeline = try SamplePipeline(
            source: EndlessSource(), chain: CRCChainEmittingBlocks(),
            configuration: .init(ringCapacity: 1 << 14, readChunk: 1024, maxBlock: 1024))
        var seen = 0
        for try await _ in pipeline.outputs {
            seen += 1
            if seen == 10 { break }
        }
        pipeline.cancel()  // the stream cannot see a `break`; say so
        #expect(seen == 10)
        #expect(await stopped(pipeline))
        #expect(pipeline.ring.isCancelled)
    }

    @Test func cancellingTheConsumingTaskStopsBothThreads() async throws {
        let pipeline = try SamplePipeline(
            source: EndlessSource(), chain: CRCChainEmittingBlocks(),
            configuration: .init(ringCapacity: 1 << 14, readChunk: 1024, maxBlock: 1024))
        let seen = Shared(0)
        let task = Task {
            for try await _ in pipeline.outputs { seen.withLock { $0 += 1 } }
        }
        let deadline = ContinuousClock.now + .seconds(30)
        while seen.value < 10, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(1)) }
        #expect(seen.value >= 10)
        task.cancel()
        _ = await task.result
        #expect(await stopped(pipeline))
        #expect(pipeline.ring.isCancelled)
    }

    @Test func itemsStayWholeAndAlignedAcrossWrapsAndGaps() async throws {
        // Drop-newest with a slow chain: gaps of any length; cu8 pairs must stay aligned to the stream.
        let drops = Shared<[SampleRing.DropEvent]>([])
        var chain = CheckingChain()
        chain.itemSize = 2
        chain.sleepMicroseconds = 200
        let total = 4_000_001
        let pipeline = try SamplePipeline(
            source: PatternSource(total: total, maxRead: 3_001),
            chain: chain,
            configuration: .init(
                ringCapacity: 1 << 13, overrun: .dropNewest, readChunk: 3_001, maxBlock: 1_001,
                onDrop: { gap in drops.withLock { $0.append(gap) } }))
        let events = try await collect(pipeline)
        let stats = pipeline.statistics
        #expect(stats.bytesIn == total)
        #expect(stats.bytesDropped > 0, "the slow chain should overrun the ring")

        var gaps = 0
        var gapBytes = 0
        var decoded = 0
        var lastEnd = 0
        for event in events {
            switch event {
            case .block(let offset, let count, let valid):
                #expect(valid, "block at \(offset) (\(count) bytes)")
                #expect(offset >= lastEnd)
                lastEnd = offset + count
                decoded += count
            case .gap(let offset, let count):
                #expect(offset >= lastEnd)
                gaps += 1
                gapBytes += count
            }
        }
        #expect(gaps == drops.value.count)
        #expect(gaps == stats.dropEvents)
        #expect(gapBytes == stats.bytesDropped)
        // Whole items only: what was stored minus the odd bytes cut at gaps and at the end.
        let stored = stats.bytesIn - stats.bytesDropped
        #expect(decoded <= stored && decoded >= stored - 2 * (gaps + 1))
    }

    @Test func cu8ToFloatChainSeesEvenBlocks() async throws {
        let data = streamBytes(0..<1_000_001)
        let file = try TempFile(data)
        defer { file.remove() }
        let pipeline = try SamplePipeline(
            source: try FileSampleSource(path: file.path), chain: CU8ToFloatChain(),
            configuration: .init(ringCapacity: 1 << 12, readChunk: 777, maxBlock: 333))
        let counts = try await collect(pipeline)
        #expect(counts.reduce(0, +) == 500_000)  // the odd last byte is not a sample
    }

    @Test func invalidRingCapacityIsAConfigurationError() throws {
        #expect(throws: PipelineError.self) {
            _ = try SamplePipeline(
                source: EndlessSource(), chain: CRCChain(), configuration: .init(ringCapacity: 1000))
        }
    }
}

/// Emits one output per block (for the cancellation test).
struct CRCChainEmittingBlocks: DecodeChain {
    mutating func process(_ block: UnsafeRawBufferPointer, streamOffset: Int, into outputs: inout [Int]) {
        outputs.append(block.count)
    }
}
