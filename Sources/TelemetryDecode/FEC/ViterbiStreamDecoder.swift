/// Soft-decision Viterbi decoder for the K = 7, r = 1/2 code, streaming mode.
///
/// Feed soft symbols (0 = confident 0, 255 = confident 1, 128 = erasure; C1, C2 per bit) in chunks of
/// any size, including odd sizes; decided bits (one 0/1 per `UInt8`) are appended to the caller's array.
/// Every bit is decided by a traceback that starts at least ``tracebackDepth`` steps after it, from the
/// best state at that time. Tracebacks run every ``tracebackDepth`` steps, so bits come out in batches
/// of `tracebackDepth`: bit t is emitted once step `t + tracebackDepth` has been seen and the step
/// count reaches the next multiple of `tracebackDepth` (a delay of D ... 2D - 1 steps, D = depth).
/// Output does not depend on how the input is chunked.
///
/// ``flush(into:endState:)`` ends the stream: it traces back from the given end state (e.g. 0 after a
/// zero tail) or the best one and emits every remaining bit (tail bits included), then resets.
/// Away from the stream's ends the bits equal the block decoder's for any noise the code corrects.
public struct ViterbiStreamDecoder: Sendable {
    /// What is known about the encoder state at the start of the stream.
    public enum StartState: Sendable, Hashable {
        /// The encoder starts in state 0 (the usual case after a reset or at the start of a frame).
        case zero
        /// Unknown (joining a running stream): all states start equal.
        case unknown
    }

    public let code: ConvolutionalCode
    /// Minimum look-ahead (in steps) before a bit is decided; a multiple of 8.
    public let tracebackDepth: Int
    public let startState: StartState

    private let table: ViterbiBranchTable
    private var kernel: ViterbiKernel
    /// Decision groups; slot i holds absolute group `groupBase + i`.
    private var decisions: [SIMD16<UInt8>]
    private var groupBase = 0
    /// Absolute index of the group the kernel is filling.
    private var group = 0
    /// Trellis steps seen.
    public private(set) var stepCount = 0
    /// Bits emitted so far.
    public private(set) var emittedCount = 0
    /// An odd trailing symbol waiting for its partner.
    private var pending: UInt8? = nil

    /// - Parameter tracebackDepth: look-ahead in steps, rounded up to a multiple of 8; 8...4096.
    ///   The default 64 (about 9 × K) is plenty for soft decisions at rate 1/2.
    public init(code: ConvolutionalCode = .ccsds, tracebackDepth: Int = 64, startState: StartState = .zero) throws(ConvolutionalCodingError) {
        guard (8...4096).contains(tracebackDepth) else { throw .invalidTracebackDepth(tracebackDepth) }
        self.code = code
        self.tracebackDepth = (tracebackDepth + 7) / 8 * 8
        self.startState = startState
        self.table = ViterbiBranchTable(code: code)
        self.kernel = Self.startKernel(startState)
        // Between tracebacks at most 2 * depth steps are live; keep room for twice that.
        self.decisions = [SIMD16<UInt8>](repeating: .zero, count: 4 * (4 * self.tracebackDepth / 8 + 2))
    }

