/// The uncoded telemetry of AO-40's 400 bps beacon (catalogue name "AO-40 uncoded"). Used, per the
/// gr-satellites SatYAML files, by AO-40 (NORAD 26609, 2400.200 MHz) and QO-100 (Es'hail 2, NORAD 43700,
/// 10489.750 MHz in the generated satellite list, 10489.800 MHz in a later SatYAML file), both DBPSK
/// Manchester at 400 baud (differential encoding, then Manchester: Daniel Estévez, "Decoding AO-40
/// uncoded telemetry", 2017).
///
/// Facts, from gr-satellites' AO-40 uncoded deframer and its CRC check (read for facts only): the sync
/// vector 0x3915ED30 (sent MSB first, found with up to 3 bit errors), then a 512-byte block and two CRC
/// bytes; the frame is good when the CRC-16 (polynomial 0x1021, initial 0xFFFF, not reflected, no final
/// XOR: CRC-16/IBM-3740) of all 514 bytes is 0, i.e. the CRC of the block sent high byte first.
/// gr-satellites outputs the 514 bytes with the CRC, and so does this deframer.
///
/// The sync vector is searched in both polarities: the differential decoding leaves no phase ambiguity,
/// but a demodulator with the other differential convention delivers inverted bits (QO-100's FEC beacon
/// is catalogued as inverted), and the CRC decides anyway. A frame whose CRC fails after a sync vector
/// with at most `repairMaxSyncErrors` errors gets the soft repair of `GEOSCANDeframer` (one or two of
/// the `repairCandidates` least reliable bits flipped, accepted only when exactly one pattern passes)
/// and is reported as failed when that does not help; failures after weaker syncs are not reported.
public struct AO40UncodedDeframer: Deframer {
    public static let framingName = "AO-40 uncoded"
    public static let syncWord: UInt32 = 0x3915_ED30
    public static let blockLength = 512
    /// Bytes after the sync vector: the block and its CRC.
    public static let frameLength = blockLength + 2
    static let crc = CRCAlgorithm.ibm3740

    public let syncErrors: Int
    public var repairMaxSyncErrors = 1
    public var repairCandidates = 10
    var collector: SyncWordFrameCollector
    var completed: [SyncWordFrameCollector.Candidate] = []

    public init(syncErrors: Int = 3, detectInverted: Bool = true) {
        self.syncErrors = syncErrors
        collector = SyncWordFrameCollector(
            syncWord: UInt64(Self.syncWord), syncLength: 32, maxErrors: syncErrors, detectInverted: detectInverted,
            frameBits: 8 * Self.frameLength, keepSoftSymbols: true)
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

    /// Checks the 514 bytes after the sync vector (more may follow); nil when there are fewer.
    public static func decode(_ received: [UInt8], end: Int = 0) -> DecodedFrame? {
        guard received.count >= frameLength else { return nil }
        let frame = Array(received[0..<frameLength])
        return DecodedFrame(bytes: frame, framing: framingName, checkPassed: crc.checksum(frame) == 0, symbolPosition: end)
    }

    /// The 514 bytes that follow the sync vector for a 512-byte `block`: the block and its CRC, high
    /// byte first; nil for other sizes.
    public static func encode(_ block: [UInt8]) -> [UInt8]? {
        guard block.count == blockLength else { return nil }
        let value = crc.checksum(block)
        return block + [UInt8(truncatingIfNeeded: value >> 8), UInt8(truncatingIfNeeded: value)]
    }
}
