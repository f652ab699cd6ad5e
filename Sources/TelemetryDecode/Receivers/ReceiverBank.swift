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
    /// delays (a frame ending right at the end of a recording would otherwise be lost).
    public mutating func finish(sampleRate: Double, complex: Bool, into frames: inout [ReceivedFrame]) {
        let n = Int(sampleRate * 0.25)
        if complex {
            let zeros = [ComplexSample](repeating: .zero, count: n)
            zeros.withUnsafeBufferPointer { process(complex: $0, into: &frames) }
        } else {
            let zeros = [Float](repeating: 0, count: n)
            zeros.withUnsafeBufferPointer { process(real: $0, into: &frames) }
        }
        for i in receivers.indices { receivers[i].finish(into: &frames) }
    }
}
