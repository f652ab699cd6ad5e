import Foundation
import Testing
import TelemetryDecode
import TestSupport

@Suite(.computeThreads) struct USPDeframerTests {
    /// The two frames (after the sync word) of gr-satellites' USP test, a 223-byte and a 48-byte one, and
    /// the AX.25 frames they carry.
    static let long = """
        24c8d69c061778af8cf58d8257a5368e58c2fa4fecbd1a64955b917797cea809f5263e74a121964c8a0811eccf088fbc\
        309f887f77d38fb2cf770759c7094716a5ce3659e8ee9ac780692335263ead3ae453210812bc1f43464dc6c28be2277c\
        4ffbf609505ede511c3c900e66e158aa0c5bd5da1875f9cb3dd2eca7f302db5a9738d967a3ba6b1e01a48cd498fab4eb\
        914c84204af07d0d19371b0a2cd6bf1fc710cb9508ae9105be3bfb935049ad3a06d8625e787a9db59c480eefc2c16a6a\
        8575d6f6f254cec0c98a95cbe44aa3745af13c686f25793849c88fb19f9277c4ffbf609505ede511c3c900e66e158aa0\
        c5bd5da1875f9cb3dd2eca7f302db5a9738d967a3ba6b1e01a48cd498fab4eb914c84204af07d0d19371b0a2f889df13\
        fefd825417b794470f240399b8562a8316f576861d7e72cf74bb29fcc0b6d6a5ce3659e8ee9ac780692335263ead3ae4\
        53210812bc1f43464dc6c28be2277c4ffbf609505ede511c3c900e66e158aa0c5bd5da1875f9cb3dd2eca7f302db5a97\
        38d967a3ba6b1e01a48cd498fab4eb914c84204af07d0d19371b0a2f889df13fefd825417b794470f240399b8562a831\
        6f576861d7e72cf74bb29fcc0b6d6a5ce3659e8ee9ac7548a58a95f3a41287010f0858d8fc00a19e322633e300c410a0\
        dfb53ab40709490b27d937cfe9598d8c936549050170b8c5d807d0eab5a40646eb3ac805f9f3
        """
    static let longOut = """
        a464829c8c4060a4a66060a6406f00f01642020001004200000000000000000000000000000000000000000000000000\
        000000000000000000000000000000000000000000001b1bff671f20250eaab14060f43c01002400f01c
        """
    static let short = """
        719d83c953422dfa8cf58d826c618afe58c2fa4fecbd1a64955b917797cea809f5263e74a121964c8a0811eccf088fbc\
        e93f5049a0a38fb2cf770759fccdfb66a5ce389d1e1ba19d6f578a30b304b8420a8ac5487f98183fa81dd88d4fda01cc\
        4ffbf609505ede51cbba35b51553351056424d4cbcb41e524f8a5bf4f72e07c95d1e205ed04c7f1f131c7615d946b62d\
        7551c57ef8507267425a041e6ae01a7e9dd029f1572c20fb9e201efefffff912a0d62d46761f8deedef86367208c8cbb\
        05a7950ad98b4c14197b072946995e3ce5e2daab037cb5255314ade72b61ff379ec8d1b38edbf86d2cdbf78eed31b6ab\
        5f34276ea51f7b31b5eb6e7423dc5abf45415364add59d59f22ee539d6e8deb56bda8b843db1569f514ac99dc6347aaa\
        07e4bc43433dc59b5bf18b585453bb59c6725731e383af4dd4c5684e6e7a15369e3a46d04bc8ae7d1bc4f4eb658749ba\
        6f9a5190229e1295ecb4424a85765e4f4950834f26ea295da956d324b25ccd1bba9edbd23b721d165bd15772ec21e67d\
        9157568a0add9ac2a2b7b53dbb11bc82e99a838d8f90141bdac456ca2bb3aa9a7bd2492ecd4678aa6bf0660f64cb1660\
        07e65512672d186a171292db25976945b5431693569475a1faa2674ee8d842873b2be06b5b17061754e4c4d6d64b7d22\
        4f332fb2d2594549cab4a553c2962129ec88a937c30b5e58c5269cc2aea4c44a7accc0741d09
        """
    static let shortOut = "a464829c8c4060a4a66060a6406f00f0e1ff020001000300002606"

