/// SALSAT framing (TU Berlin's SALSAT, NORAD 46495, 435.950 MHz, 1200 baud AFSK, per the gr-satellites
/// SatYAML file): the S-NET framing of `SNETDeframer` with the satellite's checks fixed. gr-satellites
/// decodes it with its S-NET deframer and the `buggy_crc` option off (read for facts only), and SatNOGS'
/// request for an "AFSK SALSAT" mode calls SALSAT the "bug fixed S-Net spare".
///
/// Same sync word 0x04CF5FC8 (up to 4 bit errors by default), BCH-coded LTU header and PDU as S-NET;
/// the checks differ:
/// - CRC-5 (polynomial 0x15, initial 0x1F, MSB first) over the first 65 header bits followed by
///   1011011, in order (no byte reversal, no replaced byte);
/// - CRC-13 (polynomial 0x1CF5, initial 0x1FFF, MSB first, no final XOR) over the PDU bytes in order,
///   each most significant bit first (the bytes go out least significant bit first).
/// Output: the PDU bytes. gr-satellites drops frames whose header fails BCH or CRC-5 or whose PDU is
/// empty; so does this. A PDU that fails BCH or CRC-13 after a valid header is reported as failed
/// (gr-satellites drops it), as `SNETDeframer` does. The decoding is `SNETDeframer`'s with
/// `Checks.fixed`; this type adds the name and a transmitter for tests.
public struct SALSATDeframer: Deframer {
    public static let framingName = "SALSAT"
    public static let syncWord = SNETDeframer.syncWord
    static let headerBits = SNETDeframer.headerBits
    static let maxBits = SNETDeframer.maxBits
    /// Filler after the PDU in the last BCH block (gr-satellites drops 0xDB padding).
    static let padding: UInt8 = 0xDB

    var snet: SNETDeframer
    public var syncErrors: Int { snet.collector.maxErrors }

    public init(syncErrors: Int = 4, detectInverted: Bool = true) {
        snet = SNETDeframer(syncErrors: syncErrors, detectInverted: detectInverted, checks: .fixed)
    }

    public mutating func reset() { snet.reset() }

    public mutating func process(_ symbols: UnsafeBufferPointer<UInt8>, into frames: inout [DecodedFrame]) {
        snet.process(symbols, into: &frames)
    }

    /// Decodes and checks the LTU header (first 210 bits); nil when BCH or CRC-5 fails or the PDU is empty.
    public static func header(_ bits: [UInt8]) -> SNETDeframer.Header? { SNETDeframer.header(bits, checks: .fixed) }

    /// Decodes the bits after the sync word; nil when the header is not valid or bits are missing.
    public static func decode(bits: [UInt8], end: Int = 0) -> DecodedFrame? { SNETDeframer.decode(bits: bits, end: end, checks: .fixed) }

    /// The bits (0/1) that follow the sync word for `pdu` (1...1023 bytes, fitting the 4096-bit
    /// window), sent with `aiTypeSrc` (0: uncoded, 1...3: BCH (15,11), (15,7), (15,5)); nil otherwise.
    /// The header's other fields are zero.
    public static func encode(_ pdu: [UInt8], aiTypeSrc: Int = 0, srcId: Int = 0, dstId: Int = 0) -> [UInt8]? {
        guard (1...1023).contains(pdu.count), let code = SNETDeframer.pduCode(aiTypeSrc) else { return nil }
        var header = [UInt8](repeating: 0, count: 65)
        func put(_ value: Int, _ from: Int, _ n: Int) {
            for i in 0..<n { header[from + i] = UInt8((value >> (n - 1 - i)) & 1) }
        }
        put(srcId, 0, 7)
        put(dstId, 7, 7)
        put(aiTypeSrc, 26, 4)
        put(pdu.count, 42, 10)
        put(SNETDeframer.crc13(pdu, checks: .fixed), 52, 13)
        let crc = SNETDeframer.crc5(header, checks: .fixed)
        for i in 0..<5 { header.append(UInt8((crc >> (4 - i)) & 1)) }
        // 14 BCH(15,5) codewords, their 5 data bits last first, interleaved bit by bit.
        var bits = [UInt8](repeating: 0, count: headerBits)
        for j in 0..<14 {
            var data = [UInt8](repeating: 0, count: 5)
            for m in 0..<5 { data[4 - m] = header[5 * j + m] }
            let word = codeword(data, SNETBCH15.d7)
            for i in 0..<15 { bits[14 * i + j] = word[i] }
        }
        if let code {
            let perBlock = 16 * code.dataBits / 8
            let n = SNETDeframer.blocks(pdu.count, code)
            let padded = pdu + [UInt8](repeating: padding, count: n * perBlock - pdu.count)
            var dataBits: [UInt8] = []
            for byte in padded { for k in 0..<8 { dataBits.append((byte >> UInt8(k)) & 1) } }
            for blk in 0..<n {
                var block = [UInt8](repeating: 0, count: 240)
                for j in 0..<16 {
                    let from = (16 * blk + j) * code.dataBits
                    let word = codeword(Array(dataBits[from..<(from + code.dataBits)]), code)
                    for i in 0..<15 { block[16 * i + j] = word[i] }
                }
                bits += block
            }
        } else {
            for byte in pdu { for k in 0..<8 { bits.append((byte >> UInt8(k)) & 1) } }
        }
        return bits.count <= maxBits ? bits : nil
    }

    /// The systematic codeword (15 bits, transmission order) whose last bits are `data`.
    static func codeword(_ data: [UInt8], _ code: SNETBCH15) -> [UInt8] {
        let parityBits = 15 - code.dataBits
        var value = 0
        for b in data { value = value << 1 | Int(b & 1) }
        // A codeword decodes to itself; search the parity that makes one.
        for parity in 0..<(1 << parityBits) {
            let word = parity << code.dataBits | value
            if Int(code.table[word]) == word {
                return (0..<15).map { UInt8((word >> (14 - $0)) & 1) }
            }
        }
        return []
    }
}
