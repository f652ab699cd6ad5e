/// Soft-decision Viterbi decoder for the K = 7, r = 1/2 code, block mode.
///
/// A block starts in encoder state 0 (exactly: the first 6 steps follow the unique paths from state 0)
/// and either ends with the 6-bit zero tail (``Termination/zeroTail``: the traceback starts from state 0
/// and the tail bits are not returned) or is left open (``Termination/open``: the traceback starts from
/// the best state and every step's bit is returned).
///
/// Input: soft symbols, `UInt8` each, 0 = confident 0, 255 = confident 1, 128 = erasure; two per bit
/// (C1, C2). Output: one bit per `UInt8` element (0/1), or packed bytes MSB first with
/// ``decodePacked(_:termination:)``.
///
/// The decoder keeps its decision buffer between calls, so decoding blocks of the same size allocates
/// nothing after the first one. The kernel uses 16-byte SIMD add-compare-select with packed decisions;
/// see ``ViterbiKernel``.
public struct ViterbiDecoder: Sendable {
    /// How a block ends.
    public enum Termination: Sendable, Hashable {
        /// The last 6 bits are the zero tail; the encoder ends in state 0. Tail bits are not returned.
        case zeroTail
        /// No tail; the most likely end state is used and every bit is returned.
        case open
    }

    public let code: ConvolutionalCode
    @usableFromInline let table: ViterbiBranchTable
    /// Decision groups (4 vectors per 8 steps), reused between blocks.
    @usableFromInline var decisions: [SIMD16<UInt8>] = []
    /// Scratch for the packed-output path.
    var scratch: [UInt8] = []

    public init(code: ConvolutionalCode = .ccsds) {
        self.code = code
        self.table = ViterbiBranchTable(code: code)
    }

    /// Number of bits a block of `symbolCount` soft symbols decodes to, or a typed error if the length
    /// is unusable.
    public static func decodedBitCount(symbolCount: Int, termination: Termination) throws(ConvolutionalCodingError) -> Int {
        guard symbolCount % 2 == 0 else { throw .oddSymbolCount(symbolCount) }
        let steps = symbolCount / 2
        switch termination {
        case .open: return steps
        case .zeroTail:
            guard steps >= ConvolutionalCode.tailLength else {
                throw .blockTooShort(symbols: symbolCount, minimum: 2 * ConvolutionalCode.tailLength)
            }
            return steps - ConvolutionalCode.tailLength
        }
    }

    /// Decodes one block of soft symbols into `bits` (one bit per element). Returns the number of bits
    /// written (see ``decodedBitCount(symbolCount:termination:)``).
    @inlinable
    public mutating func decode(
        _ symbols: UnsafeBufferPointer<UInt8>, into bits: UnsafeMutableBufferPointer<UInt8>,
        termination: Termination = .zeroTail
    ) throws(ConvolutionalCodingError) -> Int {
        let count = try Self.decodedBitCount(symbolCount: symbols.count, termination: termination)
        guard bits.count >= count else { throw .outputTooSmall(needed: count, available: bits.count) }
        guard count > 0, let input = symbols.baseAddress, let output = bits.baseAddress else {
            return 0
        }
        decodeUnchecked(input, steps: symbols.count / 2, into: output, termination: termination)
        return count
    }

    /// Decodes one block of soft symbols; returns one bit (0/1) per element.
    public mutating func decode(_ symbols: [UInt8], termination: Termination = .zeroTail) throws(ConvolutionalCodingError) -> [UInt8] {
        let count = try Self.decodedBitCount(symbolCount: symbols.count, termination: termination)
        var out = [UInt8](repeating: 0, count: count)
        _ = try symbols.withUnsafeBufferPointer { s throws(ConvolutionalCodingError) in
            try out.withUnsafeMutableBufferPointer { o throws(ConvolutionalCodingError) in
                try decode(s, into: o, termination: termination)
            }
        }
        return out
    }

