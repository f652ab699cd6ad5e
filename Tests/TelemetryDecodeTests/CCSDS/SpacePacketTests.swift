import Testing
import TelemetryDecode
import TestSupport

@Suite(.computeThreads) struct SpacePacketTests {
    typealias F = CCSDSFixtures
    typealias Assembler = SpacePacketAssembler

    @Test func headerKnownAnswerAndRoundTrip() throws {
        // Version 0, TM, secondary header, APID 0x123, unsegmented, count 0x1234, data length 3.
        let bytes: [UInt8] = [0x09, 0x23, 0xD2, 0x34, 0x00, 0x02, 0xAA, 0xBB, 0xCC, 0xDD]
        let p = try SpacePacket(parsing: bytes)
        #expect(p.header.version == 0 && p.header.type == .telemetry && p.header.hasSecondaryHeader)
        #expect(p.header.apid == 0x123 && p.header.sequenceFlags == .unsegmented && p.header.sequenceCount == 0x1234)
        #expect(p.header.dataLengthField == 2 && p.header.dataFieldLength == 3 && p.header.packetLength == 9)
        #expect(p.dataField == [0xAA, 0xBB, 0xCC])  // the trailing 0xDD is not part of the packet
        #expect(try p.encoded() == Array(bytes.prefix(9)))

        let tc = try SpacePacket(
            header: .init(type: .telecommand, apid: 0x7FF, sequenceFlags: .first, sequenceCount: 0x3FFF),
            dataField: [1])
        #expect(try tc.encoded() == [0x17, 0xFF, 0x7F, 0xFF, 0x00, 0x00, 0x01])
        #expect(tc.header.isIdle)
        #expect(try SpacePacket(parsing: tc.encoded()) == tc)

        #expect(throws: CCSDSError.truncated(field: "packetDataField", byteOffset: 8, needed: 9)) {
            try SpacePacket(parsing: bytes.prefix(8))
        }
        #expect(throws: CCSDSError.self) { try SpacePacket(parsing: [0x20, 0, 0, 0, 0, 0, 0] as [UInt8]) }
        #expect(throws: CCSDSError.self) { try SpacePacket(header: .init(apid: 1), dataField: []) }
        #expect(throws: CCSDSError.self) { try SpacePacket.PrimaryHeader(apid: 0x800).encoded() }
    }

    @Test func reassemblesRandomPacketsAcrossFrames() throws {
        var rng = SplitMix64(seed: 30)
        var packets: [SpacePacket] = []
        var wire: [[UInt8]] = []
        for i in 0..<300 {
            let p = try F.packet(apid: UInt16(i % 7 + 1), count: UInt16(i), dataLength: Int.random(in: 1...400, using: &rng), &rng)
            packets.append(p)
            wire.append(try p.encoded())
            if i % 10 == 0 { wire.append(try F.idlePacket(length: Int.random(in: 7...150, using: &rng))) }
        }
        let frames = try F.frames(F.packetize(wire, dataFieldLength: 100), firstCount: 250)
        #expect(frames.contains { $0.header.firstHeader == .noPacketStart })
        var assembler = Assembler()
        var events: [Assembler.Event] = []
        for f in frames { assembler.process(f, into: &events) }
        assembler.flush(into: &events)
        #expect(F.packets(events) == packets)
        #expect(F.broken(events).isEmpty)
        #expect(assembler.statistics.idlePackets >= 30)
        #expect(assembler.statistics.packets == 300)
        let channel = TransferFrame.VirtualChannel(spacecraftID: 0x2A, virtualChannelID: 1)
        #expect(events.allSatisfy { if case .packet(_, let c) = $0 { return c == channel } else { return false } })
    }

    /// Frame 0: a 10-byte packet, then the first 90 bytes of a 250-byte packet.
    /// Frame 1: 100 more bytes (FHP 0x7FF). Frame 2: the last 60 bytes, then a 40-byte packet (FHP 60).
    static func threeFrameScenario() throws -> (packets: [SpacePacket], frames: [TransferFrame]) {
        var rng = SplitMix64(seed: 31)
        let a = try F.packet(apid: 10, count: 0, dataLength: 4, &rng)
        let b = try F.packet(apid: 11, count: 1, dataLength: 244, &rng)
        let c = try F.packet(apid: 12, count: 2, dataLength: 34, &rng)
        let d = try F.packet(apid: 13, count: 3, dataLength: 94, &rng)
        let fields = try F.packetize([a, b, c, d].map { try $0.encoded() }, dataFieldLength: 100)
        #expect(fields.map(\.fhp) == [0, 0x7FF, 60, 0])
        return ([a, b, c, d], try F.frames(fields))
    }

    @Test func packetSpanningThreeFrames() throws {
        let (packets, frames) = try Self.threeFrameScenario()
        var assembler = Assembler()
        #expect(F.packets(assembler.process(frames[0])) == [packets[0]])
        #expect(assembler.process(frames[1]).isEmpty)
        #expect(F.packets(assembler.process(frames[2])) == [packets[1], packets[2]])
        #expect(F.packets(assembler.process(frames[3])) == [packets[3]])
    }

    @Test func frameGapReportsBrokenPacketAndResyncs() throws {
        let (packets, frames) = try Self.threeFrameScenario()
        var assembler = Assembler()
        var events: [Assembler.Event] = []
        for f in [frames[0], frames[2], frames[3]] { assembler.process(f, into: &events) }
        let broken = F.broken(events)
        #expect(broken.count == 1)
        #expect(broken.first?.reason == .frameGap(missedFrames: 1))
        #expect(broken.first?.apid == 11)
        #expect(broken.first?.receivedBytes == 90)
        #expect(broken.first?.missingBytes == 160)
        // The 60 continuation bytes of frame 2 are not glued to anything; packet c is found at the FHP.
        #expect(F.packets(events) == [packets[0], packets[2], packets[3]])
        #expect(assembler.statistics.orphanBytes == 60)
        // Event order: the broken packet is reported before what follows the gap.
        if case .broken = events[1] {} else { Issue.record("expected the broken packet second: \(events)") }
    }

    @Test func firstHeaderPointerMismatchBreaksThePacket() throws {
        let (packets, frames) = try Self.threeFrameScenario()
        // Frame 2 claims a packet starts at 40, although packet b still needs 60 bytes.
        let forged = try F.frames([(frames[2].dataField, 40)], firstCount: 2)[0]
        #expect(forged.header.virtualChannelFrameCount == frames[2].header.virtualChannelFrameCount)
        var assembler = Assembler()
        var events: [Assembler.Event] = []
        for f in [frames[0], frames[1], forged] { assembler.process(f, into: &events) }
        // (Resynchronising at byte 40 lands inside packet b's data, which may be reported broken too.)
        let broken = F.broken(events)
        #expect(broken.count >= 1)
        #expect(broken.first?.reason == .firstHeaderPointerMismatch(expected: 60, firstHeaderPointer: 40))
        #expect(broken.first?.receivedBytes == 230 && broken.first?.missingBytes == 20)
        // Resynchronised at byte 40: what lies there (inside packet b) is not a valid packet here
        // either, so nothing bogus may come out as a clean packet except packet a.
        #expect(F.packets(events).first == packets[0])
        #expect(!F.packets(events).contains(packets[1]))

        // A 0x7FF frame while the packet needs fewer bytes than the frame holds is a mismatch too.
        var rng = SplitMix64(seed: 32)
        let short = try F.packet(apid: 5, count: 0, dataLength: 114, &rng)  // 120 bytes: ends inside frame 1
        let bytes = try short.encoded()
        let fields: [(data: [UInt8], fhp: UInt16)] = [
            (Array(bytes[0..<100]), 0), (Array(bytes[100..<120]) + [UInt8](repeating: 0, count: 80), 0x7FF),
        ]
        var a2 = Assembler()
        var e2: [Assembler.Event] = []
        for f in try F.frames(fields) { a2.process(f, into: &e2) }
        #expect(F.broken(e2).first?.reason == .firstHeaderPointerMismatch(expected: 20, firstHeaderPointer: nil))
        #expect(F.packets(e2).isEmpty)
    }

    @Test func continuationOnlyFramesAtStartAreSkipped() throws {
        let (packets, frames) = try Self.threeFrameScenario()
        var assembler = Assembler()
        var events: [Assembler.Event] = []
        // Acquisition in the middle of packet b: frame 1 is 0x7FF, frame 2 starts with 60 orphan bytes.
        for f in frames[1...] { assembler.process(f, into: &events) }
        #expect(F.broken(events).isEmpty)
        #expect(F.packets(events) == [packets[2], packets[3]])
        #expect(assembler.statistics.orphanBytes == 160)
    }

    @Test func headerSplitAcrossFramesAndIdleHandling() throws {
        var rng = SplitMix64(seed: 33)
        // 97 bytes of idle packet then a packet whose 6-byte header is split 3 + 3.
        let p = try F.packet(apid: 0x42, count: 9, dataLength: 150, &rng)
        let fields = try F.packetize([try F.idlePacket(length: 97), try p.encoded()], dataFieldLength: 100)
        #expect(fields[1].fhp == 0x7FF)
        var frames = try F.frames(fields)
        // An idle-data frame (FHP 0x7FE) between them carries no packet bytes.
        let idleFrame = try F.frames([([UInt8](repeating: 0xAA, count: 100), 0x7FE)], firstCount: 1)[0]
        frames = [frames[0], idleFrame] + (try F.frames(Array(fields[1...]), firstCount: 2))
        var assembler = Assembler()
        var events: [Assembler.Event] = []
        for f in frames { assembler.process(f, into: &events) }
        #expect(F.packets(events) == [p])
        #expect(F.broken(events).isEmpty)
        #expect(assembler.statistics.idlePackets >= 1)

        // With idle packets kept, they come out too.
        var keep = Assembler(.init(dropIdlePackets: false))
        var kept: [Assembler.Event] = []
        for f in frames { keep.process(f, into: &kept) }
        #expect(F.packets(kept).first?.header.isIdle == true)
    }

    @Test func repeatedFrameIsDroppedAndFlushReportsTail() throws {
        let (packets, frames) = try Self.threeFrameScenario()
        var assembler = Assembler()
        var events: [Assembler.Event] = []
        for f in [frames[0], frames[0], frames[1]] { assembler.process(f, into: &events) }
        #expect(F.packets(events) == [packets[0]])
        #expect(assembler.statistics.repeatedFrames == 1)
        assembler.flush(into: &events)
        let broken = F.broken(events)
        #expect(broken.count == 1)
        #expect(broken.first?.reason == .endOfStream)
        #expect(broken.first?.receivedBytes == 190 && broken.first?.missingBytes == 60)
    }

    @Test func oversizedAndInvalidHeadersAreBroken() throws {
        // A header with version 3 at the first header pointer.
        let bad: [UInt8] = [0x60, 0x01, 0xC0, 0x00, 0x00, 0x03] + [UInt8](repeating: 0, count: 94)
        var assembler = Assembler(.init(maxPacketLength: 1000))
        let e1 = assembler.process(try F.frames([(bad, 0)])[0])
        #expect(F.broken(e1).first?.reason == .invalidHeader(field: "packetVersion"))
        // A header declaring 4006 bytes with a 1000-byte limit.
        let long: [UInt8] = [0x00, 0x01, 0xC0, 0x00, 0x0F, 0x9F] + [UInt8](repeating: 0, count: 94)
        let e2 = assembler.process(try F.frames([(long, 0)], firstCount: 1)[0])
        #expect(F.broken(e2).first?.reason == .tooLong(declaredLength: 4006))
    }

    /// ASM search → derandomise → TM frame → packets, the chain the deframer will build.
    @Test func endToEndThroughSyncSearch() throws {
        var rng = SplitMix64(seed: 34)
        var packets: [SpacePacket] = []
        for i in 0..<40 {
            packets.append(try F.packet(apid: 0x100, count: UInt16(i), dataLength: Int.random(in: 10...300, using: &rng), &rng))
        }
        let dataLength = 223 - 6 - 4 - 2
        let fields = try F.packetize(packets.map { try $0.encoded() }, dataFieldLength: dataLength)
        var bits = CCSDSFixtures.randomBits(1234, &rng)
        for (i, f) in fields.enumerated() {
            let clcw = CLCW(virtualChannelID: 0, reportValue: UInt8(i))
            let frame = try TransferFrame.encode(
                header: .init(spacecraftID: 77, virtualChannelID: 0, masterChannelFrameCount: UInt8(i),
                              virtualChannelFrameCount: UInt8(i), firstHeaderPointer: f.fhp),
                dataField: f.data, operationalControlField: .clcw(clcw))
            #expect(frame.count == 223)
            bits += SyncMarker.ccsds.bits + SyncMarkerSearch.unpack(CCSDSRandomizer.applied(to: frame)).map { $0 ^ 1 }
        }
        var search = try SyncMarkerSearch(.init(frameBits: 223 * 8))
        var assembler = Assembler()
        var monitor = FrameCountMonitor()
        var events: [Assembler.Event] = []
        // Frames were inverted above; inverting the markers too gives a stream received 180° off.
        var synced: [SyncMarkerSearch.SyncedFrame] = []
        let flipped = Self.invertMarkers(bits, start: 1234, period: 32 + 223 * 8)
        var i = 0
        while i < flipped.count {
            search.process(flipped[i..<min(i + 7, flipped.count)], into: &synced)
            i += 7
        }
        for s in synced {
            #expect(s.inverted)
            let frame = try TransferFrame(
                parsing: CCSDSRandomizer.applied(to: s.packedBytes()), configuration: .init(frameLength: 223))
            #expect(frame.fecfVerdict == .good)
            #expect(monitor.observe(frame.header).virtualChannel != .repeated)
            assembler.process(frame, into: &events)
        }
        #expect(synced.count == fields.count)
        #expect(F.packets(events) == packets)
    }

    static func invertMarkers(_ bits: [UInt8], start: Int, period: Int) -> [UInt8] {
        var out = bits
        var p = start
        while p + 32 <= out.count {
            for k in p..<(p + 32) { out[k] ^= 1 }
            p += period
        }
        return out
    }
}
