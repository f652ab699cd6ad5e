import Foundation
import GroundStation
import Testing

@Suite struct PassSchedulerTests {
    let t0 = Date(timeIntervalSince1970: 1_790_000_000)

    func pass(_ norad: Int, _ start: Double, _ end: Double, el: Double) -> ScheduledPass {
        ScheduledPass(slot: 0, norad: norad, satellite: "S\(norad)", start: t0.addingTimeInterval(start), end: t0.addingTimeInterval(end), maxElevation: el)
    }

    @Test func earlierListedSatelliteWinsAnOverlap() {
        let result = PassScheduler.resolveOverlaps(
            [pass(2, 0, 600, el: 80), pass(1, 300, 900, el: 20), pass(3, 1000, 1500, el: 30)], priority: [1, 2, 3])
        #expect(result.map(\.norad) == [2, 1, 3])
        #expect(result.map(\.state) == [.skipped, .pending, .pending])
        #expect(result[0].note?.contains("S1") == true)
        #expect(result.map(\.slot) == [1, 2, 3])
    }

    @Test func equalPriorityGoesToTheHigherPass() {
        // Satellites missing from the priority list share the lowest priority: elevation decides.
        let result = PassScheduler.resolveOverlaps([pass(7, 0, 600, el: 15), pass(8, 100, 700, el: 60)], priority: [])
        #expect(result.first { $0.norad == 8 }?.state == .pending)
        #expect(result.first { $0.norad == 7 }?.state == .skipped)
    }

    @Test func acceptedPassesNeverOverlap() {
        var candidates: [ScheduledPass] = []
        var rng = SystemRandomNumberGenerator()
        for _ in 0..<200 {
            let s = Double.random(in: 0..<86_400, using: &rng)
            candidates.append(pass(Int.random(in: 1...6, using: &rng), s, s + Double.random(in: 60...900, using: &rng), el: Double.random(in: 0...90, using: &rng)))
        }
        let accepted = PassScheduler.resolveOverlaps(candidates, priority: [3, 1, 2]).filter { $0.state == .pending }
        for (i, a) in accepted.enumerated() { for b in accepted[(i + 1)...] { #expect(!a.overlaps(b)) } }
        // Every skipped pass overlaps an accepted one.
        let skipped = PassScheduler.resolveOverlaps(candidates, priority: [3, 1, 2]).filter { $0.state == .skipped }
        #expect(skipped.allSatisfy { s in accepted.contains { $0.overlaps(s) } })
        #expect(accepted.count + skipped.count == 200)
    }

    @Test func predictedScheduleFromElements() throws {
        let tle = try String(contentsOf: DaemonFixtures.packageRoot.appendingPathComponent("examples/demo.tle"), encoding: .utf8)
        let sets = try TwoLineElements.parseMany(tle)
        let elements = Dictionary(uniqueKeysWithValues: sets.map { ($0.noradID, $0.meanElements) })
        let start = sets[0].meanElements.epoch.date
        let (passes, problems) = PassScheduler.predict(
            elements: elements, satellites: [(42702, "COLUMBIA"), (45598, "Quetzal-1"), (99999, "NONE")],
            station: GeodeticPosition(latitude: 50, longitude: 8, altitude: 100), minimumElevation: 10, from: start, hours: 24)
        #expect(problems.count == 1 && problems[0].contains("99999"))
        #expect(passes.count >= 4, "ISS-like orbits pass a mid-latitude station several times a day")
        #expect(passes.allSatisfy { ($0.maxElevation ?? 0) >= 10 && $0.end > $0.start && $0.geometry != nil })
        let accepted = passes.filter { $0.state == .pending }
        for (i, a) in accepted.enumerated() { for b in accepted[(i + 1)...] { #expect(!a.overlaps(b)) } }
        #expect(passes.map(\.start) == passes.map(\.start).sorted())
    }

    @Test func filePlanPlaysRecordingsBackToBack() {
        let recs = [
            DaemonConfiguration.FileRecording(path: "/a.wav", norad: 1, format: nil, rate: nil, iq: false, frequencyOffset: nil),
            DaemonConfiguration.FileRecording(path: "/b.wav", norad: 2, format: nil, rate: nil, iq: false, frequencyOffset: nil),
        ]
        let plan = PassScheduler.filePlan(
            .init(recordings: recs, speed: 2, startDelay: 5, gap: 3), names: [1: "ONE"], durations: [10, 4], geometry: [:], from: t0)
        #expect(plan.map(\.start) == [t0.addingTimeInterval(5), t0.addingTimeInterval(13)])
        #expect(plan.map(\.end) == [t0.addingTimeInterval(10), t0.addingTimeInterval(15)])
        #expect(plan.map(\.satellite) == ["ONE", "NORAD 2"])
        #expect(plan.map(\.recording?.path) == ["/a.wav", "/b.wav"])
    }
}
