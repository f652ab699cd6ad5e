/// NGHam framing (LA3JPA's NGHam protocol; FloripaSat-1 and others): FSK, NRZ.
///
/// Public description of the format: preamble 0xAA..., 32-bit sync word `0x5DE62A7E`, a 24-bit size
/// tag (one of seven tag vectors, accepted with up to 6 bit errors) that selects the codeword length
/// (47, 79, 111, 159, 191, 223 or 255 bytes), then the codeword, CCSDS-scrambled from its first byte.
/// The codeword is a shortened Reed-Solomon code over GF(2^8)/0x187 with first consecutive root 112,
/// primitive element 11, conventional basis, 16 parity bytes for the three short sizes and 32 for the
/// others. Its data part is a header byte (flags in bits 7-5, padding count in bits 4-0), the payload,
/// a CRC-16/X.25 over header + payload sent high byte first, and `padding` zero bytes.
///
/// "NGHam" decodes the Reed-Solomon code; "NGHam no Reed Solomon" is the same stream from satellites
/// whose parity gr-satellites does not use. gsd tries the RS decoder for both and falls back to the
/// uncorrected data, so both names share this deframer. Only CRC-checked frames are emitted (header +
/// payload, as gr-satellites outputs them): NGHam has no other integrity check worth reporting.
public struct NGHamDeframer: Deframer {
    public static let syncWord: UInt32 = 0x5DE6_2A7E
    public static let sizeTags: [UInt32] = [
        0b0011_1011_0100_1001_1100_1101, 0b0100_1101_1101_1010_0101_0111, 0b0111_0110_1001_0011_1001_1010,
        0b1001_1011_1011_0100_1010_1110, 0b1010_0000_1111_1101_0110_0011, 0b1101_0110_0110_1110_1111_1001,
        0b1110_1101_0010_0111_0011_0100,
    ]
    /// Codeword length (data + parity) for each size tag.
    public static let codewordSizes = [47, 79, 111, 159, 191, 223, 255]
    public static let paritySizes = [16, 16, 16, 32, 32, 32, 32]
    /// Size-tag bit errors the NGHam reference decoder tolerates.
    public static let sizeTagMaxErrors = 6

    public struct Configuration: Sendable, Hashable {
        public var syncErrors: Int
        public var detectInverted: Bool
        public var maxPending: Int
        public var framing: String
        public init(syncErrors: Int = 4, detectInverted: Bool = true, maxPending: Int = 4, framing: String = "NGHam") {
            self.syncErrors = max(0, min(syncErrors, 6))
            self.detectInverted = detectInverted
            self.maxPending = max(1, maxPending)
            self.framing = framing
        }
    }

    public let configuration: Configuration
    /// Candidates: first the 3 size-tag bytes (the collector's header), then the codeword.
    var collector: SyncWordFrameCollector
    var position = 0
    var completed: [SyncWordFrameCollector.Candidate] = []
    var recent = RecentFrames()

    static let rs16: ReedSolomonCode? = code(parity: 16)
    static let rs32: ReedSolomonCode? = code(parity: 32)
    static func code(parity: Int) -> ReedSolomonCode? {
        guard let field = try? GaloisField256(polynomial: 0x187) else { return nil }
        return try? ReedSolomonCode(field: field, firstConsecutiveRoot: 112, primitiveElement: 11, parityCount: parity)
    }

    public init(_ configuration: Configuration = Configuration()) {
        self.configuration = configuration
        collector = SyncWordFrameCollector(
            syncWord: UInt64(Self.syncWord), syncLength: 32, maxErrors: configuration.syncErrors,
            detectInverted: configuration.detectInverted, frameBits: 8 * (3 + 255), headerBits: 24,
            maxPending: configuration.maxPending, keepSoftSymbols: true)
    }

    public mutating func process(_ symbols: UnsafeBufferPointer<UInt8>, into frames: inout [DecodedFrame]) {
        for s in symbols {
            position += 1
            collector.push(s >= 128 ? 1 : 0, soft: s, at: position, length: Self.candidateBits, completed: &completed)
            guard !completed.isEmpty else { continue }
            for c in completed { emit(SyncWordFrameCollector.pack(c.bits), reliability: c.byteReliability(fromBit: 24), into: &frames) }
            completed.removeAll(keepingCapacity: true)
        }
    }

