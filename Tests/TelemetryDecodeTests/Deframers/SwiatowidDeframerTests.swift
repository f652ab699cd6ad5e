import Testing
import TelemetryDecode
import TestSupport

/// Światowid image downlink (sync 0x5B5BDDDD, LSB-first bytes, length V, RS(58,48) codewords over
/// GF(2^8)/0x11D with roots α^0...α^9). The reference packet was built in Python with a Reed-Solomon
/// encoder and bit reflection written from those published parameters, independently of this code:
/// two image blocks (counter 0 and 1, the second a shortened codeword of 10 data bytes), V = 86.
@Suite(.computeThreads) struct SwiatowidDeframerTests {
    static let data =
        "0000202122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f404142434445464748494a4b4c4d0100ffd8ffe04a464946"
    static let parity = ["7af91766f3db83908d45", "6725caa7d1b299b9cb9d"]
    /// The bytes after the sync word, as sent.
    static let air =
        "6a000000048444c424a464e4149454d434b474f40c8c4ccc2cac6cec1c9c5cdc3cbc7cfc028242c222a262e2129252d232b25e9fe866cfdbc109b1a28000ff1bff0752629262e6a453e58b4d999dd3b9"

    static func randomBits(_ n: Int, _ rng: inout SplitMix64) -> [UInt8] {
        (0..<n).map { _ in UInt8.random(in: 0...1, using: &rng) }
    }

    static func burst(_ data: [UInt8]) -> [UInt8] {
        DeframerTestSupport.bits(SwiatowidDeframer.syncWord) + DeframerTestSupport.bits(SwiatowidDeframer.encode(data)!)
    }

    /// The 48-byte pieces gr-satellites outputs for `data`.
    static func pieces(_ data: [UInt8]) -> [[UInt8]] {
        stride(from: 0, to: data.count, by: 48).map { Array(data[$0..<min($0 + 48, data.count)]) }
    }

    /// Bit index (in a burst) of byte `byte` of codeword `codeword`.
    static func bitIndex(codeword: Int, byte: Int) -> Int { 32 + 16 + 8 * (58 * codeword + byte) }

    @Test func independentReferencePacket() throws {
        let data = Hex.bytes(Self.data)
        #expect(SwiatowidDeframer.encode(data) == Hex.bytes(Self.air))
        let frames = SwiatowidDeframer.decode(Hex.bytes(Self.air))
        #expect(frames.map(\.bytes) == [Array(data[0..<48]), Array(data[48...])])
        #expect(frames.allSatisfy { $0.checkPassed && $0.framing == "Swiatowid" && $0.correctedSymbols == 0 })
        // The parity of each codeword sits after its data.
        let packet = Hex.bytes(Self.air).map(Self.reflect)
        #expect(Hex.string(Array(packet[50..<60])) == Self.parity[0] && Hex.string(Array(packet[70..<80])) == Self.parity[1])
        #expect(SwiatowidDeframer.framingName == "Swiatowid")
        #expect(SwiatowidDeframer.encode([]) == nil)
        #expect(SwiatowidDeframer.encode([UInt8](repeating: 0, count: 7000)) == nil)
        #expect(SwiatowidDeframer.encode([UInt8](repeating: 0, count: 141 * 48)) != nil)
    }

    @Test(arguments: [false, true])
    func randomPacketsInAStreamInChunks(inverted: Bool) {
        var rng = SplitMix64(seed: inverted ? 0x5157_0002 : 0x5157_0001)
        var expected: [[UInt8]] = []
        var bits = Self.randomBits(300, &rng)
        for length in [1, 48, 49, 46 * 20, 300, 141 * 48] {
            let data = (0..<length).map { _ in UInt8.random(in: 0...255, using: &rng) }
            expected += Self.pieces(data)
            bits += Self.burst(data) + Self.randomBits(Int.random(in: 0...500, using: &rng), &rng)
        }
        let symbols = DeframerTestSupport.softSymbols(bits, inverted: inverted)
        for chunk in [3, 1000, 100_000] {
            var d = SwiatowidDeframer()
            let frames = DeframerTestSupport.deframe(symbols, with: &d, chunk: chunk)
            #expect(frames.map(\.bytes) == expected, "chunk \(chunk)")
            #expect(frames.allSatisfy { $0.checkPassed && $0.correctedSymbols == 0 })
        }
    }

    @Test func framesAreOutputAsTheirCodewordEnds() {
        var rng = SplitMix64(seed: 0x5157_0003)
        let data = (0..<96).map { _ in UInt8.random(in: 0...255, using: &rng) }
        let bits = [UInt8](repeating: 0, count: 40) + Self.burst(data)
        var d = SwiatowidDeframer()
        let frames = DeframerTestSupport.deframe(DeframerTestSupport.softSymbols(bits), with: &d, chunk: 777)
        #expect(frames.map(\.symbolPosition) == [40 + Self.bitIndex(codeword: 1, byte: 0), bits.count])
    }

