/// "DBPSK Manchester" (AO-40's and QO-100's 400 bps uncoded beacon): the bits are differentially encoded
/// and then Manchester-coded, so the BPSK demodulator runs at the chip rate (twice the baud rate) and
/// this block turns soft chips back into soft bits for the framing's own deframer.
///
/// Which chip starts a bit is not known, so both pairings run, each with its own copy of the deframer;
/// a frame both find is emitted once. A Manchester bit's soft value is half the difference of its two
/// chips; the differential bit is the soft XOR of two successive bits (the weaker magnitude, the sign of
/// their product), so neither the carrier's phase nor the Manchester convention matters.
public struct ManchesterDifferentialDeframer: Deframer {
    struct Phase: Sendable {
        var deframer: any Deframer
        /// The first chip of the pair being formed, when it has arrived.
        var firstChip: UInt8?
        /// The previous Manchester bit (signed soft value), for the differential step.
        var previousBit: Int = 0
        var bits: [UInt8] = []
        var found: [DecodedFrame] = []
        /// Chips still to skip at the start of the stream (1 for the pairing that starts one chip late).
        var skip: Int

        /// Pairs chips into Manchester bits, undoes the differential code and runs the deframer on them.
        mutating func process(_ chips: UnsafeBufferPointer<UInt8>) {
            bits.removeAll(keepingCapacity: true)
            for s in chips {
                if skip > 0 {
                    skip -= 1
                    continue
                }
                guard let first = firstChip else {
                    firstChip = s
                    continue
                }
                firstChip = nil
                // Manchester: signed soft bit in −127…127.
                let bit = (Int(first) - Int(s)) / 2
                let prev = previousBit
                previousBit = bit
                // Differential: the bits agree → 1 (no change), differ → 0; magnitude of the weaker one.
                let magnitude = min(abs(bit), abs(prev))
                let agree = (bit >= 0) == (prev >= 0)
                bits.append(UInt8(clamping: 128 + (agree ? magnitude : -magnitude - 1)))
            }
            found.removeAll(keepingCapacity: true)
            bits.withUnsafeBufferPointer { deframer.process($0, into: &found) }
        }

        mutating func finish() {
            found.removeAll(keepingCapacity: true)
            deframer.finish(into: &found)
        }
    }

    var phases: [Phase]
    var recent = RecentFrames()

    public init(_ inner: any Deframer) {
        phases = [Phase(deframer: inner, skip: 0), Phase(deframer: inner, skip: 1)]
    }

    public mutating func process(_ symbols: UnsafeBufferPointer<UInt8>, into frames: inout [DecodedFrame]) {
        for p in phases.indices { phases[p].process(symbols) }
        emit(into: &frames)
    }

    public mutating func finish(into frames: inout [DecodedFrame]) {
        for p in phases.indices { phases[p].finish() }
        emit(into: &frames)
    }

    /// Frames of both pairings in chip positions; a good frame the other pairing already gave is dropped.
    mutating func emit(into frames: inout [DecodedFrame]) {
        for p in phases.indices {
            for var f in phases[p].found {
                f.symbolPosition = 2 * f.symbolPosition + p
                if f.checkPassed && recent.isRepeat(f.bytes, at: f.symbolPosition, window: 16 * (f.bytes.count + 8)) { continue }
                frames.append(f)
            }
        }
    }
}
