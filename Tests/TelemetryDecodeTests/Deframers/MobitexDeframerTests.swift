import Foundation
import Testing

@testable import TelemetryDecode
import TestSupport

@Suite(.computeThreads) struct MobitexDeframerTests {
    /// The bits a Mobitex transmitter sends for `messages` (18 bytes each): sync, header, coded blocks.
    static func transmit(_ messages: [[UInt8]], nx: Bool, callsign: String? = nil, controlHigh: UInt8 = 0x20, countField: UInt8? = nil) -> [UInt8] {
        var bytes: [UInt8] = []
        let sync = nx ? MobitexDeframer.syncNX : MobitexDeframer.syncMobitex
        bytes += [UInt8(sync >> 8), UInt8(sync & 0xFF)]
        let c0 = controlHigh | (countField ?? UInt8(messages.count - 1)), c1: UInt8 = 0x06
        bytes += [c0, c1, MobitexCode.parity(c0) << 4 | MobitexCode.parity(c1)]
        if let callsign {
            let c = Array(callsign.utf8)
            let crc = UInt16(CRCAlgorithm.xmodem.checksum(c))
            bytes += c + [UInt8(crc >> 8), UInt8(crc & 0xFF)]
        }
        var scrambler = MobitexScrambler()
        for m in messages {
            let crc = UInt16(CRCAlgorithm.x25.checksum(m))
            let words = (m + [UInt8(crc >> 8), UInt8(crc & 0xFF)]).map(MobitexCode.encode)
            // Codeword stream bit i goes to matrix position (row i % 12, column i / 12), sent by rows.
            var sent = [UInt8](repeating: 0, count: 240)
            for i in 0..<240 {
                let bit = UInt8(words[i / 12] >> UInt16(11 - i % 12) & 1)
                sent[(i % 12) * 20 + i / 12] = bit
            }
            for k in 0..<240 { sent[k] ^= scrambler.next() }
            for k in stride(from: 0, to: 240, by: 8) { bytes.append(sent[k..<k + 8].reduce(0) { $0 << 1 | $1 }) }
        }
        return bytes.flatMap { b in (0..<8).map { b >> UInt8(7 - $0) & 1 } }
    }

    static func decode(_ bits: [UInt8], _ configuration: MobitexDeframer.Configuration, invert: Bool = false) -> [DecodedFrame] {
        var d = MobitexDeframer(configuration)
        var frames: [DecodedFrame] = []
        var rng = SplitMix64(seed: 5)
        let lead = (0..<50).map { _ in UInt8.random(in: 0...1, using: &rng) }
        let symbols = (lead + bits + [0, 1, 0, 1]).map { ($0 == 1) != invert ? UInt8(230) : UInt8(25) }
        symbols.withUnsafeBufferPointer { d.process($0, into: &frames) }
        return frames
    }

    static func messages(_ n: Int) -> [[UInt8]] { (0..<n).map { b in (0..<18).map { UInt8(truncatingIfNeeded: b * 31 + $0 * 7 + 1) } } }

    @Test func codeCorrectsEverySingleBitError() {
        for byte in 0...255 {
            let w = MobitexCode.encode(UInt8(byte))
            #expect(MobitexCode.decode(w)! == (UInt8(byte), 0))
            for bit in 0..<12 {
                let d = MobitexCode.decode(w ^ 1 << UInt16(bit))
                #expect(d?.byte == UInt8(byte) && d?.corrected == 1)
            }
        }
        // 0x2C: parity 0x8 (the check matrix's example).
        #expect(MobitexCode.encode(0x2C) == 0x2C8)
        #expect(CRCAlgorithm.xmodem.checksum(Array("123456789".utf8)) == 0x31C3)
    }

