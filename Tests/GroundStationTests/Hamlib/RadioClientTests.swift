import Foundation
import GroundStation
import Synchronization
import Testing

#if canImport(Glibc)
    import Glibc
#endif

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

    /// A daemon that drops a client's first connection before answering (rigctld starting up did, once,
    /// under TSan): the command is retried on a new connection and succeeds.
    @Test func retriesAFreshConnectionDroppedBeforeTheAnswer() throws {
        let daemon = try HamlibDaemon("rigctld")
        defer { daemon.stop() }
        let front = try DroppingRelay(to: daemon.port, drop: 1)
        let radio = RadioClient(endpoint: HamlibEndpoint(host: "127.0.0.1", port: front.port), timeout: 5)
        defer {
            radio.connection.disconnect()  // ends the relayed connection, so the relay thread can stop
            front.stop()
        }
        try radio.setFrequency(436_000_000)
        #expect(try radio.frequency() == 436_000_000)
        #expect(radio.connection.connectionCount == 2)
        #expect(front.accepted == 2)
    }
}
}

/// A loopback listener that resets its first `drop` connections as soon as they send something, then
/// relays each later connection to the daemon on `target` (one at a time, on a thread of its own).
final class DroppingRelay: @unchecked Sendable {
    // @unchecked: the thread only reads the lets; the count is atomic.
    let port: UInt16
    private let listener: Int32
    private let done = DispatchSemaphore(value: 0)
    private let acceptedCount = Atomic<Int>(0)
    var accepted: Int { acceptedCount.load(ordering: .acquiring) }

    init(to target: UInt16, drop: Int) throws {
        let (fd, port) = try HamlibDaemon.silentListener()
        listener = fd
        self.port = port
        Thread.detachNewThread { [self] in
            defer { done.signal() }
            while true {
                let client = accept(listener, nil, nil)
                if client < 0 { return }  // the listener was shut down
                let n = acceptedCount.add(1, ordering: .releasing).newValue
                if n <= drop {
                    var one = [UInt8](repeating: 0, count: 64)
                    _ = recv(client, &one, one.count, 0)
                    var hard = linger(l_onoff: 1, l_linger: 0)  // close with RST: "connection reset by peer"
                    setsockopt(client, SOL_SOCKET, SO_LINGER, &hard, socklen_t(MemoryLayout<linger>.size))
                    close(client)
                    continue
                }
                relay(client, to: target)
            }
        }
    }

    private func relay(_ client: Int32, to target: UInt16) {
        let upstream = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var addr = HamlibDaemon.loopback(target)
        let connected = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(upstream, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
        }
        defer { close(upstream); close(client) }
        guard connected else { return }
        var fds = [pollfd(fd: client, events: Int16(POLLIN), revents: 0), pollfd(fd: upstream, events: Int16(POLLIN), revents: 0)]
        var buffer = [UInt8](repeating: 0, count: 4096)
        while poll(&fds, 2, 10_000) > 0 {
            for (i, f) in fds.enumerated() where f.revents != 0 {
                let n = recv(f.fd, &buffer, buffer.count, 0)
                if n <= 0 { return }
                _ = send(fds[1 - i].fd, buffer, n, Int32(MSG_NOSIGNAL))
            }
        }
    }

    /// Stops accepting and waits for the relay thread (a relayed connection ends when either side closes).
    func stop() {
        shutdown(listener, Int32(SHUT_RDWR))
        close(listener)
        done.wait()
    }
}
