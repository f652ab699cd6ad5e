/// Why a Reed-Solomon operation refused its input. Decoding never crashes and never "corrects" a
/// block it cannot vouch for: such blocks are reported as `.uncorrectable` and left unchanged.
public enum ReedSolomonError: Error, Equatable, Hashable, Sendable, CustomStringConvertible {
    /// A construction parameter is outside what the code supports (name and offending value).
    case invalidParameter(name: String, value: Int)
    /// A buffer has the wrong number of symbols.
    case invalidLength(expected: Int, actual: Int)
    /// An erasure position lies outside the block of `length` symbols.
    case erasureOutOfRange(position: Int, length: Int)
    /// The same erasure position was given twice.
    case duplicateErasure(position: Int)
    /// More erasures in one codeword than there are parity symbols.
    case tooManyErasures(count: Int, limit: Int)
    /// The received block (or, for interleaved frames, one of its codewords) is beyond the
    /// code's correction capability, or the decoder's consistency checks failed.
    case uncorrectable

    public var description: String {
        switch self {
        case let .invalidParameter(name, value): "Reed-Solomon: invalid \(name) \(value)"
        case let .invalidLength(expected, actual): "Reed-Solomon: expected \(expected) symbols, got \(actual)"
        case let .erasureOutOfRange(position, length):
            "Reed-Solomon: erasure position \(position) outside block of \(length) symbols"
        case let .duplicateErasure(position): "Reed-Solomon: erasure position \(position) given twice"
        case let .tooManyErasures(count, limit): "Reed-Solomon: \(count) erasures in one codeword, at most \(limit)"
        case .uncorrectable: "Reed-Solomon: uncorrectable block"
        }
    }
}
