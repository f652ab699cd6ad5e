import Foundation
import GroundStation
import Testing

/// Discovery against umockdev's emulated sysfs/udev: an RTL-SDR (Realtek strings), an RTL-SDR Blog
/// V4, a CDC-ACM TNC (USB device + tty) and an unknown device, behind a root hub.
@Suite(.serialized, .enabled(if: EmulatedUDevTestbed.preloaded, "\(EmulatedUDevTestbed.skipMessage)"))
struct EmulatedUDevTests {
    let profiles: HardwareProfileSet

    init() throws { profiles = try HardwareProfileSet.load(directory: HardwareProfileSet.defaultDirectory()) }

    static func populated() throws -> EmulatedUDevTestbed {
        let bed = try EmulatedUDevTestbed()
        try bed.add(EmulatedUDevTestbed.rootHub)
        try bed.add(EmulatedUDevTestbed.rtlSDR)
        try bed.add(EmulatedUDevTestbed.blogV4)
        try bed.add(EmulatedUDevTestbed.tnc)
        try bed.add(EmulatedUDevTestbed.unknown)
        return bed
    }

    @Test func enumerationSeesEachDeviceWithItsFieldsAndProfile() throws {
        let bed = try Self.populated()
        defer { withExtendedLifetime(bed) {} }
        let devices = try DeviceEnumerator().devices()
        // Root hub left out; four USB devices, then the tty.
        #expect(devices.map(\.syspath) == [
            EmulatedUDevTestbed.rtlPath, EmulatedUDevTestbed.v4Path, EmulatedUDevTestbed.tncUSBPath,
            EmulatedUDevTestbed.unknownPath, EmulatedUDevTestbed.tncTTYPath,
        ])
        let byPath = Dictionary(uniqueKeysWithValues: devices.map { ($0.syspath, $0) })

        let rtl = try #require(byPath[EmulatedUDevTestbed.rtlPath])
        #expect(rtl.subsystem == .usb)
        #expect(rtl.devnode == "/dev/bus/usb/001/002")
        #expect(rtl.usbID == USBID(vendor: 0x0bda, product: 0x2838))
        #expect(rtl.manufacturer == "Realtek" && rtl.product == "RTL2838UHIDIR" && rtl.serial == "00000001")
        #expect(rtl.idSerial == "Realtek_RTL2838UHIDIR_00000001")
        #expect(rtl.busNumber == 1 && rtl.deviceNumber == 2 && rtl.port == "1-1")
        #expect(rtl.properties["ID_VENDOR_ID"] == "0bda" && rtl.properties["ID_MODEL_ID"] == "2838")
        #expect(profiles.profile(for: rtl)?.id == "rtlsdr-generic")

        let v4 = try #require(byPath[EmulatedUDevTestbed.v4Path])
        #expect(v4.devnode == "/dev/bus/usb/001/003" && v4.serial == "00000042" && v4.port == "1-2")
        #expect(v4.idSerial == "RTLSDRBlog_Blog_V4_00000042")
        #expect(profiles.profile(for: v4)?.id == "rtlsdr-blog-v4")

        let tty = try #require(byPath[EmulatedUDevTestbed.tncTTYPath])
        #expect(tty.subsystem == .tty)
        #expect(tty.devnode == "/dev/ttyACM0")
        #expect(tty.usbID == USBID(vendor: 0x0483, product: 0x5740))
        #expect(tty.manufacturer == "Mobilinkd" && tty.product == "TNC3" && tty.serial == "4A4B3031")
        #expect(tty.idSerial == "Mobilinkd_TNC3_4A4B3031")  // from the udev database entry
        #expect(tty.driver == "cdc_acm")
        #expect(tty.properties["ID_USB_DRIVER"] == "cdc_acm")  // filled from the interface's driver
        #expect(tty.port == "1-3" && tty.busNumber == 1 && tty.deviceNumber == 4)
        #expect(profiles.profile(for: tty)?.id == "serial-cdc-acm")
        #expect(profiles.profile(for: tty)?.driver == .serialKISS)

        // The TNC's USB device itself and the unknown device match nothing.
        let tncUSB = try #require(byPath[EmulatedUDevTestbed.tncUSBPath])
        #expect(tncUSB.devnode == "/dev/bus/usb/001/004")
        #expect(profiles.profile(for: tncUSB) == nil)
        let unknown = try #require(byPath[EmulatedUDevTestbed.unknownPath])
        #expect(unknown.usbID == USBID(vendor: 0x046d, product: 0xc52b) && unknown.serial == nil)
        #expect(unknown.idSerial == "Logitech_USB_Receiver")
        #expect(profiles.profile(for: unknown) == nil)
    }

    /// Waits for changes until `count` have arrived or `limit` passes.
    static func changes(_ watcher: DeviceWatcher, count: Int, limit: Duration = .seconds(10)) throws -> [DeviceChange] {
        var out: [DeviceChange] = []
        let deadline = ContinuousClock.now + limit
        while out.count < count && ContinuousClock.now < deadline {
            out += try watcher.next(timeout: .milliseconds(200))
        }
        return out
    }

    @Test(arguments: [DeviceWatcher.Source.udev, .kernel])
    func monitorSeesAddAndRemoveUEvents(source: DeviceWatcher.Source) throws {
        let bed = try EmulatedUDevTestbed()
        try bed.add(EmulatedUDevTestbed.rootHub)
        try bed.add(EmulatedUDevTestbed.rtlSDR)
        let watcher = try DeviceWatcher(source: source)
        #expect(watcher.devices.map(\.syspath) == [EmulatedUDevTestbed.rtlPath])

        // Plugging in: the testbed's add emits `add` for the V4 and its parents (hub: not listed).
        try bed.add(EmulatedUDevTestbed.blogV4)
        let arrived = try Self.changes(watcher, count: 1)
        #expect(arrived.count == 1)
        guard case .arrived(let v4)? = arrived.first else { Issue.record("no arrival: \(arrived)"); return }
        #expect(v4.syspath == EmulatedUDevTestbed.v4Path && v4.serial == "00000042")
        #expect(v4.devnode == "/dev/bus/usb/001/003")
        #expect(profiles.profile(for: v4)?.id == "rtlsdr-blog-v4")

        // Unplugging: a `remove` uevent; the departure carries what was known of the device.
        bed.uevent(EmulatedUDevTestbed.rtlPath, "remove")
        bed.remove(EmulatedUDevTestbed.rtlPath)
        let departed = try Self.changes(watcher, count: 1)
        #expect(departed.count == 1)
        guard case .departed(let rtl)? = departed.first else { Issue.record("no departure: \(departed)"); return }
        #expect(rtl.syspath == EmulatedUDevTestbed.rtlPath && rtl.serial == "00000001")
        #expect(rtl.devnode == "/dev/bus/usb/001/002")
        #expect(watcher.devices.map(\.syspath) == [EmulatedUDevTestbed.v4Path])

        // A tty arriving: an explicit `add` uevent after its entries exist.
        try bed.add(EmulatedUDevTestbed.tnc)
        bed.uevent(EmulatedUDevTestbed.tncTTYPath, "add")
        let tnc = try Self.changes(watcher, count: 2)
        #expect(Set(tnc.map(\.device.syspath)) == [EmulatedUDevTestbed.tncUSBPath, EmulatedUDevTestbed.tncTTYPath])
        #expect(tnc.allSatisfy { if case .arrived = $0 { true } else { false } })
        let tty = tnc.first { $0.device.subsystem == .tty }?.device
        #expect(tty?.devnode == "/dev/ttyACM0")
        #expect(tty.flatMap { profiles.profile(for: $0)?.id } == "serial-cdc-acm")

        // Repeated add for a device already known: no second arrival.
        bed.uevent(EmulatedUDevTestbed.v4Path, "add")
        #expect(try Self.changes(watcher, count: 1, limit: .seconds(1)).isEmpty)
        withExtendedLifetime(bed) {}
    }

    @Test func pollingSeesArrivalsAndDeparturesWithoutAMonitor() throws {
        let bed = try EmulatedUDevTestbed()
        try bed.add(EmulatedUDevTestbed.rootHub)
        let watcher = try DeviceWatcher(source: .polling(interval: .milliseconds(100)))
        #expect(watcher.devices.isEmpty)
        try bed.add(EmulatedUDevTestbed.tnc)
        let arrived = try Self.changes(watcher, count: 2)
        #expect(arrived.map(\.device.syspath) == [EmulatedUDevTestbed.tncUSBPath, EmulatedUDevTestbed.tncTTYPath])
        #expect(arrived.allSatisfy { if case .arrived = $0 { true } else { false } })

        bed.remove(EmulatedUDevTestbed.tncUSBPath)
        let departed = try Self.changes(watcher, count: 2)
        #expect(Set(departed.map(\.device.syspath)) == [EmulatedUDevTestbed.tncUSBPath, EmulatedUDevTestbed.tncTTYPath])
        #expect(departed.allSatisfy { if case .departed = $0 { true } else { false } })
        #expect(watcher.devices.isEmpty)
        withExtendedLifetime(bed) {}
    }
}

