/// Frame-count continuity per master channel (spacecraft) and per virtual channel.
///
/// Feed it every good frame's primary header in reception order; it reports, for both counters
/// (each mod 256), whether the frame follows its predecessor, repeats it, or how many frames were
/// missed in between. A loss of exactly a multiple of 256 frames is invisible, as in any mod-256 count.
/// Memory is bounded by the number of channels (at most 1024 spacecraft × 8 virtual channels).
public struct FrameCountMonitor: Sendable {
    /// Continuity of one counter.
    public enum Continuity: Sendable, Hashable {
        /// First frame seen on this channel.
        case first
        /// Count is the previous one plus 1.
        case inSequence
        /// `missed` frames (1...254) were not received.
        case gap(missed: Int)
        /// Same count as the previous frame (a repeated frame, or a stuck counter).
        case repeated
    }

    /// Verdict for one frame.
    public struct Report: Sendable, Hashable {
        public var channel: TransferFrame.VirtualChannel
        public var masterChannel: Continuity
        public var virtualChannel: Continuity
    }

    /// Running totals per virtual channel.
    public struct Totals: Sendable, Hashable {
        public var frames = 0
        public var missedFrames = 0
        public var gaps = 0
        public var repeats = 0
    }

    var lastMasterCount: [UInt16: UInt8] = [:]
    var lastVirtualCount: [TransferFrame.VirtualChannel: UInt8] = [:]
    /// Virtual-channel totals.
    public private(set) var totals: [TransferFrame.VirtualChannel: Totals] = [:]
    /// Master-channel totals, per spacecraft.
    public private(set) var masterTotals: [UInt16: Totals] = [:]

    public init() {}

    /// Continuity from `last` to `current` on a mod-256 counter.
    public static func continuity(from last: UInt8?, to current: UInt8) -> Continuity {
        guard let last else { return .first }
        let delta = current &- last
        switch delta {
        case 1: return .inSequence
        case 0: return .repeated
        default: return .gap(missed: Int(delta) - 1)
        }
    }

    /// Records one frame and reports its continuity.
    public mutating func observe(_ header: TransferFrame.PrimaryHeader) -> Report {
        let channel = header.channel
        let mc = Self.continuity(from: lastMasterCount[header.spacecraftID], to: header.masterChannelFrameCount)
        let vc = Self.continuity(from: lastVirtualCount[channel], to: header.virtualChannelFrameCount)
        lastMasterCount[header.spacecraftID] = header.masterChannelFrameCount
        lastVirtualCount[channel] = header.virtualChannelFrameCount
        Self.count(vc, into: &totals[channel, default: Totals()])
        Self.count(mc, into: &masterTotals[header.spacecraftID, default: Totals()])
        return Report(channel: channel, masterChannel: mc, virtualChannel: vc)
    }

    static func count(_ c: Continuity, into t: inout Totals) {
        t.frames += 1
        switch c {
        case .gap(let missed):
            t.gaps += 1
            t.missedFrames += missed
        case .repeated: t.repeats += 1
        case .first, .inSequence: break
        }
    }

    /// Forgets all counters (e.g. after a new pass starts).
    public mutating func reset() { self = FrameCountMonitor() }
}