    @Test func nxFrameWithCallsignBecomesAMasterFrame() throws {
        let messages = Self.messages(3)
        let frames = Self.decode(Self.transmit(messages, nx: true, callsign: "DP0TBA"), .init(nx: true))
        let f = try #require(frames.first)
        #expect(frames.count == 1 && f.checkPassed && f.framing == "Mobitex-NX")
        let crc = UInt16(CRCAlgorithm.xmodem.checksum(Array("DP0TBA".utf8)))
        #expect(f.bytes == [0x22, 0x06] + Array("DP0TBA".utf8) + [UInt8(crc >> 8), UInt8(crc & 0xFF)] + messages.flatMap { $0 } + [0xAA, 0, 0, 0, 0, 0xBB])
    }

    @Test func plainMobitexHasNoCallsignAndEitherPolarityIsFound() throws {
        let messages = Self.messages(2)
        for invert in [false, true] {
            let frames = Self.decode(Self.transmit(messages, nx: false), .init(nx: false), invert: invert)
            #expect(frames.count == 1 && frames.first?.checkPassed == true)
            #expect(frames.first?.bytes == [0x21, 0x06] + messages.flatMap { $0 } + [0xAA, 0, 0, 0, 0, 0xBB])
        }
    }

    @Test func bitErrorsAreCorrectedAndABadBlockIsMarked() throws {
        let messages = Self.messages(4)
        var bits = Self.transmit(messages, nx: true, callsign: "DP0BEM")
        // Sync 16 bits, header 88: one error in the control FEC byte and two in the callsign; then the first
        // 20 sent bits of block 0, matrix row 0, which de-interleave into one error in each of its 20 codewords.
        for i in [16 + 17, 16 + 30, 16 + 60] { bits[i] ^= 1 }
        let blocks = 16 + 88
        for k in 0..<20 { bits[blocks + k] ^= 1 }
        var f = try #require(Self.decode(bits, .init(nx: true)).first)
        #expect(f.checkPassed && f.correctedSymbols == 1 + 2 + 20)
        #expect(Array(f.bytes[10..<(10 + 72)]) == messages.flatMap { $0 })
        // Two errors in one codeword of block 2: sent bits 0 and 20 are rows 0 and 1 of column 0, both in
        // codeword 0. The block's CRC fails and its bit is set in the mask.
        bits = Self.transmit(messages, nx: true, callsign: "DP0BEM")
        let block2 = 16 + 88 + 2 * 240
        bits[block2] ^= 1
        bits[block2 + 20] ^= 1
        f = try #require(Self.decode(bits, .init(nx: true)).first)
        #expect(!f.checkPassed)
        #expect(Array(f.bytes.suffix(6)) == [0xAA, 0x04, 0, 0, 0, 0xBB])
    }

    @Test func variants() throws {
        let messages = Self.messages(2)
        // BEESAT-1: Mobitex-NX without a callsign.
        var f = try #require(Self.decode(Self.transmit(messages, nx: true), .init(nx: true, variant: .beesat1)).first)
        #expect(f.checkPassed && f.bytes.count == 2 + 36 + 6)
        // BEESAT-9: 32 blocks whatever the control byte says.
        let all = Self.messages(32)
        f = try #require(Self.decode(Self.transmit(all, nx: true, callsign: "DP0BEM", countField: 3), .init(nx: true, variant: .beesat9)).first)
        #expect(f.checkPassed && f.bytes.count == 10 + 32 * 18 + 6)
    }

