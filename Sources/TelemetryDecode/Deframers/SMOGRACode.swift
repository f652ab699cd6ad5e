/// The repeat-accumulate (RA) code of SMOG-P, ATL-1 and SMOG-1 (designed by Miklós Maróti, BME).
///
/// Facts of the code: data are `L` 16-bit words (a 128-byte frame is 64 words, little-endian bytes).
/// The coded block is four passes over the data, each in its own pseudo-random order. Pass p's order
/// comes from a Galois LFSR over 1...2^h−1 (h = 4 + number of halvings of L down to below 32) with
/// feedback mask `masks[h][p]`, started at 1 + p + (L >> (1 + p)), skipping states above L, each
/// state s giving index (s − 1 − offset) mod L with offset = L >> (1 + p). An accumulator word, zero
/// at the start of each pass, is rotated right by one bit and XORed with the next data word; pass 0
/// sends the accumulator after every word, passes 1-3 after every third word and after the last one.
/// So the block has L + 3·⌈L/3⌉ words (64 → 130 words = 260 bytes). On air each word is sent low byte
/// first, each byte MSB first.
///
/// Decoding is belief propagation with min-sum check updates over the four accumulator chains
/// (forward-backward along each chain, flooding between chains), from soft symbols.
public struct SMOGRACode: Sendable {
    /// LFSR feedback masks per register width h = 4...12 (maximal-length taps), one per pass.
    static let masks: [[UInt16]] = [
        [0x12, 0x17, 0x1B, 0x1E], [0x21, 0x2D, 0x30, 0x39], [0x41, 0x53, 0x69, 0x7B], [0x8E, 0xAF, 0xC3, 0xE7],
        [0x108, 0x13B, 0x168, 0x1DC], [0x204, 0x2E3, 0x369, 0x3AA], [0x415, 0x4BF, 0x553, 0x62B],
        [0x83E, 0x939, 0xAF5, 0xD70], [0x1013, 0x109D, 0x117D, 0x1271],
    ]

    /// Data words.
    public let dataWords: Int
    /// Coded words.
    public let codeWords: Int
    /// Data order of each pass.
    let orders: [[Int]]
    /// For each pass, the steps after which the accumulator is sent.
    let outputs: [[Bool]]

    /// `frameBytes`: 8...4096, even.
    public init?(frameBytes: Int) {
        guard frameBytes >= 8, frameBytes <= 4096, frameBytes % 2 == 0 else { return nil }
        let l = frameBytes / 2
        dataWords = l
        codeWords = l + 3 * ((l + 2) / 3)
        var h = 4
        var d = l
        while d >= 32 { d /= 2; h += 1 }
        var orders: [[Int]] = []
        var outputs: [[Bool]] = []
        for p in 0..<4 {
            let mask = Self.masks[h - 4][p]
            let offset = l >> (1 + p)
            var state = UInt32(1 + p + offset)
            var order: [Int] = []
            order.reserveCapacity(l)
            for _ in 0..<l {
                repeat {
                    let b = state & 1
                    state >>= 1
                    if b != 0 { state ^= UInt32(mask) }
                } while state > UInt32(l)
                var r = Int(state) - 1
                if r < offset { r += l }
                order.append(r - offset)
            }
            guard Set(order).count == l else { return nil }
            orders.append(order)
            let every = p == 0 ? 1 : 3
            outputs.append((0..<l).map { ($0 + 1) % every == 0 || $0 == l - 1 })
        }
        self.orders = orders
        self.outputs = outputs
    }

    public var codedBytes: Int { 2 * codeWords }

    /// Encodes a frame of `2 * dataWords` bytes to `codedBytes` bytes in transmission order.
    public func encode(_ frame: [UInt8]) -> [UInt8] {
        precondition(frame.count == 2 * dataWords)
        let data = (0..<dataWords).map { UInt16(frame[2 * $0]) | UInt16(frame[2 * $0 + 1]) << 8 }
        var out: [UInt8] = []
        out.reserveCapacity(codedBytes)
        for p in 0..<4 {
            var acc: UInt16 = 0
            for t in 0..<dataWords {
                acc = (acc >> 1 | acc << 15) ^ data[orders[p][t]]
                if outputs[p][t] { out += [UInt8(acc & 0xFF), UInt8(acc >> 8)] }
            }
        }
        return out
    }

