import Testing
import TelemetryDecode
import TestSupport

@Suite(.computeThreads) struct TransferFrameTests {
    typealias Header = TransferFrame.PrimaryHeader

    @Test func parsesHandAssembledHeader() throws {
        // SCID 0x1AB, VCID 2, OCF present, MC 7, VC 9, sync 0, order 0, segment id 3, FHP 5.
        let header = try Header(parsing: [0x1A, 0xB5, 0x07, 0x09, 0x18, 0x05] as [UInt8])
        #expect(header.version == 0)
        #expect(header.spacecraftID == 0x1AB)
        #expect(header.virtualChannelID == 2)
        #expect(header.hasOCF)
        #expect(header.masterChannelFrameCount == 7 && header.virtualChannelFrameCount == 9)
        #expect(!header.hasSecondaryHeader && !header.synchronizationFlag && !header.packetOrderFlag)
        #expect(header.segmentLengthID == 3)
        #expect(header.firstHeader == .packetStart(offset: 5))
        #expect(try header.encoded() == [0x1A, 0xB5, 0x07, 0x09, 0x18, 0x05])

        let special = try Header(parsing: [0x00, 0x10, 0, 0, 0xC7, 0xFF] as [UInt8])
        #expect(special.spacecraftID == 1 && special.virtualChannelID == 0 && !special.hasOCF)
        #expect(special.hasSecondaryHeader && special.synchronizationFlag)
        #expect(special.firstHeader == .noPacketStart)
        #expect(try Header(parsing: [0, 0, 0, 0, 0x1F, 0xFE] as [UInt8]).firstHeader == .idleData)
    }

    @Test func roundTripWithEverything() throws {
        var rng = SplitMix64(seed: 20)
        let clcw = CLCW(statusField: 2, virtualChannelID: 5, lockout: true, retransmit: true, farmBCounter: 3, reportValue: 0x9C)
        let header = Header(
            spacecraftID: 0x3FF, virtualChannelID: 7, masterChannelFrameCount: 200, virtualChannelFrameCount: 17,
            packetOrderFlag: false, firstHeaderPointer: 33)
        let secondary = TransferFrame.SecondaryHeader(data: [1, 2, 3, 4, 5, 6, 7])
        let data = CCSDSFixtures.randomBytes(1115 - 6 - 8 - 4 - 2, &rng)
        let bytes = try TransferFrame.encode(
            header: header, secondaryHeader: secondary, dataField: data, operationalControlField: .clcw(clcw))
        #expect(bytes.count == 1115)
        let frame = try TransferFrame(parsing: bytes, configuration: .init(frameLength: 1115))
        #expect(frame.header.spacecraftID == 0x3FF && frame.header.virtualChannelID == 7)
        #expect(frame.header.hasOCF && frame.header.hasSecondaryHeader)
        #expect(frame.header.masterChannelFrameCount == 200 && frame.header.virtualChannelFrameCount == 17)
        #expect(frame.header.firstHeaderPointer == 33)
        #expect(frame.secondaryHeader == secondary)
        #expect(frame.dataFieldOffset == 14)
        #expect(frame.dataField == data)
        #expect(frame.clcw == clcw)
        #expect(frame.fecfVerdict == .good)
        #expect(frame.header.channel == TransferFrame.VirtualChannel(spacecraftID: 0x3FF, virtualChannelID: 7))

        // No FECF, no OCF, no secondary header.
        let plain = try TransferFrame.encode(header: header, dataField: data, hasFECF: false)
        let p = try TransferFrame(parsing: plain, configuration: .init(frameLength: plain.count, hasFECF: false))
        #expect(p.fecfVerdict == .absent && p.fecf == nil && p.operationalControlField == nil)
        #expect(p.dataField == data && p.dataFieldOffset == 6)
    }

