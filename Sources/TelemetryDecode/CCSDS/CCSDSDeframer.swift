/// The composable CCSDS TM deframer: soft channel symbols in, transfer frames out, through the chain
/// a `CCSDSChainConfiguration` describes (convolutional decoding → differential decoding → marker
/// search → derandomiser → Reed-Solomon → FECF / header).
///
/// Input is 8-bit soft symbols (0 = strong 0, 255 = strong 1, 128 = erasure), in chunks of any size;
/// the frames found do not depend on the chunking. Memory is bounded: each alignment keeps a Viterbi
/// traceback window and at most a few frames being collected.
///
/// With a convolutional code the receiver does not know which symbol starts a C1/C2 pair (nor, when
/// punctured, where the pattern starts), so one streaming Viterbi decoder runs per alignment (2 at rate
/// 1/2, `transmittedPerPeriod` when punctured), each feeding its own marker search; a frame found by
/// two alignments is reported once. The BPSK phase ambiguity needs no extra decoder: the code is
/// transparent (both polynomials have odd weight), so inverted symbols decode to inverted bits and
/// the marker search's polarity detection turns the frame back.
///
/// Frames whose Reed-Solomon decoding (or FECF) fails are reported with `checkPassed == false` and
/// counted in `statistics`; they are never passed off as good.
public struct CCSDSDeframer: Deframer {
    public let configuration: CCSDSChainConfiguration
    public private(set) var statistics = Statistics()

    struct Alignment: Sendable {
        /// Channel symbols to drop at the start of the stream (this alignment's offset).
        var skip: Int
        var offset: Int
        var depuncturePhase = 0
        var viterbi: ViterbiStreamDecoder?
        /// The marker searches over this alignment's bits: the full marker, and its tail for burst starts.
        var searches: [SyncMarkerSearch]
        /// End positions (in bits) of the latest frames, so a frame found by both searches counts once.
        var recentEnds: [Int] = []
        /// Previous hard bit / soft symbol, for differential decoding.
        var previous: UInt8 = 0
        /// The latest code symbols the Viterbi decoder was given (depunctured; a punctured one is 128),
        /// from mother-code symbol `historyStart` on (symbols 2t, 2t + 1 belong to decoded bit t): the
        /// soft output for a frame whose Reed-Solomon decoding fails is worked out from them.
        var history: [UInt8] = []
        var historyStart = 0

        mutating func remember(_ symbols: UnsafeBufferPointer<UInt8>, keep: Int) {
            history.append(contentsOf: symbols)
            if history.count > 2 * keep {
                let drop = history.count - keep
                history.removeFirst(drop)
                historyStart += drop
            }
        }
    }

    var alignments: [Alignment]
    let reedSolomon: ReedSolomonCCSDS?
    /// Code symbols each alignment keeps: a whole frame with its marker, the Viterbi decoder's delay
    /// and room on both sides.
    let historyLength: Int
    /// Recently emitted good frames, to drop the same frame found by another alignment.
    var recent: [(bytes: [UInt8], position: Int)] = []
    /// Scratch buffers reused across calls.
    var depunctured: [UInt8] = []
    var bits: [UInt8] = []
    var synced: [SyncMarkerSearch.SyncedFrame] = []
    var found: [Frame] = []

