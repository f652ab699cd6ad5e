/// OPS-SAT (ESA, NORAD 44878): the GomSpace NanoCom AX100 in "mode 6", Reed-Solomon coded data carried
/// inside AX.25 frames.
///
/// Facts (gr-satellites' `ops_sat_deframer`; DK3WN's OPS-SAT page; gr-satnogs' `ax100_mode6` decoder;
/// ESA's gr-opssat): 9k6 FSK, NRZ-I, G3RUH scrambling (1 + x^12 + x^17), HDLC frames (bytes LSB first,
/// bit stuffing, 0x7E flags). Each frame is a 16-byte AX.25 header (two addresses, control, PID; not
/// protected by the RS code), then a CCSDS-randomised RS(255,223) codeword of the CCSDS code in the
/// conventional basis (libfec `decode_rs_8`, as gr-satellites' `decode_rs(False, 1)` and gr-satnogs),
/// shortened to 33...255 bytes, then the AX.25 FCS. gr-satellites skips the FCS check, drops the 16
/// header bytes, derandomises, keeps codewords of 33...255 bytes and outputs the RS data (parity
/// removed) — which ends with the AX100's CRC-32C (big-endian) of the bytes before it, passed through
/// unchecked, as here.
///
/// `checkPassed` = RS decoding passed; `correctedSymbols` = RS corrections. When hard decoding fails,
/// the weakest bytes (from the channel soft symbols, traced through the line decoding and bit
/// unstuffing) are erased and decoding retried (`ReedSolomonSoftErasures`). NRZ-I makes the FSK
/// polarity irrelevant. A failed candidate is reported (checkPassed false) only when its unprotected
/// header carries two plausible AX.25 addresses (`AX25BitRepair.plausibleAddresses`), which random
/// bits between two flags do about once in 10¹⁰.
public struct OPSSATDeframer: Deframer {
    public static let framingName = "OPS-SAT"
    /// Unprotected AX.25 header: destination, source, control, PID.
    public static let headerLength = 16
    /// Codeword lengths gr-satellites passes to the RS decoder (data 1...223 bytes plus 32 parity).
    public static let codewordLengths = 33...255
    public static let parityLength = ReedSolomonCCSDS.parityCount
    /// An example header (DP0OPS to DL0ESA, the callsigns DK3WN reports; UI control and PID 0xF0 are
    /// assumed), for tests and `encode`.
    public static let exampleHeader: [UInt8] = address("DL0ESA", last: false) + address("DP0OPS", last: true) + [0x03, 0xF0]

    public let framing: String
    var channel = AX25ChannelDecoder(.g3ruh)
    var hdlc: HDLCDeframer
    var bits: [UInt8] = []
    var found: [HDLCFrame] = []
    /// The latest channel soft symbols, from absolute symbol `historyStart` on (a whole frame of the
    /// largest size and its lead), so a frame whose RS decoding fails can get byte reliabilities.
    var history: [UInt8] = []
    var historyStart = 0
    let historyLength: Int

    public init(framing: String = framingName) {
        self.framing = framing
        let configuration = HDLCDeframer.Configuration(
            minimumBytes: Self.headerLength + Self.codewordLengths.lowerBound + 2,
            maximumBytes: Self.headerLength + Self.codewordLengths.upperBound + 2, fcs: .x25)
        hdlc = HDLCDeframer(configuration: configuration)
        // Bit stuffing adds at most one bit in five; the flags and the lead come on top.
        historyLength = (configuration.maximumBytes * 8 + 16) * 6 / 5 + Self.lead
    }

    public mutating func process(_ symbols: UnsafeBufferPointer<UInt8>, into frames: inout [DecodedFrame]) {
        history.append(contentsOf: symbols)
        if history.count > 2 * historyLength {
            let drop = history.count - historyLength
            history.removeFirst(drop)
            historyStart += drop
        }
        bits.removeAll(keepingCapacity: true)
        bits.append(contentsOf: symbols.lazy.map { $0 >= 128 ? 1 : 0 })
        bits.withUnsafeMutableBufferPointer { channel.process($0) }
        found.removeAll(keepingCapacity: true)
        bits.withUnsafeBufferPointer { hdlc.process($0, into: &found) }
        for f in found where f.verdict != .notByteAligned {
            // The FCS is not checked (as gr-satellites): the RS code protects what matters.
            guard var frame = Self.decode(f.bytes, reliability: { reliability(of: f) }, framing: framing) else { continue }
            guard frame.checkPassed || AX25BitRepair.plausibleAddresses(f.bytes) else { continue }
            frame.symbolPosition = f.endBit + 1
            frames.append(frame)
        }
    }

