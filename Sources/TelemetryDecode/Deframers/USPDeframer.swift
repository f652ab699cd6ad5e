/// Unified SPUTNIX Protocol (USP): FSK or BPSK, CCSDS-like concatenated coding with a variable frame size.
///
/// Public description of the format (SPUTNIX, "USP protocol description" v1.04, and gr-satellites' notes
/// on it): a 64-bit sync word `0x5072F64B2D90B1F5`, then a 64-bit physical-layer signalling code (PLS,
/// DVB-S2 style: a (64, 7) code word XOR a fixed scrambling sequence) that gives the frame size, then the
/// frame: a Reed-Solomon (255, 223) code word over GF(2⁸) in the CCSDS dual basis, shortened to
/// data + 32 parity bytes, CCSDS-randomized, convolutionally encoded (K = 7, r = 1/2, CCSDS, no tail).
/// Two sizes are in use: PLS code 0 carries 48 data bytes, code 1 carries 223 (the order the published
/// test signals show; the document lists them the other way round).
///
/// The PLS is decided by soft correlation with both code words. The data field starts with a 4-byte
/// header, two bytes (`08 FF` in the published signals) and the packet length, little-endian; the packet
/// (an AX.25 frame) follows, then filler. The output is the packet. Only frames whose Reed-Solomon
/// decoding succeeded and whose length fits are reported (a sync look-alike in noise is not). When hard
/// Reed-Solomon decoding fails, the bytes the soft Viterbi output marks as weakest are erased
/// (`MaxLogMAPDecoder`, `ReedSolomonSoftErasures`).
public struct USPDeframer: Deframer {
    public static let syncWord: UInt64 = 0x5072_F64B_2D90_B1F5
    /// The PLS scrambling sequence; PLS code 0 is sent as this, code 1 as this XOR 0x5555….
    public static let plsScrambling: UInt64 = 0x719D_83C9_5342_2DFA
    /// Data bytes per PLS code.
    public static let dataLengths = [48, 223]
    public static let parityLength = 32

    public struct Configuration: Sendable, Hashable {
        /// Bit errors allowed in the 64-bit sync word (13, as gr-satellites: noise matches it, in either
        /// polarity, about once in 600 000 bits, and a false match costs one Viterbi + RS attempt).
        public var syncErrors: Int
        public var maxPending: Int
        public var framing: String
        public init(syncErrors: Int = 13, maxPending: Int = 4, framing: String = "USP") {
            self.syncErrors = max(0, min(syncErrors, 20))
            self.maxPending = max(1, maxPending)
            self.framing = framing
        }
    }

    struct Pending: Sendable {
        /// The sync was found inverted (FSK with the tones swapped, BPSK locked 180° off): symbols are flipped.
        var inverted: Bool
        var symbols: [UInt8] = []
        /// Symbols to collect: the PLS, then the PLS and the coded frame.
        var needed = 64
    }

    public let configuration: Configuration
    var register: UInt64 = 0
    var bitsSeen = 0
    var position = 0
    var pending: [Pending] = []
    var viterbi = ViterbiDecoder(code: .ccsds)
    /// Soft bit decisions, only for frames whose hard Reed-Solomon decoding failed.
    var softOutput = MaxLogMAPDecoder(code: .ccsds)
    var recent: [(bytes: [UInt8], position: Int)] = []

    public init(_ configuration: Configuration = Configuration()) {
        self.configuration = configuration
    }

    public mutating func process(_ symbols: UnsafeBufferPointer<UInt8>, into frames: inout [DecodedFrame]) {
        for s in symbols {
            position += 1
            bitsSeen += 1
            var k = 0
            while k < pending.count {
                pending[k].symbols.append(pending[k].inverted ? 255 - s : s)
                if pending[k].symbols.count == pending[k].needed {
                    if pending[k].needed == 64 {
                        let code = Self.plsCode(pending[k].symbols)
                        pending[k].needed = 64 + 16 * (Self.dataLengths[code] + Self.parityLength)
                        pending[k].symbols.reserveCapacity(pending[k].needed)
                        k += 1
                        continue
                    }
                    emit(pending.remove(at: k), into: &frames)
                    continue
                }
                k += 1
            }
            register = register << 1 | (s >= 128 ? 1 : 0)
            guard bitsSeen >= 64, pending.count < configuration.maxPending else { continue }
            let errors = (register ^ Self.syncWord).nonzeroBitCount
            if errors <= configuration.syncErrors {
                pending.append(Pending(inverted: false))
            } else if 64 - errors <= configuration.syncErrors {
                pending.append(Pending(inverted: true))
            }
        }
    }

    /// The PLS code (0 or 1) whose code word correlates best with 64 soft symbols.
    static func plsCode(_ symbols: [UInt8]) -> Int {
        var correlation = [0, 0]
        for (i, s) in symbols.prefix(64).enumerated() {
            let soft = Int(s) - 128
            let bit0 = Int(plsScrambling >> UInt64(63 - i) & 1)
            let bit1 = bit0 ^ (i % 2 == 0 ? 0 : 1)
            correlation[0] += bit0 == 1 ? soft : -soft
            correlation[1] += bit1 == 1 ? soft : -soft
        }
        return correlation[1] > correlation[0] ? 1 : 0
    }

    mutating func emit(_ p: Pending, into frames: inout [DecodedFrame]) {
        let coded = Array(p.symbols[64...])
        guard let frame = decodeFrame(coded), frame.checkPassed, frame.bytes.count >= 4 else { return }
        let length = Int(frame.bytes[2]) | Int(frame.bytes[3]) << 8
        guard length > 0, length <= frame.bytes.count - 4 else { return }
        let packet = Array(frame.bytes[4..<(4 + length)])
        recent.removeAll { position - $0.position > 2 * p.needed }
        if recent.contains(where: { $0.bytes == packet }) { return }
        recent.append((packet, position))
        frames.append(
            DecodedFrame(bytes: packet, framing: configuration.framing, checkPassed: true, correctedSymbols: frame.corrected, symbolPosition: position))
    }

    /// Viterbi, de-randomizing and Reed-Solomon for one coded frame (16 soft symbols per byte).
    mutating func decodeFrame(_ coded: [UInt8]) -> (bytes: [UInt8], checkPassed: Bool, corrected: Int)? {
        let n = coded.count / 16
        guard n > Self.parityLength, n <= 255, var block = try? viterbi.decodePacked(coded, termination: .open), block.count == n else { return nil }
        CCSDSRandomizer.apply(to: &block)
        guard let rs = try? ReedSolomonCCSDS(basis: .dual, interleave: 1, virtualFill: 255 - n) else { return nil }
        let corrected: Int
        do {
            corrected = try rs.decode(&block)
        } catch {
            // The soft Viterbi output says which bytes are weak: erase them and try again.
            guard let soft = try? softOutput.decode(coded, termination: .open),
                let recovery = Self.softErasures.recover(
                    &block, reliability: ReedSolomonSoftErasures.byteReliability(soft[...]),
                    decode: { b, e in try rs.decode(&b, erasures: e) })
            else { return (Array(block.prefix(n - Self.parityLength)), false, 0) }
            corrected = recovery.corrected
        }
        return (Array(block.prefix(n - Self.parityLength)), true, corrected)
    }

    static let softErasures = ReedSolomonSoftErasures(parity: parityLength)
}
