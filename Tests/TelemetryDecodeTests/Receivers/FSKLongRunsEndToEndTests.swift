import Testing
import TestSupport

@testable import TelemetryDecode

/// Frames with long runs of one bit value (unscrambled zero fill, zero bytes in telemetry) through the
/// FSK receive chains, as FM audio with a DC offset and noise (`SyncWordFramingsEndToEndTests.audio`):
/// the DC removal must not drift toward the run and turn its bits into coin tosses.
@Suite(.computeThreads) struct FSKLongRunsEndToEndTests {
    typealias E2E = SyncWordFramingsEndToEndTests
    typealias S = DeframerTestSupport

    static func good(_ framing: Framing, _ bits: [UInt8], seed: UInt64) throws -> Set<[UInt8]> {
        let spec = TransmitterSpec(name: "9k6 FSK downlink", modulation: .fsk, baudRate: 9600, framing: framing)
        let frames = try E2E.receive(spec, E2E.audio(bits, baud: 9600, seed: seed))
        return Set(frames.filter(\.frame.checkPassed).map(\.frame.bytes))
    }

    /// NuSat pads a short packet's 64-byte block with unscrambled zeros: a 3-byte packet leaves 55 zero
    /// bytes (440 bits) before the Reed-Solomon parity.
    @Test(arguments: [UInt64(1), 2, 3])
    func nuSatShortPackets(seed: UInt64) throws {
        let packets: [[UInt8]] = [[0x4E, 0x55, 0x53], Array("NuSat-1 beacon".utf8), [0x01]]
        var bits = E2E.preamble(40)
        for p in packets { bits += S.bits(NuSatDeframer.syncWord) + S.bits(NuSatDeframer.encode(p)) + E2E.preamble(20) }
        #expect(try Self.good(.nuSat, bits, seed: seed) == Set(packets))
    }

    /// Unscrambled packets (BINAR-1: sync, length, data, CRC) with 60 bytes of zeros or of ones.
    @Test(arguments: [UInt8(0x00), 0xFF])
    func unscrambledRunsOfOneValue(fill: UInt8) throws {
        let payloads = [
            [0x42, 0x31] + [UInt8](repeating: fill, count: 60) + [0x17],
            [UInt8](repeating: fill, count: 60) + Array("end".utf8),
        ]
        var bits = E2E.preamble(40)
        for p in payloads {
            bits += S.bits([0xAA, 0xAA, 0xAA, 0xAA, 0x7E]) + S.bits(BINAR1Deframer.encode(p)) + E2E.preamble(20)
        }
        #expect(try Self.good(.binar1, bits, seed: 7) == Set(payloads.map { [UInt8($0.count)] + $0 }))
    }
}
