import Foundation
import GroundStation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// rotctld client against Hamlib's real dummy rotator (`rotctld -m 1`, az −180…450, el 0…90, ~6°/s).
extension HamlibDaemonTests {
@Suite struct RotatorClientTests {
    @Test func setAndGetPositionRoundTrip() throws {
        let daemon = try HamlibDaemon("rotctld")
        defer { daemon.stop() }
        let rotator = RotatorClient(endpoint: daemon.endpoint, timeout: 2)
        let start = try rotator.position()
        #expect(abs(start.azimuth) < 0.01 && abs(start.elevation) < 0.01)
        try rotator.setPosition(azimuth: 12.5, elevation: 7.25)
        // The dummy slews at about 6°/s: right after P it is still on its way.
        let early = try rotator.position()
        #expect(early.azimuth < 12.5)
        let p = try waitForRotator(rotator, azimuth: 12.5, elevation: 7.25, tolerance: 0.01, seconds: 10)
        #expect(abs(p.azimuth - 12.5) < 0.01)
        #expect(abs(p.elevation - 7.25) < 0.01)
        // The dummy's extended range goes past north (up to 450°).
        try rotator.setPosition(azimuth: 15, elevation: 7.25)
        try rotator.stop()
        try rotator.park()
        #expect(rotator.connection.connectionCount == 1)
    }

    @Test func outOfRangePositionIsATypedError() throws {
        let daemon = try HamlibDaemon("rotctld")
        defer { daemon.stop() }
        let rotator = RotatorClient(endpoint: daemon.endpoint)
        do {
            try rotator.setPosition(azimuth: 500, elevation: 10)
            Issue.record("P 500 10 was accepted")
        } catch {
            guard case .commandFailed(_, let command, let code) = error else {
                Issue.record("unexpected error \(error)")
                return
            }
            #expect(command == "P 500.00 10.00")
            #expect(code == -1)
            #expect(error.description.contains("RPRT -1 (invalid parameter)"), "\(error)")
            #expect(error.description.contains("P 500.00 10.00"))
        }
        #expect(throws: HamlibError.self) { try rotator.setPosition(azimuth: 10, elevation: 95) }
        #expect(throws: HamlibError.invalidArgument("rotator position must be finite, got nan, 5.0")) {
            try rotator.setPosition(azimuth: .nan, elevation: 5)
        }
        // The connection stays usable after a rejected command.
        _ = try rotator.position()
        #expect(rotator.connection.connectionCount == 1)
    }

    @Test func reconnectsAfterTheDaemonRestarts() throws {
        let daemon = try HamlibDaemon("rotctld")
        defer { daemon.stop() }
        let rotator = RotatorClient(endpoint: daemon.endpoint, timeout: 1)
        _ = try rotator.position()
        #expect(rotator.connection.isConnected)

        daemon.stop()
        #expect(throws: HamlibError.self) { _ = try rotator.position() }
        do {
            _ = try rotator.position()
        } catch {
            guard case .connectionFailed(let endpoint, _) = error else {
                Issue.record("expected connectionFailed, got \(error)")
                return
            }
            #expect(endpoint == daemon.endpoint.description)
        }

        let again = try daemon.restarted()
        defer { again.stop() }
        try rotator.setPosition(azimuth: 3, elevation: 2)
        let p = try waitForRotator(rotator, azimuth: 3, elevation: 2, tolerance: 0.01, seconds: 5)
        #expect(abs(p.azimuth - 3) < 0.01 && abs(p.elevation - 2) < 0.01)
        #expect(rotator.connection.connectionCount == 2)

        // Restart while connected: the stale socket is detected and the command retried transparently.
        again.stop()
        let third = try again.restarted()
        defer { third.stop() }
        _ = try rotator.position()
        #expect(rotator.connection.connectionCount == 3)
    }

    @Test func timesOutWhenTheDaemonDoesNotAnswer() throws {
        let listener = try HamlibDaemon.silentListener()
        defer { close(listener.fd) }
        let rotator = RotatorClient(endpoint: HamlibEndpoint(host: "127.0.0.1", port: listener.port), timeout: 0.3)
        let t0 = Date()
        do {
            _ = try rotator.position()
            Issue.record("no timeout")
        } catch {
            guard case .timeout(_, let command, let seconds) = error else {
                Issue.record("expected timeout, got \(error)")
                return
            }
            #expect(command == "p")
            #expect(seconds == 0.3)
        }
        #expect(Date().timeIntervalSince(t0) < 2)
        #expect(!rotator.connection.isConnected)
    }

    @Test func refusedConnectionIsReported() throws {
        let port = try HamlibDaemon.freePort()
        let rotator = RotatorClient(endpoint: HamlibEndpoint(host: "127.0.0.1", port: port), timeout: 0.5)
        #expect {
            try rotator.park()
        } throws: { error in
            guard let e = error as? HamlibError, case .connectionFailed(_, let reason) = e else { return false }
            return reason.lowercased().contains("refused")
        }
    }
}
}