    @Test func fecfDetectsEveryBitFlip() throws {
        var rng = SplitMix64(seed: 21)
        let data = CCSDSFixtures.randomBytes(100, &rng)
        let bytes = try TransferFrame.encode(
            header: Header(spacecraftID: 42, virtualChannelID: 1, firstHeaderPointer: 0x7FF), dataField: data)
        let config = TransferFrame.Configuration(frameLength: bytes.count)
        #expect(try TransferFrame(parsing: bytes, configuration: config).fecfVerdict == .good)
        // Known answer: CRC-16/IBM-3740 of the frame minus its last two bytes.
        let crc = UInt16(CRCAlgorithm.ibm3740.checksum(bytes.dropLast(2)))
        #expect(bytes.suffix(2) == [UInt8(crc >> 8), UInt8(crc & 0xFF)])
        // Flip each bit after the header bytes that could make the parse throw.
        for bit in 48..<(bytes.count * 8) {
            var damaged = bytes
            damaged[bit / 8] ^= 0x80 >> UInt8(bit % 8)
            let frame = try TransferFrame(parsing: damaged, configuration: config)
            guard case .bad(let computed, let received) = frame.fecfVerdict else {
                Issue.record("bit \(bit) not detected")
                continue
            }
            #expect(computed != received)
        }
    }

    @Test func clcwFieldsFromRawWord() {
        // type 0, version 0, status 5, COP 1, VC 0x15, spare 0, noRF 1, noBitLock 0, lockout 1,
        // wait 0, retransmit 1, FARM-B 2, spare 0, report 0x7B.
        let raw: UInt32 = (5 << 26) | (1 << 24) | (0x15 << 18) | (1 << 15) | (1 << 13) | (1 << 11) | (2 << 9) | 0x7B
        let c = CLCW(rawValue: raw)
        #expect(c.controlWordType == 0 && c.version == 0)
        #expect(c.statusField == 5 && c.copInEffect == 1 && c.virtualChannelID == 0x15)
        #expect(c.noRFAvailable && !c.noBitLock && c.lockout && !c.wait && c.retransmit)
        #expect(c.farmBCounter == 2 && c.reportValue == 0x7B)
        let built = CLCW(
            statusField: 5, virtualChannelID: 0x15, noRFAvailable: true, lockout: true, retransmit: true,
            farmBCounter: 2, reportValue: 0x7B)
        #expect(built.rawValue == raw)
        #expect(TransferFrame.OperationalControlField(rawValue: raw) == .clcw(c))
        #expect(TransferFrame.OperationalControlField(rawValue: 0x8000_0001) == .projectSpecific(0x8000_0001))
    }

