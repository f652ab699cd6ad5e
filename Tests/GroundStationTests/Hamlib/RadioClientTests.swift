import Foundation
import GroundStation
import Testing

/// rigctld client against Hamlib's real dummy radio (`rigctld -m 1`).
extension HamlibDaemonTests {
@Suite struct RadioClientTests {
    @Test func frequencyAndModeRoundTrip() throws {
        let daemon = try HamlibDaemon("rigctld")
        defer { daemon.stop() }
        // A generous timeout: under a starved parallel suite a slow answer must not count as a lost connection.
        let radio = RadioClient(endpoint: daemon.endpoint, timeout: 10)
        try radio.setFrequency(145_800_000)
        #expect(try radio.frequency() == 145_800_000)
        try radio.setFrequency(437_800_123.6)  // rounded to whole hertz
        #expect(try radio.frequency() == 437_800_124)
        try radio.setMode("FM", passband: 15000)
        let m = try radio.mode()
        #expect(m.mode == "FM")
        #expect(m.passband == 15000)
        #expect(throws: HamlibError.self) { try radio.setMode("F M") }
        #expect(throws: HamlibError.self) { try radio.setFrequency(-1) }
        #expect(radio.connection.connectionCount == 1)
    }

    @Test func rejectedCommandNamesCommandAndCode() throws {
        let daemon = try HamlibDaemon("rigctld")
        defer { daemon.stop() }
        let radio = RadioClient(endpoint: daemon.endpoint)
        #expect(throws: HamlibError.commandFailed(endpoint: daemon.endpoint.description, command: "F abc", code: -1)) {
            _ = try radio.connection.execute("F abc")
        }
        #expect(try radio.frequency() > 0)
    }

    @Test func reconnectsAfterTheDaemonRestarts() throws {
        let daemon = try HamlibDaemon("rigctld")
        defer { daemon.stop() }
        let radio = RadioClient(endpoint: daemon.endpoint, timeout: 1)
        try radio.setFrequency(435_000_000)
        daemon.stop()
        #expect(throws: HamlibError.self) { try radio.setFrequency(435_000_100) }
        let again = try daemon.restarted()
        defer { again.stop() }
        try radio.setFrequency(435_000_200)
        #expect(try radio.frequency() == 435_000_200)
        #expect(radio.connection.connectionCount == 2)
    }
}
}
