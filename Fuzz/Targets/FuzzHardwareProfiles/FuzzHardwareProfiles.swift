// libFuzzer target: one hardware profile file (hw-profiles/*.yml). Beyond "no crash": every refusal names
// the file, and a profile that loads has sane sample rates and gain range.
import Foundation
import GroundStation
import CFuzzerDriver

private let path: String = {
    let directory = NSTemporaryDirectory() + "gsd-fuzz-\(getpid())"
    try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    return directory + "/profile.yml"
}()

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzHardwareProfiles(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard FileManager.default.createFile(atPath: path, contents: Data(bytes: data, count: size)) else { return 0 }
    do {
        let profile = try HardwareProfileSet.loadFile(path)
        for r in profile.sampleRates where !(r.lower.isFinite && r.upper.isFinite && r.lower > 0 && r.lower <= r.upper) {
            fatalError("profile: sample rate range \(r) was accepted")
        }
    } catch {
        guard "\(error)".hasPrefix(path) else { fatalError("profile: a refusal does not name the file: \(error)") }
    }
    return 0
}

exit(gsd_fuzz_main(CommandLine.argc, CommandLine.unsafeArgv))
