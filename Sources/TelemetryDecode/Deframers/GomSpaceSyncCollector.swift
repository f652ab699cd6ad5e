/// Streaming sync-word search over hard bits (either polarity) and collection of the variable-length
/// frame that follows: `headerBytes` bytes are collected first and handed to the caller, which answers
/// with the total number of bytes to collect (header included) or rejects the candidate.
struct GomSpaceSyncCollector: Sendable {
    struct Candidate: Sendable {
        /// Stream index of the first symbol after the sync word.
        var start: Int
        /// Stream index just after the candidate's last symbol.
        var end: Int { start + 8 * bytes.count }
        var inverted: Bool
        var syncErrors: Int
        var bytes: [UInt8] = []
        /// Soft symbols after the header (polarity-corrected), kept when `keepSoftSymbols`.
        var soft: [UInt8] = []
        var accumulator: UInt8 = 0
        var bitCount = 0
        /// Bytes to collect; `headerBytes` until the header has been read.
        var needed: Int
        var headerRead = false
    }

    let syncWord: UInt32
    let maxErrors: Int
    let detectInverted: Bool
    let headerBytes: Int
    let maxPending: Int
    /// Also keep the soft symbols that follow the header (for soft-decision FEC).
    let keepSoftSymbols: Bool
    var shift: UInt32 = 0
    var seen = 0
    var pending: [Candidate] = []

    init(syncWord: UInt32, maxErrors: Int, detectInverted: Bool, headerBytes: Int, maxPending: Int, keepSoftSymbols: Bool = false) {
        self.keepSoftSymbols = keepSoftSymbols
        self.syncWord = syncWord
        // With inversion detection, 16 or more errors would match both polarities.
        self.maxErrors = max(0, min(maxErrors, detectInverted ? 15 : 31))
        self.detectInverted = detectInverted
        self.headerBytes = max(1, headerBytes)
        self.maxPending = max(1, maxPending)
    }

    mutating func reset() {
        shift = 0
        seen = 0
        pending.removeAll(keepingCapacity: true)
    }

    /// Feeds one hard bit (0/1) and its soft symbol at stream index `position`. `header` gets the first `headerBytes`
    /// bytes (polarity-corrected) and returns the total byte count or an error (candidate dropped);
    /// finished candidates are appended to `completed` (they end just after `position`).
    @inline(__always)
    mutating func push(
        _ bit: UInt8, soft symbol: UInt8 = 0, at position: Int, statistics: inout GomSpaceDeframerStatistics,
        header: ([UInt8]) -> Result<Int, GomSpaceFrameError>,
        completed: inout [Candidate]
    ) {
        if !pending.isEmpty {
            var k = 0
            while k < pending.count {
                var remove = false
                if keepSoftSymbols && pending[k].headerRead {
                    pending[k].soft.append(pending[k].inverted ? CCSDSRandomizer.reflectSoftSymbol(symbol) : symbol)
                }
                pending[k].accumulator = (pending[k].accumulator << 1) | ((bit ^ (pending[k].inverted ? 1 : 0)) & 1)
                pending[k].bitCount += 1
                if pending[k].bitCount == 8 {
                    pending[k].bytes.append(pending[k].accumulator)
                    pending[k].accumulator = 0
                    pending[k].bitCount = 0
                    if !pending[k].headerRead && pending[k].bytes.count == headerBytes {
                        pending[k].headerRead = true
                        switch header(pending[k].bytes) {
                        case let .success(total):
                            pending[k].needed = max(total, headerBytes)
                            pending[k].bytes.reserveCapacity(pending[k].needed)
                        case let .failure(error):
                            remove = true
                            switch error {
                            case .golayUncorrectable: statistics.golayFailures += 1
                            case .viterbiUnsupported: statistics.viterbiUnsupported += 1
                            default: statistics.lengthRejected += 1
                            }
                        }
                    }
                    if !remove && pending[k].headerRead && pending[k].bytes.count >= pending[k].needed {
                        completed.append(pending[k])
                        remove = true
                    }
                }
                if remove { pending.remove(at: k) } else { k += 1 }
            }
        }

        shift = (shift << 1) | UInt32(bit & 1)
        if seen < 32 {
            seen += 1
            if seen < 32 { return }
        }
        let errors = (shift ^ syncWord).nonzeroBitCount
        let inverted: Bool
        let e: Int
        if errors <= maxErrors {
            inverted = false
            e = errors
        } else if detectInverted && 32 - errors <= maxErrors {
            inverted = true
            e = 32 - errors
        } else {
            return
        }
        statistics.syncHits += 1
        if inverted { statistics.invertedSyncHits += 1 }
        guard pending.count < maxPending else {
            statistics.overlappingDropped += 1
            return
        }
        pending.append(Candidate(start: position + 1, inverted: inverted, syncErrors: e, needed: headerBytes))
    }
}