    /// Path metrics at the start: 0 for state 0 and 60 for the others when the start is known (60 + 6
    /// steps × 30 stays below 256, the kernel's bound), all 0 when unknown.
    private static func startKernel(_ start: StartState) -> ViterbiKernel {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 64) { m in
            m.initialize(repeating: start == .zero ? 60 : 0)
            m[0] = 0
            return ViterbiKernel(metrics: UnsafePointer(m.baseAddress!))
        }
    }

    /// Back to the start of a stream; buffers are kept.
    public mutating func reset() {
        kernel = Self.startKernel(startState)
        groupBase = 0
        group = 0
        stepCount = 0
        emittedCount = 0
        pending = nil
    }

    /// Decodes a chunk of soft symbols, appending decided bits to `bits`.
    public mutating func decode(_ symbols: [UInt8], into bits: inout [UInt8]) {
        symbols.withUnsafeBufferPointer { decode($0, into: &bits) }
    }

    /// Decodes a chunk of soft symbols, appending decided bits to `bits`.
    public mutating func decode(_ symbols: UnsafeBufferPointer<UInt8>, into bits: inout [UInt8]) {
        guard var p = symbols.baseAddress, !symbols.isEmpty else { return }
        var left = symbols.count
        if let first = pending {
            pending = nil
            let pair = [first, p[0]]
            pair.withUnsafeBufferPointer { run($0.baseAddress!, steps: 1, into: &bits) }
            p += 1
            left -= 1
        }
        if left >= 2 {
            run(p, steps: left / 2, into: &bits)
            p += left / 2 * 2
            left -= left / 2 * 2
        }
        if left == 1 { pending = p[0] }
    }

    /// Ends the stream: emits every remaining bit, tracing back from `endState` (nil: the best state),
    /// then resets. A dangling odd symbol is dropped.
    public mutating func flush(into bits: inout [UInt8], endState: Int? = nil) throws(ConvolutionalCodingError) {
        if let s = endState, !(0..<64).contains(s) { throw .invalidState(s) }
        let start = endState ?? kernel.bestState
        let kernel = self.kernel
        let slot = group - groupBase
        decisions.withUnsafeMutableBufferPointer { d in
            guard let dec = d.baseAddress else { return }
            kernel.storePartial(to: dec, group: slot)
        }
        emit(upTo: stepCount, from: start, into: &bits)
        reset()
    }

    /// Runs `steps` steps, stopping at every multiple of the traceback depth to emit a batch.
    private mutating func run(_ symbols: UnsafePointer<UInt8>, steps: Int, into bits: inout [UInt8]) {
        var p = symbols
        var left = steps
        let depth = tracebackDepth
        while left > 0 {
            let n = min(left, depth - stepCount % depth)
            makeRoom(forSteps: n)
            var rel = group - groupBase
            let base = groupBase
            table.withPointers { t in
                decisions.withUnsafeMutableBufferPointer { d in
                    guard let dec = d.baseAddress else { return }
                    kernel.run(symbols: p, steps: n, table: t, decisions: dec, group: &rel)
                }
            }
            group = base + rel
            stepCount += n
            p += 2 * n
            left -= n
            if stepCount % depth == 0 && stepCount - depth >= emittedCount + depth {
                emit(upTo: stepCount - depth, from: kernel.bestState, into: &bits)
            }
        }
    }

    /// Moves the live groups to the front when the next `steps` would not fit.
    private mutating func makeRoom(forSteps steps: Int) {
        let slots = decisions.count / 4
        guard (stepCount + steps + 7) / 8 - groupBase > slots else { return }
        let keepFrom = emittedCount / 8
        let count = group - keepFrom
        decisions.withUnsafeMutableBufferPointer { d in
            guard let dec = d.baseAddress else { return }
            // Overlapping move (memmove semantics).
            UnsafeMutableRawPointer(dec).copyMemory(
                from: UnsafeRawPointer(dec + 4 * (keepFrom - groupBase)),
                byteCount: 4 * count * MemoryLayout<SIMD16<UInt8>>.stride)
        }
        groupBase = keepFrom
    }

    /// Traces back from `state` at `stepCount` and appends the bits of steps `emittedCount ..< limit`.
    private mutating func emit(upTo limit: Int, from state: Int, into bits: inout [UInt8]) {
        let count = limit - emittedCount
        guard count > 0 else { return }
        let origin = emittedCount
        let oldCount = bits.count
        bits.append(contentsOf: repeatElement(0, count: count))
        let (end, base) = (stepCount, groupBase)
        decisions.withUnsafeBufferPointer { d in
            bits.withUnsafeMutableBufferPointer { out in
                guard let dec = d.baseAddress, let o = out.baseAddress else { return }
                let raw = UnsafeRawPointer(dec).assumingMemoryBound(to: UInt8.self)
                _ = ViterbiKernel.traceback(
                    decisions: raw, groupBase: base, end: end, state: state, start: origin,
                    writeBelow: limit, output: o + oldCount, outputOrigin: origin)
            }
        }
        emittedCount = limit
    }
}
