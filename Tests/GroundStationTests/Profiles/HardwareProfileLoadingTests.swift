import Foundation
import GroundStation
import Testing

/// Every shipped profile loads; broken profiles are rejected with the file and key named.
@Suite struct HardwareProfileLoadingTests {
    static var shipped: String { HardwareProfileSet.defaultDirectory() }

    @Test func everyShippedProfileLoads() throws {
        let set = try HardwareProfileSet.load(directory: Self.shipped)
        let files = try FileManager.default.contentsOfDirectory(atPath: Self.shipped).filter { $0.hasSuffix(".yml") }
        #expect(set.profiles.count == files.count)
        #expect(set.profiles.count >= 17)
        for driver in HardwareProfile.Driver.allCases {
            #expect(!set.profiles(driver: driver).isEmpty, "no \(driver.rawValue) profile shipped")
        }
        let v4 = try #require(set.profile(id: "rtlsdr-blog-v4"))
        #expect(v4.driver == .rtlsdr)
        #expect(v4.tuner == "R828D")
        #expect(v4.match.usbIDs == [USBID(vendor: 0x0bda, product: 0x2838)])
        #expect(v4.gain?.steps.count == 29)
        #expect(v4.gain?.steps.last == 49.6)
        #expect(v4.supports(sampleRate: 2_048_000) && v4.supports(sampleRate: 250_000))
        #expect(!v4.supports(sampleRate: 500_000))
        #expect(v4.defaults.sampleRate == 2_048_000 && v4.defaults.gain == nil && !v4.defaults.biasTee)

        let generic = try #require(set.profile(id: "rtlsdr-generic"))
        #expect(generic.tuner == nil)  // probed at open
        #expect(Set(generic.match.usbIDs) == [USBID(vendor: 0x0bda, product: 0x2838), USBID(vendor: 0x0bda, product: 0x2832)])

        let airspy = try #require(set.profile(id: "soapy-airspy"))
        #expect(airspy.soapy?.args == "driver=airspy")
        #expect(airspy.soapy?.gainElements.map(\.name) == ["LNA", "MIX", "VGA"])
        #expect(airspy.soapy?.gainElements.first?.range == .init(minimum: 0, maximum: 15, defaultValue: 10))

        let acm = try #require(set.profile(id: "serial-cdc-acm"))
        #expect(acm.driver == .serialKISS)
        #expect(acm.match.subsystem == .tty)
        #expect(acm.match.properties == ["ID_USB_DRIVER": "cdc_acm"])
        #expect(acm.defaults.baudRate == 9600)

        // No two shipped profiles claim the same id pair with the same strings (checked at load),
        // and every USB id in the files parses.
        let ids = set.profiles.flatMap(\.match.usbIDs)
        #expect(ids.count >= 60)
    }

