/// AISTECHSAT-2's custom CCSDS-style framing (catalogue name "AISTECHSAT-2"). Used by AISTECHSAT-2
/// (NORAD 43768) on 436.600 MHz, FSK at 1200, 4800 and 9600 baud (the "custom CCSDS" downlinks of the
/// gr-satellites SatYAML file; the same transmitter also sends AX100 ASM+Golay frames).
///
/// Facts, from gr-satellites' AISTECHSAT-2 deframer and the blocks it chains (read for facts only):
/// - the CCSDS attached sync marker 0x1ACFFC1D, sent MSB first, found with up to 4 bit errors;
/// - then 125 bytes (93 + 32), CCSDS-randomised as a whole (CCSDS 131.0-B sequence, phase 0 on the first
///   byte after the marker);
/// - the first 10 derandomised bytes are dropped (`pdu_head_tail` mode 3, "tail plus", with 10);
/// - the other 115 bytes are one Reed-Solomon codeword, the CCSDS RS(255,223) code (field 0x187, first
///   root 112, primitive element 11, 32 parity bytes) shortened to (115,83), in the conventional basis
///   (`decode_rs(False, 1)`: dual basis off, no interleaving, i.e. libfec's `decode_rs_8`).
///
/// Output is the 83 corrected data bytes, as gr-satellites outputs them. The marker is searched in both
/// polarities (FSK); an inverted hit inverts the frame that follows. When hard decoding fails, the
/// weakest bytes are erased and decoding is tried again (`ReedSolomonSoftErasures`); `correctedSymbols`
/// counts the bytes corrected. A frame RS cannot decode is reported (`checkPassed: false`, uncorrected
/// data) only after a marker with at most `reportMaxSyncErrors` errors: noise makes plenty of 4-error hits.
public struct AISTECHSAT2Deframer: Deframer {
    public static let framingName = "AISTECHSAT-2"
    public static let syncWord: UInt32 = 0x1ACF_FC1D
    /// Bytes after the marker.
    public static let frameLength = 125
    /// Derandomised bytes dropped ahead of the codeword.
    public static let headLength = 10
    /// Data bytes of the shortened codeword: the output.
    public static let dataLength = 83
    static let blockLength = frameLength - headLength

    /// RS(255,223) CCSDS, conventional basis, shortened by 140 bytes of virtual fill to (115,83).
    static let reedSolomon: ReedSolomonCCSDS? = try? ReedSolomonCCSDS(
        basis: .conventional, interleave: 1, virtualFill: 223 - dataLength)
    static let softErasures = ReedSolomonSoftErasures(parity: ReedSolomonCCSDS.parityCount)

    public let syncErrors: Int
    public var reportMaxSyncErrors = 1
    var collector: SyncWordFrameCollector
    var completed: [SyncWordFrameCollector.Candidate] = []

    public init(syncErrors: Int = 4, detectInverted: Bool = true) {
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
            guard let frame = Self.decode(SyncWordFrameCollector.pack(c.bits), reliability: c.byteReliability(), end: c.end),
                frame.checkPassed || c.syncErrors <= reportMaxSyncErrors
            else { continue }
            frames.append(frame)
        }
    }

    /// Decodes the 125 (randomised) bytes after the marker; nil when there are fewer. `reliability` (one
    /// value per byte, optional: `ReedSolomonSoftErasures.byteReliability`) names the bytes to erase when
    /// hard decoding fails.
    public static func decode(_ received: [UInt8], reliability: [UInt8] = [], end: Int = 0) -> DecodedFrame? {
        guard received.count >= frameLength, let rs = reedSolomon else { return nil }
        var bytes = Array(received[0..<frameLength])
        CCSDSRandomizer.apply(to: &bytes)
        var block = Array(bytes[headLength...])
        let hard = Array(block[0..<dataLength])
        do throws(ReedSolomonError) {
            let corrected = try rs.decode(&block)
            return DecodedFrame(
                bytes: Array(block[0..<dataLength]), framing: framingName, checkPassed: true,
                correctedSymbols: corrected, symbolPosition: end)
        } catch {
            // Derandomising flips bits but leaves their sureness alone, so the received bytes' reliability
            // is the codeword's.
            if reliability.count >= frameLength,
                let recovery = softErasures.recover(
                    &block, reliability: Array(reliability[headLength..<frameLength]),
                    decode: { b, e in try rs.decode(&b, erasures: e) })
            {
                return DecodedFrame(
                    bytes: Array(block[0..<dataLength]), framing: framingName, checkPassed: true,
                    correctedSymbols: recovery.corrected, symbolPosition: end)
            }
            return DecodedFrame(bytes: hard, framing: framingName, checkPassed: false, symbolPosition: end)
        }
    }

    /// The 125 randomised bytes that follow the marker for 83 data bytes, with `head` (10 bytes, whatever
    /// the satellite puts there: the deframer drops them) ahead of the codeword; nil for other sizes.
    public static func encode(_ payload: [UInt8], head: [UInt8] = [UInt8](repeating: 0, count: headLength)) -> [UInt8]? {
        guard payload.count == dataLength, head.count == headLength, let rs = reedSolomon,
            let block = try? rs.encode(payload)
        else { return nil }
        var frame = head + block
        CCSDSRandomizer.apply(to: &frame)
        return frame
    }
}
