/// Extracts space packets from the data fields of TM transfer frames, joining packets that span
/// frames, per virtual channel (state is kept per spacecraft + VCID, so one assembler serves a
/// whole master channel).
///
/// Feed it parsed frames in reception order (drop frames whose FECF or RS check failed first).
/// - Packets are emitted as `.packet`; idle packets (APID 0x7FF) are dropped and counted.
/// - A packet in progress is never glued to unrelated data: a virtual-channel frame-count gap, a
///   first header pointer that disagrees with the bytes the packet still needs, an impossible header,
///   or a non-packet frame ends it as a `.broken` event (with how many bytes were received and how
///   many never arrived); the assembler then resynchronises at the frame's first header pointer.
/// - Frames with FHP 0x7FE (idle data) carry no packet bytes and are skipped; frames with the
///   synchronisation flag set (VCA data, no packets) are skipped too.
/// - A frame repeating the previous VC frame count is treated as a duplicate and skipped (disable
///   `checkFrameCounts` for spacecraft that do not count).
/// Memory is bounded: one partial packet (≤ `maxPacketLength`) per virtual channel.
public struct SpacePacketAssembler: Sendable {
    public struct Configuration: Sendable, Hashable {
        /// Packets declaring more bytes than this are reported broken instead of buffered.
        public var maxPacketLength: Int
        /// Drop idle packets (APID 0x7FF).
        public var dropIdlePackets: Bool
        /// Use the VC frame count to detect lost and repeated frames.
        public var checkFrameCounts: Bool

        public init(maxPacketLength: Int = 65542, dropIdlePackets: Bool = true, checkFrameCounts: Bool = true) {
            self.maxPacketLength = maxPacketLength
            self.dropIdlePackets = dropIdlePackets
            self.checkFrameCounts = checkFrameCounts
        }
    }

    /// A packet that could not be completed.
    public struct BrokenPacket: Sendable, Hashable {
        public enum Reason: Sendable, Hashable {
            /// The VC frame count skipped `missedFrames` frames while the packet was in progress.
            case frameGap(missedFrames: Int)
            /// The frame's first header pointer (nil = 0x7FF, no packet start) disagrees with the
            /// `expected` number of bytes still needed (nil = unknown, the header was incomplete).
            case firstHeaderPointerMismatch(expected: Int?, firstHeaderPointer: Int?)
            /// The packet header is impossible (e.g. version ≠ 0): the rest of the frame is discarded.
            case invalidHeader(field: String)
            /// The header declares `declaredLength` bytes, more than `maxPacketLength`.
            case tooLong(declaredLength: Int)
            /// A frame without packet data (synchronisation flag set) interrupted the packet.
            case nonPacketFrame
            /// `flush()` was called with the packet incomplete.
            case endOfStream
        }

        public var channel: TransferFrame.VirtualChannel
        /// The packet's APID, when its header had arrived.
        public var apid: UInt16?
        /// Bytes of the packet that were received and are now discarded.
        public var receivedBytes: Int
        /// Bytes the header still announced that never arrived (nil when the header was incomplete).
        public var missingBytes: Int?
        public var reason: Reason
    }

    public enum Event: Sendable, Hashable {
        case packet(SpacePacket, channel: TransferFrame.VirtualChannel)
        case broken(BrokenPacket)
    }

    public struct Statistics: Sendable, Hashable {
        public var frames = 0
        public var packets = 0
        public var idlePackets = 0
        public var brokenPackets = 0
        public var repeatedFrames = 0
        public var skippedFrames = 0
        /// Continuation bytes seen with no packet start to attach them to (e.g. at acquisition).
        public var orphanBytes = 0
    }

    struct ChannelState: Sendable {
        var lastFrameCount: UInt8? = nil
        /// Bytes of the packet in progress (header first); empty when none.
        var partial: [UInt8] = []
        var inProgress = false
        /// Total packet length, once the header is complete.
        var expectedLength: Int? = nil
    }

    public let configuration: Configuration
    public private(set) var statistics = Statistics()
    var channels: [TransferFrame.VirtualChannel: ChannelState] = [:]

