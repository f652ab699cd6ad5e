/// Why a GomSpace (AX100 / U482C) frame candidate was dropped or failed its check.
public enum GomSpaceFrameError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The Golay(24,12) length field had 4 or more bit errors.
    case golayUncorrectable
    /// The length field announces fewer bytes than the FEC needs (RS parity plus at least one data byte).
    case lengthTooShort(length: Int, minimum: Int)
    /// The length field announces more bytes than the framing's window after the sync word holds.
    case lengthBeyondWindow(length: Int, limit: Int)
    /// Fewer bytes were given than the header announces.
    case truncated(expected: Int, actual: Int)
    /// Reed-Solomon decoding refused the codeword.
    case reedSolomon(ReedSolomonError)
    /// The frame is convolutionally coded and no Viterbi decoder is wired in.
    case viterbiUnsupported

    public var description: String {
        switch self {
        case .golayUncorrectable: "GomSpace: Golay length field uncorrectable"
        case let .lengthTooShort(length, minimum): "GomSpace: length \(length) below minimum \(minimum)"
        case let .lengthBeyondWindow(length, limit): "GomSpace: length \(length) beyond window of \(limit) bytes"
        case let .truncated(expected, actual): "GomSpace: expected \(expected) bytes, got \(actual)"
        case let .reedSolomon(e): "GomSpace: \(e)"
        case .viterbiUnsupported: "GomSpace: convolutionally coded frame, Viterbi decoding not supported"
        }
    }
}

/// Counters kept by the GomSpace deframers.
public struct GomSpaceDeframerStatistics: Sendable, Hashable {
    public var symbols = 0
    /// Sync words accepted (either polarity).
    public var syncHits = 0
    /// Of those, sync words accepted in inverted polarity.
    public var invertedSyncHits = 0
    /// Candidates dropped because the Golay length field was uncorrectable.
    public var golayFailures = 0
    /// Candidates dropped because the length was too short or beyond the window.
    public var lengthRejected = 0
    /// Frames emitted with `checkPassed == false` because Reed-Solomon decoding failed.
    public var reedSolomonFailures = 0
    /// Frames emitted with `checkPassed == true`.
    public var framesPassed = 0
    /// Frames whose Viterbi flag was set but could not be decoded (no Viterbi decoder).
    public var viterbiUnsupported = 0
    /// Sync hits ignored because `maxPendingFrames` candidates were already being collected.
    public var overlappingDropped = 0

    public init() {}
}

/// The 12-bit field (Golay-protected) that starts a U482C frame and an AX100 ASM+Golay frame:
/// bits 0-7 the number of coded bytes that follow, bit 8 convolutional coding (r = 1/2, K = 7),
/// bit 9 CCSDS scrambling, bit 10 Reed-Solomon RS(255,223).
public struct GomSpaceLengthField: Sendable, Hashable {
    public var length: Int
    public var viterbi: Bool
    public var scrambled: Bool
    public var reedSolomon: Bool
    /// Bits corrected by the Golay decoder when the field was received.
    public var correctedBits: Int

    public init(length: Int, viterbi: Bool = false, scrambled: Bool = true, reedSolomon: Bool = true, correctedBits: Int = 0) {
        self.length = length
        self.viterbi = viterbi
        self.scrambled = scrambled
        self.reedSolomon = reedSolomon
        self.correctedBits = correctedBits
    }

    /// The 12 data bits.
    public var value: UInt16 {
        UInt16(truncatingIfNeeded: length & 0xFF) | (viterbi ? 0x100 : 0) | (scrambled ? 0x200 : 0) | (reedSolomon ? 0x400 : 0)
    }

    /// The three Golay-coded bytes as sent.
    public var encoded: [UInt8] {
        let c = Golay24.encode(value)
        return [UInt8(truncatingIfNeeded: c >> 16), UInt8(truncatingIfNeeded: c >> 8), UInt8(truncatingIfNeeded: c)]
    }

    /// Decodes the first three bytes of `bytes`.
    public static func decode<C: Collection>(_ bytes: C) throws(GomSpaceFrameError) -> GomSpaceLengthField where C.Element == UInt8 {
        var it = bytes.makeIterator()
        guard let b0 = it.next(), let b1 = it.next(), let b2 = it.next() else {
            throw .truncated(expected: 3, actual: bytes.count)
        }
        guard let d = Golay24.decode(b0, b1, b2) else { throw .golayUncorrectable }
        return GomSpaceLengthField(
            length: Int(d.data & 0xFF), viterbi: d.data & 0x100 != 0, scrambled: d.data & 0x200 != 0,
            reedSolomon: d.data & 0x400 != 0, correctedBits: d.correctedBits)
    }
}

/// Shared Reed-Solomon step: GomSpace radios use the CCSDS RS(255,223) code in the *conventional*
/// basis (libfec's `decode_rs_8`), shortened to the frame length (virtual fill = 255 − length).
enum GomSpaceReedSolomon {
    static let parity = ReedSolomonCCSDS.parityCount

    /// Corrects `codeword` (data + 32 parity) in place; returns the number of corrected symbols.
    static func decode(_ codeword: inout [UInt8]) throws(GomSpaceFrameError) -> Int {
        guard codeword.count > parity, codeword.count <= ReedSolomonCode.naturalLength else {
            throw .lengthTooShort(length: codeword.count, minimum: parity + 1)
        }
        do throws(ReedSolomonError) {
            let rs = try ReedSolomonCCSDS(basis: .conventional, interleave: 1, virtualFill: 255 - codeword.count)
            return try rs.decode(&codeword)
        } catch {
            throw .reedSolomon(error)
        }
    }

    /// `data` followed by its 32 parity bytes (1...223 data bytes).
    static func encode(_ data: [UInt8]) throws(GomSpaceFrameError) -> [UInt8] {
        guard (1...223).contains(data.count) else {
            throw .lengthBeyondWindow(length: data.count, limit: 223)
        }
        do throws(ReedSolomonError) {
            let rs = try ReedSolomonCCSDS(basis: .conventional, interleave: 1, virtualFill: 223 - data.count)
            return try rs.encode(data)
        } catch {
            throw .reedSolomon(error)
        }
    }
}

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
    var shift: UInt32 = 0
    var seen = 0
    var pending: [Candidate] = []

    init(syncWord: UInt32, maxErrors: Int, detectInverted: Bool, headerBytes: Int, maxPending: Int) {
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

    /// Feeds one hard bit (0/1) at stream index `position`. `header` gets the first `headerBytes`
    /// bytes (polarity-corrected) and returns the total byte count or an error (candidate dropped);
    /// finished candidates are appended to `completed` (they end just after `position`).
    @inline(__always)
    mutating func push(
        _ bit: UInt8, at position: Int, statistics: inout GomSpaceDeframerStatistics,
        header: ([UInt8]) -> Result<Int, GomSpaceFrameError>,
        completed: inout [Candidate]
    ) {
        if !pending.isEmpty {
            var k = 0
            while k < pending.count {
                var remove = false
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