    @Test func missingFolderIsNamed() {
        #expect(throws: HardwareProfileError.notFound(directory: "/nonexistent/hw")) {
            try HardwareProfileSet.load(directory: "/nonexistent/hw")
        }
    }

    /// Each broken file gives `.invalid` naming that file and the key at fault.
    @Test(arguments: [
        ("name: X\ndriver: rtlsdr\n", "match"),
        ("driver: rtlsdr\nmatch: {usb: [\"0bda:2838\"]}\n", "name"),
        ("name: X\ndriver: hackrf\nmatch: {usb: [\"0bda:2838\"]}\n", "driver"),
        ("name: X\ndriver: soapy\nmatch: {usb: [\"0bda:2838\", \"zz:1\"]}\nsoapy: {args: driver=x}\n", "match.usb[1]"),
        ("name: X\ndriver: soapy\nmatch: {usb: [12345678]}\nsoapy: {args: driver=x}\n", "match.usb[0]"),
        ("name: X\ndriver: soapy\nmatch: {usb: [\"1d50:60a1\"]}\nsoapy: {args: driver=x}\nsample_rate: [1]\n", "sample_rate"),
        ("name: X\ndriver: soapy\nmatch: {usb: [\"1d50:60a1\"]}\nsoapy: {args: serial=1}\n", "soapy.args"),
        ("name: X\ndriver: soapy\nmatch: {usb: [\"1d50:60a1\"]}\nsoapy: {args: driver=a, gains: {LNA: {min: 0, max: 15, default: 20}}}\n", "soapy.gains.LNA.default"),
        ("name: X\ndriver: soapy\nmatch: {usb: [\"1d50:60a1\"]}\n", "soapy"),
        ("name: X\ndriver: rtlsdr\nmatch: {usb: [\"0bda:2838\"]}\nsample_rates: [{min: 3, max: 1}]\ngain: {min: 0, max: 1}\n", "sample_rates[0].min"),
        ("name: X\ndriver: rtlsdr\nmatch: {usb: [\"0bda:2838\"]}\nsample_rates: [1000000, fast]\ngain: {min: 0, max: 1}\n", "sample_rates[1]"),
        ("name: X\ndriver: rtlsdr\nmatch: {usb: [\"0bda:2838\"]}\nsample_rates: [1000000]\n", "gain"),
        ("name: X\ndriver: rtlsdr\nmatch: {usb: [\"0bda:2838\"]}\nsample_rates: [1000000]\ngain: {min: 0, max: 10, steps: [0, 5, 4]}\n", "gain.steps[2]"),
        ("name: X\ndriver: rtlsdr\nmatch: {usb: [\"0bda:2838\"]}\ntuner: R999\nsample_rates: [1000000]\ngain: {min: 0, max: 10}\n", "tuner"),
        ("name: X\ndriver: rtlsdr\nmatch: {usb: [\"0bda:2838\"]}\nsample_rates: [1000000]\ngain: {min: 0, max: 10}\ndefaults: {sample_rate: 2000000}\n", "defaults.sample_rate"),
        ("name: X\ndriver: rtlsdr\nmatch: {usb: [\"0bda:2838\"]}\nsample_rates: [1000000]\ngain: {min: 0, max: 10}\ndefaults: {gain: 11}\n", "defaults.gain"),
        ("name: X\ndriver: rtlsdr\nmatch: {usb: [\"0bda:2838\"]}\nsample_rates: [1000000]\ngain: {min: 0, max: 10}\ndefaults: {bias_tee: maybe}\n", "defaults.bias_tee"),
        ("name: X\ndriver: rtlsdr\nmatch: {subsystem: tty, usb: [\"0bda:2838\"]}\nsample_rates: [1000000]\ngain: {min: 0, max: 10}\n", "match.subsystem"),
        ("name: X\ndriver: serial-kiss\nmatch: {properties: {ID_USB_DRIVER: cdc_acm}}\ngain: {min: 0, max: 10}\n", "gain"),
        ("name: X\ndriver: serial-kiss\nmatch: {properties: {ID_USB_DRIVER: cdc_acm}}\ndefaults: {baud: 12345}\n", "defaults.baud"),
        ("name: X\ndriver: serial-kiss\nmatch: {vendor: 0403}\n", "match.vendor"),
        ("name: X\ndriver: serial-kiss\nmatch: {}\n", "match.usb"),
    ])
    func brokenProfileNamesFileAndKey(yaml: String, key: String) throws {
        let dir = try Self.folder(["broken.yml": yaml])
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/broken.yml"
        do {
            _ = try HardwareProfileSet.load(directory: dir)
            Issue.record("loaded a broken profile (expected an error at \(key))")
        } catch {
            guard case .invalid(let file, let k, let problem) = error else {
                Issue.record("expected .invalid, got \(error)")
                return
            }
            #expect(file == path)
            #expect(k == key, "problem: \(problem)")
            #expect(error.description.hasPrefix("\(path): \(key): "))
        }
    }

    @Test func invalidYAMLIsUnreadableWithTheFileNamed() throws {
        let dir = try Self.folder(["bad.yml": "name: [unclosed\n"])
        defer { try? FileManager.default.removeItem(atPath: dir) }
        do {
            _ = try HardwareProfileSet.load(directory: dir)
            Issue.record("loaded invalid YAML")
        } catch {
            guard case .unreadable(let file, let reason) = error else { Issue.record("\(error)"); return }
            #expect(file == dir + "/bad.yml")
            #expect(reason.contains("not valid YAML"))
        }
    }

    @Test func identicalMatchBlocksAreRejected() throws {
        let body = "driver: serial-kiss\nmatch: {usb: [\"0403:6001\"], product: TNC}\n"
        let dir = try Self.folder(["a.yml": "name: A\n" + body, "b.yml": "name: B\n" + body])
        defer { try? FileManager.default.removeItem(atPath: dir) }
        #expect(throws: HardwareProfileError.duplicateMatch(first: dir + "/a.yml", second: dir + "/b.yml")) {
            try HardwareProfileSet.load(directory: dir)
        }
    }

    /// Writes files into a fresh temporary folder.
    static func folder(_ files: [String: String]) throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("gsd-profiles-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        for (name, text) in files {
            try text.write(toFile: dir + "/" + name, atomically: true, encoding: .utf8)
        }
        return dir
    }
}