    /// Decodes `codedBytes * 8` soft symbols (transmission order; positive = 0, negative = 1, magnitude =
    /// confidence). Returns the frame and how many coded bits disagree with the frame re-encoded.
    public func decode(_ llr: [Float], iterations: Int = 30) -> (frame: [UInt8], disagreements: Int)? {
        guard llr.count == codedBytes * 8 else { return nil }
        let l = dataWords
        // Channel values per coded word and bit (bit j of a word = byte j/8, bit j%8, MSB sent first).
        var channel = [Float](repeating: 0, count: codeWords * 16)
        for w in 0..<codeWords {
            for j in 0..<16 { channel[w * 16 + j] = llr[16 * w + 8 * (j / 8) + 7 - (j % 8)] }
        }
        // Where each pass's outputs start in the coded block.
        var firstOutput = [0, 0, 0, 0]
        for p in 1..<4 { firstOutput[p] = firstOutput[p - 1] + outputs[p - 1].filter { $0 }.count }

        let big: Float = 1e9
        let scale: Float = 0.8
        @inline(__always) func boxplus(_ a: Float, _ b: Float) -> Float {
            let m = min(abs(a), abs(b))
            return (a < 0) != (b < 0) ? -m : m
        }
        // fromChecks[p][i*16+b]: message from pass p's chain to data bit (i, b).
        var fromChecks = [[Float]](repeating: [Float](repeating: 0, count: l * 16), count: 4)
        var pre = [Float](repeating: 0, count: l * 16)
        var incoming = [Float](repeating: 0, count: l * 16)
        var alpha = [Float](repeating: 0, count: 16)
        var beta = [Float](repeating: 0, count: 16)
        var next = [Float](repeating: 0, count: 16)
        for _ in 0..<iterations {
            for p in 0..<4 {
                for k in 0..<(l * 16) {
                    var s: Float = 0
                    for q in 0..<4 where q != p { s += fromChecks[q][k] }
                    incoming[k] = s
                }
                let order = orders[p]
                let out = outputs[p]
                // Forward: alpha = accumulator after step t, from the start of the pass.
                for b in 0..<16 { alpha[b] = big }
                var w = firstOutput[p]
                for t in 0..<l {
                    let i = order[t]
                    for b in 0..<16 {
                        let before = alpha[(b + 1) & 15]
                        pre[t * 16 + b] = before
                        next[b] = boxplus(before, incoming[i * 16 + b]) * (before == big ? 1 : scale)
                        if out[t] { next[b] += channel[w * 16 + b] }
                    }
                    if out[t] { w += 1 }
                    swap(&alpha, &next)
                }
                // Backward: beta = what the rest of the pass says about the accumulator after step t.
                for b in 0..<16 { beta[b] = 0 }
                for t in stride(from: l - 1, through: 0, by: -1) {
                    if out[t] { w -= 1 }
                    let i = order[t]
                    for b in 0..<16 {
                        let after = beta[b] + (out[t] ? channel[w * 16 + b] : 0)
                        fromChecks[p][i * 16 + b] = boxplus(pre[t * 16 + b], after) * scale
                        next[(b + 1) & 15] = boxplus(incoming[i * 16 + b], after) * scale
                    }
                    swap(&beta, &next)
                }
            }
        }
        var frame = [UInt8](repeating: 0, count: 2 * l)
        for i in 0..<l {
            var word: UInt16 = 0
            for b in 0..<16 {
                let total = fromChecks[0][i * 16 + b] + fromChecks[1][i * 16 + b] + fromChecks[2][i * 16 + b] + fromChecks[3][i * 16 + b]
                if total < 0 { word |= 1 << UInt16(b) }
            }
            frame[2 * i] = UInt8(word & 0xFF)
            frame[2 * i + 1] = UInt8(word >> 8)
        }
        let recoded = encode(frame)
        var disagreements = 0
        for n in 0..<(codedBytes * 8) {
            let bit = recoded[n >> 3] >> UInt8(7 - (n & 7)) & 1
            if (llr[n] < 0) != (bit == 1) { disagreements += 1 }
        }
        return (frame, disagreements)
    }
}
