import Foundation
import GroundStation
import TelemetryDecode
import Testing

/// The USB core (context, device list, open, control/bulk transfers, async streams, errors) on the
/// emulated dongle; part of the serialised emulated suite (one testbed per process).
extension EmulatedRTLSDRTests {
    @Test func usbCoreListsTheDongleWithItsPortAndStrings() throws {
        let dongle = try EmulatedDongle(serial: "LIST0001")
        defer { withExtendedLifetime(dongle) {} }
        let context = try USBContext()
        defer { context.close() }
        let all = try context.devices(readStringsOf: [USBDeviceID(vendor: 0x0bda, product: 0x2838)])
        let d = try #require(all.first { $0.vendorID == 0x0bda && $0.productID == 0x2838 })
        #expect(d.bus == 1)
        #expect(UInt32(d.address) == dongle.state.devnum)
        #expect(d.ports == [1])
        #expect(d.portPath == "1-1")
        #expect(d.serial == "LIST0001")
        #expect(d.manufacturer == "Realtek")
        #expect(d.product == "RTL2838UHIDIR")
    }

    @Test func usbCoreOpensByIDSerialIndexAndBusPort() throws {
        let dongle = try EmulatedDongle(serial: "OPEN0001")
        defer { withExtendedLifetime(dongle) {} }
        let context = try USBContext()
        defer { context.close() }
        let selectors: [USBDeviceSelector] = [
            .id(vendor: 0x0bda, product: 0x2838), .id(vendor: 0x0bda, product: 0x2838, serial: "OPEN0001"),
            .index(0, among: [USBDeviceID(vendor: 0x0bda, product: 0x2838)]), .busPort(bus: 1, ports: [1]),
        ]
        for s in selectors {
            let h = try context.open(s)
            #expect(h.info.serial == nil || h.info.serial == "OPEN0001", "\(s)")
            h.close()
        }
        do {
            _ = try context.open(.id(vendor: 0x0bda, product: 0x2838, serial: "NOPE"))
            Issue.record("opened a device with a serial nobody has")
        } catch {
            #expect(error.isNotFound)
            #expect(error.name == "LIBUSB_ERROR_NOT_FOUND")
            #expect(error.description.contains("serial NOPE"))
        }
        #expect(throws: USBError.self) { try context.open(.busPort(bus: 1, ports: [2])) }
        _ = dongle
    }