    /// Size tag and codeword, in bits, for the tag in `header`; nil when no tag is near enough.
    static func candidateBits(_ header: [UInt8]) -> Int? {
        sizeIndex(SyncWordFrameCollector.pack(header)).map { 8 * (3 + codewordSizes[$0]) }
    }

    /// The size whose tag is nearest to the first three bytes, if within `sizeTagMaxErrors`.
    static func sizeIndex(_ bytes: [UInt8]) -> Int? {
        let tag = UInt32(bytes[0]) << 16 | UInt32(bytes[1]) << 8 | UInt32(bytes[2])
        var best: (index: Int, distance: Int)? = nil
        for (i, t) in sizeTags.enumerated() {
            let d = (tag ^ t).nonzeroBitCount
            if d <= sizeTagMaxErrors && d < (best?.distance ?? .max) { best = (i, d) }
        }
        return best?.index
    }

    mutating func emit(_ bytes: [UInt8], reliability: [UInt8], into frames: inout [DecodedFrame]) {
        guard bytes.count > 3, let frame = Self.decodeCodeword(Array(bytes[3...]), reliability: reliability) else { return }
        if recent.isRepeat(frame.bytes, at: position, window: 8 * 300) { return }
        frames.append(
            DecodedFrame(
                bytes: frame.bytes, framing: configuration.framing, checkPassed: true,
                correctedSymbols: frame.corrected, symbolPosition: position))
    }

    /// Descrambles and decodes one received codeword (47...255 bytes as sent); nil unless the CRC holds.
    /// The output is the header byte followed by the payload. `reliability` (each byte's sureness,
    /// optional) names the bytes to erase when hard decoding fails.
    public static func decodeCodeword(_ received: [UInt8], reliability: [UInt8] = []) -> (bytes: [UInt8], corrected: Int)? {
        guard let size = codewordSizes.firstIndex(of: received.count) else { return nil }
        let parity = paritySizes[size]
        var block = CCSDSRandomizer.applied(to: received)
        let raw = block
        var corrected = 0
        if let rs = parity == 16 ? rs16 : rs32 {
            do throws(ReedSolomonError) {
                corrected = try rs.decode(&block)
            } catch {
                block = raw
                if reliability.count >= received.count,
                    let recovery = ReedSolomonSoftErasures(parity: parity).recover(
                        &block, reliability: Array(reliability[0..<received.count]), code: rs)
                {
                    corrected = recovery.corrected
                }
            }
        }
        if let frame = checkedPayload(Array(block[0..<(received.count - parity)])) { return (frame, corrected) }
        if corrected > 0, let frame = checkedPayload(Array(raw[0..<(received.count - parity)])) { return (frame, 0) }
        return nil
    }

    /// Header + payload of a descrambled data part when its length and CRC are right.
    static func checkedPayload(_ data: [UInt8]) -> [UInt8]? {
        let padding = Int(data[0] & 0x1F)
        let payloadLength = data.count - 3 - padding
        guard payloadLength >= 1 else { return nil }
        let body = Array(data[0..<(1 + payloadLength)])
        let crc = CRCAlgorithm.x25.checksum(body)
        guard data[1 + payloadLength] == UInt8(crc >> 8), data[2 + payloadLength] == UInt8(crc & 0xFF) else { return nil }
        return body
    }

    /// The bytes sent after the sync word for `payload` (1...220 bytes): size tag and scrambled
    /// codeword (header with `flags` and the padding count, payload, CRC, padding, RS parity).
    public static func encode(payload: [UInt8], flags: UInt8 = 0) -> [UInt8]? {
        let plSizes = codewordSizes.enumerated().map { $1 - paritySizes[$0] - 3 }
        guard !payload.isEmpty, let size = plSizes.firstIndex(where: { $0 >= payload.count }) else { return nil }
        var data = [UInt8((plSizes[size] - payload.count) & 0x1F) | (flags << 5)] + payload
        let crc = CRCAlgorithm.x25.checksum(data)
        data += [UInt8(crc >> 8), UInt8(crc & 0xFF)]
        data += [UInt8](repeating: 0, count: codewordSizes[size] - paritySizes[size] - data.count)
        guard let rs = paritySizes[size] == 16 ? rs16 : rs32, let codeword = try? rs.encode(data) else { return nil }
        let tag = sizeTags[size]
        return [UInt8(tag >> 16), UInt8((tag >> 8) & 0xFF), UInt8(tag & 0xFF)] + CCSDSRandomizer.applied(to: codeword)
    }
}