    /// Decodes one HDLC frame (without its FCS): header, randomised codeword. Nil when the codeword
    /// length is outside 33...255. `reliability` gives the frame's per-byte sureness (nil: none), asked
    /// only when hard RS decoding fails.
    public static func decode(
        _ hdlcFrame: [UInt8], reliability: () -> [UInt8]? = { nil }, framing: String = framingName
    ) -> DecodedFrame? {
        guard hdlcFrame.count >= headerLength, codewordLengths.contains(hdlcFrame.count - headerLength) else { return nil }
        var codeword = Array(hdlcFrame[headerLength...])
        CCSDSRandomizer.apply(to: &codeword)
        let dataLength = codeword.count - parityLength
        var corrected: Int?
        if let n = try? GomSpaceReedSolomon.decode(&codeword) {
            corrected = n
        } else if let r = reliability(), r.count >= hdlcFrame.count,
            let rs = try? ReedSolomonCCSDS(basis: .conventional, interleave: 1, virtualFill: 255 - codeword.count),
            let recovery = GomSpaceReedSolomon.softErasures.recover(
                &codeword, reliability: Array(r[headerLength..<hdlcFrame.count]), decode: { b, e in try rs.decode(&b, erasures: e) })
        {
            corrected = recovery.corrected
        }
        return DecodedFrame(
            bytes: Array(codeword[0..<dataLength]), framing: framing, checkPassed: corrected != nil,
            correctedSymbols: corrected ?? 0, symbolPosition: 0)
    }

    /// The AX.25 frame (without FCS) carrying `data` (1...223 bytes): header, then the RS codeword
    /// randomised. HDLC framing (`HDLCFramer`) and the G3RUH line coding (`AX25ChannelEncoder(.g3ruh)`)
    /// come after it.
    public static func encode(_ data: [UInt8], header: [UInt8] = exampleHeader) -> [UInt8]? {
        guard header.count == headerLength, var codeword = try? GomSpaceReedSolomon.encode(data) else { return nil }
        CCSDSRandomizer.apply(to: &codeword)
        return header + codeword
    }

    /// Channel symbols kept before a frame's first data bit: the opening flag and the memory of the
    /// descrambler and NRZ-I decoder (18 symbols).
    static let lead = 32

    /// Per-byte sureness of the frame's bytes (FCS included) from the channel soft symbols, or nil when
    /// they are no longer kept. A decoded bit depends on six channel symbols (G3RUH taps 0, 12, 17, each
    /// through NRZ-I with its predecessor) and is as sure as the weakest; stuffed bits are skipped the way
    /// `HDLCDeframer` skips them.
    func reliability(of f: HDLCFrame) -> [UInt8]? {
        let from = f.startBit - Self.lead, to = f.endBit + 1
        guard from >= historyStart, to <= historyStart + history.count, from < to else { return nil }
        let symbols = history[(from - historyStart)..<(to - historyStart)]
        var hard = symbols.map { $0 >= 128 ? UInt8(1) : 0 }
        var decoder = AX25ChannelDecoder(.g3ruh)
        hard.withUnsafeMutableBufferPointer { decoder.process($0) }
        let sure = symbols.map(AstrocastFX25Deframer.sureness)
        let wanted = 8 * (f.bytes.count + 2)
        var bitSureness: [UInt8] = []
        bitSureness.reserveCapacity(wanted)
        var ones = 0
        for j in Self.lead..<hard.count where bitSureness.count < wanted {
            if hard[j] == 1 {
                ones += 1
            } else {
                defer { ones = 0 }
                if ones == 5 { continue }
            }
            var s = sure[j]
            for tap in [1, 12, 13, 17, 18] { s = min(s, sure[j - tap]) }
            bitSureness.append(s)
        }
        guard bitSureness.count == wanted else { return nil }
        // ReedSolomonSoftErasures.byteReliability wants soft symbols: 128 + sureness is one as sure.
        return ReedSolomonSoftErasures.byteReliability(bitSureness.map { 128 + $0 }[...])
    }

    /// An AX.25 address field: six callsign characters shifted left, then the SSID byte (SSID 0) whose
    /// low bit ends the address field.
    static func address(_ callsign: String, last: Bool) -> [UInt8] {
        let chars = Array(callsign.utf8.prefix(6)) + [UInt8](repeating: 0x20, count: max(0, 6 - callsign.utf8.count))
        return chars.map { $0 << 1 } + [0x60 | (last ? 1 : 0)]
    }
}
