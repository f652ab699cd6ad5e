import Dispatch
import Foundation
import TelemetryDecode

/// A native RTL-SDR for one live pass: opens and tunes the dongle and streams it; when the dongle
/// disappears mid-pass (unplugged, a USB reset) it waits for it to come back, opens and tunes it again
/// and goes on, as the rtl_tcp client reconnects: a dropped USB link costs the seconds it was gone, not
/// the pass. Each loss and return is reported through `onEvent`.
final class RTLSDRLiveSource: @unchecked Sendable {
    // @unchecked: `read` runs on the pipeline's source thread alone; what `stop`/`release`/`drops`
    // (any thread) share with it is in `state`.

    struct Settings: Sendable {
        var selector: RTLSDRDevice.Selector
        var sampleRate: Double
        var bandwidth: Double?
        var ppm: Int
        var centre: Double
        var gain: Double?
        var biasTee: Bool
        /// How long to wait between attempts to reopen, and how many attempts.
        var reopenDelay: Duration = .seconds(1)
        var reopenAttempts = 30
    }

    private struct Opened {
        let context: USBContext
        let dongle: RTLSDRDevice
        let source: RTLSDRSampleSource

        func close() {
            source.stop()
            dongle.close()
            context.close()
        }
    }

    private struct State {
        var opened: Opened?
        var stopped = false
        /// Driver drops of the streams already closed.
        var earlierDrops = 0
    }

    let settings: Settings
    /// The rate the dongle runs at and a description of it, from the first opening.
    let sampleRate: Double
    let hardware: String
    private let onEvent: (@Sendable (String) -> Void)?
    private let state = Locked(State())
    private let wake = DispatchSemaphore(value: 0)

    init(_ settings: Settings, profile: String, onEvent: (@Sendable (String) -> Void)?) throws {
        self.settings = settings
        self.onEvent = onEvent
        let (opened, rate, gain) = try Self.open(settings)
        sampleRate = rate
        hardware = "RTL2832U + \(opened.dongle.tuner.rawValue) (\(opened.dongle.info.description), profile \(profile)), gain "
            + (gain.map { "\($0) dB" } ?? "auto") + ", IF filter \(Int(opened.dongle.bandwidth / 1000)) kHz"
        state.withLock { $0.opened = opened }
    }

    /// Opens and tunes the dongle and starts its stream; the rate reached and the gain set.
    private static func open(_ s: Settings) throws -> (Opened, Double, Double?) {
        let context = try USBContext()
        do throws(any Error) {
            let dongle = try RTLSDRDevice.open(s.selector, context: context)
            do throws(any Error) {
                let rate = try dongle.setSampleRate(s.sampleRate)
                // The R82xx IF filter follows the rate unless a bandwidth is asked for.
                if let bandwidth = s.bandwidth { try dongle.setBandwidth(bandwidth) }
                if s.ppm != 0 { try dongle.setFrequencyCorrection(ppm: s.ppm) }
                try dongle.setCenterFrequency(UInt64(s.centre.rounded()))
                let reached = try dongle.setGain(s.gain.map { .manual(dB: $0) } ?? .automatic)
                if s.biasTee { try dongle.setBiasTee(true) }
                let source = try RTLSDRSampleSource(device: dongle)
                return (Opened(context: context, dongle: dongle, source: source), rate, reached)
            } catch {
                dongle.close()
                throw error
            }
        } catch {
            context.close()
            throw error
        }
    }

    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        while true {
            guard let current = state.withLock({ $0.stopped ? nil : $0.opened }) else { return 0 }
            do {
                return try current.source.read(into: buffer)
            } catch let error as RTLSDRError {
                guard case .deviceDisconnected(let device, _) = error else { throw error }
                let drops = current.source.droppedBytes
                current.close()
                let stopped = state.withLock { s -> Bool in
                    s.opened = nil
                    s.earlierDrops += drops
                    return s.stopped
                }
                if stopped { return 0 }
                onEvent?("RTL-SDR \(device) disconnected mid-pass: waiting for it to return")
                guard try reopen(after: error, device: device) else { return 0 }
            }
        }
    }

    /// Tries to open the dongle again until it is back, the stream is stopped (false) or the attempts
    /// run out (throws `error`).
    private func reopen(after error: RTLSDRError, device: String) throws -> Bool {
        let lost = ContinuousClock.now
        for _ in 0..<settings.reopenAttempts {
            _ = wake.wait(timeout: .now() + .milliseconds(settings.reopenDelay.wholeMilliseconds))  // signalled by stop()
            if state.withLock({ $0.stopped }) { return false }
            guard let (opened, _, _) = try? Self.open(settings) else { continue }
            let installed = state.withLock { s -> Bool in
                if s.stopped { return false }
                s.opened = opened
                return true
            }
            guard installed else {
                opened.close()
                return false
            }
            let gone = ContinuousClock.now - lost
            onEvent?("RTL-SDR \(device) is back after \(gone.formatted(.units(allowed: [.seconds], fractionalPart: .show(length: 1)))): "
                + "streaming again (the samples of that time are missing)")
            return true
        }
        throw error
    }

    /// Ends the stream: a `read` in progress or later returns 0 soon, also while waiting to reopen.
    func stop() {
        let opened = state.withLock { s -> Opened? in
            s.stopped = true
            return s.opened
        }
        opened?.source.stop()
        wake.signal()
    }

    /// Bytes the driver dropped, over every opening.
    var drops: Int {
        state.withLock { ($0.opened?.source.droppedBytes ?? 0) + $0.earlierDrops }
    }

    /// Closes the dongle. Call once the stream has ended.
    func release() {
        let opened = state.withLock { s -> Opened? in
            s.stopped = true
            defer { s.opened = nil }
            return s.opened
        }
        opened?.close()
    }
}
