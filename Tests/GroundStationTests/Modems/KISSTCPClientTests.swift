import Foundation
import GroundStation
import TelemetryDecode
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// A one-connection-at-a-time TCP server on 127.0.0.1 standing in for a software TNC.
final class TestKISSServer: @unchecked Sendable {
    private(set) var listener: Int32
    let port: UInt16

    init() throws {
        let l = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        var one: Int32 = 1
        setsockopt(l, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        let ok = withUnsafeMutablePointer(to: &addr) { p in
            p.withMemoryRebound(to: sockaddr.self, capacity: 1) { sp in
                bind(l, sp, len) == 0 && listen(l, 4) == 0 && getsockname(l, sp, &len) == 0
            }
        }
        guard ok else {
            close(l)
            throw KISSTCPError.system(endpoint: "test server", operation: "bind", errno: errno)
        }
        listener = l
        port = UInt16(bigEndian: addr.sin_port)
    }

    deinit { stop() }

    /// Closes the listening socket: later connections are refused.
    func stop() {
        if listener >= 0 { close(listener) }
        listener = -1
    }

    /// Accepts one connection (waiting up to `timeout`); -1 on timeout.
    func accept(timeout: Duration = .seconds(5)) -> Int32 {
        var pfd = pollfd(fd: listener, events: Int16(POLLIN), revents: 0)
        guard poll(&pfd, 1, Int32(timeout.components.seconds * 1000)) > 0 else { return -1 }
        return Glibc.accept(listener, nil, nil)
    }

    static func send(_ fd: Int32, _ bytes: [UInt8]) {
        _ = bytes.withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
    }

    static func receive(_ fd: Int32, count: Int, timeout: Duration = .seconds(5)) -> [UInt8] {
        var out: [UInt8] = []
        let deadline = ContinuousClock.now + timeout
        while out.count < count, ContinuousClock.now < deadline {
            var pfd = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            guard poll(&pfd, 1, 100) > 0 else { continue }
            var buf = [UInt8](repeating: 0, count: 4096)
            let n = buf.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n <= 0 { break }
            out += buf[0..<n]
        }
        return out
    }
}

@Suite struct KISSTCPClientTests {
    @Test func framesBothWays() throws {
        let server = try TestKISSServer()
        let client = try KISSTCPClient(endpoint: "127.0.0.1:\(server.port)")
        let modem = KISSModem(link: client)
        defer { modem.close() }
        let conn = server.accept()
        try #require(conn >= 0)
        defer { close(conn) }

        let frames = [KISSFrame(payload: (0...255).map { UInt8($0) }), KISSFrame(port: 2, payload: [KISS.fend])]
        TestKISSServer.send(conn, frames.flatMap { KISSEncoder.encode($0) })
        var got: [KISSFrame] = []
        while got.count < 2, let f = try modem.nextFrame(timeout: .seconds(5)) { got.append(f) }
        #expect(got.map(\.payload) == frames.map(\.payload))
        #expect(got.map(\.port) == [0, 2])

        let ax25 = try AX25TextParser.parse("N0CALL>CQ:out <0xdb>")
        try modem.send(ax25)
        let expected = KISSEncoder.encode(KISSFrame(payload: ax25.bytes))
        #expect(TestKISSServer.receive(conn, count: expected.count) == expected)
    }

    @Test func peerCloseIsConnectionLostWithoutReconnect() throws {
        let server = try TestKISSServer()
        let client = try KISSTCPClient(host: "127.0.0.1", port: server.port)
        defer { client.close() }
        let conn = server.accept()
        try #require(conn >= 0)
        close(conn)
        #expect(throws: KISSTCPError.connectionLost(endpoint: "127.0.0.1:\(server.port)", errno: nil)) {
            try client.read(timeout: .seconds(5))
        }
        #expect(throws: KISSTCPError.self) { try client.write([KISS.fend], timeout: .milliseconds(200)) }
    }

    @Test func reconnectsAndDropsTheInterruptedFrame() throws {
        let server = try TestKISSServer()
        let client = try KISSTCPClient(
            host: "127.0.0.1", port: server.port, reconnect: .init(delay: .milliseconds(50), maximumAttempts: 100))
        let modem = KISSModem(link: client)
        defer { modem.close() }
        let first = server.accept()
        try #require(first >= 0)
        // Half a frame, then the TNC restarts.
        TestKISSServer.send(first, [KISS.fend, 0x00, 0x61, 0x62, 0x63])
        #expect(try modem.receive(timeout: .seconds(2)).isEmpty)
        close(first)
        #expect(client.session == 0)
        // Reads carry on (empty) while the client reconnects.
        var second: Int32 = -1
        let deadline = ContinuousClock.now + .seconds(10)
        while second < 0, ContinuousClock.now < deadline {
            _ = try modem.receive(timeout: .milliseconds(100))
            var pfd = pollfd(fd: server.listener, events: Int16(POLLIN), revents: 0)
            if poll(&pfd, 1, 0) > 0 { second = server.accept() }
        }
        try #require(second >= 0)
        defer { close(second) }
        // The rest of the stream now starts with the frame end of the interrupted frame.
        TestKISSServer.send(second, [0x64, KISS.fend] + KISSEncoder.encode(KISSFrame(payload: [1, 2, 3])))
        var got: [KISSFrame] = []
        while got.count < 1, let f = try modem.nextFrame(timeout: .seconds(5)) { got.append(f) }
        #expect(got.map(\.payload) == [[1, 2, 3]])
        #expect(client.session == 1)
    }

    @Test func givesUpAfterMaximumAttempts() throws {
        let port: UInt16
        let client: KISSTCPClient
        do {
            let server = try TestKISSServer()
            port = server.port
            client = try KISSTCPClient(
                host: "127.0.0.1", port: port, reconnect: .init(delay: .milliseconds(10), maximumAttempts: 3))
            let conn = server.accept()
            close(conn)
        }  // the listener closes here: reconnection is refused
        defer { client.close() }
        let deadline = ContinuousClock.now + .seconds(5)
        var failure: KISSTCPError? = nil
        while failure == nil, ContinuousClock.now < deadline {
            do { _ = try client.read(timeout: .milliseconds(50)) } catch { failure = error }
        }
        #expect(failure == .connectionLost(endpoint: "127.0.0.1:\(port)", errno: nil))
    }

    @Test func connectErrorsNameTheEndpoint() throws {
        // A port that was just free: nothing listens.
        let server = try TestKISSServer()
        let port = server.port
        server.stop()
        do {
            _ = try KISSTCPClient(host: "127.0.0.1", port: port, connectTimeout: .seconds(2))
            Issue.record("connected to a closed port")
        } catch {
            #expect(error == .connectFailed(endpoint: "127.0.0.1:\(port)", errno: ECONNREFUSED))
            #expect(error.description == "KISS TCP 127.0.0.1:\(port): connect failed: Connection refused")
        }
        for bad in ["localhost", "localhost:", ":8001", "localhost:0", "localhost:99999", "host:port"] {
            #expect(throws: KISSTCPError.invalidAddress(bad)) { try KISSTCPClient.parseEndpoint(bad) }
        }
        #expect(try KISSTCPClient.parseEndpoint("[::1]:8001") == ("::1", 8001))
        #expect(try KISSTCPClient.parseEndpoint("127.0.0.1:8001") == ("127.0.0.1", 8001))
    }
}
