import Foundation
import Testing

/// `gsd devices`: against devices seeded by `umockdev-run -d FILE` (an RTL-SDR Blog V4 and a CDC-ACM
/// TNC behind a root hub), and its argument and profile errors.
@Suite(.serialized) struct DevicesCLITests {
    static let umockdevRun = ["/usr/bin/umockdev-run", "/usr/local/bin/umockdev-run"].first {
        FileManager.default.isExecutableFile(atPath: $0)
    }

    static let devices = """
        P: /devices/pci0000:00/0000:00:14.0/usb1/1-2
        N: bus/usb/001/003
        E: DEVNAME=/dev/bus/usb/001/003
        E: DEVTYPE=usb_device
        E: SUBSYSTEM=usb
        A: idVendor=0bda
        A: idProduct=2838
        A: manufacturer=RTLSDRBlog
        A: product=Blog V4
        A: serial=00000042
        A: busnum=1
        A: devnum=3

        P: /devices/pci0000:00/0000:00:14.0/usb1
        N: bus/usb/001/001
        E: DEVNAME=/dev/bus/usb/001/001
        E: DEVTYPE=usb_device
        E: SUBSYSTEM=usb
        A: idVendor=1d6b
        A: idProduct=0002
        A: bDeviceClass=09

        P: /devices/pci0000:00/0000:00:14.0
        E: SUBSYSTEM=pci

        P: /devices/pci0000:00/0000:00:14.0/usb1/1-3/1-3:1.0/tty/ttyACM0
        N: ttyACM0
        E: DEVNAME=/dev/ttyACM0
        E: SUBSYSTEM=tty

        P: /devices/pci0000:00/0000:00:14.0/usb1/1-3/1-3:1.0
        E: DEVTYPE=usb_interface
        E: DRIVER=cdc_acm
        E: SUBSYSTEM=usb
        L: driver=../../../../../../bus/usb/drivers/cdc_acm

        P: /devices/pci0000:00/0000:00:14.0/usb1/1-3
        N: bus/usb/001/004
        E: DEVNAME=/dev/bus/usb/001/004
        E: DEVTYPE=usb_device
        E: SUBSYSTEM=usb
        A: idVendor=0483
        A: idProduct=5740
        A: manufacturer=Mobilinkd
        A: product=TNC3
        A: serial=4A4B3031
        A: busnum=1
        A: devnum=4

        """