    @Test func impossibleInputThrowsTypedErrors() throws {
        let good = try TransferFrame.encode(
            header: Header(spacecraftID: 1, virtualChannelID: 0, firstHeaderPointer: 0), dataField: [UInt8](repeating: 0, count: 20))
        let config = TransferFrame.Configuration(frameLength: good.count)

        // Truncated.
        #expect(throws: CCSDSError.truncated(field: "transferFrame", byteOffset: 5, needed: good.count)) {
            try TransferFrame(parsing: good.prefix(5), configuration: config)
        }
        #expect(throws: CCSDSError.truncated(field: "primaryHeader", byteOffset: 3, needed: 6)) {
            try Header(parsing: [0, 0, 0] as [UInt8])
        }
        // Longer than configured.
        #expect(throws: CCSDSError.self) { try TransferFrame(parsing: good + [0], configuration: config) }
        // Wrong version.
        var v = good
        v[0] |= 0x40
        do {
            _ = try TransferFrame(parsing: v, configuration: config)
            Issue.record("version 1 accepted")
        } catch {
            guard case .invalidField(let field, let value, let offset, _) = error else {
                Issue.record("\(error)")
                return
            }
            #expect(field == "transferFrameVersion" && value == 1 && offset == 0)
        }
        // First header pointer beyond the 20-byte data field.
        var f = good
        f[5] = 20
        #expect(throws: CCSDSError.invalidField(
            field: "firstHeaderPointer", value: 20, byteOffset: 4, reason: "beyond the 20-byte data field")) {
            try TransferFrame(parsing: f, configuration: config)
        }
        f[5] = 19
        #expect(throws: Never.self) { try TransferFrame(parsing: f, configuration: config) }
        // Secondary header longer than the frame.
        var s = good
        s[4] |= 0x80
        s[6] = 0x3F  // 64-byte secondary header in a 28-byte frame
        do {
            _ = try TransferFrame(parsing: s, configuration: config)
            Issue.record("oversized secondary header accepted")
        } catch {
            guard case .invalidField(let field, _, let offset, _) = error else { return }
            #expect(field == "secondaryHeaderLength" && offset == 6)
        }
        // A frame with no room for a data field once OCF and FECF are taken.
        let tiny = try TransferFrame.encode(
            header: Header(spacecraftID: 1, virtualChannelID: 0, firstHeaderPointer: 0x7FF), dataField: [],
            operationalControlField: .projectSpecific(0x8000_0000))
        do {
            _ = try TransferFrame(parsing: tiny, configuration: .init(frameLength: tiny.count))
            Issue.record("empty data field accepted")
        } catch {
            guard case .invalidField(let field, _, let offset, _) = error else { return }
            #expect(field == "dataField" && offset == 6)
        }
        // Bad configuration and bad encoder input.
        #expect(throws: CCSDSError.self) { try TransferFrame(parsing: good, configuration: .init(frameLength: 4000)) }
        #expect(throws: CCSDSError.self) { try Header(spacecraftID: 1024, virtualChannelID: 0).encoded() }
        #expect(throws: CCSDSError.self) { try Header(spacecraftID: 1, virtualChannelID: 8).encoded() }

        // Random garbage never crashes the parser.
        var rng = SplitMix64(seed: 22)
        for _ in 0..<2000 {
            let n = Int.random(in: 0...40, using: &rng)
            let junk = CCSDSFixtures.randomBytes(n, &rng)
            _ = try? TransferFrame(parsing: junk, configuration: .init(frameLength: 7 + n % 30, hasFECF: n % 2 == 0))
        }
    }

    @Test func frameCountGapsAndRepeats() {
        var monitor = FrameCountMonitor()
        func header(_ vc: UInt8, mc: UInt8, count: UInt8) -> TransferFrame.PrimaryHeader {
            .init(spacecraftID: 9, virtualChannelID: vc, masterChannelFrameCount: mc, virtualChannelFrameCount: count)
        }
        let reports = [
            monitor.observe(header(1, mc: 250, count: 254)),
            monitor.observe(header(1, mc: 251, count: 255)),
            monitor.observe(header(2, mc: 252, count: 40)),  // another VC interleaved
            monitor.observe(header(1, mc: 253, count: 0)),  // VC count wraps
            monitor.observe(header(1, mc: 1, count: 3)),  // lost VC 1 frames 1, 2 and 3 other MC frames
            monitor.observe(header(1, mc: 1, count: 3)),  // repeated
            monitor.observe(header(2, mc: 2, count: 41)),
        ]
        #expect(reports.map(\.virtualChannel) == [.first, .inSequence, .first, .inSequence, .gap(missed: 2), .repeated, .inSequence])
        #expect(reports.map(\.masterChannel) == [.first, .inSequence, .inSequence, .inSequence, .gap(missed: 3), .repeated, .inSequence])
        let vc1 = monitor.totals[TransferFrame.VirtualChannel(spacecraftID: 9, virtualChannelID: 1)]
        #expect(vc1?.frames == 5 && vc1?.missedFrames == 2 && vc1?.gaps == 1 && vc1?.repeats == 1)
        #expect(monitor.masterTotals[9]?.missedFrames == 3)
        #expect(FrameCountMonitor.continuity(from: 0, to: 255) == .gap(missed: 254))
    }
}
