import TelemetryDecode
import Testing
import TestSupport

@Suite(.computeThreads) struct Golay24Tests {
    /// Some data words: edges, single bits, a spread of patterns.
    static let dataWords: [UInt16] = [0x000, 0xFFF, 0x001, 0x800, 0x5A5, 0xA5A, 0x0AC, 0x4D0, 0x123, 0x7FE]

    @Test func codewordsHaveZeroSyndromeAndWeightMultipleOfFour() {
        for d in UInt16(0)..<4096 {
            let c = Golay24.encode(d)
            #expect(Golay24.syndrome(c) == 0)
            #expect(c & 0xFFF == UInt32(d))
            // The extended Golay code is doubly even: weights 0, 8, 12, 16, 24.
            #expect(c.nonzeroBitCount % 4 == 0)
            if d != 0 { #expect(c.nonzeroBitCount >= 8) }
        }
    }

    @Test func knownLengthFieldCodeword() throws {
        // AX100/U482C length field for 0x6C3 (RS + scrambler + length 0xC3) round-trips through bytes.
        let field = GomSpaceLengthField(length: 0xC3, viterbi: false, scrambled: true, reedSolomon: true)
        let bytes = field.encoded
        let back = try GomSpaceLengthField.decode(bytes)
        #expect(back == field)
        #expect(Golay24.decode(bytes[0], bytes[1], bytes[2])?.data == 0x6C3)
    }

    /// Every error pattern of weight 1, 2 and 3 (24 + 276 + 2024).
    static let smallErrorPatterns: [UInt32] = {
        var out: [UInt32] = []
        for a in 0..<24 {
            out.append(1 << a)
            for b in (a + 1)..<24 {
                out.append(1 << a | 1 << b)
                for c in (b + 1)..<24 { out.append(1 << a | 1 << b | 1 << c) }
            }
        }
        return out
    }()

    @Test func correctsEverySingleDoubleAndTripleError() {
        #expect(Self.smallErrorPatterns.count == 24 + 276 + 2024)
        for d in Self.dataWords {
            let c = Golay24.encode(d)
            for pattern in Self.smallErrorPatterns {
                let r = Golay24.decode(c ^ pattern)
                #expect(r?.data == d && r?.codeword == c && r?.correctedBits == pattern.nonzeroBitCount)
            }
        }
    }

    @Test func fourErrorsAreDetectedNeverMiscorrected() {
        var rng = SplitMix64(seed: 24)
        for d in Self.dataWords {
            let c = Golay24.encode(d)
            for _ in 0..<2000 {
                var pattern: UInt32 = 0
                while pattern.nonzeroBitCount < 4 { pattern |= 1 << UInt32(rng.next() % 24) }
                #expect(Golay24.decode(c ^ pattern) == nil)
            }
        }
    }

    @Test func anyWordDecodesOrFailsWithoutCrashing() {
        var corrected = 0
        for w in stride(from: UInt32(0), to: 1 << 24, by: 4093) {
            if let r = Golay24.decode(w) {
                #expect(r.correctedBits <= 3)
                #expect(Golay24.syndrome(r.codeword) == 0)
                corrected += 1
            }
        }
        #expect(corrected > 0)
        #expect(Golay24.decode(0xFFFF_FFFF) != nil)  // upper bits ignored: 0xFFFFFF is a codeword
    }
}
