import Foundation
import GroundStation
import Testing

/// A running daemon picks up changed TLE files: it starts with elements that do not include the
/// configured satellite (an empty schedule and a problem naming it), the file is then rewritten with
/// them, and the schedule is predicted again with the pass they give, without a restart.
@Suite(.timeLimit(.minutes(4))) struct DaemonRescheduleTests {
    @Test func changedTLEFileIsPredictedAgainWhileRunning() async throws {
        let scratch = try DaemonScratch()
        defer { scratch.remove() }
        let demo = try String(contentsOfFile: DaemonFixtures.packageRoot.appendingPathComponent("examples/demo.tle").path, encoding: .utf8)
        let lines = demo.split(separator: "\n").filter { !$0.hasPrefix("#") }.map(String.init)
        let quetzalOnly = lines.drop { !$0.hasPrefix("QUETZAL") }.joined(separator: "\n") + "\n"
        let tle = try scratch.write("elements.tle", quetzalOnly)
        let catalogue = try DaemonFixtures.catalogue
        let station = try HamlibDaemonTests.DaemonLivePassTests.subpoint(try DaemonFixtures.columbia, at: Date().addingTimeInterval(100))
        let config = try DaemonFixtures.liveConfiguration(
            scratch: scratch, station: station, hardware: """
                  source: rtl_tcp
                  rtl_tcp: { address: 127.0.0.1:9, sample_rate: 240000 }
                """, tle: tle)
        let store = try SQLitePassStore(path: scratch.file("data/gsd.sqlite"))
        let daemon = try GroundStationDaemon(
            configuration: try DaemonConfigurationParser.load(path: config), catalogue: catalogue, store: store,
            logger: DaemonFixtures.logger, elementsCheckInterval: 0.5)
        let running = Task { try await daemon.run() }
        defer { running.cancel() }

        // Generous: on a loaded 2-core machine the parallel suite can starve this task for tens of seconds.
        // The pass is 100 s out and the schedule spans 3 minutes, so a late re-prediction still finds it.
        func waitFor(_ what: String, _ condition: @escaping () async -> Bool) async throws {
            let deadline = Date().addingTimeInterval(80)
            while !(await condition()) {
                try #require(Date() < deadline, "timed out waiting for \(what)")
                try await Task.sleep(for: .milliseconds(100))
            }
        }
        try await waitFor("the first schedule") { await !daemon.state.scheduleProblems.isEmpty }
        #expect(await daemon.state.schedule.isEmpty)
        #expect(await daemon.state.scheduleProblems.contains { $0.contains("COLUMBIA") && $0.contains("42702") })

        try demo.write(toFile: tle, atomically: true, encoding: .utf8)
        try await waitFor("a schedule with COLUMBIA's pass") { await daemon.state.schedule.contains { $0.norad == 42702 } }
        let schedule = await daemon.state.schedule
        #expect(schedule.count == 1 && (schedule.first?.maxElevation ?? 0) > 85, "\(schedule)")
        #expect(await daemon.state.scheduleProblems.isEmpty)
        running.cancel()
        _ = await running.result
        try await store.close()
    }
}
