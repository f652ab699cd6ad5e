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
    /// The frame is convolutionally coded and the Viterbi decoder could not be run on it.
    case viterbiUnsupported

    public var description: String {
        switch self {
        case .golayUncorrectable: "GomSpace: Golay length field uncorrectable"
        case let .lengthTooShort(length, minimum): "GomSpace: length \(length) below minimum \(minimum)"
        case let .lengthBeyondWindow(length, limit): "GomSpace: length \(length) beyond window of \(limit) bytes"
        case let .truncated(expected, actual): "GomSpace: expected \(expected) bytes, got \(actual)"
        case let .reedSolomon(e): "GomSpace: \(e)"
        case .viterbiUnsupported: "GomSpace: convolutionally coded frame could not be Viterbi-decoded"
        }
    }
}
