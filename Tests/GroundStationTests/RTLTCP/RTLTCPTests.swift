import Foundation
import GroundStation
import TelemetryDecode
import Testing

#if canImport(Glibc)
import Glibc
#endif

@Suite struct RTLTCPProtocolTests {
    @Test func headerRoundTrip() throws {
        let h = RTLTCPHeader(tunerType: .r820t, gainCount: 29)
        #expect(h.bytes == [0x52, 0x54, 0x4c, 0x30, 0, 0, 0, 5, 0, 0, 0, 29])
        let back = try #require(RTLTCPHeader(bytes: h.bytes))
        #expect(back == h && back.tunerType == .r820t && back.gainCount == 29)
        let odd = try #require(RTLTCPHeader(bytes: [0x52, 0x54, 0x4c, 0x30, 0, 0, 1, 0, 0x01, 0x02, 0x03, 0x04]))
        #expect(odd.tunerType == nil && odd.tunerTypeRaw == 256 && odd.gainCount == 0x0102_0304)
        #expect(RTLTCPHeader(bytes: Array("HTTP/1.1 200".utf8)) == nil)
        #expect(RTLTCPHeader(bytes: h.bytes.dropLast()) == nil)
        #expect(RTLTCPTunerType(name: "R828D") == .r828d && RTLTCPTunerType(name: "1") == .e4000 && RTLTCPTunerType(name: "x") == nil)
    }

    @Test func commandEncoding() throws {
        #expect(RTLTCPCommand.frequency(437_000_000).bytes == [0x01, 0x1a, 0x0c, 0x17, 0x40])
        #expect(RTLTCPCommand.sampleRate(2_048_000).bytes == [0x02, 0x00, 0x1f, 0x40, 0x00])
        #expect(RTLTCPCommand.gainMode(manual: true).bytes == [0x03, 0, 0, 0, 1])
        #expect(RTLTCPCommand.gain(tenthsDB: 496).bytes == [0x04, 0, 0, 0x01, 0xf0])
        #expect(RTLTCPCommand.frequencyCorrection(ppm: -2).bytes == [0x05, 0xff, 0xff, 0xff, 0xfe])
        #expect(RTLTCPCommand.ifGain(stage: 3, tenthsDB: -30).bytes == [0x06, 0, 3, 0xff, 0xe2])
        #expect(RTLTCPCommand.testMode(true).bytes == [0x07, 0, 0, 0, 1])
        #expect(RTLTCPCommand.agcMode(true).bytes == [0x08, 0, 0, 0, 1])
        #expect(RTLTCPCommand.directSampling(2).bytes == [0x09, 0, 0, 0, 2])
        #expect(RTLTCPCommand.offsetTuning(true).bytes == [0x0a, 0, 0, 0, 1])
        #expect(RTLTCPCommand.rtlXtal(28_800_000).bytes == [0x0b, 0x01, 0xb7, 0x74, 0x00])
        #expect(RTLTCPCommand.tunerXtal(16_000_000).bytes == [0x0c, 0x00, 0xf4, 0x24, 0x00])
        #expect(RTLTCPCommand.gainByIndex(7).bytes == [0x0d, 0, 0, 0, 7])
        #expect(RTLTCPCommand.biasTee(true).bytes == [0x0e, 0, 0, 0, 1])
        #expect(RTLTCPCommand.Kind.allCases.map(\.rawValue) == Array(1...14))
        for kind in RTLTCPCommand.Kind.allCases {
            let c = RTLTCPCommand(kind, 0x1234_5678)
            #expect(RTLTCPCommand(bytes: c.bytes) == c && c.kind == kind)
        }
        #expect(RTLTCPCommand.gain(tenthsDB: -10).signedValue == -10)
        #expect(RTLTCPCommand.gain(tenthsDB: 496).description == "gain 49.6 dB")
        #expect(RTLTCPCommand(code: 0x42, value: 1).kind == nil)
        #expect(RTLTCPCommand(bytes: [1, 2, 3]) == nil)
    }

