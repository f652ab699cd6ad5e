import Foundation
import Testing
import TelemetryDecode

@Suite struct SampleRingTests {
    // MARK: - Helpers

    @discardableResult
    func write(_ ring: SampleRing, _ bytes: [UInt8]) throws -> Int {
        try bytes.withUnsafeBytes { try ring.write($0) }
    }

    func bytes(_ region: SampleRing.ReadRegion) -> [UInt8] { Array(region.first) + Array(region.second) }

    /// The next `.data` region, or a recorded failure.
    func nextData(_ ring: SampleRing, sourceLocation: SourceLocation = #_sourceLocation) -> SampleRing.ReadRegion? {
        switch ring.read(timeout: .zero) {
        case .data(let r): return r
        case let other:
            Issue.record("expected data, got \(other)", sourceLocation: sourceLocation)
            return nil
        }
    }

    static func chunkSize(_ rng: inout SplitMix64, remaining: Int) -> Int {
        let r = rng.next()
        let v = Int(truncatingIfNeeded: r >> 8)
        let size = switch r % 4 {
        case 0: 1 + v % 64
        case 1, 2: 1 + v % 65_536
        default: 65_536 + v % 196_608
        }
        return Swift.min(size, remaining)
    }


    /// The consumer of the stress tests: checks every region's bytes and offset against the pattern and
    /// every gap's place, releasing sometimes part of a region and stalling every `stallEvery` reads
    /// (so that the producer overruns or fills the ring); cancels the ring when done.
    static func verifyingConsumer(
        _ ring: SampleRing, _ pattern: TestPattern, failures: Shared<[String]>, received: Shared<Int>,
        gaps consumerDrops: Shared<[(offset: Int, count: Int)]>, seed: UInt64 = 4, stallEvery: Int = 37
    ) -> @Sendable () -> Void {
        return {
            var rng = SplitMix64(seed: seed)
            var offset = 0
            var stored = 0
            var gaps: [(offset: Int, count: Int)] = []
            var op = 0
            loop: while true {
                op += 1
                switch ring.read(timeout: .seconds(60)) {
                case .data(let region):
                    guard region.streamOffset == offset else {
                        failures.withLock { $0.append("region at \(region.streamOffset), expected \(offset)") }
                        break loop
                    }
                    let n = rng.next() % 4 == 0 ? 1 + Int(rng.next() % UInt64(region.count)) : region.count
                    let a = Swift.min(n, region.first.count)
                    let ok = pattern.matches(UnsafeRawBufferPointer(rebasing: region.first[..<a]), at: offset)
                        && pattern.matches(UnsafeRawBufferPointer(rebasing: region.second[..<(n - a)]), at: offset + a)
                    guard ok else {
                        failures.withLock { $0.append("wrong bytes in [\(offset), \(offset + n))") }
                        break loop
                    }
                    ring.release(n)
                    offset += n
                    stored += n
                case .dropped(let gap):
                    guard gap.streamOffset == offset, gap.count > 0 else {
                        failures.withLock { $0.append("\(gap), expected at \(offset)") }
                        break loop
                    }
                    gaps.append((gap.streamOffset, gap.count))
                    offset += gap.count
                case .endOfStream:
                    break loop
                case .timedOut:
                    failures.withLock { $0.append("consumer timed out at \(offset)") }
                    break loop
                }
                if op % stallEvery == 0 { usleep(200) }
            }
            received.withLock { $0 = stored }
            consumerDrops.withLock { $0 = gaps }
            ring.cancel()
        }
    }

