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
    /// Candidates whose check failed (never printed as frames), not counting `damagedCopies`.
    public var failedFrames = 0
    /// Failed candidates that were damaged copies of good frames (another chain received them intact).
    public var damagedCopies = 0
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

/// Runs a recording through the receive chains of the chosen transmitters: the file is read on a
/// source thread into the sample ring (blocking, nothing lost) and decoded on another, exactly as a
/// live pass runs; frames come back through the pipeline's stream.
public final class ReplaySession {
    public let options: ReplayOptions
    public let source: SampleFileSource
    private var bank: ReceiverBank
    private var merger = FrameMerger()
    private var tally: FailedCandidateTally
    public private(set) var summary = ReplaySummary()

    public init(_ options: ReplayOptions) throws {
        self.options = options
        tally = FailedCandidateTally(transmitters: options.transmitters)
        source = try SampleFileSource.open(path: options.path, format: options.format, rate: options.rate, iq: options.iq)
        let input: ReceiverFactory.Input =
            source.isComplex
            ? .complex(sampleRate: source.sampleRate, offset: options.frequencyOffset ?? 0)
            : .real(sampleRate: source.sampleRate)
        var receivers: [Receiver] = []
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
        bank = ReceiverBank(receivers)
        summary.warnings = source.warnings.map { "\($0)" }
    }

    /// Decodes the whole file. `onFrame` gets every good frame once (merged across chains); `onFailed`
    /// gets each failed check that is not a damaged copy of a good frame, up to a few seconds late;
    /// `progress` gets the fraction of the data decoded when the size is known.
    public func run(
        onFrame: (ReceivedFrame) throws -> Void, onFailed: ((ReceivedFrame) throws -> Void)? = nil,
        progress: ((Double) -> Void)? = nil
    ) async throws -> ReplaySummary {
        let start = ContinuousClock.now
        let totalBytes = source.totalSamples.map { $0 * source.format.bytesPerSample }
        let chain = ReceiverDecodeChain(format: source.format, sampleRate: source.sampleRate, bank: bank)
        let pipeline = try SamplePipeline<ReceivedFrame>(
            source: SampleFileByteSource(source), chain: chain,
            configuration: .init(ringCapacity: 1 << 22, overrun: .block(), name: "gsd-replay"))
        var pending: [ReceivedFrame] = []
        var lastProgress = -1.0
        do {
            for try await frame in pipeline.outputs {
                pending.append(frame)
                // Frames of different chains arrive block by block; release those safely older than
                // the merge window in time order.
                if pending.count > 64 { try emit(&pending, keepingAfter: frame.time - 2 * merger.window, onFrame, onFailed) }
                if let progress, let total = totalBytes, total > 0 {
                    let p = Double(pipeline.statistics.bytesOut) / Double(total)
                    if p - lastProgress > 0.01 {
                        lastProgress = p
                        progress(min(1, p))
                    }
                }
            }
        } catch {
            pipeline.cancel()
            throw error
        }
        try emit(&pending, keepingAfter: .infinity, onFrame, onFailed)
        progress?(1)
        let elapsed = ContinuousClock.now - start
        summary.signalSeconds = Double(source.samplesRead) / source.sampleRate
        summary.wallSeconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
        summary.warnings = source.warnings.map { "\($0)" }
        return summary
    }

    /// Reports pending frames older than `limit` (all when infinite) in time order.
    private func emit(
        _ frames: inout [ReceivedFrame], keepingAfter limit: Double, _ onFrame: (ReceivedFrame) throws -> Void,
        _ onFailed: ((ReceivedFrame) throws -> Void)?
    ) throws {
        frames.sort { $0.time < $1.time }
        var kept: [ReceivedFrame] = []
        for f in frames {
            if f.time >= limit {
                kept.append(f)
                continue
            }
            guard f.frame.checkPassed else {
                tally.failed(f)
                continue
            }
            tally.good(f)
            guard merger.accept(f) else { continue }
            summary.goodFrames += 1
            try onFrame(f)
        }
        frames = kept
        let failures = limit.isFinite ? tally.settle(upTo: limit) : tally.settleAll()
        if let onFailed { for f in failures { try onFailed(f) } }
        summary.failedFrames = tally.failed
        summary.damagedCopies = tally.damagedCopies
    }
}
