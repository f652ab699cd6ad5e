/// SanoSat-1 (Nepal) GFSK frames: FSK, NRZ, no scrambler.
///
/// Public description of the format (AMSAT-NP's SanoSat-1 communication protocols): a preamble, the sync
/// word `0x2DD4` sent least significant bit first (`0xB42B` as received MSB first), then
/// - a length byte L = the bytes of CRC1, data and CRC2;
/// - CRC1: the CRC of the length byte (2 bytes);
/// - the delimiter `FF FF 00 00`;
/// - L − 4 data bytes;
/// - CRC2: the CRC of the length byte, the delimiter and the data.
/// Both CRCs are CRC-16/CCITT-FALSE (initial value 0xFFFF), low byte first. The output is the data.
///
/// CRC1 is checked first, so a candidate whose length byte is damaged ends after three bytes instead of
/// collecting up to 135. `checkPassed` = CRC2 matched; a candidate that failed CRC2 is reported only when
/// its sync word was exact and its delimiter intact (otherwise noise that passed CRC1 by chance would be).
public struct SanoSatDeframer: Deframer {
    public static let syncWord: UInt16 = 0xB42B
    public static let delimiter: [UInt8] = [0xFF, 0xFF, 0x00, 0x00]
    /// Longest packet after the sync: length byte, CRC1, delimiter and L − 2 more bytes, L ≤ 130.
    public static let maxLength = 135

    public struct Configuration: Sendable, Hashable {
        public var syncErrors: Int
        public var detectInverted: Bool
        public var maxPending: Int
        public var framing: String
        public init(syncErrors: Int = 1, detectInverted: Bool = true, maxPending: Int = 8, framing: String = "SanoSat") {
            self.syncErrors = max(0, min(syncErrors, 3))
            self.detectInverted = detectInverted
            self.maxPending = max(1, maxPending)
            self.framing = framing
        }
    }

    public let configuration: Configuration
    var collector: SyncWordFrameCollector
    var position = 0
    var completed: [SyncWordFrameCollector.Candidate] = []
    var recent = RecentFrames()

    public init(_ configuration: Configuration = Configuration()) {
        self.configuration = configuration
        collector = SyncWordFrameCollector(
            syncWord: UInt64(Self.syncWord), syncLength: 16, maxErrors: configuration.syncErrors,
            detectInverted: configuration.detectInverted, frameBits: 8 * Self.maxLength, headerBits: 24,
            maxPending: configuration.maxPending)
    }

    public var framing: String { configuration.framing }

    public mutating func reset() {
        collector.reset()
        position = 0
        recent.removeAll()
    }

    public mutating func process(_ symbols: UnsafeBufferPointer<UInt8>, into frames: inout [DecodedFrame]) {
        for s in symbols {
            position += 1
            collector.push(s >= 128 ? 1 : 0, at: position, length: Self.packetBits, completed: &completed)
            guard !completed.isEmpty else { continue }
            for c in completed { emit(SyncWordFrameCollector.pack(c.bits), syncErrors: c.syncErrors, into: &frames) }
            completed.removeAll(keepingCapacity: true)
        }
    }

    /// The length byte, checked by CRC1, decides how much follows; nil ends the candidate there.
    static func packetBits(_ header: [UInt8]) -> Int? {
        let b = SyncWordFrameCollector.pack(header)
        let length = Int(b[0])
        guard length >= 4, length + 5 <= maxLength, crc([b[0]]) == UInt16(b[1]) | UInt16(b[2]) << 8 else { return nil }
        return 8 * (length + 5)
    }

    static func crc(_ bytes: [UInt8]) -> UInt16 { UInt16(CRCAlgorithm.ibm3740.checksum(bytes)) }

    mutating func emit(_ b: [UInt8], syncErrors: Int, into frames: inout [DecodedFrame]) {
        let n = b.count
        let covered = [b[0]] + b[3..<(n - 2)]
        let good = Self.crc(covered) == UInt16(b[n - 2]) | UInt16(b[n - 1]) << 8
        let delimited = Array(b[3..<7]) == Self.delimiter
        if !good && (syncErrors > 0 || !delimited) { return }
        let data = Array(b[7..<(n - 2)])
        if good, recent.isRepeat(data, at: position, window: 16 * Self.maxLength) { return }
        frames.append(
            DecodedFrame(bytes: data, framing: configuration.framing, checkPassed: good, correctedSymbols: syncErrors, symbolPosition: position))
    }

    /// The bits after the preamble for `data` (for tests and simulations): sync, length, CRC1, delimiter,
    /// data, CRC2.
    public static func encode(_ data: [UInt8]) -> [UInt8] {
        let length = UInt8(data.count + 4)
        let crc1 = crc([length])
        let body = [length] + delimiter + data
        let crc2 = crc(body)
        return [UInt8(syncWord >> 8), UInt8(syncWord & 0xFF), length, UInt8(crc1 & 0xFF), UInt8(crc1 >> 8)] + delimiter + data
            + [UInt8(crc2 & 0xFF), UInt8(crc2 >> 8)]
    }
}
