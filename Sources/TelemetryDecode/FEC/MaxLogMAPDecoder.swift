/// Soft-output decoding of the K = 7, r = 1/2 convolutional code (max-log-MAP, the BCJR algorithm in the log
/// domain): for every decoded bit, how much better the best path with that bit is than the best path
/// without it.
///
/// The Viterbi decoder outputs hard bits only, so a Reed-Solomon decoder behind it cannot tell which bytes
/// to erase. This decoder is slower (scalar, two passes, all path metrics kept) and runs only where hard
/// decoding has already failed; its hard decisions are those of the maximum-likelihood path, like the
/// Viterbi decoder's, up to ties.
///
/// Same conventions as ``ViterbiDecoder``: soft symbols 0 = sure 0, 255 = sure 1, 128 = erasure; the block
/// starts in state 0 (or in any state, for a window cut from a stream); ``ViterbiDecoder/Termination`` says
/// how it ends. The output uses the same scale as the input, one soft bit per decoded bit: 128 ± the
/// log-likelihood difference, in units where one received symbol at s contributes s − 128, clamped to
/// 0...255.
public struct MaxLogMAPDecoder: Sendable {
    public let code: ConvolutionalCode
    /// Branch outputs (C1, C2) per 7-bit register value.
    let outputs: [(UInt8, UInt8)]
    /// Forward metrics, 64 per step boundary, reused between blocks.
    var alpha: [Int32] = []

    public init(code: ConvolutionalCode = .ccsds) {
        self.code = code
        outputs = (0..<128).map { code.outputs(register: $0) }
    }

    /// Soft decisions for the bits of one block (the tail bits are left out with `.zeroTail`).
    /// `knownStart`: the encoder starts in state 0; false for a window cut from the middle of a stream.
    public mutating func decode(
        _ symbols: [UInt8], termination: ViterbiDecoder.Termination = .zeroTail, knownStart: Bool = true
    ) throws(ConvolutionalCodingError) -> [UInt8] {
        let count = try ViterbiDecoder.decodedBitCount(symbolCount: symbols.count, termination: termination)
        let steps = symbols.count / 2
        let states = ConvolutionalCode.stateCount
        // Unreachable: far below any reachable metric (at most 2 × 128 per step), without overflow when
        // a branch metric is added.
        let unreachable = Int32.min / 4
        if alpha.count < (steps + 1) * states { alpha = [Int32](repeating: 0, count: (steps + 1) * states) }
        var out = [UInt8](repeating: 128, count: count)
        alpha.withUnsafeMutableBufferPointer { a in
            // Correlation metric: larger is better; a symbol s expecting 1 scores s − 128 (an erasure 0),
            // expecting 0 the negative.
            func branch(_ register: Int, _ s0: Int32, _ s1: Int32) -> Int32 {
                let (c1, c2) = outputs[register]
                return (c1 == 1 ? s0 : -s0) + (c2 == 1 ? s1 : -s1)
            }
            for s in 0..<states { a[s] = knownStart ? unreachable : 0 }
            a[0] = 0
            for t in 0..<steps {
                let s0 = Int32(symbols[2 * t]) - 128, s1 = Int32(symbols[2 * t + 1]) - 128
                let from = t * states, to = from + states
                for next in 0..<states {
                    // Predecessors (next >> 1) and (next >> 1 | 32); the register is the oldest bit then `next`.
                    let p0 = a[from + (next >> 1)], p1 = a[from + (next >> 1 | 32)]
                    a[to + next] = max(p0 + branch(next, s0, s1), p1 + branch(next | 64, s0, s1))
                }
            }
            var beta = [Int32](repeating: termination == .open ? 0 : unreachable, count: states)
            beta[0] = 0
            var previous = beta
            for t in stride(from: steps - 1, through: 0, by: -1) {
                let s0 = Int32(symbols[2 * t]) - 128, s1 = Int32(symbols[2 * t + 1]) - 128
                let from = t * states
                var best: (Int32, Int32) = (unreachable, unreachable)
                for state in 0..<states {
                    let forward = a[from + state]
                    // Register: the state's oldest bit becomes bit 6 after the shift.
                    let r0 = state << 1, r1 = state << 1 | 1
                    let m0 = branch(r0, s0, s1) + beta[r0 & 63]
                    let m1 = branch(r1, s0, s1) + beta[r1 & 63]
                    previous[state] = max(m0, m1)
                    best.0 = max(best.0, forward + m0)
                    best.1 = max(best.1, forward + m1)
                }
                swap(&beta, &previous)
                if t < count {
                    // Half the metric difference: one symbol's share of it is s − 128.
                    let llr = (Int(best.1) - Int(best.0)) / 2
                    out[t] = UInt8(clamping: 128 + min(max(llr, -128), 127))
                }
            }
        }
        return out
    }
}
