/// QUBIK framing (Libre Space Foundation's QUBIK PocketQubes, gr-satnogs' IEEE 802.15.4 variant): sync word
/// 0x3C674952 (MSB first), then a fixed 164-byte block: 132 bytes CCSDS-scrambled (h(x) = x^8 + x^7 +
/// x^5 + x^3 + 1, all-ones seed) and then Reed-Solomon encoded with the CCSDS RS(255,223) code in the
/// conventional basis, shortened to 164 bytes (32 parity bytes, not scrambled). The 132 descrambled
/// bytes are `data (126) | CRC-16/CCITT-FALSE (2, MSB first, over the data) | CRC-32C (4, MSB first,
/// over data and CRC-16)`. Output is the 126 data bytes, as gr-satellites (`qubik_deframer`: RS parity
/// and both CRCs removed).
///
/// `checkPassed` = Reed-Solomon decoded and both CRCs matched; `correctedSymbols` = bytes corrected by
/// Reed-Solomon. When hard decoding fails, the least reliable bytes are retried as erasures
/// (`ReedSolomonSoftErasures`). The sync word is searched with up to `syncErrors` bit errors in both
/// polarities; failed frames are reported only after a near-exact sync word (`checkedFrame`'s policy).
public struct QUBIKDeframer: Deframer {
    public static let syncWord: UInt32 = 0x3C67_4952
    public static let framingName = "QUBIK"
    /// Bytes after the sync word: 132 scrambled bytes and 32 RS parity bytes.
    public static let blockSize = 164
    public static let dataSize = 126

    public var repairMaxSyncErrors = 1
    var collector: SyncWordFrameCollector
    var completed: [SyncWordFrameCollector.Candidate] = []

    public init(syncErrors: Int = 4, detectInverted: Bool = true) {
        collector = SyncWordFrameCollector(
            syncWord: UInt64(Self.syncWord), syncLength: 32, maxErrors: syncErrors, detectInverted: detectInverted,
            frameBits: 8 * Self.blockSize, keepSoftSymbols: true)
    }

    public mutating func reset() {
        collector.reset()
    }

    public mutating func process(_ symbols: UnsafeBufferPointer<UInt8>, into frames: inout [DecodedFrame]) {
        completed.removeAll(keepingCapacity: true)
        collector.collect(symbols, completed: &completed)
        for c in completed {
            let soft = c.soft
            if let frame = c.checkedFrame(
                nearExact: c.syncErrors <= repairMaxSyncErrors, repairCandidates: 0, fromBit: 0, tryRepair: false,
                decode: { Self.decode($0, softSymbols: soft, end: c.end) })
            {
                frames.append(frame)
            }
        }
    }

    /// Decodes the 164 bytes after the sync word; `softSymbols` (their bits, polarity-corrected) enable
    /// the erasure retry. Nil when fewer bytes are given.
    public static func decode(_ received: [UInt8], softSymbols: [UInt8] = [], end: Int = 0) -> DecodedFrame? {
        guard received.count >= blockSize else { return nil }
        var block = Array(received.prefix(blockSize))
        var corrected = 0
        var rsOK = true
        do {
            corrected = try GomSpaceReedSolomon.decode(&block)
        } catch {
            if let recovery = GomSpaceReedSolomon.recover(&block, softSymbols: softSymbols) {
                corrected = recovery.corrected
            } else {
                rsOK = false
            }
        }
        var data = Array(block.prefix(blockSize - ReedSolomonCCSDS.parityCount))
        CCSDSRandomizer.apply(to: &data)
        let crc32 = CRCAlgorithm.crc32c.checksum(data[0..<128])
        let sent32 = data[128..<132].reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
        let crc16 = CRCAlgorithm.ibm3740.checksum(data[0..<dataSize])
        let sent16 = UInt32(data[126]) << 8 | UInt32(data[127])
        let ok = rsOK && crc32 == sent32 && crc16 == sent16
        return DecodedFrame(
            bytes: Array(data[0..<dataSize]), framing: framingName, checkPassed: ok,
            correctedSymbols: ok ? corrected : 0, symbolPosition: end)
    }

    /// The 164 bytes that follow the sync word for `payload` (exactly 126 bytes); nil otherwise.
    public static func encode(_ payload: [UInt8]) -> [UInt8]? {
        guard payload.count == dataSize else { return nil }
        var data = payload
        let crc16 = CRCAlgorithm.ibm3740.checksum(data)
        data += [UInt8(truncatingIfNeeded: crc16 >> 8), UInt8(truncatingIfNeeded: crc16)]
        let crc32 = CRCAlgorithm.crc32c.checksum(data)
        data += (0..<4).map { UInt8(truncatingIfNeeded: crc32 >> UInt32(24 - 8 * $0)) }
        CCSDSRandomizer.apply(to: &data)
        return try? GomSpaceReedSolomon.encode(data)
    }
}
