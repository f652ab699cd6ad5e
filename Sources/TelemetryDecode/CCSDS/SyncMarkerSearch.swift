/// Streaming attached-sync-marker search and frame-grid lock over hard bits or soft symbols.
///
/// Feed it chunks of any size (down to one symbol); it emits one `SyncedFrame` per accepted marker:
/// the marker's position in the stream, its polarity and the `frameBits` symbols that follow, with
/// inverted frames already turned back. The output does not depend on how the input was chunked, and
/// memory is bounded by `maxPendingFrames × frameBits` symbols.
///
/// States:
/// - *searching*: every symbol position is tested; a marker within `searchErrors` bit errors (either
///   polarity when `detectInverted`) is accepted, and its frame grid becomes a *candidate*: the next
///   marker is expected exactly `marker.bitCount + frameBits` symbols later. Several candidates (up
///   to `maxPendingFrames`) can be open at once, so a false hit in noise cannot hide a real marker.
/// - at a candidate's expected position the marker is tested with the larger `lockedErrors`
///   allowance: a hit confirms that grid (the *lock*) and drops the other candidates; a miss drops
///   the candidate. Once locked, off-grid positions are no longer searched. Grid positions accept
///   either polarity (with `detectInverted`), so a carrier phase flip between frames is followed.
/// - a locked grid survives up to `maxMisses` consecutive misses (searching meanwhile, so a slipped
///   stream relocks at the next marker), then is dropped.
///
/// Input conventions: hard bits are one bit per element (0, anything else = 1); soft symbols are
/// 0 = strong 0, 255 = strong 1, 128 = erasure. An erased symbol counts as one bit error against
/// both polarities of the marker.
public struct SyncMarkerSearch: Sendable {
    /// What one input element is.
    public enum InputKind: Sendable, Hashable {
        /// One hard bit per element: 0 or 1.
        case hardBits
        /// One 8-bit soft symbol per element: 0 = strong 0, 255 = strong 1, 128 = erasure.
        case softSymbols
    }

    public struct Configuration: Sendable, Hashable {
        public var marker: SyncMarker
        /// Symbols (bits) per frame following the marker; the grid period is `marker.bitCount + frameBits`.
        public var frameBits: Int
        public var input: InputKind
        /// Bit errors tolerated when searching (default: marker bits / 8, i.e. 4 of 32).
        public var searchErrors: Int
        /// Bit errors tolerated at the expected grid position (default: marker bits / 4, i.e. 8 of 32).
        public var lockedErrors: Int
        /// Also accept the complemented marker (BPSK phase ambiguity) and invert the frame that follows.
        public var detectInverted: Bool
        /// Consecutive grid misses a confirmed lock survives.
        public var maxMisses: Int
        /// Frames being collected at the same time (overlaps only arise from search hits); further hits are dropped.
        public var maxPendingFrames: Int

        public init(
            marker: SyncMarker = .ccsds, frameBits: Int, input: InputKind = .hardBits,
            searchErrors: Int? = nil, lockedErrors: Int? = nil, detectInverted: Bool = true,
            maxMisses: Int = 2, maxPendingFrames: Int = 4
        ) {
            self.marker = marker
            self.frameBits = frameBits
            self.input = input
            self.searchErrors = searchErrors ?? marker.bitCount / 8
            self.lockedErrors = lockedErrors ?? marker.bitCount / 4
            self.detectInverted = detectInverted
            self.maxMisses = maxMisses
            self.maxPendingFrames = maxPendingFrames
        }

        /// Distance between the starts of consecutive markers on the grid.
        public var period: Int { marker.bitCount + frameBits }

        public func validate() throws(CCSDSError) {
            let n = marker.bitCount
            guard (1...(1 << 24)).contains(frameBits) else {
                throw .invalidConfiguration(key: "frameBits", value: frameBits, reason: "must be 1...16777216")
            }
            // With inversion detection, an allowance of half the marker would match both polarities.
            let limit = detectInverted ? (n - 1) / 2 : n - 1
            guard (0...limit).contains(searchErrors) else {
                throw .invalidConfiguration(key: "searchErrors", value: searchErrors, reason: "must be 0...\(limit)")
            }
            guard (0...limit).contains(lockedErrors) else {
                throw .invalidConfiguration(key: "lockedErrors", value: lockedErrors, reason: "must be 0...\(limit)")
            }
            guard maxMisses >= 0 else {
                throw .invalidConfiguration(key: "maxMisses", value: maxMisses, reason: "must be >= 0")
            }
            guard maxPendingFrames >= 1 else {
                throw .invalidConfiguration(key: "maxPendingFrames", value: maxPendingFrames, reason: "must be >= 1")
            }
        }
    }