    @Test func usbCoreControlTransfersAndASynchronousBulkRead() throws {
        try withOpenedUSBHandle() { dongle, h in
            try h.claim(interface: 0)
            #expect(dongle.state.claimed == 1)
            // USB block register 0x2000 (USB_SYSCTL): write, read back.
            try h.controlOut(requestType: 0x40, request: 0, value: 0x2000, index: 1 << 8 | 0x10, data: [0x09])
            #expect(try h.controlIn(requestType: 0xC0, request: 0, value: 0x2000, index: 1 << 8, length: 1) == [0x09])
            // A block the chip does not have stalls.
            do {
                _ = try h.controlIn(requestType: 0xC0, request: 0, value: 0, index: 9 << 8, length: 1, operation: "read block 9")
                Issue.record("no stall")
            } catch let error as USBError {
                #expect(error.isStall)
                #expect(error.description.hasPrefix("read block 9: LIBUSB_ERROR_PIPE"))
            }
            let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 16384, alignment: 16)
            defer { buffer.deallocate() }
            let n = try h.bulkTransfer(endpoint: 0x81, buffer: buffer)
            #expect(n == 16384)
            var checker = CounterPatternChecker()
            checker.check(UnsafeRawBufferPointer(buffer))
            #expect(checker.firstMismatch == nil)
            try h.release(interface: 0)
            #expect(dongle.state.claimed == 0)
        }
    }

    @Test func usbCoreBulkStreamKeepsTheConfiguredTransfersInFlightAndCancels() throws {
        try withOpenedUSBHandle(paced: false) { dongle, h in
            try h.claim(interface: 0)
            let chunks = Collected<Int>()
            let ends = Collected<String>()
            let checker = LockedChecker()
            let stream = try USBBulkStream(
                device: h, configuration: .init(endpoint: 0x81, transferCount: 3, transferSize: 32768),
                onData: { bytes in
                    checker.check(bytes)
                    chunks.append(bytes.count)
                },
                onEnd: { ends.append("\($0)") })
            try stream.start()
            #expect(chunks.wait(timeout: .seconds(10)) { $0.count >= 64 })
            stream.cancel()
            #expect(stream.waitUntilEnded(timeout: .seconds(5)))
            #expect(ends.all == ["cancelled"])
            #expect(chunks.all.allSatisfy { $0 == 32768 })
            #expect(checker.mismatch == nil)
            #expect(dongle.state.discarded_urbs <= 3)
            #expect(UInt64(chunks.all.count) * 32768 == dongle.state.bulk_bytes)
        }
    }

    /// Transfers filled in place in a ring, unpaced (the consumer may fall behind: whole transfers are
    /// then dropped and reported in place), with short transfers among them: every byte that arrives is
    /// the pattern at its stream offset, and stored + dropped = what the dongle sent.
    @Test func usbCoreBulkStreamFillsARingInPlaceWithShortTransfersAndDrops() throws {
        try withOpenedUSBHandle(paced: false) { dongle, h in
            try h.claim(interface: 0)
            let configuration = USBBulkStream.Configuration(endpoint: 0x81, transferCount: 4, transferSize: 65536)
            let small = try SampleRing(capacity: 256 * 1024, policy: .dropNewest)
            #expect(try !USBBulkStream(device: h, configuration: configuration, destination: .ring(small), onEnd: { _ in }).isZeroCopy)

            let ring = try SampleRing(capacity: 4 << 20, policy: .dropNewest)
            dongle.shortBulk(12, length: 1001)
            let ends = Collected<String>()
            let stream = try USBBulkStream(device: h, configuration: configuration, destination: .ring(ring), onEnd: {
                ends.append("\($0)")
                ring.close()
            })
            #expect(stream.isZeroCopy)
            try stream.start()
            var stored = 0, dropped = 0, next = 0
            var mismatch: Int?
            reading: while true {
                switch ring.read(timeout: .seconds(5)) {
                case .data(let region):
                    if region.streamOffset != next && mismatch == nil { mismatch = region.streamOffset }
                    var checker = CounterPatternChecker(startingAt: region.streamOffset)
                    checker.check(region.first)
                    checker.check(region.second)
                    if let m = checker.firstMismatch, mismatch == nil { mismatch = m }
                    stored += region.count
                    next = region.streamOffset + region.count
                    ring.release(region.count)
                    if stored + dropped >= 16 << 20 { stream.cancel() }
                case .dropped(let gap):
                    if gap.streamOffset != next && mismatch == nil { mismatch = gap.streamOffset }
                    dropped += gap.count
                    next = gap.streamOffset + gap.count
                case .endOfStream: break reading
                case .timedOut:
                    Issue.record("no data for 5 s")
                    stream.cancel()
                }
            }
            #expect(stream.waitUntilEnded(timeout: .seconds(5)))
            #expect(ends.all == ["cancelled"])
            #expect(mismatch == nil, "pattern or offset broken at stream byte \(mismatch ?? -1)")
            let s = dongle.state
            #expect(UInt64(stored + dropped) == s.bulk_bytes)
            #expect(ring.statistics.bytesIn == stored + dropped && ring.statistics.bytesDropped == dropped)
            #expect(s.bulk_bytes == (s.bulk_urbs - 12) * 65536 + 12 * 1001)  // the short ones came through
        }
    }
}

/// Runs `body` with a new emulated dongle opened through the USB core only (no driver); closes both after.
func withOpenedUSBHandle<R>(paced: Bool = false, _ body: (EmulatedDongle, USBDeviceHandle) throws -> R) throws -> R {
    let dongle = try EmulatedDongle(paced: paced)
    defer { withExtendedLifetime(dongle) {} }
    let context = try USBContext()
    defer { context.close() }
    let h = try context.open(.id(vendor: 0x0bda, product: 0x2838))
    defer { h.close() }
    return try body(dongle, h)
}

final class LockedChecker: @unchecked Sendable {
    private let lock = NSLock()
    private var checker = CounterPatternChecker()
    func check(_ b: UnsafeRawBufferPointer) { lock.withLock { checker.check(b) } }
    var mismatch: Int? { lock.withLock { checker.firstMismatch } }
}