    @Test func aTrailOfTwoBytesIsNoCodeword() {
        // gr-satellites starts codewords only before the last two bytes of the packet (room for a CRC
        // after full codewords).
        let data = [UInt8](repeating: 0x5A, count: 96)
        var packet = SwiatowidDeframer.encode(data)!
        let v = 116 + 2 + 8
        packet[0] = Self.reflect(UInt8(v)); packet[1] = 0
        packet += [0xAB, 0xCD]
        var d = SwiatowidDeframer()
        let bits = DeframerTestSupport.bits(SwiatowidDeframer.syncWord) + DeframerTestSupport.bits(packet) + [UInt8](repeating: 1, count: 16)
        let frames = DeframerTestSupport.deframe(DeframerTestSupport.softSymbols(bits), with: &d)
        #expect(frames.map(\.bytes) == Self.pieces(data) && frames.allSatisfy(\.checkPassed))
        // A length field beyond the 8200-byte window, or too short for a codeword, opens no packet.
        #expect(SwiatowidDeframer.packetLength(Self.reflect(0x0E), Self.reflect(0x20)) == 8198)
        #expect(SwiatowidDeframer.packetLength(Self.reflect(0x0F), Self.reflect(0x20)) == nil)
        #expect(SwiatowidDeframer.packetLength(Self.reflect(18), 0) == nil)
        #expect(SwiatowidDeframer.packetLength(Self.reflect(19), 0) == 11)
    }

    static func reflect(_ b: UInt8) -> UInt8 {
        var r: UInt8 = 0
        for k in 0..<8 where (b >> UInt8(k)) & 1 == 1 { r |= 0x80 >> UInt8(k) }
        return r
    }

    @Test func syncBitErrorsNeedATolerantSearch() {
        let data = Hex.bytes(Self.data)
        var bits = [UInt8](repeating: 0, count: 24) + Self.burst(data) + [UInt8](repeating: 0, count: 24)
        bits[24 + 5] ^= 1
        bits[24 + 20] ^= 1
        var strict = SwiatowidDeframer()
        #expect(DeframerTestSupport.deframe(DeframerTestSupport.softSymbols(bits), with: &strict).isEmpty)
        var tolerant = SwiatowidDeframer(syncErrors: 2)
        let frames = DeframerTestSupport.deframe(DeframerTestSupport.softSymbols(bits, inverted: true), with: &tolerant)
        #expect(frames.map(\.bytes) == Self.pieces(data) && frames.allSatisfy(\.checkPassed))
    }

    @Test func byteErrorsAreCorrectedAndWeakBytesErased() {
        var rng = SplitMix64(seed: 0x5157_0004)
        let data = (0..<144).map { _ in UInt8.random(in: 0...255, using: &rng) }
        let bits = Self.burst(data) + [UInt8](repeating: 0, count: 16)
        // Codeword 0: 5 strongly wrong bytes (hard decoding). Codeword 1: 4 barely wrong bytes and 2
        // strongly wrong ones (6 > t: only the erasure retry recovers it). Codeword 2: intact.
        let hard = [0, 9, 20, 47, 57].map { Self.bitIndex(codeword: 0, byte: $0) + 3 }
        let weak = [2, 11, 30, 50].map { Self.bitIndex(codeword: 1, byte: $0) + 6 }
        let strong = [5, 40].map { Self.bitIndex(codeword: 1, byte: $0) + 1 }
        var symbols = DeframerTestSupport.softSymbols(bits, wrong: hard + strong, sure: true)
        for i in weak { symbols[i] = bits[i] == 1 ? 118 : 138 }
        var d = SwiatowidDeframer()
        let frames = DeframerTestSupport.deframe(symbols, with: &d)
        #expect(frames.map(\.bytes) == Self.pieces(data) && frames.allSatisfy(\.checkPassed))
        #expect(frames.map(\.correctedSymbols) == [5, 6, 0])
    }

    @Test func aCodewordBeyondCorrectionIsNeverGood() {
        var rng = SplitMix64(seed: 0x5157_0005)
        let data = (0..<144).map { _ in UInt8.random(in: 0...255, using: &rng) }
        let bits = Self.burst(data) + [UInt8](repeating: 0, count: 16)
        let wrong = [1, 4, 8, 15, 22, 33, 44].map { Self.bitIndex(codeword: 1, byte: $0) + 2 }
        var d = SwiatowidDeframer()
        let frames = DeframerTestSupport.deframe(DeframerTestSupport.softSymbols(bits, wrong: wrong, sure: true), with: &d)
        #expect(frames.map(\.checkPassed) == [true, false, true])
        #expect(frames.map(\.bytes.count) == [48, 48, 48])
        #expect(frames[0].bytes == Array(data[0..<48]) && frames[2].bytes == Array(data[96...]))
        // Seven wrong bytes, even weak ones, stay beyond the retries' bound.
        var d2 = SwiatowidDeframer()
        let weakFrames = DeframerTestSupport.deframe(DeframerTestSupport.softSymbols(bits, wrong: wrong), with: &d2)
        #expect(weakFrames.map(\.checkPassed) == [true, false, true])
    }

    @Test func randomInputGivesNoGoodFrames() {
        var rng = SplitMix64(seed: 0x5157_0006)
        // A tolerant search makes false syncs (about a hundred here) and packets of noise to decode.
        var d = SwiatowidDeframer(syncErrors: 6)
        d.failureReportMaxSyncErrors = 6
        let symbols = (0..<200_000).map { _ in UInt8.random(in: 0...255, using: &rng) }
        let frames = DeframerTestSupport.deframe(symbols, with: &d, chunk: 4096)
        // Codewords of noise were tried (and reported failed), none decoded.
        #expect(frames.count > 20)
        #expect(frames.filter(\.checkPassed).isEmpty)
    }
}