    /// How a frame's marker was accepted.
    public enum Acquisition: Sendable, Hashable {
        /// Found by searching (tolerance `searchErrors`).
        case search
        /// Found where the frame grid expected it (tolerance `lockedErrors`).
        case grid
    }

    /// A marker and the frame that follows it.
    public struct SyncedFrame: Sendable, Hashable {
        /// Stream index (in symbols since start or `reset()`) of the marker's first symbol.
        public var markerPosition: Int
        /// The complemented marker matched; `symbols` have been inverted back.
        public var inverted: Bool
        /// Bit errors (plus erasures) in the marker, in the accepted polarity.
        public var markerErrors: Int
        public var acquisition: Acquisition
        public var input: InputKind
        /// The `frameBits` symbols after the marker, polarity-corrected: hard bits are 0/1, soft symbols
        /// are mirrored about 128 when inverted.
        public var symbols: [UInt8]

        /// Hard decisions packed MSB first (soft: > 128 is 1, erasures become 0); a trailing partial
        /// byte is zero-padded.
        public func packedBytes() -> [UInt8] {
            SyncMarkerSearch.pack(symbols, input: input)
        }
    }

    /// Counters for monitoring.
    public struct Statistics: Sendable, Hashable {
        public var symbols = 0
        public var searchHits = 0
        public var gridHits = 0
        public var gridMisses = 0
        public var locksLost = 0
        /// Search hits ignored because `maxPendingFrames` frames were already being collected.
        public var overlappingFramesDropped = 0
    }

    /// Where the searcher stands, for display.
    public enum LockState: Sendable, Hashable {
        case searching
        /// Marker(s) found by search, no grid confirmed yet.
        case tentative
        case locked
        /// Confirmed lock with this many consecutive misses.
        case flywheel(misses: Int)
    }

    struct Lock: Sendable, Hashable {
        var nextMarkerPosition: Int
        var misses: Int
    }

    struct Pending: Sendable, Hashable {
        var frame: SyncedFrame
    }

    public let configuration: Configuration
    public private(set) var statistics = Statistics()
    /// Symbols consumed since start or `reset()`.
    public private(set) var streamPosition = 0
    var ones: UInt64 = 0
    var known: UInt64 = 0
    /// The confirmed grid.
    var lock: Lock? = nil
    /// Expected next-marker positions of unconfirmed grids (from search hits), oldest first.
    var candidates: [Int] = []
    var pending: [Pending] = []

    public init(_ configuration: Configuration) throws(CCSDSError) {
        try configuration.validate()
        self.configuration = configuration
    }

    public var lockState: LockState {
        guard let lock else { return candidates.isEmpty ? .searching : .tentative }
        return lock.misses == 0 ? .locked : .flywheel(misses: lock.misses)
    }

    /// Forgets the lock, partial frames and stream position.
    public mutating func reset() {
        statistics = Statistics()
        streamPosition = 0
        ones = 0
        known = 0
        lock = nil
        candidates.removeAll(keepingCapacity: true)
        pending.removeAll(keepingCapacity: true)
    }

    /// Consumes a chunk; complete frames are appended to `output` in stream order.
    public mutating func process<C: Collection>(_ input: C, into output: inout [SyncedFrame]) where C.Element == UInt8 {
        let done: Void? = input.withContiguousStorageIfAvailable { process($0, into: &output) }
        if done == nil {
            Array(input).withUnsafeBufferPointer { process($0, into: &output) }
        }
    }

    /// Consumes a chunk and returns the frames it completed.
    public mutating func process<C: Collection>(_ input: C) -> [SyncedFrame] where C.Element == UInt8 {
        var out: [SyncedFrame] = []
        process(input, into: &out)
        return out
    }

