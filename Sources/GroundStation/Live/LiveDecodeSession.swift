import Foundation
import TelemetryDecode

/// `gsd replay`, live: a receiver tuned for a satellite, its samples through the same chains, frames as
/// they arrive, until a time limit, the end of the stream or `stop()`. With elements and a station the
/// pass's Doppler is removed in software, as in the daemon (predicted for up to 2 h from the start).
public final class LiveDecodeSession: Sendable {
    public struct Summary: Sendable {
        public var goodFrames = 0
        /// Candidates whose check failed, not counting `damagedCopies`.
        public var failedFrames = 0
        /// Failed candidates that were damaged copies of good frames (another chain received them intact).
        public var damagedCopies = 0
        public var seconds = 0.0
        /// Bytes the pipeline's ring had to drop (the decoder fell behind) and the driver's own losses.
        public var droppedBytes = 0
        public var driverDrops = 0
        public var sampleRate = 0.0
        public var centre = 0.0
        public var hardware = ""
    }

    public let satellite: Satellite
    public let source: DaemonConfiguration.Source
    public let doppler: LookAngleProvider?
    private let stream: LiveStream
    private let receivers: [Receiver]
    public let skipped: [String]
    private let primary: Double
    private let centre: Double

    /// Opens and tunes the receiver now (errors name the device).
    public init(
        source: DaemonConfiguration.Source, satellite: Satellite, doppler: LookAngleProvider?, profiles: HardwareProfileSet?
    ) throws {
        self.source = source
        self.satellite = satellite
        self.doppler = doppler
        let (primary, centre) = try LiveReceivers.plan(for: satellite, tuningOffset: source.tuningOffset)
        self.primary = primary
        self.centre = centre
        stream = try LiveStreamOpener.open(source, centre: centre, profiles: profiles)
        do {
            (receivers, skipped) = try LiveReceivers.receivers(for: satellite, centre: centre, sampleRate: stream.sampleRate)
        } catch {
            stream.stop()
            throw error
        }
    }

    /// Ends the stream (from any thread); `run` then returns after the decoders are flushed.
    public func stop() { stream.stop() }

    /// Decodes until `seconds` (nil: until the stream ends or `stop()`); `onFrame` gets each frame
    /// (good ones once, failed checks too) with its reception time.
    public func run(seconds: Double?, onFrame: (ReceivedFrame, Date) throws -> Void) async throws -> Summary {
        let start = Date()
        let stream = self.stream
        let shifter = doppler.map {
            FrequencyShifter(sampleRate: stream.sampleRate, profile: .passDoppler(
                frequency: primary, angles: $0, from: start, to: start.addingTimeInterval(min(seconds ?? 7200, 7200))))
        }
        let chain = ReceiverDecodeChain(format: stream.format, sampleRate: stream.sampleRate, bank: ReceiverBank(receivers), shifter: shifter)
        let pipeline = try SamplePipeline<ReceivedFrame>(
            source: stream, chain: chain, configuration: .init(ringCapacity: 1 << 24, overrun: .dropNewest, name: "gsd-listen"))
        let timer = Task {
            if let seconds {
                try? await Task.sleep(for: .seconds(seconds))
                stream.stop()
            }
        }
        defer { timer.cancel() }
        var summary = Summary()
        var merger = FrameMerger()
        var tally = FailedCandidateTally(transmitters: receivers.map(\.spec))
        do {
            try await withTaskCancellationHandler {
                for try await f in pipeline.outputs {
                    if f.frame.checkPassed {
                        tally.good(f)
                        guard merger.accept(f) else { continue }
                        summary.goodFrames += 1
                    } else {
                        tally.failed(f)
                    }
                    // The chains' frames of one block come together; a second is ample.
                    tally.settle(upTo: f.time - 1)
                    try onFrame(f, start.addingTimeInterval(f.time))
                }
            } onCancel: {
                stream.stop()
            }
        } catch {
            pipeline.cancel()
            await pipeline.waitUntilStopped()
            throw error
        }
        await pipeline.waitUntilStopped()
        tally.settleAll()
        summary.failedFrames = tally.failed
        summary.damagedCopies = tally.damagedCopies
        let stats = pipeline.statistics
        summary.seconds = Double(stats.bytesIn / stream.format.bytesPerSample) / stream.sampleRate
        summary.droppedBytes = stats.bytesDropped
        summary.driverDrops = stream.driverDrops
        summary.sampleRate = stream.sampleRate
        summary.centre = centre
        summary.hardware = stream.hardware
        return summary
    }
}