    static func bytes(_ hex: String) -> [UInt8] {
        let u = Array(hex.utf8.filter { $0 != UInt8(ascii: " ") })
        return stride(from: 0, to: u.count, by: 2).map { UInt8(String(decoding: u[$0..<$0 + 2], as: UTF8.self), radix: 16)! }
    }

    static func symbols(_ bytes: [UInt8], invert: Bool = false) -> [UInt8] {
        bytes.flatMap { b in (0..<8).map { k -> UInt8 in ((b >> UInt8(7 - k) & 1) == 1) != invert ? 255 : 0 } }
    }

    static func decode(_ bits: [UInt8]) -> [DecodedFrame] {
        var d = USPDeframer()
        var frames: [DecodedFrame] = []
        bits.withUnsafeBufferPointer { d.process($0, into: &frames) }
        return frames
    }

    @Test func publishedFramesDecodeToTheirAX25Frames() {
        let sync = (0..<8).map { UInt8(USPDeframer.syncWord >> UInt64(56 - 8 * $0) & 0xFF) }
        var stream: [UInt8] = []
        for f in [Self.long, Self.short] { stream += sync + Self.bytes(f) + [UInt8](repeating: 0, count: 1500) }
        let frames = Self.decode(Self.symbols(stream))
        #expect(frames.map(\.bytes) == [Self.bytes(Self.longOut), Self.bytes(Self.shortOut)])
        #expect(frames.allSatisfy { $0.checkPassed })
    }

    /// Inverted symbols (swapped FSK tones) and one symbol in ten wrong: still both frames.
    @Test func invertedAndNoisySymbols() {
        let sync = (0..<8).map { UInt8(USPDeframer.syncWord >> UInt64(56 - 8 * $0) & 0xFF) }
        var stream: [UInt8] = []
        for f in [Self.long, Self.short] { stream += sync + Self.bytes(f) + [UInt8](repeating: 0, count: 1500) }
        var symbols = Self.symbols(stream, invert: true)
        for i in stride(from: 3, to: symbols.count, by: 10) { symbols[i] = 255 - symbols[i] }
        #expect(Self.decode(symbols).map(\.bytes) == [Self.bytes(Self.longOut), Self.bytes(Self.shortOut)])
    }

    @Test func noiseGivesNoFrames() {
        var rng = SplitMix64(seed: 23)
        var d = USPDeframer()
        var frames: [DecodedFrame] = []
        for _ in 0..<40 {
            let symbols = (0..<50_000).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
            symbols.withUnsafeBufferPointer { d.process($0, into: &frames) }
        }
        #expect(frames.isEmpty)
    }
}

extension USPDeframerTests {
    /// Long frames in white noise near the decoding threshold: where hard Reed-Solomon decoding fails, the
    /// soft Viterbi output's weakest bytes, erased, recover more frames (a frame with more than 16
    /// corrected bytes could not have been decoded without erasures), and nothing else comes out.
    @Test func softErasuresRecoverFramesHardDecodingLoses() {
        let sync = (0..<8).map { UInt8(USPDeframer.syncWord >> UInt64(56 - 8 * $0) & 0xFF) }
        let hard = (sync + Self.bytes(Self.long)).flatMap { b in (0..<8).map { (b >> UInt8(7 - $0)) & 1 } }
        var rng = SplitMix64(seed: 5)
        var decoded = 0, beyondHard = 0, wrong = 0
        for _ in 0..<60 {
            var symbols = ViterbiTestSignal.awgn(hard, ebN0: 1.5, rng: &rng)
            // The sync word clean: this is about the frame after it.
            for i in 0..<64 { symbols[i] = hard[i] == 1 ? 192 : 64 }
            let frames = Self.decode(symbols + [UInt8](repeating: 128, count: 200))
            for f in frames {
                if f.bytes == Self.bytes(Self.longOut) { decoded += 1 } else { wrong += 1 }
                if f.correctedSymbols > 16 { beyondHard += 1 }
            }
        }
        // Measured: 55 of 60 at Eb/N0 1.5 dB, 5 of them beyond hard decoding (1.25 dB: 35 and 3).
        #expect(beyondHard >= 3, "\(beyondHard) of \(decoded) frames needed erasures")
        #expect(decoded >= 50)
        #expect(wrong == 0)
    }
}
