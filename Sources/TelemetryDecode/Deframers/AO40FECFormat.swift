/// The AO-40 FEC frame format (Phil Karn's design for AO-40, used by FUNcube, SMOG-P, ATL-1 and others),
/// in its long and short ("SMOG-P") variants, optionally with a CRC-16/ARC in the last two data bytes.
///
/// Transmit chain, per frame:
/// 1. `dataLength` bytes (256 long, 128 short) are Reed-Solomon coded with the CCSDS RS(255,223) code in
///    the conventional basis (libfec `encode_rs_8`), shortened to (160,128), interleaved `rsDepth` deep
///    (2 long, 1 short): `encodedBytes` = 320 / 160 bytes.
/// 2. The bytes are XORed with the CCSDS pseudo-random sequence (h(x) = x^8+x^7+x^5+x^3+1, all-ones start).
/// 3. They are convolutionally coded (K = 7, r = 1/2, CCSDS convention: 0171, then 0133 inverted) with a
///    6-bit zero tail: `encodedSymbols` = 5132 / 2572 channel symbols.
/// 4. A `rows` × `columns` block interleaver (80 × 65 long, 51 × 52 short) is filled row by row with the
///    sync vector (`columns` bits, the whole first row), `leadingPad` unused symbols, the encoded symbols
///    and trailing pad, then read column by column. So the sync bits end up every `rows` symbols
///    ("distributed sync vector"): channel symbol `rows·c + r` carries row `r`, column `c`.
///
/// Facts from Phil Karn's AO-40 FEC description and gr-satellites' `ao40_fec_deframer` (sync vectors,
/// interleaver sizes, the cropping of the deinterleaved block, the Viterbi and RS parameters).
public struct AO40FECFormat: Sendable, Hashable, CustomStringConvertible {
    public enum Length: Sendable, Hashable, CaseIterable {
        /// 256 data bytes, 5200 channel symbols (AO-40, FUNcube, SMOG-P "long").
        case long
        /// 128 data bytes, 2652 channel symbols (SMOG-P / ATL-1 "short").
        case short
    }

    public let length: Length
    /// Whether the last two data bytes are a CRC-16/ARC (poly 0x8005 reflected, init 0, appended low byte
    /// first) over the bytes before them. The CRC stays in the output, as gr-satellites does.
    public let crc16ARC: Bool

    public init(length: Length, crc16ARC: Bool = false) {
        self.length = length
        self.crc16ARC = crc16ARC
    }

    public static let long = AO40FECFormat(length: .long)
    public static let short = AO40FECFormat(length: .short)

    /// The 65-bit sync vector of long frames (first bit sent first).
    public static let longSyncVector: [UInt8] = bits("11111110000111011110010110010010000001000100110001011101011011000")
    /// The 52-bit sync vector of short frames: the first 52 bits of the long one.
    public static let shortSyncVector: [UInt8] = bits("1111111000011101111001011001001000000100010011000101")

    private static func bits(_ s: String) -> [UInt8] { s.utf8.map { $0 == UInt8(ascii: "1") ? 1 : 0 } }

    /// Sync vector bits (0/1), one per interleaver column.
    public var syncVector: [UInt8] { length == .long ? Self.longSyncVector : Self.shortSyncVector }
    /// Interleaver rows: the spacing of the sync bits in the channel symbol stream.
    public var rows: Int { length == .long ? 80 : 51 }
    /// Interleaver columns (= sync vector length).
    public var columns: Int { length == .long ? 65 : 52 }
    /// Channel symbols per frame (rows × columns).
    public var frameSymbols: Int { rows * columns }
    /// Position of the first encoded symbol in the deinterleaved (row by row) block.
    public var leadingPad: Int { length == .long ? 65 : 80 }
    /// Convolutionally coded symbols per frame (with the tail).
    public var encodedSymbols: Int { length == .long ? 5132 : 2572 }
    /// Reed-Solomon interleaving depth.
    public var rsDepth: Int { length == .long ? 2 : 1 }
    /// Virtual fill of each RS codeword: 255 − 160.
    public static let rsVirtualFill = 95
    /// Bytes after Viterbi decoding (RS codewords, interleaved).
    public var encodedBytes: Int { rsDepth * 160 }
    /// Data bytes per frame (the deframer's output, CRC included when there is one).
    public var dataLength: Int { rsDepth * 128 }

    /// Catalogue framing name.
    public var framing: String {
        switch (length, crc16ARC) {
        case (.long, false): "AO-40 FEC"
        case (.short, false): "AO-40 FEC short"
        case (.long, true): "AO-40 FEC CRC-16-ARC"
        case (.short, true): "AO-40 FEC CRC-16-ARC short"
        }
    }

    public var description: String { framing }

    /// Position in the channel symbol stream (from the frame start) of deinterleaved block index `i`.
    @inlinable
    public func channelIndex(ofBlockIndex i: Int) -> Int { rows * (i % columns) + i / columns }

    /// For each encoded symbol k, its position in the frame's channel symbols.
    public var encodedSymbolPositions: [Int32] {
        (0..<encodedSymbols).map { Int32(channelIndex(ofBlockIndex: leadingPad + $0)) }
    }

    /// CRC-16/ARC.
    public static let crc16ARCAlgorithm = CRCAlgorithm(
        name: "CRC-16/ARC", width: 16, polynomial: 0x8005, initial: 0, reflected: true, xorOut: 0)

    /// Whether `data` ends with a valid CRC-16/ARC (low byte first) of the bytes before it.
    public static func crcMatches(_ data: [UInt8]) -> Bool {
        guard data.count >= 2 else { return false }
        let n = data.count
        let crc = crc16ARCAlgorithm.checksum(data[0..<(n - 2)])
        return UInt32(data[n - 2]) | UInt32(data[n - 1]) << 8 == crc
    }

    /// The Reed-Solomon block code of this format (CCSDS parameters, conventional basis, shortened).
    public func reedSolomon() throws(ReedSolomonError) -> ReedSolomonInterleaver {
        try ReedSolomonInterleaver(code: try ao40ReedSolomonCode.get(), depth: rsDepth, virtualFill: Self.rsVirtualFill)
    }
}

/// CCSDS RS(255,223) parameters in the conventional basis (what libfec's `decode_rs_8` implements).
let ao40ReedSolomonCode: Result<ReedSolomonCode, ReedSolomonError> = Result { () throws(ReedSolomonError) in
    try ReedSolomonCode(
        fieldPolynomial: ReedSolomonCCSDS.fieldPolynomial, firstConsecutiveRoot: ReedSolomonCCSDS.firstConsecutiveRoot,
        primitiveElement: ReedSolomonCCSDS.primitiveElement, parityCount: ReedSolomonCCSDS.parityCount)
}
