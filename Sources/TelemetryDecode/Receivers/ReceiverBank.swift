/// Several receivers listening to the same samples (all transmitters of a satellite, and variants of
/// a demodulator), fed one block at a time.
public struct ReceiverBank: Sendable {
    public private(set) var receivers: [Receiver]

    public init(_ receivers: [Receiver]) { self.receivers = receivers }

    public var isEmpty: Bool { receivers.isEmpty }

    public mutating func process(real samples: UnsafeBufferPointer<Float>, into frames: inout [ReceivedFrame]) {
        for i in receivers.indices { receivers[i].process(real: samples, into: &frames) }
    }

    public mutating func process(complex samples: UnsafeBufferPointer<ComplexSample>, into frames: inout [ReceivedFrame]) {
        for i in receivers.indices { receivers[i].process(complex: samples, into: &frames) }
    }

    /// End of input: a quarter second of silence pushes out frames still inside filter and decoder
    /// delays (a frame ending right at the end of a recording would otherwise be lost). It goes in
    /// blocks like any input: one quarter-second block held ~1 GB at 100 MS/s.
    public mutating func finish(sampleRate: Double, complex: Bool, into frames: inout [ReceivedFrame]) {
        var left = Int(sampleRate * 0.25)
        let block = min(left, 1 << 16)
        let zerosComplex = complex ? [ComplexSample](repeating: .zero, count: block) : []
        let zerosReal = complex ? [] : [Float](repeating: 0, count: block)
        while left > 0 {
            let n = min(left, block)
            if complex {
                zerosComplex.withUnsafeBufferPointer { process(complex: UnsafeBufferPointer(rebasing: $0[0..<n]), into: &frames) }
            } else {
                zerosReal.withUnsafeBufferPointer { process(real: UnsafeBufferPointer(rebasing: $0[0..<n]), into: &frames) }
            }
            left -= n
        }
        for i in receivers.indices { receivers[i].finish(into: &frames) }
    }
}
