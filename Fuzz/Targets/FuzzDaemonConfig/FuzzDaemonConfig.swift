// libFuzzer target: the daemon configuration (YAML) as `gsd run --config` reads it. Beyond "no crash":
// every refusal names the configuration file, and a configuration that loads keeps its values in range.
import Foundation
import GroundStation
import CFuzzerDriver

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzDaemonConfig(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    do {
        let c = try DaemonConfigurationParser.parse(text, file: "fuzz.yaml", baseDirectory: "/nonexistent-fuzz-base")
        let place = c.station.location
        guard place.latitude.isFinite, abs(place.latitude) <= 90, place.longitude.isFinite, place.altitude.isFinite else {
            fatalError("config: station location out of range was accepted: \(c.station)")
        }
    } catch {
        guard error.description.hasPrefix("fuzz.yaml") else { fatalError("config: a refusal does not name the file: \(error)") }
    }
    return 0
}

exit(gsd_fuzz_main(CommandLine.argc, CommandLine.unsafeArgv))
