/// AAUSAT-4 (Aalborg University cubesat, OZ4CUB; 437.425 MHz, 2k4 or 9k6 FSK) spacelink framing.
///
/// The facts, from public sources: Aalborg University's AAUSAT3/AAUSAT4 "HAM and radio info" pages
/// (spacelink format), Daniel Estévez's blog post "A bunch of data from AAUSAT-4" (2016), the FEC code of
/// the university's bbctl ground software, and gr-satellites (the AAUSAT-4 deframer, `decode_rs` and the
/// AAUSAT-4 SatYAML file):
/// - a 0101… training sequence, then the 48-bit sync word "OZ4CUB" (0x4F5A34435542), MSB first;
/// - a Frame Size Marker byte: 0xA6 for a short frame, 0x59 for a long one;
/// - the frame: a Reed-Solomon RS(255,223) code word (the CCSDS code in the conventional basis, as
///   libfec's `encode_rs_8`: gr-satellites' `decode_rs(False, 1)` is "not dual basis, interleave 1"),
///   shortened to 31 + 32 or 92 + 32 bytes, CCSDS-randomized, then convolutionally encoded with the CCSDS
///   K = 7 r = 1/2 code (0o171 first, 0o133 inverted second; gr-satellites' polynomials 79, −109) from
///   state 0, flushed by a zero byte: 128 or 250 coded bytes. The decoder uses the first 1020 or 1996
///   coded symbols (code word and 6-bit zero tail).
///
/// The university's published coded test frame (bbctl's `TESTDATA`) decodes with these facts and
/// re-encodes bit for bit; with the dual basis it does not decode.
///
/// The output, as gr-satellites', is the Reed-Solomon data without parity: 31 or 92 bytes, which start
/// with the CSP packet's length (big-endian, CSP header not counted), then the CSP packet (4-byte header,
/// data, 2-byte HMAC), then padding.
///
/// The sync word is searched in hard decisions with up to `syncErrors` bit errors (8, gr-satellites'
/// default) in both polarities (FSK audio can come out with the tones swapped); an inverted hit inverts
/// the symbols that follow. The marker picks the size; a marker 4 bits from both is tried both ways.
/// The Viterbi decoder gets the soft symbols; when hard Reed-Solomon decoding fails, the bytes the soft
/// Viterbi output marks as weakest are erased and decoding retried (`MaxLogMAPDecoder`,
/// `ReedSolomonSoftErasures`). Frames that pass Reed-Solomon are emitted with `checkPassed` and
/// `correctedSymbols` = bytes corrected; a frame that fails is emitted (`checkPassed == false`) only after
/// a near-exact sync word (`failedFrameMaxSyncErrors`), since noise matches 8 errors every few 10⁵ bits.
/// Memory is bounded: only the open candidates' symbols are kept (at most 8 × 2004). `finish` decodes
/// what the open candidates already hold (a short frame near the end of a recording whose marker was
/// ambiguous).
public struct AAUSAT4Deframer: Deframer {
    public static let framingName = "AAUSAT-4"
    /// "OZ4CUB", sent MSB first.
    public static let syncWord: UInt64 = 0x4F5A_3443_5542
    public static let syncLength = 48
    /// gr-satellites' default sync word threshold.
    public static let defaultSyncErrors = 8
    public static let parityLength = 32

    public let syncErrors: Int
    /// A frame whose Reed-Solomon decoding fails is reported (as failed) only when its sync word had at
    /// most this many bit errors. Random bits come within 2 bits of the 48-bit word about once in 10¹¹.
    public var failedFrameMaxSyncErrors = 2
    var collector: SyncWordFrameCollector
    var completed: [SyncWordFrameCollector.Candidate] = []
    var decoder = AAUSAT4FrameDecoder()
    var position = 0

    public init(syncErrors: Int = defaultSyncErrors, detectInverted: Bool = true) {
        self.syncErrors = max(0, min(syncErrors, 16))
        collector = SyncWordFrameCollector(
            syncWord: Self.syncWord, syncLength: Self.syncLength, maxErrors: self.syncErrors,
            detectInverted: detectInverted, frameBits: 8 + FrameSize.long.codedSymbolCount, headerBits: 8,
            keepSoftSymbols: true)
    }

    /// Forgets partial frames and the stream position.
    public mutating func reset() {
        collector.reset()
        position = 0
    }

    public mutating func process(_ symbols: UnsafeBufferPointer<UInt8>, into frames: inout [DecodedFrame]) {
        completed.removeAll(keepingCapacity: true)
        for s in symbols {
            collector.push(s >= 128 ? 1 : 0, soft: s, at: position, length: Self.wantedBits, completed: &completed)
            position += 1
        }
        for c in completed { emit(c, into: &frames) }
    }

    public mutating func finish(into frames: inout [DecodedFrame]) {
        let open = collector.pending
        collector.pending.removeAll(keepingCapacity: true)
        for c in open { emit(c, into: &frames) }
    }

    /// Bits to collect after the sync word, from the marker's 8 hard bits: marker and the coded symbols of
    /// its size; the long size when the marker is ambiguous.
    static func wantedBits(_ marker: [UInt8]) -> Int? {
        let size = FrameSize(markerBits: SyncWordFrameCollector.pack(marker.prefix(8)).first ?? 0) ?? .long
        return 8 + size.codedSymbolCount
    }

    mutating func emit(_ c: SyncWordFrameCollector.Candidate, into frames: inout [DecodedFrame]) {
        guard c.soft.count > 8 else { return }
        let marker = SyncWordFrameCollector.pack(c.bits.prefix(8)).first ?? 0
        var sizes: [FrameSize]
        if let size = FrameSize(markerBits: marker) {
            sizes = [size]
        } else {
            // Ambiguous marker: the size whose marker the soft symbols correlate with better goes first.
            var correlation = 0
            for k in 0..<8 {
                let soft = Int(c.soft[k]) - 128
                correlation += (FrameSize.short.marker << UInt8(k)) & 0x80 != 0 ? soft : -soft
            }
            sizes = correlation >= 0 ? [.short, .long] : [.long, .short]
        }
        var failed: DecodedFrame?
        for size in sizes {
            guard let r = decoder.decode(c.soft[8...], size: size) else { continue }
            let frame = DecodedFrame(
                bytes: r.bytes, framing: Self.framingName, checkPassed: r.checkPassed, correctedSymbols: r.corrected,
                symbolPosition: c.start + 8 + size.codedSymbolCount)
            if r.checkPassed {
                frames.append(frame)
                return
            }
            if failed == nil { failed = frame }
        }
        if let failed, c.syncErrors <= failedFrameMaxSyncErrors { frames.append(failed) }
    }
}