    public init(_ configuration: CCSDSChainConfiguration) throws(CCSDSError) {
        try configuration.validate()
        self.configuration = configuration
        historyLength = 2 * (configuration.marker.bitCount + 8 * configuration.codedFrameLength + 4 * configuration.tracebackDepth + 256)
        var search = [try SyncMarkerSearch(configuration.searchConfiguration)]
        if let tail = try configuration.tailSearchConfiguration { search.append(try SyncMarkerSearch(tail)) }
        if let code = configuration.convolutional {
            let count = configuration.puncturing.transmittedPerPeriod
            var list: [Alignment] = []
            for offset in 0..<count {
                let viterbi: ViterbiStreamDecoder
                do {
                    viterbi = try ViterbiStreamDecoder(code: code, tracebackDepth: configuration.tracebackDepth, startState: .unknown)
                } catch {
                    throw .invalidConfiguration(key: "tracebackDepth", value: configuration.tracebackDepth, reason: error.description)
                }
                list.append(Alignment(skip: offset, offset: offset, viterbi: viterbi, searches: search))
            }
            alignments = list
        } else {
            alignments = [Alignment(skip: 0, offset: 0, viterbi: nil, searches: search)]
        }
        switch configuration.reedSolomon {
        case .none:
            reedSolomon = nil
        case .conventional, .dual:
            do {
                reedSolomon = try ReedSolomonCCSDS(
                    basis: configuration.reedSolomon == .dual ? .dual : .conventional,
                    interleave: configuration.interleaveDepth, virtualFill: configuration.virtualFill)
            } catch {
                throw .invalidConfiguration(key: "reedSolomon", value: configuration.interleaveDepth, reason: error.description)
            }
        }
    }

    /// The chain of a catalogue transmitter ("CCSDS Reed-Solomon" or "CCSDS Concatenated").
    public init(transmitter: TransmitterSpec) throws(CCSDSError) {
        try self.init(CCSDSChainConfiguration(transmitter: transmitter))
    }

    /// Forgets all stream state (locks, Viterbi paths, partial frames) and the statistics.
    public mutating func reset() {
        statistics = Statistics()
        recent.removeAll()
        for i in alignments.indices {
            alignments[i].skip = alignments[i].offset
            alignments[i].depuncturePhase = 0
            alignments[i].viterbi?.reset()
            for k in alignments[i].searches.indices { alignments[i].searches[k].reset() }
            alignments[i].recentEnds.removeAll()
            alignments[i].previous = 0
            alignments[i].history.removeAll()
            alignments[i].historyStart = 0
        }
    }

    // MARK: Processing

    /// `Deframer`: appends every frame completed in `symbols` (good and failed) as `DecodedFrame`s.
    public mutating func process(_ symbols: UnsafeBufferPointer<UInt8>, into frames: inout [DecodedFrame]) {
        var rich: [Frame] = []
        swap(&rich, &found)
        rich.removeAll(keepingCapacity: true)
        process(symbols, into: &rich)
        for f in rich {
            frames.append(
                DecodedFrame(
                    bytes: f.bytes, framing: configuration.framing, checkPassed: f.checkPassed,
                    correctedSymbols: f.correctedSymbols, symbolPosition: f.symbolPosition))
        }
        found = rich
    }

    /// Appends every frame completed in `symbols`, with its transfer frame header and check details,
    /// in stream order.
    public mutating func process(_ symbols: UnsafeBufferPointer<UInt8>, into frames: inout [Frame]) {
        statistics.symbols += symbols.count
        let first = frames.count
        for a in alignments.indices {
            run(alignment: a, symbols, into: &frames)
        }
        if alignments.count > 1 && frames.count - first > 1 {
            frames[first...].sort { $0.symbolPosition < $1.symbolPosition }
        }
    }

    /// Array convenience.
    public mutating func process(_ symbols: [UInt8]) -> [Frame] {
        var out: [Frame] = []
        symbols.withUnsafeBufferPointer { process($0, into: &out) }
        return out
    }

