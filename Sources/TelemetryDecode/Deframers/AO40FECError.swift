/// Why an AO-40 FEC frame could not be encoded or decoded at all. Reed-Solomon and CRC failures of a
/// frame that was received are not errors: the frame is reported with `checkPassed == false`.
public enum AO40FECError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A payload of the wrong size was given to the encoder.
    case invalidPayloadLength(expected: Int, actual: Int)
    /// A block of channel symbols of the wrong size was given to the frame decoder.
    case invalidFrameLength(expected: Int, actual: Int)
    /// The Reed-Solomon code could not be set up or used (not a decoding failure).
    case reedSolomon(ReedSolomonError)
    /// The Viterbi decoder refused the block.
    case convolutional(ConvolutionalCodingError)

    public var description: String {
        switch self {
        case let .invalidPayloadLength(e, a): "AO-40 FEC: payload of \(a) bytes, expected \(e)"
        case let .invalidFrameLength(e, a): "AO-40 FEC: frame of \(a) symbols, expected \(e)"
        case let .reedSolomon(e): "AO-40 FEC: \(e)"
        case let .convolutional(e): "AO-40 FEC: \(e)"
        }
    }
}