    @Test func parserJoinsSplitCommands() {
        let cmds: [RTLTCPCommand] = [.frequency(145_800_000), .sampleRate(240_000), .gain(tenthsDB: 100)]
        let bytes = cmds.flatMap(\.bytes)
        var p = RTLTCPCommandParser()
        var got: [RTLTCPCommand] = []
        got += p.feed(bytes[0..<3])
        #expect(got.isEmpty && p.pendingCount == 3)
        got += p.feed(bytes[3..<11])
        got += p.feed(bytes[11...])
        #expect(got == cmds && p.pendingCount == 0)
    }

    @Test func endpointParsing() throws {
        let a = try parseRTLTCPEndpoint("127.0.0.1:1234")
        #expect(a.host == "127.0.0.1" && a.port == 1234)
        let b = try parseRTLTCPEndpoint("[::1]:1234")
        #expect(b.host == "::1" && b.port == 1234)
        #expect(throws: RTLTCPError.self) { try parseRTLTCPEndpoint("localhost") }
        #expect(throws: RTLTCPError.self) { try parseRTLTCPEndpoint("localhost:0") }
        #expect(try parseRTLTCPEndpoint("localhost:0", allowPortZero: true).port == 0)
    }
}

/// Client and server over loopback. Serialized: the tests block threads in socket reads. The time limit
/// catches a hang; under ThreadSanitizer on a loaded 2-core machine the 3 MB transfer alone has taken
/// 130 s, so it leaves room for that.
@Suite(.serialized, .timeLimit(.minutes(5))) struct RTLTCPLoopbackTests {
    static func server(
        _ data: [UInt8], header: RTLTCPHeader = .r820t, pacing: RTLTCPServer.Pacing = .asFastAsPossible, loop: Bool = false,
        port: UInt16 = 0, maximumClients: Int = 1, rate: Double = 1_000_000, events: Collector<String>? = nil
    ) throws -> RTLTCPServer {
        try RTLTCPServer(
            configuration: .init(port: port, header: header, sampleRate: rate, pacing: pacing, loop: loop, maximumClients: maximumClients),
            onEvent: { e in events?.add(e.description) },
            makeSource: { MemoryByteSource(data) })
    }

    @Test func clientReceivesEveryServedByteAndCommandsArriveInOrder() throws {
        let data = rtlTestPattern(3_000_001)
        let s = try Self.server(data, header: .init(tunerType: .e4000, gainCount: 14))
        defer { s.stop() }
        let commands: [RTLTCPCommand] = [
            .frequency(437_505_000), .sampleRate(2_400_000), .gainMode(manual: true), .gain(tenthsDB: 372),
            .frequencyCorrection(ppm: -3), .agcMode(false), .biasTee(true),
        ]
        let client = try RTLTCPClient(host: "127.0.0.1", port: s.port, commands: Array(commands[0..<2]))
        defer { client.close() }
        #expect(client.header == RTLTCPHeader(tunerType: .e4000, gainCount: 14))
        for c in commands[2...] { try client.send(c) }
        let got = try readBytes(client, count: data.count + 10)
        #expect(got.count == data.count)
        #expect(got == data, "bytes served and received differ")
        #expect(client.bytesReceived == data.count)
        // Once mode: the server closed the connection at the end; the stream ended cleanly.
        #expect(waitUntil { s.activeClients == 0 })
        #expect(s.bytesSent == data.count)
        let atServer = s.receivedCommands.map(\.command)
        #expect(atServer == commands, "commands at the server: \(atServer)")
    }

    @Test func loopedServerRepeatsTheRecording() throws {
        let data = rtlTestPattern(100_000, seed: 7)
        let s = try Self.server(data, loop: true)
        defer { s.stop() }
        let client = try RTLTCPClient(host: "127.0.0.1", port: s.port)
        defer { client.close() }
        let got = try readBytes(client, count: 350_000)
        #expect(got.count == 350_000)
        #expect(got == Array((data + data + data + data).prefix(350_000)))
    }

    @Test func realtimePacingFollowsTheRateCommand() throws {
        let data = rtlTestPattern(2_000_000, seed: 3)
        // 50 ksps = 100 kB/s until the client asks for 250 ksps = 500 kB/s.
        let s = try Self.server(data, pacing: .realtime, loop: true, rate: 50_000)
        defer { s.stop() }
        let client = try RTLTCPClient(host: "127.0.0.1", port: s.port)
        defer { client.close() }
        var t0 = ContinuousClock.now
        _ = try readBytes(client, count: 50_000)
        let slow = ContinuousClock.now - t0
        try client.send(.sampleRate(250_000))
        _ = try readBytes(client, count: 20_000)  // let the new rate take effect
        t0 = .now
        _ = try readBytes(client, count: 250_000)
        let fast = ContinuousClock.now - t0
        #expect(slow > .milliseconds(350) && slow < .milliseconds(1500), "50 kB at 100 kB/s took \(slow)")
        #expect(fast > .milliseconds(350) && fast < .milliseconds(1500), "250 kB at 500 kB/s took \(fast)")
    }

    @Test func serverAgainstRawClientSurvivesDisconnects() throws {
        let data = rtlTestPattern(4_000_000, seed: 5)
        let events = Collector<String>()
        let s = try Self.server(data, header: .init(tunerType: .r828d, gainCount: 29), loop: true, events: events)
        defer { s.stop() }

        let a = try RawSocket.connect(port: s.port)
        #expect(a.receive(12) == Array("RTL0".utf8) + [0, 0, 0, 6, 0, 0, 0, 29])
        // Commands split across sends.
        let cmds: [RTLTCPCommand] = [.frequency(145_825_000), .gain(tenthsDB: 280), .directSampling(1)]
        let bytes = cmds.flatMap(\.bytes)
        try a.send(Array(bytes[0..<7]))
        usleep(20_000)
        try a.send(Array(bytes[7...]))
        #expect(a.receive(65_536) == Array(data[0..<65_536]))
        #expect(waitUntil { s.receivedCommands.count == 3 })
        #expect(s.receivedCommands.map(\.command) == cmds)
        #expect(events.all.contains { $0.contains("frequency 145825000 Hz") && $0.contains("cannot retune") })

        // A second client is refused while the first is served (maximumClients 1).
        let b = try RawSocket.connect(port: s.port)
        #expect(b.receive(12).isEmpty)

        // The first goes away mid-stream without reading the rest.
        withExtendedLifetime(a) {}
        _ = Glibc.shutdown(a.fd, Int32(SHUT_RDWR))
        #expect(waitUntil { s.activeClients == 0 }, "the server did not notice the disconnect")
        #expect(events.all.contains { $0.contains("client 1 disconnected") })

        // The server still serves a new client from the start.
        let c = try RawSocket.connect(port: s.port)
        #expect(c.receive(12 + 1000) == RTLTCPHeader(tunerType: .r828d, gainCount: 29).bytes + Array(data[0..<1000]))
    }

    /// A recording sent whole before the client's first command (fast pacing, a loaded client): the
    /// command is still read and acknowledged while the server closes, not dropped with the connection.
    @Test func commandAfterTheLastSampleIsStillAcknowledged() throws {
        let data = rtlTestPattern(10_000, seed: 11)
        let events = Collector<String>()
        let s = try Self.server(data, events: events)
        defer { s.stop() }
        let a = try RawSocket.connect(port: s.port)
        #expect(a.receive(12 + data.count) == RTLTCPHeader.r820t.bytes + data)
        try a.send(RTLTCPCommand.frequency(436_500_000).bytes)
        #expect(waitUntil { events.all.contains { $0.contains("disconnected") } })
        #expect(s.receivedCommands.map(\.command) == [.frequency(436_500_000)])
        #expect(events.all.contains { $0.contains("frequency 436500000 Hz") })
        #expect(events.all.contains { $0.contains("disconnected after \(data.count) bytes: end of recording") })
    }

    @Test func severalClientsAtOnce() throws {
        let data = rtlTestPattern(500_000, seed: 9)
        let s = try Self.server(data, maximumClients: 3)
        defer { s.stop() }
        let clients = try (0..<3).map { _ in try RTLTCPClient(host: "127.0.0.1", port: s.port) }
        defer { clients.forEach { $0.close() } }
        for c in clients {
            #expect(try readBytes(c, count: data.count + 1) == data)
        }
    }

    @Test func badHeaderIsAClearError() throws {
        let (listener, port) = try RawSocket.listen()
        let t = Thread {
            if let peer = try? listener.accept() {
                try? peer.send(Array("HTTP/1.1 400 Bad Request\r\n".utf8))
                usleep(200_000)
            }
        }
        t.start()
        do {
            _ = try RTLTCPClient(host: "127.0.0.1", port: port, connectTimeout: .seconds(3))
            Issue.record("connected to a server that is not rtl_tcp")
        } catch {
            let text = error.description
            #expect(text.contains("127.0.0.1:\(port)") && text.contains("RTL0") && text.contains("48 54 54 50") && text.contains("HTTP"), "\(text)")
            if case .badHeader(_, let bytes) = error { #expect(bytes.starts(with: Array("HTTP".utf8))) } else { Issue.record("\(error)") }
        }

        // Too short, then closed.
        let t2 = Thread {
            if let peer = try? listener.accept() { try? peer.send(Array("RTL0".utf8) + [0, 0]) }
        }
        t2.start()
        do {
            _ = try RTLTCPClient(host: "127.0.0.1", port: port, connectTimeout: .seconds(3))
            Issue.record("accepted a 6-byte header")
        } catch {
            #expect(error.description.contains("6 of 12 header bytes") && error.description.contains("127.0.0.1:\(port)"), "\(error)")
        }
        usleep(300_000)  // let the helper threads finish before the listener goes
        withExtendedLifetime(listener) {}
    }

    @Test func connectionRefusedNamesTheEndpoint() throws {
        // A port that was free a moment ago (its listener is closed at the end of the `do`).
        let port: UInt16
        do { port = try RawSocket.listen().1 }
        #expect {
            _ = try RTLTCPClient(host: "127.0.0.1", port: port, connectTimeout: .seconds(2))
        } throws: { e in
            (e as? RTLTCPError).map { $0.description.contains("127.0.0.1:\(port)") } ?? false
        }
    }

    @Test func clientReconnectsWhenTheServerRestarts() throws {
        let data = rtlTestPattern(1_000_000, seed: 11)
        let gaps = Collector<RTLTCPClient.Gap>()
        // The first server sends an odd number of bytes (half an I/Q pair at the end) and closes.
        let first = try Self.server(Array(data[0..<30_001]))
        let port = first.port
        let client = try RTLTCPClient(
            host: "127.0.0.1", port: port, commands: [.frequency(436_000_000)], connectTimeout: .seconds(1),
            reconnect: .init(delay: .milliseconds(100), maximumAttempts: 30), onGap: { gaps.add($0) })
        defer { client.close() }
        let before = try readBytes(client, count: 30_001)
        #expect(before == Array(data[0..<30_001]))
        #expect(waitUntil { first.activeClients == 0 })
        first.stop()

        // Another server on the same port (a restarted rtl_tcp, with another tuner).
        let second = try Self.server(data, header: .init(tunerType: .fc0013, gainCount: 23), pacing: .realtime, loop: true, port: port, rate: 200_000)
        defer { second.stop() }
        // One mid-scale pad byte keeps I/Q pairs at even offsets, then the new stream.
        let after = try readBytes(client, count: 1 + 5_000, timeout: .seconds(10))
        #expect(after.count == 5_001)
        #expect(after.first == 127 && Array(after.dropFirst()) == Array(data[0..<5_000]))
        #expect(client.reconnections == 1 && gaps.all.count == 1)
        if let g = gaps.all.first {
            #expect(g.streamOffset == 30_001 && g.attempts >= 1 && g.reason.contains("closed"), "\(g)")
        }
        #expect(client.header.tunerType == .fc0013)
        // The remembered settings are sent to the new server.
        #expect(waitUntil { second.receivedCommands.map(\.command) == [.frequency(436_000_000)] })

        // The server goes away for good: the client gives up after its attempts.
        second.stop()
        #expect {
            while true { _ = try readBytes(client, count: 1 << 20, timeout: .seconds(10)) }
        } throws: { e in
            guard let e = e as? RTLTCPError, case .connectionLost(let ep, _, let n) = e else { return false }
            return ep == "127.0.0.1:\(port)" && n == 30
        }
    }
}