    /// Consumes a chunk; complete frames are appended to `output` in stream order.
    public mutating func process(_ input: UnsafeBufferPointer<UInt8>, into output: inout [SyncedFrame]) {
        let cfg = configuration
        let n = cfg.marker.bitCount
        let mask = cfg.marker.mask
        let pattern = cfg.marker.pattern
        let soft = cfg.input == .softSymbols
        let frameBits = cfg.frameBits
        let period = cfg.period
        statistics.symbols += input.count

        for raw in input {
            // 1. The symbol belongs to every frame being collected.
            if !pending.isEmpty {
                let normal: UInt8 = soft ? raw : (raw != 0 ? 1 : 0)
                let flipped: UInt8 = soft ? CCSDSRandomizer.reflectSoftSymbol(raw) : normal ^ 1
                for k in pending.indices {
                    pending[k].frame.symbols.append(pending[k].frame.inverted ? flipped : normal)
                }
                // All frames have the same length, so the oldest completes first.
                if pending[0].frame.symbols.count == frameBits {
                    output.append(pending.removeFirst().frame)
                }
            }

            // 2. Shift the hard decision into the marker window.
            let one: UInt64
            let isKnown: UInt64
            if soft {
                one = raw > 128 ? 1 : 0
                isKnown = raw == 128 ? 0 : 1
            } else {
                one = raw != 0 ? 1 : 0
                isKnown = 1
            }
            ones = (ones << 1) | one
            known = (known << 1) | isKnown
            streamPosition += 1
            guard streamPosition >= n else { continue }
            let markerStart = streamPosition - n

            // 3. Compare with the marker in both polarities.
            let k = known & mask
            let knownCount = k.nonzeroBitCount
            let erasures = n - knownCount
            let differing = ((ones ^ pattern) & k).nonzeroBitCount
            let errNormal = differing + erasures
            let errInverted = (knownCount - differing) + erasures
            let inverted = cfg.detectInverted && errInverted < errNormal
            let errors = inverted ? errInverted : errNormal

            var onCandidateGrid = false
            if !candidates.isEmpty, let c = candidates.firstIndex(of: markerStart) {
                candidates.remove(at: c)
                onCandidateGrid = true
            }

            if var l = lock, markerStart == l.nextMarkerPosition {
                if errors <= cfg.lockedErrors {
                    statistics.gridHits += 1
                    l.misses = 0
                    l.nextMarkerPosition += period
                    lock = l
                    candidates.removeAll(keepingCapacity: true)
                    startFrame(at: markerStart, inverted: inverted, errors: errors, acquisition: .grid)
                    continue
                }
                statistics.gridMisses += 1
                if l.misses >= cfg.maxMisses {
                    lock = nil
                    statistics.locksLost += 1
                } else {
                    l.misses += 1
                    l.nextMarkerPosition += period
                    lock = l
                }
            } else if onCandidateGrid {
                if errors <= cfg.lockedErrors {
                    statistics.gridHits += 1
                    lock = Lock(nextMarkerPosition: markerStart + period, misses: 0)
                    candidates.removeAll(keepingCapacity: true)
                    startFrame(at: markerStart, inverted: inverted, errors: errors, acquisition: .grid)
                    continue
                }
                statistics.gridMisses += 1
            }

            // (A grid miss falls through: it only matters when lockedErrors < searchErrors.)
            let searching = lock.map { $0.misses > 0 } ?? true
            if searching && errors <= cfg.searchErrors {
                statistics.searchHits += 1
                if candidates.count >= cfg.maxPendingFrames { candidates.removeFirst() }
                candidates.append(markerStart + period)
                startFrame(at: markerStart, inverted: inverted, errors: errors, acquisition: .search)
            }
        }
    }

    mutating func startFrame(at markerStart: Int, inverted: Bool, errors: Int, acquisition: Acquisition) {
        guard pending.count < configuration.maxPendingFrames else {
            statistics.overlappingFramesDropped += 1
            return
        }
        var symbols: [UInt8] = []
        symbols.reserveCapacity(configuration.frameBits)
        pending.append(
            Pending(
                frame: SyncedFrame(
                    markerPosition: markerStart, inverted: inverted, markerErrors: errors,
                    acquisition: acquisition, input: configuration.input, symbols: symbols)))
    }

    /// Packs hard decisions MSB first (soft symbols: > 128 is 1); a trailing partial byte is zero-padded.
    public static func pack<C: Collection>(_ symbols: C, input: InputKind) -> [UInt8] where C.Element == UInt8 {
        var out: [UInt8] = []
        out.reserveCapacity((symbols.count + 7) / 8)
        var acc: UInt8 = 0
        var n = 0
        for s in symbols {
            let bit: UInt8 = input == .softSymbols ? (s > 128 ? 1 : 0) : (s != 0 ? 1 : 0)
            acc = (acc << 1) | bit
            n += 1
            if n == 8 {
                out.append(acc)
                acc = 0
                n = 0
            }
        }
        if n > 0 { out.append(acc << UInt8(8 - n)) }
        return out
    }

    /// Unpacks bytes into hard bits (0/1), MSB first: the inverse of `pack` for `.hardBits`.
    public static func unpack<C: Collection>(_ bytes: C) -> [UInt8] where C.Element == UInt8 {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count * 8)
        for b in bytes {
            for i in (0..<8).reversed() { out.append((b >> UInt8(i)) & 1) }
        }
        return out
    }
}