    /// Runs gsd under `umockdev-run` with the devices above.
    static func runEmulated(_ arguments: [String]) async throws -> GSDProcess.Result {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("gsd-devices-\(UUID().uuidString).umockdev")
        try devices.write(to: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: file) }
        return try await GSDProcess.run(URL(fileURLWithPath: umockdevRun ?? "umockdev-run"), ["-d", file.path, "--", GSDProcess.executable.path] + arguments)
    }

    static func object(_ line: Substring) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
    }

    @Test(.enabled(if: umockdevRun != nil, "umockdev-run not installed (apt-get install umockdev)"))
    func jsonListsEmulatedDevicesWithTheirProfiles() async throws {
        let r = try await Self.runEmulated(["devices", "--json"])
        #expect(r.status == 0, "\(r.stderr)")
        let lines = r.stdout.split(separator: "\n")
        #expect(lines.count == 3, "\(r.stdout)")
        guard lines.count == 3 else { return }
        let v4 = try Self.object(lines[0])
        #expect(v4["subsystem"] as? String == "usb")
        #expect(v4["devnode"] as? String == "/dev/bus/usb/001/003")
        #expect(v4["vendor_id"] as? String == "0bda" && v4["product_id"] as? String == "2838")
        #expect(v4["manufacturer"] as? String == "RTLSDRBlog" && v4["product"] as? String == "Blog V4")
        #expect(v4["serial"] as? String == "00000042")
        #expect(v4["id_serial"] as? String == "RTLSDRBlog_Blog_V4_00000042")
        #expect(v4["bus"] as? Int == 1 && v4["device"] as? Int == 3 && v4["port"] as? String == "1-2")
        #expect(v4["profile"] as? String == "rtlsdr-blog-v4")
        #expect(v4["profile_driver"] as? String == "rtlsdr")
        #expect(v4["event"] == nil)

        let tncUSB = try Self.object(lines[1])
        #expect(tncUSB["devnode"] as? String == "/dev/bus/usb/001/004")
        #expect(tncUSB["profile"] is NSNull)

        let tty = try Self.object(lines[2])
        #expect(tty["subsystem"] as? String == "tty")
        #expect(tty["devnode"] as? String == "/dev/ttyACM0")
        #expect(tty["vendor_id"] as? String == "0483" && tty["serial"] as? String == "4A4B3031")
        #expect(tty["driver"] as? String == "cdc_acm")
        #expect(tty["port"] as? String == "1-3")
        #expect(tty["profile"] as? String == "serial-cdc-acm")
        #expect(tty["profile_driver"] as? String == "serial-kiss")
    }

    @Test(.enabled(if: umockdevRun != nil, "umockdev-run not installed (apt-get install umockdev)"))
    func textAndWatchOutput() async throws {
        let text = try await Self.runEmulated(["devices"])
        #expect(text.status == 0, "\(text.stderr)")
        #expect(text.stdout.split(separator: "\n").first == "rtlsdr-blog-v4\t0bda:2838\t/dev/bus/usb/001/003\t1-2\t00000042\tRTLSDRBlog Blog V4")
        #expect(text.stdout.contains("serial-cdc-acm\t0483:5740\t/dev/ttyACM0\t1-3\t4A4B3031\tMobilinkd TNC3"))

        // Watch: the present devices, then nothing changes until --seconds ends it; the source is named.
        let watch = try await Self.runEmulated(["devices", "--watch", "--json", "--seconds", "1", "--source", "poll", "--interval", "0.2"])
        #expect(watch.status == 0, "\(watch.stderr)")
        let events = try watch.stdout.split(separator: "\n").map(Self.object)
        #expect(events.count == 3)
        #expect(events.allSatisfy { $0["event"] as? String == "present" && $0["time"] is String })
        #expect(watch.stderr.contains("gsd: watching for devices with re-enumeration every 0.2 s"))

        let auto = try await Self.runEmulated(["devices", "--watch", "--seconds", "0.5"])
        #expect(auto.status == 0, "\(auto.stderr)")
        #expect(auto.stderr.contains("gsd: watching for devices with "))
        #expect(auto.stderr.contains("udev daemon"))
        #expect(auto.stdout.split(separator: "\n").count == 3)
    }

    @Test func profileAndArgumentErrors() async throws {
        let missing = try await GSDProcess.run(["devices", "--profiles", "/nonexistent/hw"])
        #expect(missing.status == 1)
        #expect(missing.stderr.contains("hardware profiles not found at /nonexistent/hw"))

        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("gsd-hw-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        try "name: X\ndriver: rtlsdr\nmatch: {usb: [\"0bda:2838\"]}\nsample_rates: [1000000]\ngain: {min: 0, max: 10, steps: [11]}\n"
            .write(to: dir.appendingPathComponent("bad.yml"), atomically: true, encoding: .utf8)
        let broken = try await GSDProcess.run(["devices", "--json", "--profiles", dir.path])
        #expect(broken.status == 1)
        #expect(broken.stderr.contains("\(dir.path)/bad.yml: gain.steps[0]: 11.0 is outside min...max"), "\(broken.stderr)")
        #expect(broken.stdout.isEmpty)

        let seconds = try await GSDProcess.run(["devices", "--seconds", "1"])
        #expect(seconds.status != 0 && seconds.stderr.contains("--seconds needs --watch"))
        let source = try await GSDProcess.run(["devices", "--watch", "--source", "dbus"])
        #expect(source.status != 0 && source.stderr.contains("dbus"))
    }

    /// Without umockdev this machine's own devices are listed: every line is a device object with a
    /// syspath, and with none attached a note goes to standard error.
    @Test func jsonOnThisMachine() async throws {
        let r = try await GSDProcess.run(["devices", "--json"])
        #expect(r.status == 0, "\(r.stderr)")
        let lines = r.stdout.split(separator: "\n")
        for line in lines {
            let o = try Self.object(line)
            #expect((o["syspath"] as? String)?.hasPrefix("/sys/devices/") == true)
        }
        if lines.isEmpty { #expect(r.stderr.contains("no USB devices or USB serial ports attached")) }
    }
}
