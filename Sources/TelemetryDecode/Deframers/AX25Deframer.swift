/// AX.25 over HDLC from soft symbols: hard decision, line decoding (`AX25LineCoding`: NRZI, with G3RUH
/// descrambling or UA01's variant), HDLC deframing with FCS check. A frame whose FCS fails (or whose bits are not whole bytes) is tried
/// again with its weakest channel symbols flipped (`AX25BitRepair`); only a repaired frame that passes
/// the FCS and carries plausible addresses is reported good, otherwise the failed frame is reported.
public struct AX25Deframer: Deframer {
    public let framing: String
    public let lineCoding: AX25LineCoding
    public var scrambled: Bool { lineCoding.scrambled }
    var channel: AX25ChannelDecoder
    var hdlc: HDLCDeframer
    let repair: AX25BitRepair
    var bits: [UInt8] = []
    var found: [HDLCFrame] = []
    var position = 0
    /// The latest channel soft symbols, from absolute symbol `historyStart` on: a whole frame of the
    /// largest size with its lead, so a failed frame can be decoded again.
    var history: [UInt8] = []
    var historyStart = 0
    let historyLength: Int

    /// `scrambled`: G3RUH (9600 Bd style) framing; otherwise plain NRZI AX.25 (1200 Bd AFSK style).
    public init(scrambled: Bool, framing: String? = nil, configuration: HDLCDeframer.Configuration = .ax25) {
        self.init(lineCoding: scrambled ? .g3ruh : .nrzi, framing: framing, configuration: configuration)
    }

    public init(lineCoding: AX25LineCoding, framing: String? = nil, configuration: HDLCDeframer.Configuration = .ax25) {
        self.lineCoding = lineCoding
        self.framing = framing ?? (lineCoding == .nrzi ? "AX.25" : "AX.25 G3RUH")
        channel = AX25ChannelDecoder(lineCoding)
        hdlc = HDLCDeframer(configuration: configuration)
        repair = AX25BitRepair(lineCoding: lineCoding, configuration: configuration)
        // Bit stuffing adds at most one bit in five.
        historyLength = (configuration.maximumBytes * 8 + 16) * 6 / 5 + AX25BitRepair.lead
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
        for f in found {
            if f.verdict != .good, let r = repaired(f) {
                frames.append(
                    DecodedFrame(bytes: r.bytes, framing: framing, checkPassed: true, correctedSymbols: r.flipped, symbolPosition: f.endBit + 1))
                continue
            }
            guard f.verdict != .notByteAligned else { continue }
            frames.append(DecodedFrame(bytes: f.bytes, framing: framing, checkPassed: f.verdict == .good, symbolPosition: f.endBit + 1))
        }
        position += symbols.count
    }

    /// `AX25BitRepair` over the failed frame's channel symbols, when they are still kept.
    func repaired(_ f: HDLCFrame) -> AX25BitRepair.Repair? {
        let from = f.startBit - AX25BitRepair.lead, to = f.endBit + 1
        guard from >= historyStart, to <= historyStart + history.count, from < to else { return nil }
        return repair.repair(history[(from - historyStart)..<(to - historyStart)])
    }
}
