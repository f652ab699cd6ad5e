import Testing
import TelemetryDecode
import TestSupport

@Suite(.computeThreads) struct SyncMarkerSearchTests {
    typealias F = CCSDSFixtures

    /// A stream of `prefix` random bits, then frames (marker + payload) back to back, then `suffix` bits.
    struct Stream {
        var bits: [UInt8] = []
        var markerPositions: [Int] = []
        var payloads: [[UInt8]] = []
    }

    static func stream(
        marker: SyncMarker = .ccsds, frameBits: Int, frames: Int, prefix: Int, suffix: Int = 100,
        errors: (Int) -> Int = { _ in 0 }, inverted: (Int) -> Bool = { _ in false }, seed: UInt64
    ) -> Stream {
        var rng = SplitMix64(seed: seed)
        var s = Stream()
        s.bits = F.randomBits(prefix, &rng)
        for k in 0..<frames {
            s.markerPositions.append(s.bits.count)
            let payload = F.randomBits(frameBits, &rng)
            s.payloads.append(payload)
            s.bits += F.markerBits(marker, errors: errors(k), inverted: inverted(k), &rng)
            s.bits += inverted(k) ? payload.map { $0 ^ 1 } : payload
        }
        s.bits += F.randomBits(suffix, &rng)
        return s
    }

    @Test func findsMarkersAtKnownPositionsWithBitErrors() throws {
        let s = Self.stream(frameBits: 512, frames: 6, prefix: 1003, errors: { $0 % 5 }, seed: 1)
        let (frames, stats) = try F.run(.init(frameBits: 512), s.bits, chunk: 0)
        #expect(frames.map(\.markerPosition) == s.markerPositions)
        #expect(frames.map(\.symbols) == s.payloads)
        #expect(frames.map(\.markerErrors) == [0, 1, 2, 3, 4, 0])
        #expect(frames.allSatisfy { !$0.inverted })
        #expect(frames.first?.acquisition == .search)
        #expect(frames.dropFirst().allSatisfy { $0.acquisition == .grid })
        #expect(stats.searchHits == 1 && stats.gridHits == 5)
    }

