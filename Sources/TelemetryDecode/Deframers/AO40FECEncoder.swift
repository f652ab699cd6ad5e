/// Builds AO-40 FEC frames: payload → (CRC-16/ARC) → Reed-Solomon → CCSDS scrambling → convolutional code
/// with zero tail → block interleaver with the distributed sync vector. For tests and loopback; see
/// ``AO40FECFormat`` for the layout.
public enum AO40FECEncoder {
    /// Payload bytes the encoder takes: the data length, less the CRC when the format has one.
    public static func payloadLength(_ format: AO40FECFormat) -> Int {
        format.dataLength - (format.crc16ARC ? 2 : 0)
    }

    /// The frame's data bytes (what the deframer outputs): `payload` plus the CRC when the format has one.
    public static func dataBytes(_ payload: [UInt8], format: AO40FECFormat) throws(AO40FECError) -> [UInt8] {
        let expected = payloadLength(format)
        guard payload.count == expected else { throw .invalidPayloadLength(expected: expected, actual: payload.count) }
        guard format.crc16ARC else { return payload }
        let crc = AO40FECFormat.crc16ARCAlgorithm.checksum(payload)
        return payload + [UInt8(truncatingIfNeeded: crc), UInt8(truncatingIfNeeded: crc >> 8)]
    }

    /// The Viterbi-level bytes: RS coded, then scrambled.
    public static func scrambledCodewords(_ payload: [UInt8], format: AO40FECFormat) throws(AO40FECError) -> [UInt8] {
        let data = try dataBytes(payload, format: format)
        var coded: [UInt8]
        do throws(ReedSolomonError) {
            coded = try format.reedSolomon().encode(data)
        } catch {
            throw .reedSolomon(error)
        }
        CCSDSRandomizer.apply(to: &coded)
        return coded
    }

    /// The frame's channel symbols as hard bits (0/1), `format.frameSymbols` of them, first sent first.
    /// Pad positions of the interleaver carry `pad`.
    public static func channelBits(
        _ payload: [UInt8], format: AO40FECFormat, code: ConvolutionalCode = .ccsds, pad: UInt8 = 0
    ) throws(AO40FECError) -> [UInt8] {
        let bytes = try scrambledCodewords(payload, format: format)
        var encoder = ConvolutionalEncoder(code: code)
        var encoded: [UInt8] = []
        encoded.reserveCapacity(format.encodedSymbols)
        encoder.encode(bytes: bytes, into: &encoded)
        encoder.terminate(into: &encoded)
        // Row-by-row block: sync row, pad, encoded symbols, pad.
        var block = [UInt8](repeating: pad & 1, count: format.frameSymbols)
        for (c, bit) in format.syncVector.enumerated() { block[c] = bit }
        for (k, s) in encoded.enumerated() { block[format.leadingPad + k] = s }
        var out = [UInt8](repeating: 0, count: format.frameSymbols)
        for i in 0..<format.frameSymbols { out[format.channelIndex(ofBlockIndex: i)] = block[i] }
        return out
    }
}
