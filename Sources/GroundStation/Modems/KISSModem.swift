import TelemetryDecode

/// A KISS TNC on a byte link (serial port or TCP): received bytes go through the streaming
/// `KISSDecoder`; frames to send are encoded with `KISSEncoder`.
///
/// One thread may receive while another sends.
public final class KISSModem: Sendable {
    public let link: any ByteLink
    private struct ReceiveState {
        var decoder: KISSDecoder
        var session: Int
        var pending: [KISSDecoder.Event] = []
    }
    private let receiveState: Locked<ReceiveState>
    private let sendLock = Locked(())

    public init(link: any ByteLink, maximumFrameBytes: Int = 65_536) {
        self.link = link
        receiveState = Locked(ReceiveState(decoder: KISSDecoder(maximumFrameBytes: maximumFrameBytes), session: link.session))
    }

    public var name: String { link.name }

    /// Reads once (waiting up to `timeout`) and returns the decoded frames and stream errors, possibly
    /// none. When the link reconnected, the decoder starts afresh: a frame cut by the interruption is
    /// dropped rather than glued to the next one.
    public func receive(timeout: Duration, maxBytes: Int = 4096) throws -> [KISSDecoder.Event] {
        let bytes = try link.readBytes(maxBytes: maxBytes, timeout: timeout)
        let session = link.session
        return receiveState.withLock { s in
            if s.session != session {
                s.decoder = KISSDecoder(maximumFrameBytes: s.decoder.maximumFrameBytes)
                s.session = session
            }
            var events: [KISSDecoder.Event] = []
            s.decoder.process(bytes, into: &events)
            return events
        }
    }

    /// The next frame (data or any other command) within `timeout`, nil when the time passes.
    /// Stream errors (bad escapes, oversized frames) are skipped; `receive` reports them.
    public func nextFrame(timeout: Duration) throws -> KISSFrame? {
        let deadline = ContinuousClock.now + timeout
        while true {
            let queued: KISSFrame? = receiveState.withLock { s in
                while !s.pending.isEmpty {
                    if case .frame(let f) = s.pending.removeFirst() { return f }
                }
                return nil
            }
            if let queued { return queued }
            let remaining = ContinuousClock.now.duration(to: deadline)
            if remaining <= .zero { return nil }
            let events = try receive(timeout: remaining)
            receiveState.withLock { $0.pending += events }
        }
    }

    /// Sends one KISS frame.
    public func send(_ frame: KISSFrame, timeout: Duration = .seconds(10)) throws {
        let bytes = KISSEncoder.encode(frame)
        try sendLock.withLock { _ in try link.writeBytes(bytes, timeout: timeout) }
    }

    /// Sends an AX.25 frame as a KISS data frame on `port`.
    public func send(_ frame: AX25Frame, port: UInt8 = 0, timeout: Duration = .seconds(10)) throws {
        try send(KISSFrame(port: port, command: KISS.dataCommand, payload: frame.bytes), timeout: timeout)
    }

    /// Sends raw frame bytes (an AX.25 frame without FCS) as a KISS data frame on `port`.
    public func send(payload: [UInt8], port: UInt8 = 0, timeout: Duration = .seconds(10)) throws {
        try send(KISSFrame(port: port, command: KISS.dataCommand, payload: payload), timeout: timeout)
    }

    public func close() { link.close() }
}
