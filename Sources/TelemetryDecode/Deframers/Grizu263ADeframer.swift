/// Grizu-263A framing (the Turkish PocketQube Grizu-263A, NORAD 51025, with a Semtech SX1268:
/// 435.675 MHz, 2400 baud FSK, per the gr-satellites SatYAML file and supported-satellites list).
///
/// Facts, from gr-satellites' Grizu-263A deframer and the blocks it chains (read for facts only): the
/// 64-bit sync word 0x0123456789ABCDEF, searched with up to 8 bit errors by default; then a 258-byte
/// window holding `L | L bytes | CRC-16`, whitened with PN9 seeded 0x100 (the SX126x's reset value,
/// which leaves the length byte in clear) in transmission order (see `SX126xPacketDeframer`); the CRC
/// is the CC11xx one (polynomial 0x8005, initial 0xFFFF, not reflected, no final XOR) over the length
/// byte and the data, sent high byte first. Output is the L data bytes, without the length byte and
/// the CRC, as gr-satellites outputs them.
///
/// The sync word is searched in both polarities. A 64-bit word with 8 errors still matches random bits
/// only about once in 2·10^9 bits (both polarities), so by default every hit gets the soft repair of
/// one or two weak bits, and a packet that still fails is reported as failed.
public struct Grizu263ADeframer: Deframer {
    public static let framingName = "Grizu-263A"
    public static let syncWord: UInt64 = 0x0123_4567_89AB_CDEF
    static let format = SX126xPacketDeframer.Format(
        framingName: framingName, syncWord: syncWord, syncLength: 64, whiteningSeed: 0x100, crc: CC11xxCoding.crc16,
        window: 258)
    /// Longest data field (the length byte's range; gr-satellites' 258-byte window holds it).
    public static let maxPayloadLength = 255

    var core: SX126xPacketDeframer

    /// `syncErrors`: bit errors allowed in the 64-bit sync word (gr-satellites' default: 8).
    /// `repairMaxSyncErrors`: most sync errors after which soft repair is tried and failed packets
    /// reported.
    public init(syncErrors: Int = 8, repairMaxSyncErrors: Int = 8, detectInverted: Bool = true) {
        core = SX126xPacketDeframer(
            Self.format, syncErrors: syncErrors, repairMaxSyncErrors: repairMaxSyncErrors, detectInverted: detectInverted)
    }

    public mutating func reset() { core.reset() }

    public mutating func process(_ symbols: UnsafeBufferPointer<UInt8>, into frames: inout [DecodedFrame]) {
        core.process(symbols, into: &frames)
    }

    /// Decodes the bytes after the sync word (more may follow); nil when they cannot be a packet.
    public static func decode(_ received: [UInt8], end: Int = 0) -> DecodedFrame? {
        SX126xPacketDeframer.decode(received, format, end: end)
    }

    /// The bytes that follow the sync word for `payload` (1...255 bytes): `L | payload | CRC`,
    /// whitened; nil when empty or longer.
    public static func encode(_ payload: [UInt8]) -> [UInt8]? {
        SX126xPacketDeframer.encode(payload, format)
    }
}