    /// Decodes one block of soft symbols; returns the bits packed MSB first, the last byte padded with
    /// zero bits.
    public mutating func decodePacked(_ symbols: [UInt8], termination: Termination = .zeroTail) throws(ConvolutionalCodingError) -> [UInt8] {
        let count = try Self.decodedBitCount(symbolCount: symbols.count, termination: termination)
        if scratch.count < count { scratch = [UInt8](repeating: 0, count: count) }
        var local = scratch
        scratch = []
        _ = try symbols.withUnsafeBufferPointer { s throws(ConvolutionalCodingError) in
            try local.withUnsafeMutableBufferPointer { o throws(ConvolutionalCodingError) in
                try decode(s, into: o, termination: termination)
            }
        }
        var packed = [UInt8](repeating: 0, count: (count + 7) / 8)
        for i in 0..<count where local[i] != 0 { packed[i >> 3] |= 0x80 >> UInt8(i & 7) }
        scratch = local
        return packed
    }

    /// The kernel call: lengths already validated, `steps >= 1`.
    @usableFromInline
    mutating func decodeUnchecked(
        _ symbols: UnsafePointer<UInt8>, steps: Int, into output: UnsafeMutablePointer<UInt8>,
        termination: Termination
    ) {
        let groups = (steps + 7) / 8
        if decisions.count < groups * 4 {
            decisions = [SIMD16<UInt8>](repeating: .zero, count: groups * 4)
        }
        // Exact start from state 0: metrics after the first min(6, steps) steps are the costs of the
        // unique paths from state 0; every decision in those steps is "from the lower predecessor".
        let head = min(ConvolutionalCode.tailLength, steps)
        var kernel = Self.headKernel(symbols, steps: head, code: code)
        table.withPointers { t in
            decisions.withUnsafeMutableBufferPointer { d in
                // `d` holds at least one group per 8 steps (sized above).
                guard let dec = d.baseAddress else { return }
                var group = 0
                kernel.run(symbols: symbols + 2 * head, steps: steps - head, table: t, decisions: dec, group: &group)
                kernel.storePartial(to: dec, group: group)
                let endState: Int
                let writeBelow: Int
                switch termination {
                case .zeroTail:
                    endState = 0
                    writeBelow = steps - ConvolutionalCode.tailLength
                case .open:
                    endState = kernel.bestState
                    writeBelow = steps
                }
                let raw = UnsafeRawPointer(dec).assumingMemoryBound(to: UInt8.self)
                _ = ViterbiKernel.traceback(
                    decisions: raw, groupBase: 0, end: steps, state: endState, start: 0,
                    writeBelow: writeBelow, output: output, outputOrigin: 0)
            }
        }
    }

    /// A kernel after the first `k` (≤ 6) steps from state 0: each reachable state's metric is the cost of
    /// its unique path (≤ 6 × 30, within the kernel's bound), unreachable states get 255, and every
    /// decision so far is "from the lower predecessor".
    static func headKernel(_ symbols: UnsafePointer<UInt8>, steps k: Int, code: ConvolutionalCode) -> ViterbiKernel {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 64) { metrics in
            metrics.initialize(repeating: 255)
            metrics[0] = 0
            // Depth i: state s < 2^i extends s >> 1 by bit s & 1; the register is s itself (oldest bits 0).
            for i in 0..<k {
                let s0 = symbols[2 * i], s1 = symbols[2 * i + 1]
                for s in stride(from: (2 << i) - 1, through: 0, by: -1) {
                    let (c1, c2) = code.outputs(register: s)
                    metrics[s] = metrics[s >> 1]
                        &+ ViterbiBranchTable.symbolMetric(s0, expecting: c1)
                        &+ ViterbiBranchTable.symbolMetric(s1, expecting: c2)
                }
            }
            var kernel = ViterbiKernel(metrics: UnsafePointer(metrics.baseAddress!))
            kernel.preload(lowerDecisions: k)
            return kernel
        }
    }
}
