/// GEOSCAN framing (the TI CC1125 of the Geoscan platform: GEOSCAN-EDELVEIS, StratoSat-TK1, Geoscan-1..6
/// and others): sync word 0x930B51DE (MSB first), then a fixed-size frame (66 bytes on the first
/// satellites, 74 on the newer platform: the catalogue's `frame_size`), PN9-whitened as a whole, ending
/// with the CC11xx CRC-16 (MSB first) over the bytes before it. Output is the frame without its CRC,
/// as gr-satellites.
///
/// The sync word is searched with up to `syncErrors` bit errors in both polarities. A frame whose CRC
/// fails after a near-exact sync word gets the same soft repair as `CC11xxPacketDeframer` (one or two
/// of the least reliable bits flipped, accepted only when exactly one pattern passes); failed frames
/// are reported only after such a sync word.
public struct GEOSCANDeframer: Deframer {
    public static let syncWord: UInt32 = 0x930B_51DE
    public static let framingName = "GEOSCAN"
    public static let defaultFrameSize = 66

    public let frameSize: Int
    public var repairMaxSyncErrors = 1
    public var repairCandidates = 10
    var collector: SyncWordFrameCollector
    var completed: [SyncWordFrameCollector.Candidate] = []

    /// `frameSize`: bytes after the sync word, CRC included (3...255).
    public init(frameSize: Int = defaultFrameSize, syncErrors: Int = 4, detectInverted: Bool = true) {
        self.frameSize = max(3, min(255, frameSize))
        collector = SyncWordFrameCollector(
            syncWord: UInt64(Self.syncWord), syncLength: 32, maxErrors: syncErrors, detectInverted: detectInverted,
            frameBits: 8 * self.frameSize, keepSoftSymbols: true)
    }

    public mutating func reset() {
        collector.reset()
    }

    public mutating func process(_ symbols: UnsafeBufferPointer<UInt8>, into frames: inout [DecodedFrame]) {
        completed.removeAll(keepingCapacity: true)
        collector.collect(symbols, completed: &completed)
        for c in completed {
            if let frame = c.checkedFrame(
                nearExact: c.syncErrors <= repairMaxSyncErrors, repairCandidates: repairCandidates, fromBit: 0,
                decode: { Self.decode($0, end: c.end) })
            {
                frames.append(frame)
            }
        }
    }

    /// Decodes a whitened frame (CRC included).
    public static func decode(_ whitened: [UInt8], end: Int = 0) -> DecodedFrame {
        var bytes = whitened
        CC11xxCoding.dewhiten(&bytes)
        let ok = CC11xxCoding.crcMatches(bytes[...])
        return DecodedFrame(bytes: Array(bytes.dropLast(2)), framing: framingName, checkPassed: ok, symbolPosition: end)
    }

    /// The whitened frame for `payload` (frame size − 2 bytes): payload, CRC, whitening.
    public static func encode(_ payload: [UInt8]) -> [UInt8] {
        var frame = payload
        let crc = CC11xxCoding.crc16.checksum(frame)
        frame.append(UInt8(truncatingIfNeeded: crc >> 8))
        frame.append(UInt8(truncatingIfNeeded: crc))
        CC11xxCoding.dewhiten(&frame)
        return frame
    }
}