    public init(_ configuration: Configuration = Configuration()) {
        self.configuration = configuration
    }

    /// Processes one frame; packets and broken packets are appended to `events` in stream order.
    public mutating func process(_ frame: TransferFrame, into events: inout [Event]) {
        statistics.frames += 1
        let channel = frame.header.channel
        var state = channels[channel] ?? ChannelState()
        defer { channels[channel] = state }

        if configuration.checkFrameCounts {
            switch FrameCountMonitor.continuity(from: state.lastFrameCount, to: frame.header.virtualChannelFrameCount) {
            case .repeated:
                statistics.repeatedFrames += 1
                return
            case .gap(let missed):
                breakPacket(&state, channel, reason: .frameGap(missedFrames: missed), extra: 0, into: &events)
            case .first, .inSequence:
                break
            }
            state.lastFrameCount = frame.header.virtualChannelFrameCount
        }

        if frame.header.synchronizationFlag {
            statistics.skippedFrames += 1
            breakPacket(&state, channel, reason: .nonPacketFrame, extra: 0, into: &events)
            return
        }

        let data = frame.dataField
        switch frame.header.firstHeader {
        case .idleData:
            statistics.skippedFrames += 1
        case .noPacketStart:
            if state.inProgress {
                continuePacket(&state, channel, data[...], endsAtHeader: nil, into: &events)
            } else {
                statistics.orphanBytes += data.count
            }
        case .packetStart(let offset):
            // The parser guarantees offset < data.count; stay safe for hand-made frames anyway.
            let start = min(offset, data.count)
            if state.inProgress {
                continuePacket(&state, channel, data[..<start], endsAtHeader: start, into: &events)
            } else {
                statistics.orphanBytes += start
            }
            extractPackets(&state, channel, data[start...], into: &events)
        }
    }

    /// Processes one frame and returns its events.
    public mutating func process(_ frame: TransferFrame) -> [Event] {
        var events: [Event] = []
        process(frame, into: &events)
        return events
    }

    /// Reports every packet still in progress as broken (`.endOfStream`) and forgets it.
    public mutating func flush(into events: inout [Event]) {
        for channel in channels.keys.sorted(by: { ($0.spacecraftID, $0.virtualChannelID) < ($1.spacecraftID, $1.virtualChannelID) }) {
            guard var state = channels[channel] else { continue }
            breakPacket(&state, channel, reason: .endOfStream, extra: 0, into: &events)
            channels[channel] = state
        }
    }

    /// Forgets all channels and counters.
    public mutating func reset() {
        channels.removeAll()
        statistics = Statistics()
    }

    // MARK: - Internals

    /// Ends the packet in progress (if any) as broken; `extra` bytes of it were consumed from the current frame.
    mutating func breakPacket(
        _ state: inout ChannelState, _ channel: TransferFrame.VirtualChannel, reason: BrokenPacket.Reason,
        extra: Int, into events: inout [Event]
    ) {
        guard state.inProgress else { return }
        let received = state.partial.count + extra
        var apid: UInt16? = nil
        if state.partial.count >= 2 { apid = (UInt16(state.partial[0] & 0x07) << 8) | UInt16(state.partial[1]) }
        let missing = state.expectedLength.map { max(0, $0 - received) }
        events.append(
            .broken(BrokenPacket(channel: channel, apid: apid, receivedBytes: received, missingBytes: missing, reason: reason)))
        statistics.brokenPackets += 1
        state.partial.removeAll(keepingCapacity: true)
        state.inProgress = false
        state.expectedLength = nil
    }