    mutating func run(alignment a: Int, _ input: UnsafeBufferPointer<UInt8>, into frames: inout [Frame]) {
        var symbols = input
        let skip = min(alignments[a].skip, symbols.count)
        if skip > 0 {
            symbols = UnsafeBufferPointer(rebasing: symbols[skip...])
            alignments[a].skip -= skip
        }
        guard !symbols.isEmpty else { return }
        let differential = configuration.precoding == .differential
        synced.removeAll(keepingCapacity: true)

        if var viterbi = alignments[a].viterbi {
            alignments[a].viterbi = nil  // keep the decoder uniquely referenced while it runs
            bits.removeAll(keepingCapacity: true)
            if configuration.puncturing != .rate1_2 {
                depunctured.removeAll(keepingCapacity: true)
                configuration.puncturing.depuncture(symbols, phase: &alignments[a].depuncturePhase, into: &depunctured)
                depunctured.withUnsafeBufferPointer {
                    alignments[a].remember($0, keep: historyLength)
                    viterbi.decode($0, into: &bits)
                }
            } else {
                alignments[a].remember(symbols, keep: historyLength)
                viterbi.decode(symbols, into: &bits)
            }
            alignments[a].viterbi = viterbi
            if differential {
                var prev = alignments[a].previous
                for i in bits.indices {
                    let b = bits[i]
                    bits[i] = b ^ prev
                    prev = b
                }
                alignments[a].previous = prev
            }
            search(alignment: a, bits)
        } else if differential {
            bits.removeAll(keepingCapacity: true)
            var prev = alignments[a].previous
            for s in symbols {
                bits.append(Self.softXor(s, prev))
                prev = s
            }
            alignments[a].previous = prev
            search(alignment: a, bits)
        } else {
            search(alignment: a, symbols)
        }

        collect(alignment: a, into: &frames)
    }

    /// Ends the stream: flushes the Viterbi decoders (their last bits complete frames where they can),
    /// appends the frames that completes, and returns a `.truncated` error for every frame the input
    /// ended inside (only frames on a confirmed grid or with a near-perfect marker, so random marker
    /// look-alikes in noise are not reported). Call `reset()` before decoding another stream.
    public mutating func finish(into frames: inout [Frame]) -> [CCSDSError] {
        let first = frames.count
        for a in alignments.indices {
            guard var viterbi = alignments[a].viterbi else { continue }
            alignments[a].viterbi = nil
            bits.removeAll(keepingCapacity: true)
            do { try viterbi.flush(into: &bits) } catch {}
            alignments[a].viterbi = viterbi
            if configuration.precoding == .differential {
                var prev = alignments[a].previous
                for i in bits.indices {
                    let b = bits[i]
                    bits[i] = b ^ prev
                    prev = b
                }
                alignments[a].previous = prev
            }
            synced.removeAll(keepingCapacity: true)
            search(alignment: a, bits)
            collect(alignment: a, into: &frames)
        }
        if alignments.count > 1 && frames.count - first > 1 {
            frames[first...].sort { $0.symbolPosition < $1.symbolPosition }
        }
        var errors: [CCSDSError] = []
        let reportable = max(0, configuration.searchErrors / 2)
        for a in alignments.indices {
            var ends: Set<Int> = []
            for k in alignments[a].searches.indices {
                let shift = configuration.marker.bitCount - alignments[a].searches[k].configuration.marker.bitCount
                for p in alignments[a].searches[k].pending {
                    var f = p.frame
                    f.markerPosition -= shift
                    guard f.acquisition == .grid || f.markerErrors <= reportable else { continue }
                    guard ends.insert(f.markerPosition).inserted else { continue }
                let at = channelPosition(bit: f.markerPosition, alignment: a)
                errors.append(
                    .truncated(
                        field: "transfer frame after the marker at symbol \(at)", byteOffset: f.symbols.count / 8,
                        needed: configuration.codedFrameLength))
                }
            }
        }
        return errors
    }

