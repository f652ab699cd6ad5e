import ArgumentParser
import Foundation
import GroundStation
import Synchronization

/// Set by SIGINT so `--watch` ends its loop and exits 0.
private let devicesInterrupted = Atomic<Bool>(false)

struct DevicesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "devices",
        abstract: "List attached USB receivers and serial ports and the hardware profile each matches.",
        discussion: """
            Enumerates USB devices and USB-backed serial ports through udev (root hubs, hubs and \
            serial ports without a USB device are left out) and matches each against the hardware \
            profiles (hw-profiles/, or --profiles DIR, or GSD_HW_PROFILES). Where several profiles match, \
            the one with the most match conditions wins, ties going to the profile id first in \
            alphabetical order. Text output: one tab-separated line per device (profile or -, \
            vendor:product, device node, USB port, serial, manufacturer and product); --json prints one \
            object per device. With --watch the present devices are printed, then arrivals (add) and \
            departures (remove) until SIGINT or --seconds. The watch source is udev's monitor when a \
            udev daemon runs (/run/udev/control exists) and otherwise re-enumeration every --interval \
            seconds; --source chooses udev, kernel (the kernel's uevents, no daemon needed) or poll \
            explicitly. The source is named on standard error. --soapy also lists the receivers SoapySDR's \
            installed modules find (every module probes, some over the network, so it is not the default): \
            one line per device (soapy, profile or -, the arguments that open it with \
            `--device soapy:ARGS`, its label), or an object with subsystem "soapysdr" with --json; \
            --soapy-args driver=NAME asks that module only.
            """)

    enum SourceName: String, ExpressibleByArgument, CaseIterable {
        case auto, udev, kernel, poll
    }

    @Flag(help: "One JSON object per device (and per event with --watch).")
    var json = false

    @Flag(help: "Keep running and print arrivals and departures.")
    var watch = false

    @Option(help: "With --watch: stop after this many seconds.")
    var seconds: Double?

    @Option(help: "Watch source: auto, udev, kernel or poll.")
    var source: SourceName = .auto

    @Option(help: "Re-enumeration interval in seconds for the poll source.")
    var interval: Double = 1

    @Option(help: "Hardware profile folder (default: the one shipped with gsd).")
    var profiles: String?

    @Flag(help: "Also list the receivers SoapySDR's modules find.")
    var soapy = false

    @Option(name: .customLong("soapy-args"), help: "List only SoapySDR devices matching these arguments (e.g. driver=airspy); implies --soapy.")
    var soapyArgs: String?

    var listsSoapy: Bool { soapy || soapyArgs != nil }

    func validate() throws {
        if seconds != nil && !watch { throw ValidationError("--seconds needs --watch.") }
        if listsSoapy && watch { throw ValidationError("--soapy lists once; it cannot be combined with --watch.") }
        if let seconds, !(0...1e9).contains(seconds) { throw ValidationError("--seconds must be 0 to 1e9.") }
        if !(0.05...3600).contains(interval) { throw ValidationError("--interval must be 0.05 to 3600 seconds.") }
    }

    func run() throws {
        let set: HardwareProfileSet
        do {
            set = try HardwareProfileSet.load(directory: HardwareProfileSet.defaultDirectory(explicit: profiles))
        } catch {
            throw ValidationFailure(error.description)
        }
        guard watch else {
            let devices: [DiscoveredDevice]
            do { devices = try DeviceEnumerator().devices() } catch { throw ValidationFailure(error.description) }
            for d in devices { emit(d, profile: set.profile(for: d), event: nil) }
            if devices.isEmpty { printError("gsd: no USB devices or USB serial ports attached") }
            if listsSoapy {
                // A driver filter also keeps the other modules from probing at all.
                let found = SoapySDRDevices.enumerate(soapyArgs ?? "")
                for d in found { emitSoapy(d, profile: set.profile(forSoapy: d)) }
                if found.isEmpty { printError("gsd: SoapySDR found no devices (modules: SoapySDRUtil --info)") }
            }
            return
        }

        let chosen: DeviceWatcher.Source
        let pollInterval = Duration.milliseconds(Int64((interval * 1000).rounded()))
        switch source {
        case .auto: chosen = DeviceWatcher.automatic(pollInterval: pollInterval)
        case .udev: chosen = .udev
        case .kernel: chosen = .kernel
        case .poll: chosen = .polling(interval: pollInterval)
        }
        let watcher: DeviceWatcher
        do { watcher = try DeviceWatcher(source: chosen) } catch { throw ValidationFailure(error.description) }
        var why = ""
        if source == .auto {
            why = DeviceWatcher.udevDaemonRunning ? " (udev daemon running)" : " (no udev daemon: /run/udev/control missing)"
        }
        printError("gsd: watching for devices with \(chosen)\(why)")
        for d in watcher.devices { emit(d, profile: set.profile(for: d), event: "present") }

        signal(SIGINT) { _ in devicesInterrupted.store(true, ordering: .relaxed) }
        let deadline = seconds.map { ContinuousClock.now + .milliseconds(Int64($0 * 1000)) }
        while !devicesInterrupted.load(ordering: .relaxed) {
            var wait = Duration.milliseconds(250)
            if let deadline {
                let remaining = ContinuousClock.now.duration(to: deadline)
                if remaining <= .zero { break }
                wait = min(wait, remaining)
            }
            let changes: [DeviceChange]
            do { changes = try watcher.next(timeout: wait) } catch { throw ValidationFailure(error.description) }
            for c in changes {
                switch c {
                case .arrived(let d): emit(d, profile: set.profile(for: d), event: "add")
                case .departed(let d): emit(d, profile: set.profile(for: d), event: "remove")
                }
            }
        }
    }

    private func emit(_ d: DiscoveredDevice, profile: HardwareProfile?, event: String?) {
        if json {
            var o = JSONLine()
            if let event {
                o.add("event", event)
                o.add("time", ISOTime.string(milliseconds: Int64(Date().timeIntervalSince1970 * 1000)))
            }
            o.add("subsystem", d.subsystem.rawValue)
            optional(&o, "devnode", d.devnode)
            optional(&o, "vendor_id", d.usbID?.vendorHex)
            optional(&o, "product_id", d.usbID?.productHex)
            optional(&o, "manufacturer", d.manufacturer)
            optional(&o, "product", d.product)
            optional(&o, "serial", d.serial)
            optional(&o, "id_serial", d.idSerial)
            if let b = d.busNumber { o.add("bus", b) } else { o.addNull("bus") }
            if let n = d.deviceNumber { o.add("device", n) } else { o.addNull("device") }
            optional(&o, "port", d.port)
            optional(&o, "driver", d.driver)
            o.add("syspath", d.syspath)
            optional(&o, "profile", profile?.id)
            optional(&o, "profile_name", profile?.name)
            optional(&o, "profile_driver", profile?.driver.rawValue)
            print(o.text)
        } else {
            var fields: [String] = []
            if let event { fields.append(event) }
            fields.append(profile?.id ?? "-")
            fields.append(d.usbID?.description ?? "-")
            fields.append(d.devnode ?? "-")
            fields.append(d.port ?? "-")
            fields.append(d.serial ?? "-")
            fields.append([d.manufacturer, d.product].compactMap { $0 }.joined(separator: " "))
            print(fields.joined(separator: "\t"))
        }
        fflush(nil)
    }

    private func emitSoapy(_ d: SoapySDRDeviceInfo, profile: HardwareProfile?) {
        if json {
            var o = JSONLine()
            o.add("subsystem", "soapysdr")
            o.add("soapy_args", d.openArguments)
            optional(&o, "driver", d.driver)
            optional(&o, "label", d.label)
            optional(&o, "serial", d.serial)
            optional(&o, "profile", profile?.id)
            optional(&o, "profile_name", profile?.name)
            print(o.text)
        } else {
            print(["soapy", profile?.id ?? "-", d.openArguments, d.label ?? "-"].joined(separator: "\t"))
        }
        fflush(nil)
    }

    private func optional(_ o: inout JSONLine, _ key: String, _ value: String?) {
        if let value { o.add(key, value) } else { o.addNull(key) }
    }
}
