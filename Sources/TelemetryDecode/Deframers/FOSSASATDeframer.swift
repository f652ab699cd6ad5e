/// FOSSASAT framing (FOSSA Systems' PocketQubes with a Semtech SX126x: FOSSASAT-1B at 436.980 MHz and
/// FOSSASAT-2 at 436.900 MHz, 9600 baud FSK, per the gr-satellites SatYAML files).
///
/// Facts, from gr-satellites' FOSSASAT deframer and the blocks it chains (read for facts only): the
/// 32 bits 0x55551212 (the end of the 0x55 preamble and the SX126x sync word 0x1212, which FOSSA's
/// SatNOGS DB request also gives), searched with no bit errors by default; then a 255-byte window
/// holding `L | L bytes | CRC-16`, whitened with PN9 seeded 0x1FF in transmission order (see
/// `SX126xPacketDeframer`); the CRC covers the length byte and the data: polynomial 0x1021, initial
/// 0x1D0F, not reflected, final XOR 0xFFFF (the SX126x's inverted CCITT CRC), sent high byte first.
/// Output is the L data bytes, without the length byte and the CRC, as gr-satellites outputs them.
///
/// The sync word is searched in both polarities. With the default exact sync every hit gets the soft
/// repair of one or two weak bits, and a packet that still fails is reported as failed.
public struct FOSSASATDeframer: Deframer {
    public static let framingName = "FOSSASAT"
    public static let syncWord: UInt32 = 0x5555_1212
    /// CRC-16 with polynomial 0x1021, initial 0x1D0F, final XOR 0xFFFF (check value 0x1A33).
    public static let crc = CRCAlgorithm(
        name: "CRC-16/SX126x-FOSSASAT", width: 16, polynomial: 0x1021, initial: 0x1D0F, reflected: false, xorOut: 0xFFFF)
    static let format = SX126xPacketDeframer.Format(
        framingName: framingName, syncWord: UInt64(syncWord), syncLength: 32, whiteningSeed: 0x1FF, crc: crc, window: 255)
    /// Longest data field that fits gr-satellites' 255-byte window.
    public static let maxPayloadLength = 252

    var core: SX126xPacketDeframer

    /// `syncErrors`: bit errors allowed in the 32-bit sync word (gr-satellites' default: 0).
    /// `repairMaxSyncErrors`: most sync errors after which soft repair is tried and failed packets
    /// reported (32-bit hits with more errors come from noise too often).
    public init(syncErrors: Int = 0, repairMaxSyncErrors: Int = 1, detectInverted: Bool = true) {
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

    /// The bytes that follow the sync word for `payload` (1...252 bytes): `L | payload | CRC`,
    /// whitened; nil when empty or longer.
    public static func encode(_ payload: [UInt8]) -> [UInt8]? {
        SX126xPacketDeframer.encode(payload, format)
    }
}