    /// Every byte offered is either received or in a gap, and both sides saw the same gaps.
    static func checkDropAccounting(
        _ ring: SampleRing, total: Int, received: Int, producerDrops: [(offset: Int, count: Int)],
        consumerDrops: [(offset: Int, count: Int)]
    ) {
        let stats = ring.statistics
        #expect(stats.bytesIn == total)
        #expect(stats.bytesDropped > 0, "the test should overrun the ring")
        #expect(received == stats.bytesIn - stats.bytesDropped)
        #expect(stats.bytesOut == received)
        let fromConsumer = consumerDrops
        #expect(fromConsumer.count == stats.dropEvents)
        #expect(fromConsumer.reduce(0) { $0 + $1.count } == stats.bytesDropped)
        let expected = mergedRuns(producerDrops)
        let seen = mergedRuns(fromConsumer)
        #expect(expected.count == seen.count)
        #expect(zip(expected, seen).allSatisfy { $0.offset == $1.offset && $0.count == $1.count })
    }

    // MARK: - Unit tests

    @Test(arguments: [0, 1, 3, 12, 1000, -8])
    func rejectsCapacityThatIsNotAPowerOfTwo(_ capacity: Int) {
        #expect(throws: SampleRingError.invalidCapacity(capacity)) {
            _ = try SampleRing(capacity: capacity, policy: .dropNewest)
        }
    }

    @Test func capacityForABufferIsTheNextPowerOfTwo() throws {
        #expect(SampleRing.capacity(holding: 4_800_000) == 1 << 23)
        #expect(SampleRing.capacity(holding: 1 << 20) == 1 << 20)
        #expect(SampleRing.capacity(holding: 100, minimum: 1 << 20) == 1 << 20)
        #expect(SampleRing.capacity(holding: 0) == 2)
        _ = try SampleRing(capacity: SampleRing.capacity(holding: 12_345), policy: .dropNewest)
    }

    @Test func wrapAroundSplitsBothRegions() throws {
        let ring = try SampleRing(capacity: 16, policy: .block())
        #expect(try write(ring, Array(0..<10)) == 10)
        let r1 = try #require(nextData(ring))
        #expect(bytes(r1) == Array(0..<10))
        #expect(r1.streamOffset == 0)
        ring.release(10)

        // Head and tail are at 10: the free space wraps (6 to the end, 10 from the start).
        let w = try ring.writableRegion()
        #expect(w.first.count == 6)
        #expect(w.second.count == 10)
        #expect(w.count == 16)
        let payload: [UInt8] = Array(100..<112)
        #expect(payload.withUnsafeBytes { w.copy(from: $0) } == 12)
        ring.commit(12)

        let r2 = try #require(nextData(ring))
        #expect(r2.first.count == 6)
        #expect(r2.second.count == 6)
        #expect(r2.streamOffset == 10)
        #expect(bytes(r2) == payload)
        var out = [UInt8](repeating: 0, count: 12)
        #expect(out.withUnsafeMutableBytes { r2.copy(to: $0) } == 12)
        #expect(out == payload)
        ring.release(12)
        #expect(ring.statistics == .init(bytesIn: 22, bytesOut: 22, bytesDropped: 0, dropEvents: 0, highWaterMark: 12))
    }

    @Test func partialReleaseKeepsTheRestAndSeveralCommitsFillOneRegion() throws {
        let ring = try SampleRing(capacity: 8, policy: .block())
        let w = try ring.writableRegion(minimum: 8)
        #expect(w.count == 8)
        for i in 0..<5 { w.first[i] = UInt8(i + 1) }
        ring.commit(2)
        ring.commit(3)
        let r = try #require(nextData(ring))
        #expect(bytes(r) == [1, 2, 3, 4, 5])
        ring.release(2)
        let again = try #require(nextData(ring))
        #expect(again.streamOffset == 2)
        #expect(bytes(again) == [3, 4, 5])
        // Writing more wraps: 3 free at the end, 2 freed at the start.
        #expect(try write(ring, [6, 7, 8, 9, 10]) == 5)
        let all = try #require(nextData(ring))
        #expect(bytes(all) == [3, 4, 5, 6, 7, 8, 9, 10])
        #expect(all.first.count == 6 && all.second.count == 2)
        ring.release(8)
        #expect(ring.highWaterMark == 8)
    }

    @Test func closedRingDrainsThenReportsEndOfStream() throws {
        let ring = try SampleRing(capacity: 16, policy: .block())
        try write(ring, [1, 2, 3])
        ring.close()
        #expect(ring.isClosed)
        #expect(throws: SampleRingError.closed) { try ring.writableRegion() }
        #expect(throws: SampleRingError.closed) { try self.write(ring, [4]) }
        let r = try #require(nextData(ring))
        #expect(bytes(r) == [1, 2, 3])
        ring.release(3)
        guard case .endOfStream = ring.read(timeout: .seconds(5)) else {
            Issue.record("expected end of stream")
            return
        }
        // Stays at end of stream.
        guard case .endOfStream = ring.read() else {
            Issue.record("expected end of stream again")
            return
        }
    }

    @Test func cancelStopsBothSidesWithoutDraining() throws {
        let ring = try SampleRing(capacity: 16, policy: .block())
        try write(ring, [1, 2, 3])
        ring.cancel()
        #expect(ring.isCancelled)
        guard case .endOfStream = ring.read(timeout: .zero) else {
            Issue.record("cancelled ring should end at once")
            return
        }
        #expect(throws: SampleRingError.closed) { try ring.writableRegion() }
    }

    @Test func blockModeProducerTimesOut() throws {
        let ring = try SampleRing(capacity: 16, policy: .block(timeout: .milliseconds(50)))
        #expect(try write(ring, Array(repeating: 7, count: 16)) == 16)
        let clock = ContinuousClock()
        let start = clock.now
        #expect(throws: SampleRingError.timedOut(bytesWritten: 0)) { try self.write(ring, [1]) }
        #expect(clock.now - start >= .milliseconds(45))

        // A write larger than the free space commits what fits, then times out saying how much.
        let r = try #require(nextData(ring))
        ring.release(r.count)
        #expect(throws: SampleRingError.timedOut(bytesWritten: 16)) {
            try self.write(ring, Array(repeating: 9, count: 20))
        }
        #expect(ring.bytesIn == 32)
        #expect(ring.bytesDropped == 0)
    }

    @Test func consumerReadTimesOutAndPolls() throws {
        let ring = try SampleRing(capacity: 16, policy: .dropNewest)
        guard case .timedOut = ring.read(timeout: .zero) else {
            Issue.record("poll of an empty ring should time out")
            return
        }
        let clock = ContinuousClock()
        let start = clock.now
        guard case .timedOut = ring.read(timeout: .milliseconds(30)) else {
            Issue.record("read of an empty ring should time out")
            return
        }
        #expect(clock.now - start >= .milliseconds(25))
    }

    @Test func dropNewestCountsExactlyAndReportsTheGapInPlace() throws {
        let ring = try SampleRing(capacity: 16, policy: .dropNewest)
        #expect(try write(ring, Array(0..<10)) == 10)
        #expect(try write(ring, Array(10..<20)) == 6)  // 16...19 dropped
        #expect(try write(ring, Array(20..<25)) == 0)  // 20...24 dropped: same gap, merged
        #expect(ring.bytesDropped == 9)
        #expect(ring.bytesIn == 25)

        let r = try #require(nextData(ring))
        #expect(bytes(r) == Array(0..<16))
        ring.release(16)
        guard case .dropped(let gap) = ring.read(timeout: .zero) else {
            Issue.record("expected the drop event")
            return
        }
        #expect(gap.streamOffset == 16)
        #expect(gap.count == 9)

        #expect(try write(ring, [25, 26, 27]) == 3)
        ring.recordDrop(4)  // e.g. a lost USB transfer: 28...31
        #expect(try write(ring, [32]) == 1)
        let r2 = try #require(nextData(ring))
        #expect(r2.streamOffset == 25)
        #expect(bytes(r2) == [25, 26, 27])  // stops at the next gap
        ring.release(3)
        guard case .dropped(let gap2) = ring.read(timeout: .zero) else {
            Issue.record("expected the second drop event")
            return
        }
        #expect(gap2.streamOffset == 28 && gap2.count == 4)
        let r3 = try #require(nextData(ring))
        #expect(r3.streamOffset == 32 && bytes(r3) == [32])
        ring.release(1)
        #expect(ring.statistics == .init(bytesIn: 33, bytesOut: 20, bytesDropped: 13, dropEvents: 2, highWaterMark: 16))
    }

    @Test func dropAfterTheLastByteIsReportedBeforeEndOfStream() throws {
        let ring = try SampleRing(capacity: 4, policy: .dropNewest)
        #expect(try write(ring, [1, 2, 3, 4, 5, 6]) == 4)
        ring.close()
        let r = try #require(nextData(ring))
        ring.release(r.count)
        guard case .dropped(let gap) = ring.read(), gap.streamOffset == 4, gap.count == 2 else {
            Issue.record("expected the trailing gap")
            return
        }
        guard case .endOfStream = ring.read() else {
            Issue.record("expected end of stream")
            return
        }
    }

    /// Slots filled in place (USB transfers): short fills and the end of the storage become padding the
    /// consumer never sees; a full ring refuses the slot, and what the producer then drops shows in place.
    @Test func reservationsFillInPlaceAndLeavePaddingUnseen() throws {
        let ring = try SampleRing(capacity: 16, policy: .dropNewest)
        let a = try #require(try ring.reserve(6))
        let b = try #require(try ring.reserve(6))
        #expect(try ring.reserve(6) == nil)  // 12 + 4 padding + 6 > 16
        if case .timedOut = ring.read(timeout: .zero) {} else { Issue.record("nothing was completed yet") }
        a.buffer.copyBytes(from: Array(0..<6) as [UInt8])
        b.buffer.copyBytes(from: Array(6..<10) as [UInt8])
        ring.complete(a, filled: 6)
        ring.complete(b, filled: 4)  // a short transfer: 2 bytes of padding
        let r1 = try #require(nextData(ring))
        #expect(bytes(r1) == Array(0..<10) && r1.streamOffset == 0)
        ring.release(10)

        ring.recordDrop(5)  // a transfer that found no room: 10...14 lost
        let c = try #require(try ring.reserve(6))  // 4 bytes padding to the end, slot at storage 0
        #expect(c.buffer.baseAddress == a.buffer.baseAddress)
        let late = try #require(try ring.reserve(4))
        ring.unreserve(late)  // its transfer could not be submitted: the space is free again
        let d = try #require(try ring.reserve(4))
        #expect(d.buffer.baseAddress == late.buffer.baseAddress)
        c.buffer.copyBytes(from: Array(15..<21) as [UInt8])
        ring.complete(c, filled: 6)
        ring.complete(d, filled: 0)  // failed transfer: the whole slot is padding
        guard case .dropped(let gap) = ring.read(timeout: .zero) else {
            Issue.record("expected the drop event")
            return
        }
        #expect(gap.streamOffset == 10 && gap.count == 5)
        let r2 = try #require(nextData(ring))
        #expect(bytes(r2) == Array(15..<21) && r2.streamOffset == 15)
        ring.release(6)
        ring.close()
        guard case .endOfStream = ring.read(timeout: .zero) else {
            Issue.record("expected end of stream after the trailing padding")
            return
        }
        #expect(ring.statistics == .init(bytesIn: 21, bytesOut: 16, bytesDropped: 5, dropEvents: 1, highWaterMark: 16))
    }

    @Test func parkedConsumerIsWokenByCommitAndParkedProducerByRelease() async throws {
        let ring = try SampleRing(capacity: 64, policy: .block())
        let log = Shared<[String]>([])
        let ok = await runOnThreads(timeout: .seconds(30), onTimeout: { ring.cancel() }, [
            {
                // Consumer: parks on the empty ring, then again while the producer is slow.
                var total = 0
                while true {
                    switch ring.read() {
                    case .data(let r):
                        total += r.count
                        ring.release(r.count)
                        if total == 64 { usleep(50_000) }  // let the producer park on a full ring
                    case .endOfStream:
                        log.withLock { $0.append("consumer got \(total)") }
                        return
                    case .dropped, .timedOut:
                        log.withLock { $0.append("unexpected") }
                        return
                    }
                }
            },
            {
                usleep(50_000)  // the consumer parks first
                do {
                    try Array(repeating: UInt8(1), count: 64).withUnsafeBytes { _ = try ring.write($0) }
                    try Array(repeating: UInt8(2), count: 64).withUnsafeBytes { _ = try ring.write($0) }
                    try Array(repeating: UInt8(3), count: 64).withUnsafeBytes { _ = try ring.write($0) }
                } catch {
                    log.withLock { $0.append("producer: \(error)") }
                }
                ring.close()
            },
        ])
        #expect(ok)
        #expect(log.value == ["consumer got 192"])
    }

    @Test func cancelWakesParkedProducerAndConsumer() async throws {
        let full = try SampleRing(capacity: 8, policy: .block())
        let empty = try SampleRing(capacity: 8, policy: .block())
        let outcomes = Shared<[String]>([])
        let ok = await runOnThreads(timeout: .seconds(30), onTimeout: { full.cancel(); empty.cancel() }, [
            {
                do {
                    try [UInt8](repeating: 0, count: 9).withUnsafeBytes { _ = try full.write($0) }
                    outcomes.withLock { $0.append("producer returned") }
                } catch {
                    outcomes.withLock { $0.append("producer: \(error)") }
                }
            },
            {
                if case .endOfStream = empty.read() { outcomes.withLock { $0.append("consumer: end") } }
            },
            {
                usleep(100_000)
                full.cancel()
                empty.cancel()
            },
        ])
        #expect(ok)
        #expect(Set(outcomes.value) == ["producer: \(SampleRingError.closed)", "consumer: end"])
    }

    // MARK: - Multi-threaded stress

    /// 10^8 bytes of a known sequence through a 1 MiB ring in random chunks, copy and zero-copy writes,
    /// partial releases and occasional stalls on both sides: every byte arrives, in order, none lost.
    @Test func blockingStressDeliversEveryByte() async throws {
        let total = 100_000_007
        let pattern = TestPattern()
        let ring = try SampleRing(capacity: 1 << 20, policy: .block(timeout: .seconds(60)))
        let failures = Shared<[String]>([])
        let received = Shared(0)

        let producer: @Sendable () -> Void = {
            var rng = SplitMix64(seed: 1)
            var offset = 0
            var op = 0
            do {
                while offset < total {
                    op += 1
                    let size = Self.chunkSize(&rng, remaining: total - offset)
                    if rng.next() & 1 == 0 {
                        offset += try ring.write(pattern.slice(at: offset, count: size))
                    } else {
                        let region = try ring.writableRegion(minimum: size)
                        let n = Swift.min(size, region.count)
                        _ = region.copy(from: pattern.slice(at: offset, count: n))
                        let firstPart = Int(rng.next() % UInt64(n + 1))
                        ring.commit(firstPart)
                        ring.commit(n - firstPart)
                        offset += n
                    }
                    if op % 97 == 0 { usleep(300) }  // the consumer catches up and parks
                }
            } catch {
                failures.withLock { $0.append("producer at \(offset): \(error)") }
            }
            ring.close()
        }
        let gaps = Shared<[(offset: Int, count: Int)]>([])
        let consumer = Self.verifyingConsumer(ring, pattern, failures: failures, received: received, gaps: gaps, seed: 2, stallEvery: 89)

        let finished = await runOnThreads(timeout: .seconds(120), onTimeout: { ring.cancel() }, [producer, consumer])
        #expect(finished, "stress test timed out")
        #expect(failures.value == [])
        #expect(gaps.value.isEmpty, "block mode dropped bytes")
        #expect(received.value == total)
        let stats = ring.statistics
        #expect(stats.bytesIn == total)
        #expect(stats.bytesOut == total)
        #expect(stats.bytesDropped == 0)
        #expect(stats.dropEvents == 0)
        #expect(stats.highWaterMark > 0 && stats.highWaterMark <= 1 << 20)
    }

    /// Drop-newest under overload: 10^8 bytes offered to a 256 KiB ring whose consumer stalls now and
    /// then. The consumer sees exactly bytesIn − bytesDropped bytes, each contiguous segment matching the
    /// known sequence at its stream offset, and gaps exactly where the producer dropped.
    @Test func dropNewestStressAccountsForEveryByte() async throws {
        let total = 100_000_007
        let pattern = TestPattern()
        let ring = try SampleRing(capacity: 1 << 18, policy: .dropNewest)
        let failures = Shared<[String]>([])
        let producerDrops = Shared<[(offset: Int, count: Int)]>([])
        let consumerDrops = Shared<[(offset: Int, count: Int)]>([])
        let received = Shared(0)

        let producer: @Sendable () -> Void = {
            var rng = SplitMix64(seed: 3)
            var offset = 0
            var drops: [(offset: Int, count: Int)] = []
            var op = 0
            do {
                while offset < total {
                    op += 1
                    let size = Self.chunkSize(&rng, remaining: total - offset)
                    let stored: Int
                    switch rng.next() % 3 {
                    case 0:
                        stored = try ring.write(pattern.slice(at: offset, count: size))
                    case 1:
                        let region = try ring.writableRegion(minimum: size)  // never waits in drop mode
                        stored = region.copy(from: pattern.slice(at: offset, count: size))
                        ring.commit(stored)
                        ring.recordDrop(size - stored)
                    default:
                        stored = 0  // a transfer lost before it reached the ring
                        ring.recordDrop(size)
                    }
                    if stored < size { drops.append((offset + stored, size - stored)) }
                    offset += size
                    if op % 61 == 0 { usleep(300) }  // the consumer drains and parks
                }
            } catch {
                failures.withLock { $0.append("producer: \(error)") }
            }
            producerDrops.withLock { $0 = drops }
            ring.close()
        }
        let consumer = Self.verifyingConsumer(ring, pattern, failures: failures, received: received, gaps: consumerDrops)

        let finished = await runOnThreads(timeout: .seconds(120), onTimeout: { ring.cancel() }, [producer, consumer])
        #expect(finished, "stress test timed out")
        #expect(failures.value == [])
        Self.checkDropAccounting(ring, total: total, received: received.value, producerDrops: producerDrops.value, consumerDrops: consumerDrops.value)
    }

    /// The USB pattern under load: up to 15 slots in flight, completed in order, some short or failed,
    /// and transfers that found the ring full dropped in their place; every byte and gap is checked.
    @Test func reservationStressAccountsForEveryByte() async throws {
        let total = 60_000_011
        let pattern = TestPattern()
        let ring = try SampleRing(capacity: 1 << 18, policy: .dropNewest)
        let failures = Shared<[String]>([])
        let producerDrops = Shared<[(offset: Int, count: Int)]>([])
        let consumerDrops = Shared<[(offset: Int, count: Int)]>([])
        let received = Shared(0)
        let offeredTotal = Shared(0)

        let producer: @Sendable () -> Void = {
            var rng = SplitMix64(seed: 5)
            var offered = 0, offset = 0, op = 0
            var drops: [(offset: Int, count: Int)] = []
            var inFlight: [(slot: SampleRing.Reservation?, size: Int)] = []  // in submission order
            do {
                while offered < total || !inFlight.isEmpty {
                    op += 1
                    if offered < total && inFlight.count < 15 && rng.next() % 2 == 0 {
                        let size = Swift.min(Self.chunkSize(&rng, remaining: total - offered), ring.capacity / 4)
                        inFlight.append((try ring.reserve(size), size))
                        offered += size
                        continue
                    }
                    guard !inFlight.isEmpty else { continue }
                    let (slot, size) = inFlight.removeFirst()
                    if let slot {
                        let filled = switch rng.next() % 8 { case 0: Int(rng.next() % UInt64(size + 1)); default: size }
                        slot.buffer.copyMemory(from: pattern.slice(at: offset, count: filled))
                        ring.complete(slot, filled: filled)
                        offset += filled
                    } else {
                        ring.recordDrop(size)
                        drops.append((offset, size))
                        offset += size
                    }
                    if op % 61 == 0 { usleep(300) }
                }
            } catch {
                failures.withLock { $0.append("producer: \(error)") }
            }
            producerDrops.withLock { $0 = drops }
            offeredTotal.withLock { $0 = offset }
            ring.close()
        }
        let consumer = Self.verifyingConsumer(ring, pattern, failures: failures, received: received, gaps: consumerDrops)

        let finished = await runOnThreads(timeout: .seconds(120), onTimeout: { ring.cancel() }, [producer, consumer])
        #expect(finished, "stress test timed out")
        #expect(failures.value == [])
        Self.checkDropAccounting(ring, total: offeredTotal.value, received: received.value, producerDrops: producerDrops.value, consumerDrops: consumerDrops.value)
    }

    /// A completed slot posts its padding before it publishes the head past it, so a consumer could skip
    /// padding the head does not yet cover; it must then wait, not read a region of negative length (this
    /// crashed a CI run under TSan). Small slots on a small ring, most of them empty or short, and a
    /// consumer that seldom stalls, make that window common.
    @Test func paddingPostedBeforeTheHeadIsWaitedFor() async throws {
        let slots = 3_000_000
        let pattern = TestPattern()
        let ring = try SampleRing(capacity: 1 << 12, policy: .dropNewest)
        let failures = Shared<[String]>([])
        let producerDrops = Shared<[(offset: Int, count: Int)]>([])
        let consumerDrops = Shared<[(offset: Int, count: Int)]>([])
        let received = Shared(0)
        let offeredTotal = Shared(0)

        let producer: @Sendable () -> Void = {
            var rng = SplitMix64(seed: 7)
            var offset = 0
            var drops: [(offset: Int, count: Int)] = []
            do {
                for _ in 0..<slots {
                    let size = 1 + Int(rng.next() % 1_500)
                    guard let slot = try ring.reserve(size) else {
                        ring.recordDrop(size)
                        drops.append((offset, size))
                        offset += size
                        continue
                    }
                    let filled = switch rng.next() % 3 { case 0: 0; case 1: Int(rng.next() % UInt64(size)); default: size }
                    slot.buffer.copyMemory(from: pattern.slice(at: offset, count: filled))
                    ring.complete(slot, filled: filled)
                    offset += filled
                }
            } catch {
                failures.withLock { $0.append("producer: \(error)") }
            }
            producerDrops.withLock { $0 = drops }
            offeredTotal.withLock { $0 = offset }
            ring.close()
        }
        let consumer = Self.verifyingConsumer(ring, pattern, failures: failures, received: received, gaps: consumerDrops, stallEvery: 997)

        let finished = await runOnThreads(timeout: .seconds(120), onTimeout: { ring.cancel() }, [producer, consumer])
        #expect(finished, "stress test timed out")
        #expect(failures.value == [])
        Self.checkDropAccounting(ring, total: offeredTotal.value, received: received.value, producerDrops: producerDrops.value, consumerDrops: consumerDrops.value)
    }
}
