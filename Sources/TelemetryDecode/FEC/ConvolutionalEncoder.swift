/// Streaming encoder for a ``ConvolutionalCode``: two hard symbols (0/1, C1 then C2) per input bit.
///
/// Input bits are `UInt8` 0/1, one per element (any non-zero value counts as 1), or packed bytes MSB
/// first through ``encode(bytes:into:)``. ``terminate(into:)`` appends the 6 zero tail bits that return
/// the encoder to state 0, which the Viterbi block decoder's `.zeroTail` mode expects.
public struct ConvolutionalEncoder: Sendable {
    public let code: ConvolutionalCode
    /// The last 6 input bits, newest in bit 0 (the trellis state).
    public private(set) var state: Int = 0
    /// Output pair (C1 << 1 | C2) indexed by the 7-bit register.
    private let table: [UInt8]

    public init(code: ConvolutionalCode = .ccsds) {
        self.code = code
        self.table = (0..<128).map { r in
            let (c1, c2) = code.outputs(register: r)
            return c1 << 1 | c2
        }
    }

    /// Back to state 0.
    public mutating func reset() { state = 0 }

    /// Encodes one bit per element (0 or non-zero), appending two symbols per bit to `symbols`.
    public mutating func encode(bits: some Sequence<UInt8>, into symbols: inout [UInt8]) {
        var s = state
        table.withUnsafeBufferPointer { t in
            for b in bits {
                let r = s << 1 | (b != 0 ? 1 : 0)
                let pair = t[r]
                symbols.append(pair >> 1)
                symbols.append(pair & 1)
                s = r & 0x3F
            }
        }
        state = s
    }

    /// Encodes packed bytes, most significant bit first.
    public mutating func encode(bytes: some Sequence<UInt8>, into symbols: inout [UInt8]) {
        for byte in bytes {
            encode(bits: (0..<8).lazy.map { (byte >> (7 - $0)) & 1 }, into: &symbols)
        }
    }

    /// Appends the 6 zero tail bits' symbols; the encoder is back in state 0 afterwards.
    public mutating func terminate(into symbols: inout [UInt8]) {
        encode(bits: repeatElement(UInt8(0), count: ConvolutionalCode.tailLength), into: &symbols)
    }

    /// Encodes a whole block from state 0: hard symbols (0/1), 2 per bit, plus 12 tail symbols when
    /// `terminated`.
    public static func encodeBlock(bits: some Sequence<UInt8>, code: ConvolutionalCode = .ccsds, terminated: Bool = true) -> [UInt8] {
        var encoder = ConvolutionalEncoder(code: code)
        var out: [UInt8] = []
        out.reserveCapacity(bits.underestimatedCount * 2 + 12)
        encoder.encode(bits: bits, into: &out)
        if terminated { encoder.terminate(into: &out) }
        return out
    }

    /// Hard symbols (0/1) to ideal soft symbols (0 / 255).
    public static func softSymbols(fromHard hard: some Sequence<UInt8>) -> [UInt8] {
        hard.map { $0 != 0 ? 255 : 0 }
    }
}
