import Foundation
import TelemetryDecode

/// What to replay and how to decode it.
public struct ReplayOptions: Sendable {
    public var path: String
    public var format: SampleFormat?
    public var rate: Double?
    public var iq: Bool
    /// Where the signal sits: Hz from the centre for IQ; for BPSK audio, the audio carrier.
    public var frequencyOffset: Double?
    /// The transmitters to listen for (all of a satellite's, or one described on the command line).
    public var transmitters: [TransmitterSpec]
    /// For output: the satellite's name, when known.
    public var satellite: String?

    public init(
        path: String, format: SampleFormat? = nil, rate: Double? = nil, iq: Bool = false, frequencyOffset: Double? = nil,
        transmitters: [TransmitterSpec], satellite: String? = nil
    ) {
        self.path = path
        self.format = format
        self.rate = rate
        self.iq = iq
        self.frequencyOffset = frequencyOffset
        self.transmitters = transmitters
        self.satellite = satellite
    }
}

public struct ReplaySummary: Sendable {
    public var goodFrames = 0
    /// Candidates whose check failed (never printed as frames).
    public var failedFrames = 0
    public var signalSeconds = 0.0
    public var wallSeconds = 0.0
    /// Transmitters skipped because gsd cannot decode them yet, with the reason.
    public var skipped: [(String, String)] = []
    public var warnings: [String] = []

    public var realtimeFactor: Double { wallSeconds > 0 ? signalSeconds / wallSeconds : 0 }
}

public enum ReplayError: Error, CustomStringConvertible {
    case nothingToDecode(path: String, reasons: [String])

    public var description: String {
        switch self {
        case .nothingToDecode(let p, let r): "\(p): no transmitter can be decoded: " + r.joined(separator: "; ")
        }
    }
}

/// Runs a recording through the receive chains of the chosen transmitters, streaming block by block.
public final class ReplaySession {
    public let options: ReplayOptions
    public let source: SampleFileSource
    private var receivers: [Receiver] = []
    private var merger = FrameMerger()
    public private(set) var summary = ReplaySummary()

    public init(_ options: ReplayOptions) throws {
        self.options = options
        source = try SampleFileSource.open(path: options.path, format: options.format, rate: options.rate, iq: options.iq)
        let input: ReceiverFactory.Input =
            source.isComplex
            ? .complex(sampleRate: source.sampleRate, offset: options.frequencyOffset ?? 0)
            : .real(sampleRate: source.sampleRate)
        var reasons: [String] = []
        for spec in options.transmitters {
            do {
                receivers += try ReceiverFactory.receivers(for: spec, input: input, audioCarrier: source.isComplex ? nil : options.frequencyOffset)
            } catch {
                summary.skipped.append((spec.name, error.description))
                reasons.append("\(spec.name): \(error.description)")
            }
        }
        if receivers.isEmpty { throw ReplayError.nothingToDecode(path: options.path, reasons: reasons) }
        summary.warnings = source.warnings.map { "\($0)" }
    }

    /// Decodes the whole file. `onFrame` gets every good frame once (merged across chains), in
    /// stream order per chain; `progress` gets the fraction done when the size is known.
    public func run(onFrame: (ReceivedFrame) throws -> Void, progress: ((Double) -> Void)? = nil) throws -> ReplaySummary {
        let start = Date()
        var frames: [ReceivedFrame] = []
        let total = source.totalSamples
        var samples = 0
        var blocks = 0
        while let block = try source.read(maxSamples: 16_384) {
            frames.removeAll(keepingCapacity: true)
            switch block {
            case .real(let x):
                x.withUnsafeBufferPointer { p in
                    for i in receivers.indices { receivers[i].process(real: p, into: &frames) }
                }
            case .complex(let z):
                z.withUnsafeBufferPointer { p in
                    for i in receivers.indices { receivers[i].process(complex: p, into: &frames) }
                }
            }
            samples += block.count
            try emit(&frames, onFrame)
            blocks += 1
            if let progress, let total, total > 0, blocks % 16 == 0 { progress(Double(samples) / Double(total)) }
        }
        // Flush: push a little silence so frames ending right at the end of the file come out.
        let tail = Int(source.sampleRate * 0.25)
        frames.removeAll(keepingCapacity: true)
        if source.isComplex {
            let zeros = [ComplexSample](repeating: .zero, count: tail)
            zeros.withUnsafeBufferPointer { p in for i in receivers.indices { receivers[i].process(complex: p, into: &frames) } }
        } else {
            let zeros = [Float](repeating: 0, count: tail)
            zeros.withUnsafeBufferPointer { p in for i in receivers.indices { receivers[i].process(real: p, into: &frames) } }
        }
        try emit(&frames, onFrame)
        progress?(1)
        summary.signalSeconds = Double(samples) / source.sampleRate
        summary.wallSeconds = Date().timeIntervalSince(start)
        summary.warnings = source.warnings.map { "\($0)" }
        return summary
    }

    private func emit(_ frames: inout [ReceivedFrame], _ onFrame: (ReceivedFrame) throws -> Void) throws {
        frames.sort { $0.time < $1.time }
        for f in frames {
            guard f.frame.checkPassed else {
                summary.failedFrames += 1
                continue
            }
            guard merger.accept(f) else { continue }
            summary.goodFrames += 1
            try onFrame(f)
        }
    }
}
