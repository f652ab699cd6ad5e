/// A frame with where it came from: which transmitter and when in the stream.
public struct ReceivedFrame: Sendable, Hashable {
    public var frame: DecodedFrame
    public var transmitter: String
    /// Seconds from the start of the input.
    public var time: Double

    public init(frame: DecodedFrame, transmitter: String, time: Double) {
        self.frame = frame
        self.transmitter = transmitter
        self.time = time
    }
}

public enum ReceiverError: Error, Sendable, Hashable, CustomStringConvertible {
    case unsupportedModulation(Modulation, input: String)
    case sampleRateTooLow(rate: Double, baud: Double)
    case missingParameter(String, transmitter: String)

    public var description: String {
        switch self {
        case .unsupportedModulation(let m, let input): "modulation '\(m.rawValue)' is not supported for \(input) input yet"
        case .sampleRateTooLow(let r, let b): "sample rate \(r) Hz is too low for \(b) Bd (need at least 2 samples per symbol)"
        case .missingParameter(let p, let t): "transmitter '\(t)' needs \(p)"
        }
    }
}

/// One demodulator + deframer chain for one transmitter, fed real (audio) or complex (IQ) samples.
public struct Receiver: Sendable {
    enum Demodulator: Sendable {
        case fsk(FSKDemodulator)
        case afsk(AFSKDemodulator)
        case bpsk(BPSKDemodulator)
    }

    public let spec: TransmitterSpec
    /// Rate of the real signal the demodulator sees (after FM demodulation and decimation for IQ).
    public let demodulatorRate: Double
    var iqFront: ComplexFMDemodulator?
    var demodulator: Demodulator
    var deframer: any Deframer
    var real: [Float] = []
    var symbols: [UInt8] = []
    var decoded: [DecodedFrame] = []

    init(spec: TransmitterSpec, demodulatorRate: Double, iqFront: ComplexFMDemodulator?, demodulator: Demodulator, deframer: any Deframer) {
        self.spec = spec
        self.demodulatorRate = demodulatorRate
        self.iqFront = iqFront
        self.demodulator = demodulator
        self.deframer = deframer
    }

    /// Feeds real samples (audio); appends frames completed in them.
    public mutating func process(real samples: UnsafeBufferPointer<Float>, into frames: inout [ReceivedFrame]) {
        symbols.removeAll(keepingCapacity: true)
        switch demodulator {
        case .fsk(var d):
            d.process(samples, into: &symbols)
            demodulator = .fsk(d)
        case .afsk(var d):
            d.process(samples, into: &symbols)
            demodulator = .afsk(d)
        case .bpsk(var d):
            d.process(samples, into: &symbols)
            demodulator = .bpsk(d)
        }
        deframe(into: &frames)
    }

    /// Feeds complex baseband samples (IQ); appends frames completed in them.
    public mutating func process(complex samples: UnsafeBufferPointer<ComplexSample>, into frames: inout [ReceivedFrame]) {
        guard var front = iqFront else {
            if case .bpsk(var d) = demodulator {
                symbols.removeAll(keepingCapacity: true)
                d.process(samples, into: &symbols)
                demodulator = .bpsk(d)
                deframe(into: &frames)
            }
            return
        }
        real.removeAll(keepingCapacity: true)
        front.process(samples, into: &real)
        iqFront = front
        let audio = real
        audio.withUnsafeBufferPointer { process(real: $0, into: &frames) }
        real = audio
    }

    /// End of input (after the bank's trailing silence): frames the deframer still holds.
    public mutating func finish(into frames: inout [ReceivedFrame]) {
        decoded.removeAll(keepingCapacity: true)
        deframer.finish(into: &decoded)
        append(decoded, into: &frames)
    }

    mutating func deframe(into frames: inout [ReceivedFrame]) {
        decoded.removeAll(keepingCapacity: true)
        symbols.withUnsafeBufferPointer { deframer.process($0, into: &decoded) }
        append(decoded, into: &frames)
    }

    func append(_ decoded: [DecodedFrame], into frames: inout [ReceivedFrame]) {
        for f in decoded {
            frames.append(ReceivedFrame(frame: f, transmitter: spec.name, time: Double(f.symbolPosition) / spec.baudRate))
        }
    }
}
