/// Astrocast FX.25 (the 1k2 FSK beacon of Astrocast 0.1 and 0.2; Astrocast's not quite compliant FX.25),
/// in two line codings: "Astrocast FX.25 NRZ-I" and "Astrocast FX.25 NRZ" (the older, failsafe mode).
///
/// Facts (gr-satellites' `astrocast_fx25_deframer` and `check_astrocast_crc`; D. Estévez, "Decoding
/// Astrocast 0.1" and "New decoders for Astrocast 0.1", destevez.net, 2018–2019; the FX.25 tag table of
/// the FX.25 specification as listed in Dire Wolf's `fx25_init.c`):
/// - Line coding NRZ-I (0 = change of level) or plain NRZ; the satellite switched to NRZ-I on
///   2019-02-13 but still falls back to NRZ. NRZ-I is polarity-free; for NRZ the sync word is searched
///   in both polarities.
/// - Sync word: the 64-bit FX.25 correlation tag Tag_05 (0x6E260B1AC5835FAE, "RS(255,223)") sent LSB
///   first, i.e. the bits 0x75FAC1A358D06476 MSB first, found with up to 8 bit errors (gr-satellites'
///   default threshold).
/// - Then 255 bytes, each sent LSB first (gr-satellites packs MSB first and reflects every byte): a
///   Reed-Solomon (255,223) codeword of the CCSDS code (0x187, fcr 112, prim 11) in the dual basis: the
///   original 2018 gr-satellites decoder (`apps/astrocast.grc`, tested on recordings) sets its RS block to
///   basis 1 = dual.
/// - The 223 data bytes hold a byte-aligned HDLC frame *without bit stuffing*: a 0x7E flag, the AX.25
///   frame, its CRC-16/X-25 FCS low byte first, then 0x7E (and flag fill). gr-satellites drops the first
///   byte, cuts at the first 0x7E after it, checks the FCS over what precedes it and outputs the frame
///   without the FCS. A frame (or FCS) containing 0x7E therefore cannot be carried.
///
/// `checkPassed` = RS decoding and the FCS both passed; `correctedSymbols` = RS corrections. When hard RS
/// decoding fails, the weakest bytes (from the soft symbols) are erased and decoding retried
/// (`ReedSolomonSoftErasures`). A failed candidate is reported (checkPassed false) only after a sync
/// word with at most `reportFailuresMaxSyncErrors` bit errors: a random 64-bit window comes that close
/// less than once in 10¹³ bits.
public struct AstrocastFX25Deframer: Deframer {
    /// Tag_05 of FX.25 as sent on the air (LSB first), read MSB first.
    public static let syncWord: UInt64 = 0x75FA_C1A3_58D0_6476
    public static let codewordLength = 255
    public static let dataLength = 223
    public static let flag: UInt8 = 0x7E
    /// Longest AX.25 frame (without FCS) that fits: opening flag, frame, FCS and closing flag in 223 bytes.
    public static let maximumFrameLength = dataLength - 4
    public static let framingNRZI = "Astrocast FX.25 NRZ-I"
    public static let framingNRZ = "Astrocast FX.25 NRZ"

    public let nrzi: Bool
    public let framing: String
    /// Failed candidates are reported only after a sync word this close to exact.
    public var reportFailuresMaxSyncErrors = 4
    var collector: SyncWordFrameCollector
    var completed: [SyncWordFrameCollector.Candidate] = []
    var decoded: [UInt8] = []
    var nrziDecoder = NRZIDecoder()
    /// Sureness (|soft − 128|) of the previous channel symbol: an NRZ-I bit is as sure as the weaker of
    /// the two symbols it compares.
    var previousSureness: UInt8 = 0
    var position = 0

    /// `nrzi`: NRZ-I line coding (the default, as the satellites now send) or plain NRZ.
    /// `syncErrors`: bit errors tolerated in the 64-bit sync word.
    public init(nrzi: Bool = true, syncErrors: Int = 8) {
        self.nrzi = nrzi
        framing = nrzi ? Self.framingNRZI : Self.framingNRZ
        // After NRZ-I decoding the polarity of the channel no longer matters; NRZ needs both polarities.
        collector = SyncWordFrameCollector(
            syncWord: Self.syncWord, syncLength: 64, maxErrors: syncErrors, detectInverted: !nrzi,
            frameBits: 8 * Self.codewordLength, maxPending: 4, keepSoftSymbols: true)
    }

    public mutating func reset() {
        collector.reset()
        nrziDecoder.reset()
        previousSureness = 0
        position = 0
    }