    /// Runs every marker search of alignment `a` over `bits`; the frames they complete go to `synced`
    /// (a frame found by more than one search once).
    mutating func search<C: Collection>(alignment a: Int, _ bits: C) where C.Element == UInt8 {
        for k in alignments[a].searches.indices {
            let before = synced.count
            alignments[a].searches[k].process(bits, into: &synced)
            // Tail hits: positions refer to the start of the whole marker from here on.
            let shift = configuration.marker.bitCount - alignments[a].searches[k].configuration.marker.bitCount
            var i = before
            while i < synced.count {
                synced[i].markerPosition -= shift
                let end = synced[i].markerPosition
                if alignments[a].recentEnds.contains(end) {
                    synced.remove(at: i)
                    continue
                }
                alignments[a].recentEnds.append(end)
                if alignments[a].recentEnds.count > 16 { alignments[a].recentEnds.removeFirst() }
                i += 1
            }
        }
    }

    /// Decodes the frames the marker searches of alignment `a` completed (in `synced`).
    mutating func collect(alignment a: Int, into frames: inout [Frame]) {
        for s in synced {
            let frame = decode(s, alignment: a)
            statistics.synchronisedFrames += 1
            if frame.checkPassed {
                if isDuplicate(frame) {
                    statistics.duplicatesDropped += 1
                    continue
                }
                statistics.framesPassed += 1
                statistics.correctedSymbols += frame.correctedSymbols
                if frame.parseError != nil { statistics.headerErrors += 1 }
            } else {
                switch frame.failure {
                case .reedSolomon?: statistics.reedSolomonFailures += 1
                case .fecf?: statistics.fecfFailures += 1
                case nil: break
                }
            }
            frames.append(frame)
        }
    }

    /// Soft XOR of two soft symbols: the hard decisions XORed, confidence the smaller of the two.
    @inlinable
    static func softXor(_ a: UInt8, _ b: UInt8) -> UInt8 {
        let ca = a >= 128 ? Int(a) - 128 : 128 - Int(a)
        let cb = b >= 128 ? Int(b) - 128 : 128 - Int(b)
        let c = min(ca, cb)
        let one = (a > 128) != (b > 128)
        return UInt8(clamping: one ? 128 + c : 128 - c)
    }

    mutating func isDuplicate(_ frame: Frame) -> Bool {
        guard alignments.count > 1 else { return false }
        let window = 2 * (configuration.marker.bitCount + 8 * configuration.codedFrameLength) + 64
        recent.removeAll { abs(frame.symbolPosition - $0.position) > 4 * window }
        if recent.contains(where: { $0.bytes == frame.bytes && abs(frame.symbolPosition - $0.position) <= window }) {
            return true
        }
        recent.append((frame.bytes, frame.symbolPosition))
        if recent.count > 16 { recent.removeFirst() }
        return false
    }

    /// Channel-symbol index of decoded bit `bit` of an alignment.
    func channelPosition(bit: Int, alignment a: Int) -> Int {
        guard configuration.convolutional != nil else { return bit }
        return alignments[a].offset + configuration.puncturing.transmittedCount(forMotherCount: 2 * bit)
    }

    static let softErasures = ReedSolomonSoftErasures(parity: ReedSolomonCCSDS.parityCount)

    /// Byte reliabilities of a frame the Viterbi decoder output, from a max-log-MAP pass over its code
    /// symbols with 64 steps either side (the start state unknown, the end open); empty when the symbols are
    /// no longer kept.
    func softDecodedReliability(_ s: SyncMarkerSearch.SyncedFrame, alignment a: Int) -> [UInt8] {
        guard let code = configuration.convolutional else { return [] }
        let history = alignments[a].history, origin = alignments[a].historyStart
        let first = s.markerPosition + configuration.marker.bitCount, count = s.symbols.count
        let from = max(first - 64, (origin + 1) / 2), to = min(first + count + 64, (origin + history.count) / 2)
        // One step before the frame as well, for differential decoding.
        guard from < first, to >= first + count else { return [] }
        var decoder = MaxLogMAPDecoder(code: code)
        guard var soft = try? decoder.decode(
            Array(history[(2 * from - origin)..<(2 * to - origin)]), termination: .open, knownStart: false)
        else { return [] }
        if configuration.precoding == .differential {
            for t in stride(from: soft.count - 1, through: 1, by: -1) { soft[t] = Self.softXor(soft[t], soft[t - 1]) }
        }
        return ReedSolomonSoftErasures.byteReliability(soft[(first - from)..<(first - from + count)])
    }