    /// A known callsign (TUBIN, BEESAT-9) accepts a header whose callsign and CRC are within 12 bits of it,
    /// where the CRC search gives up after 2; the output carries the callsign as it should read. Another
    /// satellite's callsign is not accepted.
    @Test func knownCallsignAcceptsMoreDamageAndRejectsOthers() throws {
        let messages = Self.messages(2)
        let clean = Self.transmit(messages, nx: true, callsign: "DP0TBN")
        var damaged = clean
        // 7 errors in the callsign and 3 in its CRC (header bits 24..<88 after the 16-bit sync).
        for i in [24, 31, 38, 45, 52, 59, 66, 75, 80, 87] { damaged[16 + i] ^= 1 }
        let tubin = MobitexDeframer.Configuration(nx: true, knownCallsign: "DP0TBN", framing: "TUBIN")
        let f = try #require(Self.decode(damaged, tubin).first)
        #expect(f.checkPassed && f.framing == "TUBIN" && f.correctedSymbols == 10)
        #expect(Self.decode(clean, tubin).map(\.bytes) == [f.bytes])
        #expect(Array(f.bytes[2..<8]) == Array("DP0TBN".utf8))
        // Without the known callsign the same header is dropped.
        #expect(Self.decode(damaged, .init(nx: true)).isEmpty)
        // Beyond 12 errors, and a different callsign (DP0BEM and its CRC are 16 bits from DP0TBN's).
        var worse = damaged
        for i in [26, 34, 42] { worse[16 + i] ^= 1 }
        #expect(Self.decode(worse, tubin).isEmpty)
        #expect(Self.decode(Self.transmit(messages, nx: true, callsign: "DP0BEM"), tubin).isEmpty)
        #expect(MobitexDeframer.Configuration.callsignField("DP0TBN").count == 8)
    }

    /// A frame that announces 9 blocks but sends 6 (AMGU-1, SOKRAT) and then random bits: output as its
    /// six good blocks with an empty mask; with one good block before the noise, only as a failed frame.
    @Test(arguments: [6, 1])
    func frameShorterThanItsControlByte(sent: Int) throws {
        let messages = Self.messages(sent)
        var rng = SplitMix64(seed: 23)
        let noise = (0..<(9 - sent) * 240 + 100).map { _ in UInt8.random(in: 0...1, using: &rng) }
        let bits = Self.transmit(messages, nx: false, controlHigh: 0x40, countField: 8) + noise
        let frames = Self.decode(bits, .init(nx: false))
        let f = try #require(frames.first)
        if sent >= 2 {
            #expect(f.checkPassed)
            #expect(f.bytes == [0x48, 0x06] + messages.flatMap { $0 } + [0xAA, 0, 0, 0, 0, 0xBB])
        } else {
            #expect(!f.checkPassed)
            #expect(f.bytes.count == 2 + 9 * 18 + 6)
        }
        // Without the cut the same frame is a failed one.
        let uncut = try #require(Self.decode(bits, .init(nx: false, minimumLeadingBlocks: 0)).first)
        #expect(!uncut.checkPassed)
    }

    /// Input that ends inside a frame (SOKRAT's recording ends before the 30 blocks announced): nothing
    /// until the end, then the complete blocks as a frame cut short.
    @Test func inputEndingInsideAFrame() throws {
        let messages = Self.messages(6)
        let bits = Self.transmit(messages, nx: false, controlHigh: 0x20, countField: 29) + [1, 0, 1, 1, 0]
        var d = MobitexDeframer(.init(nx: false))
        var frames: [DecodedFrame] = []
        bits.map { $0 == 1 ? UInt8(230) : UInt8(25) }.withUnsafeBufferPointer { d.process($0, into: &frames) }
        #expect(frames.isEmpty)
        d.finish(into: &frames)
        let f = try #require(frames.first)
        #expect(frames.count == 1 && f.checkPassed)
        #expect(f.bytes == [0x3D, 0x06] + messages.flatMap { $0 } + [0xAA, 0, 0, 0, 0, 0xBB])
        var empty: [DecodedFrame] = []
        d.finish(into: &empty)
        #expect(empty.isEmpty)
    }

    /// Random bits: no good frame, whatever syncs and headers noise happens to contain.
    @Test func noiseGivesNoFrames() {
        var rng = SplitMix64(seed: 19)
        for nx in [false, true] {
            var d = MobitexDeframer(.init(nx: nx))
            var frames: [DecodedFrame] = []
            for _ in 0..<40 {
                let symbols = (0..<50_000).map { _ in UInt8.random(in: 0...255, using: &rng) }
                symbols.withUnsafeBufferPointer { d.process($0, into: &frames) }
            }
            #expect(frames.filter(\.checkPassed).isEmpty)
        }
    }
}
