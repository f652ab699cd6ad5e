import Foundation

/// Hot-plug monitoring: the devices attached now, then arrivals and departures.
///
/// Sources: `.udev` is udev's monitor (events after udevd has run its rules); `.kernel` is the
/// kernel's own uevents (no daemon needed, but inside a container the host kernel's events may not
/// arrive); `.polling` re-enumerates sysfs at an interval and reports the difference, which works
/// everywhere. `automatic` picks `.udev` when udevd runs (its control socket /run/udev/control
/// exists) and `.polling` otherwise. Not thread-safe: one owner thread.
public final class DeviceWatcher {
    public enum Source: Sendable, Hashable, CustomStringConvertible {
        case udev
        case kernel
        case polling(interval: Duration)

        public var description: String {
            switch self {
            case .udev: "udev monitor"
            case .kernel: "kernel uevent monitor"
            case .polling(let i): "re-enumeration every \(Double(i.components.seconds) + Double(i.components.attoseconds) / 1e18) s"
            }
        }
    }

    /// True when a udev daemon runs on this machine.
    public static var udevDaemonRunning: Bool { FileManager.default.fileExists(atPath: "/run/udev/control") }

    public static func automatic(pollInterval: Duration = .seconds(1)) -> Source {
        udevDaemonRunning ? .udev : .polling(interval: pollInterval)
    }

    public let source: Source
    private let udev: UDev
    private let monitor: UDevMonitor?
    private var known: [String: DiscoveredDevice] = [:]
    private var nextPoll: ContinuousClock.Instant

    /// Starts listening, then enumerates, so nothing plugged in between is missed.
    public init(source: Source) throws(DiscoveryError) {
        self.source = source
        udev = try UDev()
        switch source {
        case .udev: monitor = try UDevMonitor(udev: udev, group: "udev", subsystems: DeviceEnumerator.subsystems)
        case .kernel: monitor = try UDevMonitor(udev: udev, group: "kernel", subsystems: DeviceEnumerator.subsystems)
        case .polling: monitor = nil
        }
        nextPoll = .now
        for d in try enumerate() { known[d.syspath] = d }
        if case .polling(let interval) = source { nextPoll = .now + interval }
    }

    /// The devices attached as far as the watcher knows (after the last `next`).
    public var devices: [DiscoveredDevice] { DeviceEnumerator.sorted(Array(known.values)) }

    /// Waits up to `timeout` and returns the changes seen by then (empty when nothing changed).
    public func next(timeout: Duration) throws(DiscoveryError) -> [DeviceChange] {
        switch source {
        case .udev, .kernel:
            guard let monitor else { return [] }
            var changes: [DeviceChange] = []
            for r in monitor.receive(timeout: timeout) {
                switch r.action {
                case "add":
                    // Re-read from sysfs and the udev database, as enumeration does: the event itself
                    // carries per-event properties (ACTION, SEQNUM) that would make the same device differ.
                    guard let current = udev.record(syspath: r.syspath), let d = DeviceEnumerator.device(current) else { continue }
                    if let old = known[d.syspath] {
                        if old == d { continue }
                        changes.append(.departed(old))
                    }
                    known[d.syspath] = d
                    changes.append(.arrived(d))
                case "remove":
                    // sysfs is gone by now: report what was known of it.
                    if let old = known.removeValue(forKey: r.syspath) { changes.append(.departed(old)) }
                default:
                    continue
                }
            }
            return changes
        case .polling(let interval):
            let deadline = ContinuousClock.now + timeout
            if nextPoll > deadline {
                Thread.sleep(forTimeInterval: Self.seconds(ContinuousClock.now.duration(to: deadline)))
                return []
            }
            let wait = ContinuousClock.now.duration(to: nextPoll)
            if wait > .zero { Thread.sleep(forTimeInterval: Self.seconds(wait)) }
            nextPoll = .now + interval
            return try poll()
        }
    }

    /// Re-enumerates and reports the difference to what was known.
    private func poll() throws(DiscoveryError) -> [DeviceChange] {
        var now: [String: DiscoveredDevice] = [:]
        for d in try enumerate() { now[d.syspath] = d }
        var changes: [DeviceChange] = []
        for old in DeviceEnumerator.sorted(Array(known.values)) where now[old.syspath] != old {
            changes.append(.departed(old))
        }
        for d in DeviceEnumerator.sorted(Array(now.values)) where known[d.syspath] != d {
            changes.append(.arrived(d))
        }
        known = now
        return changes
    }

    private func enumerate() throws(DiscoveryError) -> [DiscoveredDevice] {
        try udev.records(subsystems: DeviceEnumerator.subsystems).compactMap(DeviceEnumerator.device)
    }

    private static func seconds(_ d: Duration) -> Double {
        max(0, Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18)
    }
}
