/// AX.25 over HDLC from soft symbols: hard decision, optional G3RUH descrambling, NRZI decoding,
/// HDLC deframing with FCS check.
public struct AX25Deframer: Deframer {
    public let framing: String
    public let scrambled: Bool
    var descrambler = G3RUHDescrambler()
    var nrzi = NRZIDecoder()
    var hdlc: HDLCDeframer
    var bits: [UInt8] = []
    var found: [HDLCFrame] = []
    var position = 0

    /// `scrambled`: G3RUH (9600 Bd style) framing; otherwise plain NRZI AX.25 (1200 Bd AFSK style).
    public init(scrambled: Bool, framing: String? = nil, configuration: HDLCDeframer.Configuration = .ax25) {
        self.scrambled = scrambled
        self.framing = framing ?? (scrambled ? "AX.25 G3RUH" : "AX.25")
        hdlc = HDLCDeframer(configuration: configuration)
    }

    public mutating func process(_ symbols: UnsafeBufferPointer<UInt8>, into frames: inout [DecodedFrame]) {
        bits.removeAll(keepingCapacity: true)
        bits.append(contentsOf: symbols.lazy.map { $0 >= 128 ? 1 : 0 })
        bits.withUnsafeMutableBufferPointer { b in
            if scrambled { descrambler.process(b) }
            nrzi.process(b)
        }
        found.removeAll(keepingCapacity: true)
        bits.withUnsafeBufferPointer { hdlc.process($0, into: &found) }
        for f in found where f.verdict != .notByteAligned {
            frames.append(DecodedFrame(bytes: f.bytes, framing: framing, checkPassed: f.verdict == .good, symbolPosition: f.endBit + 1))
        }
        position += symbols.count
    }
}
