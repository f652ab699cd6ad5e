import Foundation
import Testing
import TelemetryDecode
import TestSupport

@Suite(.computeThreads) struct SanoSatDeframerTests {
    static func symbols(_ bytes: [UInt8], invert: Bool = false) -> [UInt8] {
        let preamble = [UInt8](repeating: 0x55, count: 4)
        return (preamble + bytes + [0x55]).flatMap { b in
            (0..<8).map { k -> UInt8 in ((b >> UInt8(7 - k) & 1) == 1) != invert ? 220 : 30 }
        }
    }

    static func decode(_ symbols: [UInt8]) -> [DecodedFrame] {
        var d = SanoSatDeframer()
        var frames: [DecodedFrame] = []
        symbols.withUnsafeBufferPointer { d.process($0, into: &frames) }
        return frames
    }

    @Test func packetRoundTripsInEitherPolarity() {
        let data = Array("AM9NPQ,1,412,35,21,19,7,0.12".utf8)
        for invert in [false, true] {
            let frames = Self.decode(Self.symbols(SanoSatDeframer.encode(data), invert: invert))
            #expect(frames.count == 1 && frames.first?.checkPassed == true && frames.first?.bytes == data)
        }
        // The shortest packet carries no data.
        #expect(Self.decode(Self.symbols(SanoSatDeframer.encode([]))).map(\.bytes) == [[]])
    }

    @Test func damagedPacketsAreReportedOrDropped() {
        let data = [UInt8](0..<40)
        var bytes = SanoSatDeframer.encode(data)
        // A data bit: CRC2 fails, reported as a failed frame (exact sync, delimiter intact).
        bytes[20] ^= 0x10
        var frames = Self.decode(Self.symbols(bytes))
        #expect(frames.count == 1 && frames.first?.checkPassed == false)
        // The length byte: CRC1 fails, nothing is collected.
        bytes = SanoSatDeframer.encode(data)
        bytes[2] ^= 0x01
        frames = Self.decode(Self.symbols(bytes))
        #expect(frames.isEmpty)
        // One sync bit wrong is still found.
        bytes = SanoSatDeframer.encode(data)
        bytes[0] ^= 0x40
        frames = Self.decode(Self.symbols(bytes))
        #expect(frames.count == 1 && frames.first?.checkPassed == true)
    }

    @Test func noiseGivesNoGoodFrames() {
        var rng = SplitMix64(seed: 7)
        var d = SanoSatDeframer()
        var frames: [DecodedFrame] = []
        for _ in 0..<40 {
            let symbols = (0..<50_000).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
            symbols.withUnsafeBufferPointer { d.process($0, into: &frames) }
        }
        #expect(frames.filter(\.checkPassed).isEmpty)
    }
}
