import CSoapySDR

/// A receiver SoapySDR found: its argument list as the module reported it (driver, label, serial, ...).
public struct SoapySDRDeviceInfo: Sendable, Hashable {
    public var arguments: [String: String]

    public init(arguments: [String: String]) { self.arguments = arguments }

    public var driver: String? { arguments["driver"] }
    public var label: String? { arguments["label"] }
    public var serial: String? { arguments["serial"] }

    /// The arguments that open this device: driver and serial when both are known, else every argument.
    public var openArguments: String {
        if let driver, let serial { return "driver=\(driver),serial=\(serial)" }
        return arguments.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ",")
    }

    /// Whether every `key=value` of `profileArguments` (a profile's `soapy.args`) holds for this device.
    public func satisfies(_ profileArguments: String) -> Bool {
        SoapySDRDevices.parse(profileArguments).allSatisfy { arguments[$0.key] == $0.value }
    }
}

/// SoapySDR's device discovery: every installed module probes for its hardware.
public enum SoapySDRDevices {
    /// The devices matching `filter` (SoapySDR argument syntax, e.g. "driver=rtlsdr"; empty: all).
    public static func enumerate(_ filter: String = "") -> [SoapySDRDeviceInfo] {
        var length = 0
        guard let list = SoapySDRDevice_enumerateStrArgs(filter, &length) else { return [] }
        defer { SoapySDRKwargsList_clear(list, length) }
        return (0..<length).map { i in
            let kwargs = list[i]
            var arguments: [String: String] = [:]
            for k in 0..<kwargs.size {
                guard let key = kwargs.keys[k], let value = kwargs.vals[k] else { continue }
                arguments[String(cString: key)] = String(cString: value)
            }
            return SoapySDRDeviceInfo(arguments: arguments)
        }
    }

    /// "driver=rtlsdr, serial=00000001" → ["driver": "rtlsdr", "serial": "00000001"] (SoapySDR's own syntax).
    public static func parse(_ text: String) -> [String: String] {
        var kwargs = SoapySDRKwargs_fromString(text)
        defer { SoapySDRKwargs_clear(&kwargs) }
        var out: [String: String] = [:]
        for k in 0..<kwargs.size {
            guard let key = kwargs.keys[k], let value = kwargs.vals[k] else { continue }
            out[String(cString: key)] = String(cString: value)
        }
        return out
    }
}

extension HardwareProfileSet {
    /// The `driver: soapy` profile for a SoapySDR device: the one whose arguments it satisfies with the
    /// most conditions, ties to the id first in alphabetical order.
    public func profile(forSoapy device: SoapySDRDeviceInfo) -> HardwareProfile? {
        profiles.filter { $0.driver == .soapy && ($0.soapy.map { device.satisfies($0.args) } ?? false) }
            .max { a, b in
                let ca = SoapySDRDevices.parse(a.soapy?.args ?? "").count, cb = SoapySDRDevices.parse(b.soapy?.args ?? "").count
                return ca != cb ? ca < cb : a.id > b.id
            }
    }
}
