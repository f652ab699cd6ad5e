import Foundation

/// Builds the daemon's schedule.
///
/// Live sources: passes of every configured satellite with elements are predicted over the window and
/// overlaps are resolved by a fixed priority rule, because one receiver follows one satellite at a time:
/// 1. the satellite listed earlier under `satellites:` in the configuration wins;
/// 2. between passes of equal priority (the same satellite cannot overlap itself), the higher maximum
///    elevation wins, then the earlier start.
/// A pass that overlaps an accepted one is kept in the schedule as `skipped`, naming the winner.
///
/// `file` source: each recording becomes one pass, played one after the other from `startDelay` with
/// `gap` seconds between them (order of the configuration; nothing overlaps).
public enum PassScheduler {
    public static func resolveOverlaps(_ candidates: [ScheduledPass], priority: [Int]) -> [ScheduledPass] {
        func rank(_ p: ScheduledPass) -> Int { priority.firstIndex(of: p.norad) ?? priority.count }
        let ordered = candidates.sorted { a, b in
            if rank(a) != rank(b) { return rank(a) < rank(b) }
            if (a.maxElevation ?? 0) != (b.maxElevation ?? 0) { return (a.maxElevation ?? 0) > (b.maxElevation ?? 0) }
            return a.start < b.start
        }
        var accepted: [ScheduledPass] = []
        var result: [ScheduledPass] = []
        for var p in ordered {
            if let winner = accepted.first(where: { $0.overlaps(p) }) {
                p.state = .skipped
                p.note = "overlaps \(winner.satellite) (NORAD \(winner.norad)) at \(winner.start), which has priority"
            } else {
                accepted.append(p)
            }
            result.append(p)
        }
        result.sort { $0.start < $1.start || ($0.start == $1.start && $0.norad < $1.norad) }
        for i in result.indices { result[i].slot = i + 1 }
        return result
    }

    /// Predicted passes of `satellites` (NORAD → name) between `from` and `from + hours`.
    public static func predict(
        elements: [Int: MeanElements], satellites: [(norad: Int, name: String)], station: GeodeticPosition,
        minimumElevation: Double, from: Date, hours: Double
    ) -> (passes: [ScheduledPass], problems: [String]) {
        var candidates: [ScheduledPass] = []
        var problems: [String] = []
        for sat in satellites {
            guard let e = elements[sat.norad] else {
                problems.append("no elements for \(sat.name) (NORAD \(sat.norad)) in the TLE files")
                continue
            }
            do {
                let predictor = PassPredictor(propagator: try SGP4Propagator(e), station: station, minimumElevation: minimumElevation)
                let start = JulianDate(from)
                for p in try predictor.passes(from: start, to: start.adding(minutes: hours * 60)) {
                    candidates.append(ScheduledPass(
                        slot: 0, norad: sat.norad, satellite: sat.name, start: p.aos.date, end: p.los.date,
                        maxElevation: p.maxElevation, geometry: p))
                }
            } catch {
                problems.append("\(sat.name) (NORAD \(sat.norad)): \(error)")
            }
        }
        return (resolveOverlaps(candidates, priority: satellites.map(\.norad)), problems)
    }

    /// The `file` source's plan: one pass per recording, back to back.
    public static func filePlan(
        _ source: DaemonConfiguration.FileSource, names: [Int: String], durations: [Double], geometry: [Int: SatellitePass],
        from: Date
    ) -> [ScheduledPass] {
        var t = from.addingTimeInterval(source.startDelay)
        var plan: [ScheduledPass] = []
        for (i, r) in source.recordings.enumerated() {
            // Unpaced playback (speed 0) is given a nominal slot of the signal length / 100.
            let length = durations[i] / (source.speed > 0 ? source.speed : 100)
            let end = t.addingTimeInterval(length)
            plan.append(ScheduledPass(
                slot: i + 1, norad: r.norad, satellite: names[r.norad] ?? "NORAD \(r.norad)", start: t, end: end,
                maxElevation: geometry[r.norad]?.maxElevation, recording: r, geometry: geometry[r.norad]))
            t = end.addingTimeInterval(source.gap)
        }
        return plan
    }
}