    public mutating func process(_ symbols: UnsafeBufferPointer<UInt8>, into frames: inout [DecodedFrame]) {
        completed.removeAll(keepingCapacity: true)
        decoded.removeAll(keepingCapacity: true)
        decoded.append(contentsOf: symbols.lazy.map { $0 >= 128 ? 1 : 0 })
        if nrzi { decoded.withUnsafeMutableBufferPointer { nrziDecoder.process($0) } }
        for (i, s) in symbols.enumerated() {
            var soft = s
            if nrzi {
                let sureness = Self.sureness(s)
                let r = min(sureness, previousSureness)
                previousSureness = sureness
                soft = decoded[i] == 1 ? 128 + r : 127 - r
            }
            collector.push(decoded[i], soft: soft, at: position, completed: &completed)
            position += 1
        }
        for c in completed {
            let frame = Self.decode(
                SyncWordFrameCollector.pack(c.bits), reliability: c.byteReliability(), framing: framing, end: c.end)
            guard frame.checkPassed || c.syncErrors <= reportFailuresMaxSyncErrors else { continue }
            frames.append(frame)
        }
    }

    static func sureness(_ s: UInt8) -> UInt8 { s >= 128 ? s - 128 : 127 - s }

    /// Decodes the 255 bytes after the sync word, as received (MSB first packing of the channel bits).
    /// `reliability`: per-byte sureness for soft erasures (empty: hard decoding only).
    public static func decode(
        _ received: [UInt8], reliability: [UInt8] = [], framing: String = framingNRZI, end: Int = 0
    ) -> DecodedFrame {
        var block = received.map(ESEODeframer.bitReversed)
        guard block.count == codewordLength else {
            return DecodedFrame(bytes: block, framing: framing, checkPassed: false, symbolPosition: end)
        }
        var corrected: Int?
        if let n = try? rs.decode(&block) {
            corrected = n
        } else if reliability.count == block.count,
            let recovery = softErasures.recover(&block, reliability: reliability, decode: { b, e in try rs.decode(&b, erasures: e) })
        {
            corrected = recovery.corrected
        }
        let data = Array(block[0..<dataLength])
        guard let (frame, fcsGood) = unframe(data) else {
            return DecodedFrame(bytes: data, framing: framing, checkPassed: false, symbolPosition: end)
        }
        return DecodedFrame(
            bytes: frame, framing: framing, checkPassed: corrected != nil && fcsGood, correctedSymbols: corrected ?? 0,
            symbolPosition: end)
    }

    /// gr-satellites' reading of the RS data: skip the first byte (the opening flag), cut at the next
    /// 0x7E; the two bytes before it are the FCS. Nil when there is no such flag or no room for an FCS.
    static func unframe(_ data: [UInt8]) -> (frame: [UInt8], fcsGood: Bool)? {
        guard data.count > 1, let close = data[1...].firstIndex(of: flag), close - 1 > 2 else { return nil }
        let frame = Array(data[1..<(close - 2)])
        let fcs = UInt32(data[close - 2]) | UInt32(data[close - 1]) << 8
        return (frame, CRCAlgorithm.x25.checksum(frame) == fcs)
    }

    /// The 255 bytes sent after the sync word for an AX.25 frame (without FCS), in the order received
    /// (each byte bit-reversed); nil when it does not fit or the frame or its FCS contains 0x7E.
    public static func codeword(for frame: [UInt8]) -> [UInt8]? {
        guard (1...maximumFrameLength).contains(frame.count), !frame.contains(flag) else { return nil }
        let fcs = CRCAlgorithm.x25.checksum(frame)
        let fcsBytes = [UInt8(truncatingIfNeeded: fcs), UInt8(truncatingIfNeeded: fcs >> 8)]
        guard !fcsBytes.contains(flag) else { return nil }
        var data = [flag] + frame + fcsBytes + [flag]
        // Idle flags fill the rest of the RS data block (assumed; decoding ignores what follows the flag).
        data += [UInt8](repeating: flag, count: dataLength - data.count)
        guard let block = try? rs.encode(data) else { return nil }
        return block.map(ESEODeframer.bitReversed)
    }

    /// Channel bits (0/1) for one frame: sync word and codeword, before line coding (NRZ-I or none).
    public static func encode(_ frame: [UInt8]) -> [UInt8]? {
        guard let block = codeword(for: frame) else { return nil }
        var bits: [UInt8] = (0..<64).reversed().map { UInt8(truncatingIfNeeded: syncWord >> UInt64($0)) & 1 }
        bits.reserveCapacity(64 + 8 * block.count)
        for b in block {
            for i in (0..<8).reversed() { bits.append((b >> UInt8(i)) & 1) }
        }
        return bits
    }

    static let rs: ReedSolomonCCSDS = {
        guard let code = try? ReedSolomonCCSDS(basis: .dual) else { preconditionFailure("CCSDS RS parameters") }
        return code
    }()
    static let softErasures = ReedSolomonSoftErasures(parity: ReedSolomonCCSDS.parityCount)
}