    /// Derandomises, RS-decodes and checks one synchronised frame.
    func decode(_ s: SyncMarkerSearch.SyncedFrame, alignment a: Int) -> Frame {
        let cfg = configuration
        var bytes = s.packedBytes()
        var erasures: [Int] = []
        if s.input == .softSymbols {
            var i = 0
            while i < s.symbols.count {
                let end = min(i + 8, s.symbols.count)
                if s.symbols[i..<end].contains(128) { erasures.append(i / 8) }
                i = end
            }
        }
        if cfg.randomizer { CCSDSRandomizer.apply(to: &bytes) }

        var failure: FrameError? = nil
        var corrected = 0
        var usedErasures = 0
        if let rs = reedSolomon {
            var block = bytes
            var done = false
            if !erasures.isEmpty && erasures.count <= ReedSolomonCCSDS.parityCount * cfg.interleaveDepth {
                do {
                    corrected = try rs.decode(&block, erasures: erasures)
                    usedErasures = erasures.count
                    done = true
                } catch {
                    block = bytes
                }
            }
            if !done {
                do {
                    corrected = try rs.decode(&block)
                } catch {
                    // Erase the weakest bytes (codeword by codeword) and try again: the soft symbols say
                    // which, or after Viterbi decoding its soft output.
                    let reliability = s.input == .softSymbols
                        ? ReedSolomonSoftErasures.byteReliability(s.symbols[...]) : softDecodedReliability(s, alignment: a)
                    if cfg.interleaveDepth == 1,
                        let recovery = Self.softErasures.recover(
                            &block, reliability: reliability, decode: { b, e in try rs.decode(&b, erasures: e) })
                    {
                        corrected = recovery.corrected
                    } else if cfg.interleaveDepth > 1,
                        let c = Self.softErasures.recoverInterleaved(
                            &block, reliability: reliability, depth: cfg.interleaveDepth,
                            decodeEach: { b, e in try rs.decodeEach(&b, erasures: e) })
                    {
                        corrected = c
                    } else {
                        failure = .reedSolomon(error)
                        corrected = 0
                    }
                }
            }
            bytes = block
        }
        bytes.removeLast(bytes.count - cfg.frameLength)

        var verdict = TransferFrame.FECFVerdict.absent
        if cfg.hasFECF && bytes.count >= 2 {
            let received = (UInt16(bytes[bytes.count - 2]) << 8) | UInt16(bytes[bytes.count - 1])
            let computed = UInt16(truncatingIfNeeded: CRCAlgorithm.ibm3740.checksum(bytes[0..<(bytes.count - 2)]))
            verdict = computed == received ? .good : .bad(computed: computed, received: received)
            if failure == nil, computed != received { failure = .fecf(computed: computed, received: received) }
        }

        var parsed: TransferFrame? = nil
        var parseError: CCSDSError? = nil
        do {
            parsed = try TransferFrame(parsing: bytes, configuration: .init(frameLength: cfg.frameLength, hasFECF: cfg.hasFECF))
        } catch {
            parseError = error
        }

        let endBit = s.markerPosition + cfg.marker.bitCount + s.symbols.count
        return Frame(
            bytes: bytes, reedSolomonPassed: failure.map { if case .reedSolomon = $0 { false } else { true } } ?? true,
            correctedSymbols: corrected, erasures: usedErasures, fecfVerdict: verdict, transferFrame: parsed,
            parseError: parseError, failure: failure, inverted: s.inverted, markerErrors: s.markerErrors,
            acquisition: s.acquisition, alignment: a, symbolPosition: channelPosition(bit: endBit, alignment: a))
    }
}