/// The async form the daemon uses: present devices, then changes, from the watcher's own thread.
/// In the same (serialized) suite: one umockdev testbed per process at a time.
extension EmulatedUDevTests {
    @Test func streamDeliversPresentDevicesThenArrivalsAndDepartures() async throws {
        let bed = try EmulatedUDevTestbed()
        try bed.add(EmulatedUDevTestbed.rootHub)
        try bed.add(EmulatedUDevTestbed.rtlSDR)
        let stream = DeviceWatchStream.changes(source: .udev, pollTimeout: .milliseconds(50))
        var iterator = stream.makeAsyncIterator()
        let present = try await Self.next(&iterator)
        #expect(present?.device.syspath == EmulatedUDevTestbed.rtlPath)
        if case .arrived = present {} else { Issue.record("expected the present device as an arrival, got \(String(describing: present))") }

        try bed.add(EmulatedUDevTestbed.blogV4)
        let arrival = try await Self.next(&iterator)
        #expect(arrival?.device.syspath == EmulatedUDevTestbed.v4Path)
        if case .arrived = arrival {} else { Issue.record("expected an arrival, got \(String(describing: arrival))") }

        bed.uevent(EmulatedUDevTestbed.v4Path, "remove")
        let departure = try await Self.next(&iterator)
        #expect(departure?.device.syspath == EmulatedUDevTestbed.v4Path)
        if case .departed = departure {} else { Issue.record("expected a departure, got \(String(describing: departure))") }
        withExtendedLifetime(bed) {}
    }

    /// The next change, or nil after 10 s (a missing event fails the test instead of hanging it).
    static func next(_ iterator: inout AsyncThrowingStream<DeviceChange, any Error>.Iterator) async throws -> DeviceChange? {
        let box = IteratorBox(iterator)
        defer { iterator = box.iterator }
        return try await withThrowingTaskGroup(of: DeviceChange?.self) { group in
            group.addTask { try await box.next() }
            group.addTask {
                try await Task.sleep(for: .seconds(10))
                return nil
            }
            let first = try await group.next() ?? nil
            group.cancelAll()
            return first
        }
    }

    /// Lets the iterator cross into a child task (only one task uses it at a time).
    final class IteratorBox: @unchecked Sendable {
        var iterator: AsyncThrowingStream<DeviceChange, any Error>.Iterator
        init(_ iterator: AsyncThrowingStream<DeviceChange, any Error>.Iterator) { self.iterator = iterator }
        func next() async throws -> DeviceChange? { try await iterator.next() }
    }
}