    @Test(arguments: 0...7) func searchAllowanceDecidesAcquisition(errors: Int) throws {
        let s = Self.stream(frameBits: 256, frames: 1, prefix: 500, errors: { _ in errors }, seed: 100 + UInt64(errors))
        let (frames, _) = try F.run(.init(frameBits: 256, searchErrors: 4), s.bits, chunk: 0)
        let hit = frames.first { $0.markerPosition == s.markerPositions[0] }
        #expect((hit != nil) == (errors <= 4), "\(errors) errors")
        if let hit { #expect(hit.symbols == s.payloads[0] && hit.markerErrors == errors) }
    }

    @Test func invertedPolarityIsDetectedAndUndone() throws {
        // Every frame inverted: the whole stream as a BPSK receiver locked 180° off would see it.
        let s = Self.stream(frameBits: 300, frames: 4, prefix: 77, errors: { $0 }, inverted: { _ in true }, seed: 2)
        let (frames, _) = try F.run(.init(frameBits: 300), s.bits, chunk: 0)
        #expect(frames.map(\.markerPosition) == s.markerPositions)
        #expect(frames.allSatisfy { $0.inverted })
        #expect(frames.map(\.symbols) == s.payloads)

        // A phase flip in the middle of a locked stream is followed at the grid.
        let m = Self.stream(frameBits: 300, frames: 6, prefix: 10, inverted: { $0 >= 3 }, seed: 3)
        let (mixed, _) = try F.run(.init(frameBits: 300), m.bits, chunk: 0)
        #expect(mixed.map(\.inverted) == [false, false, false, true, true, true])
        #expect(mixed.map(\.symbols) == m.payloads)
        #expect(mixed.dropFirst().allSatisfy { $0.acquisition == .grid })

        // With detection off, the complemented marker is not a match.
        let (none, _) = try F.run(.init(frameBits: 300, detectInverted: false), s.bits, chunk: 0)
        #expect(none.isEmpty)
    }

    @Test func softSymbolsWithErasures() throws {
        var rng = SplitMix64(seed: 4)
        let s = Self.stream(frameBits: 400, frames: 5, prefix: 333, errors: { $0 == 0 ? 2 : 1 }, inverted: { $0 % 2 == 1 }, seed: 5)
        var soft = F.soft(s.bits, &rng)
        // Two erasures in the first marker: 2 errors + 2 erasures = 4, still within the search allowance.
        soft[s.markerPositions[0] + 3] = 128
        soft[s.markerPositions[0] + 20] = 128
        let (frames, _) = try F.run(.init(frameBits: 400, input: .softSymbols), soft, chunk: 0)
        #expect(frames.map(\.markerPosition) == s.markerPositions)
        #expect(frames.map(\.inverted) == [false, true, false, true, false])
        #expect(frames[0].markerErrors == 4)
        for (f, payload) in zip(frames, s.payloads) {
            #expect(f.input == .softSymbols)
            #expect(f.packedBytes() == SyncMarkerSearch.pack(payload, input: .hardBits))
            // Inverted soft symbols are mirrored about 128, not merely hard-decided.
            #expect(f.symbols.allSatisfy { $0 != 128 })
        }
        // Erasures beyond the allowance prevent the search hit.
        var erased = soft
        for i in 0..<5 { erased[s.markerPositions[0] + i] = 128 }
        let (fewer, _) = try F.run(.init(frameBits: 400, input: .softSymbols), erased, chunk: 0)
        #expect(!fewer.contains { $0.markerPosition == s.markerPositions[0] })
    }

    @Test func chunkingDoesNotChangeTheOutput() throws {
        var rng = SplitMix64(seed: 6)
        let s = Self.stream(frameBits: 333, frames: 8, prefix: 5000, errors: { $0 % 4 }, inverted: { $0 >= 5 }, seed: 7)
        var bits = s.bits
        bits.insert(1, at: s.markerPositions[4] - 10)  // a bit slip: forces a relock
        let soft = F.soft(bits, &rng)
        for (input, kind) in [(bits, SyncMarkerSearch.InputKind.hardBits), (soft, .softSymbols)] {
            let config = SyncMarkerSearch.Configuration(frameBits: 333, input: kind)
            let whole = try F.run(config, input, chunk: 0)
            #expect(whole.frames.count >= 7)
            for chunk in [1, 7, 64, 1000] {
                let c = try F.run(config, input, chunk: chunk)
                #expect(c.frames == whole.frames, "chunk \(chunk)")
                #expect(c.stats == whole.stats, "chunk \(chunk)")
            }
            // Random chunk sizes too.
            var search = try SyncMarkerSearch(config)
            var out: [SyncMarkerSearch.SyncedFrame] = []
            var i = 0
            while i < input.count {
                let n = Int.random(in: 0...97, using: &rng)
                search.process(input[i..<min(i + n, input.count)], into: &out)
                i += n
            }
            #expect(out == whole.frames)
        }
    }

    @Test func randomGarbageGivesFewFalseLocks() throws {
        var rng = SplitMix64(seed: 8)
        let garbage = F.randomBits(400_000, &rng)
        // P(≤ 4 errors of 32) = 41449 / 2^32 per polarity and position: ~7.7 expected hits here.
        let (_, stats) = try F.run(.init(frameBits: 8 * 223), garbage, chunk: 0)
        #expect(stats.searchHits <= 20, "\(stats.searchHits) false hits")
        // Tentative false locks must not be confirmed by the grid more than by chance (P ≈ 0.004 each).
        #expect(stats.gridHits <= 1)
        // An exact-match search expects 400000 × 2 / 2^32 ≈ 0.0002 hits.
        let (_, exact) = try F.run(.init(frameBits: 8 * 223, searchErrors: 0), garbage, chunk: 0)
        #expect(exact.searchHits == 0)
        // A 64-bit marker with the default 8-error allowance is even quieter.
        let long = try SyncMarker(pattern: 0x034776C7272895B0, bitCount: 64)
        let (_, longStats) = try F.run(.init(marker: long, frameBits: 1024), garbage, chunk: 0)
        #expect(longStats.searchHits == 0)
    }

    @Test func lockedModeFollowsTheGrid() throws {
        // Frame 2's marker has 7 errors: too many for search, fine for the locked grid.
        // Frames 4 and 5 have destroyed markers (16 errors): the flywheel keeps the grid,
        // so frame 6 is still taken at the grid.
        let errs = [0, 0, 7, 0, 16, 16, 0, 0]
        let s = Self.stream(frameBits: 640, frames: errs.count, prefix: 64, suffix: 0, errors: { errs[$0] }, seed: 9)
        var bits = s.bits
        // A fake marker inside frame 1's payload must be ignored once the lock is confirmed.
        let fakeAt = s.markerPositions[1] + 32 + 100
        bits.replaceSubrange(fakeAt..<(fakeAt + 32), with: SyncMarker.ccsds.bits)
        var search = try SyncMarkerSearch(.init(frameBits: 640))
        var frames: [SyncMarkerSearch.SyncedFrame] = []
        search.process(bits[..<s.markerPositions[4]], into: &frames)
        #expect(search.lockState == .locked)
        search.process(bits[s.markerPositions[4]..<s.markerPositions[6]], into: &frames)
        #expect(search.lockState == .flywheel(misses: 2))
        search.process(bits[s.markerPositions[6]...], into: &frames)
        #expect(search.lockState == .locked)
        #expect(frames.map(\.markerPosition) == [0, 1, 2, 3, 6, 7].map { s.markerPositions[$0] })
        #expect(frames.map(\.acquisition) == [.search, .grid, .grid, .grid, .grid, .grid])
        #expect(search.statistics.gridMisses == 2)

        // Three misses in a row exceed maxMisses = 2: the grid is dropped and the searcher relocks.
        let errs2 = [0, 0, 16, 16, 16, 0, 0]
        let t = Self.stream(frameBits: 640, frames: errs2.count, prefix: 64, suffix: 0, errors: { errs2[$0] }, seed: 10)
        let (relocked, stats) = try F.run(.init(frameBits: 640), t.bits, chunk: 0)
        #expect(relocked.map(\.markerPosition) == [0, 1, 5, 6].map { t.markerPositions[$0] })
        #expect(relocked.map(\.acquisition) == [.search, .grid, .search, .grid])
        #expect(stats.locksLost == 1)
    }

    @Test func bitSlipRelocksBySearch() throws {
        let s = Self.stream(frameBits: 500, frames: 6, prefix: 40, suffix: 0, seed: 11)
        var bits = s.bits
        bits.remove(at: s.markerPositions[3] - 50)  // one bit lost in frame 2's payload
        let (frames, stats) = try F.run(.init(frameBits: 500), bits, chunk: 0)
        // Frame 3's marker comes one bit early, before the grid expects it: that frame is lost,
        // the miss re-enables the search, and frame 4 relocks the new grid.
        let expected = [s.markerPositions[0], s.markerPositions[1], s.markerPositions[2],
                        s.markerPositions[4] - 1, s.markerPositions[5] - 1]
        #expect(frames.map(\.markerPosition) == expected)
        #expect(frames.map(\.acquisition) == [.search, .grid, .grid, .search, .grid])
        #expect(frames[3].symbols == s.payloads[4])
        #expect(stats.gridMisses == 2)  // the old grid misses at frames 3 and 4
    }

    @Test func configurableMarkers() throws {
        let m16 = try SyncMarker(pattern: 0xF0D8, bitCount: 16)
        let s = Self.stream(marker: m16, frameBits: 200, frames: 3, prefix: 90, errors: { $0 == 0 ? 2 : 0 }, seed: 12)
        let (frames, _) = try F.run(.init(marker: m16, frameBits: 200), s.bits, chunk: 3)
        // A 16-bit marker with 2 errors allowed also hits noise now and then (p ≈ 0.004 per position);
        // such a hit only opens an extra candidate grid and must not hide the real frames.
        let real = frames.filter { s.markerPositions.contains($0.markerPosition) }
        #expect(real.map(\.markerPosition) == s.markerPositions)
        #expect(real.map(\.symbols) == s.payloads)
        #expect(real.map(\.acquisition) == [.search, .grid, .grid])
        #expect(frames.count - real.count <= 2)
        // Exact matching only: no extra frames from the payloads here.
        let (exact, _) = try F.run(.init(marker: m16, frameBits: 200, searchErrors: 0, lockedErrors: 2), s.bits, chunk: 0)
        #expect(exact.map(\.markerPosition) == Array(s.markerPositions.dropFirst()))

        #expect(throws: CCSDSError.self) { try SyncMarker(pattern: 0xFF, bitCount: 8) }
        #expect(throws: CCSDSError.self) { try SyncMarker(pattern: 0x1_0000, bitCount: 16) }
        #expect(throws: CCSDSError.self) { try SyncMarkerSearch(.init(frameBits: 0)) }
        #expect(throws: CCSDSError.self) { try SyncMarkerSearch(.init(frameBits: 8, searchErrors: 16)) }
        #expect(SyncMarker.ccsds.description == "0x1ACFFC1D/32")
    }

    @Test func resetForgetsEverything() throws {
        let s = Self.stream(frameBits: 100, frames: 3, prefix: 5, seed: 13)
        var search = try SyncMarkerSearch(.init(frameBits: 100))
        let a = search.process(s.bits)
        search.reset()
        #expect(search.streamPosition == 0 && search.lockState == .searching)
        let b = search.process(s.bits)
        #expect(a == b && a.count == 3)
    }
}