    /// Appends continuation bytes to the packet in progress. `endsAtHeader` is the first header
    /// pointer when a new packet starts right after `bytes`, or nil when the frame had no packet start.
    mutating func continuePacket(
        _ state: inout ChannelState, _ channel: TransferFrame.VirtualChannel, _ bytes: ArraySlice<UInt8>,
        endsAtHeader: Int?, into events: inout [Event]
    ) {
        var rest = bytes
        if state.expectedLength == nil {
            let take = min(SpacePacket.PrimaryHeader.byteCount - state.partial.count, rest.count)
            state.partial += rest.prefix(take)
            rest = rest.dropFirst(take)
            if state.partial.count < SpacePacket.PrimaryHeader.byteCount {
                if let fhp = endsAtHeader {
                    breakPacket(
                        &state, channel, reason: .firstHeaderPointerMismatch(expected: nil, firstHeaderPointer: fhp),
                        extra: 0, into: &events)
                }
                return
            }
            guard headerAccepted(&state, channel, extra: rest.count, into: &events) else { return }
        }
        let need = (state.expectedLength ?? 0) - state.partial.count
        if rest.count == need {
            state.partial += rest
            completePacket(&state, channel, into: &events)
        } else if rest.count < need && endsAtHeader == nil {
            state.partial += rest
        } else {
            breakPacket(
                &state, channel, reason: .firstHeaderPointerMismatch(expected: need, firstHeaderPointer: endsAtHeader),
                extra: rest.count, into: &events)
        }
    }

    /// Checks the now complete header of the packet in progress; breaks the packet when it is impossible.
    mutating func headerAccepted(
        _ state: inout ChannelState, _ channel: TransferFrame.VirtualChannel, extra: Int, into events: inout [Event]
    ) -> Bool {
        let header: SpacePacket.PrimaryHeader
        do {
            header = try SpacePacket.PrimaryHeader(parsing: state.partial)
        } catch {
            let field: String
            switch error {
            case .invalidField(let f, _, _, _), .truncated(let f, _, _): field = f
            case .invalidConfiguration(let k, _, _): field = k
            }
            breakPacket(&state, channel, reason: .invalidHeader(field: field), extra: extra, into: &events)
            return false
        }
        guard header.packetLength <= configuration.maxPacketLength else {
            breakPacket(&state, channel, reason: .tooLong(declaredLength: header.packetLength), extra: extra, into: &events)
            return false
        }
        state.expectedLength = header.packetLength
        return true
    }

    mutating func completePacket(_ state: inout ChannelState, _ channel: TransferFrame.VirtualChannel, into events: inout [Event]) {
        emit(state.partial[...], channel, into: &events)
        state.partial.removeAll(keepingCapacity: true)
        state.inProgress = false
        state.expectedLength = nil
    }

    mutating func emit(_ bytes: ArraySlice<UInt8>, _ channel: TransferFrame.VirtualChannel, into events: inout [Event]) {
        guard let packet = try? SpacePacket(parsing: bytes) else { return }  // header was checked before
        if packet.header.isIdle && configuration.dropIdlePackets {
            statistics.idlePackets += 1
            return
        }
        statistics.packets += 1
        events.append(.packet(packet, channel: channel))
    }

    /// Cuts packets out of `data`, which starts at a packet header; a packet running past the end
    /// becomes the packet in progress.
    mutating func extractPackets(
        _ state: inout ChannelState, _ channel: TransferFrame.VirtualChannel, _ data: ArraySlice<UInt8>,
        into events: inout [Event]
    ) {
        var p = data.startIndex
        while p < data.endIndex {
            state.partial.removeAll(keepingCapacity: true)
            state.partial += data[p..<min(p + SpacePacket.PrimaryHeader.byteCount, data.endIndex)]
            state.inProgress = true
            state.expectedLength = nil
            if state.partial.count < SpacePacket.PrimaryHeader.byteCount { return }  // header continues next frame
            let afterHeader = p + SpacePacket.PrimaryHeader.byteCount
            guard headerAccepted(&state, channel, extra: data.endIndex - afterHeader, into: &events) else { return }
            let length = state.expectedLength ?? SpacePacket.PrimaryHeader.byteCount
            if data.endIndex - p >= length {
                emit(data[p..<(p + length)], channel, into: &events)
                state.partial.removeAll(keepingCapacity: true)
                state.inProgress = false
                state.expectedLength = nil
                p += length
            } else {
                state.partial += data[afterHeader...]
                return
            }
        }
    }
}
