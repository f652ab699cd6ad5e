// libFuzzer target: telemetry decoding, the code that runs on every good frame the station stores.
// First byte even: the rest is a frame, decoded by the shipped definition the second byte picks
// (catalogue/telemetry, sorted by name), calibrated and raw, and rendered as JSON. First byte odd: the
// rest is a definition file (YAML) loaded and compiled on its own, then run on a fixed frame.
// Checks: no crash or hang; the JSON rendering (what the daemon stores and serves) parses as JSON.
import Foundation
import GroundStation
import TelemetryDecode
import CFuzzerDriver

// Released before exit: indirect enum payloads are reached through pointers whose spare bits hold the
// case tag, which LeakSanitizer's exit scan does not recognise, so plans alive at exit read as leaked.
nonisolated(unsafe) private var shipped: [TelemetryPlan] = {
    do {
        let library = try TelemetryLibrary.load(directory: TelemetryLibrary.defaultDirectory())
        return library.plans.keys.sorted().compactMap { library.plans[$0] }
    } catch {
        fatalError("FuzzTelemetry: the shipped telemetry definitions do not load: \(error)")
    }
}()

private let path: String = {
    let directory = NSTemporaryDirectory() + "gsd-fuzz-telemetry-\(getpid())"
    try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    return directory + "/definition.yml"
}()

private let fixedFrame: [UInt8] = (0..<256).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ 11) }

private func exercise(_ plan: TelemetryPlan, _ frame: [UInt8]) {
    for calibrated in [true, false] {
        let json = TelemetryJSON.render(plan.decode(frame, calibrated: calibrated))
        if (try? JSONSerialization.jsonObject(with: Data(json.utf8))) == nil {
            fatalError("\(plan.definition.name): telemetry JSON does not parse: \(json.prefix(2000))")
        }
    }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzTelemetry(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard size >= 2 else { return 0 }
    if data[0] & 1 == 0 {
        guard !shipped.isEmpty else { return 0 }
        exercise(shipped[Int(data[1]) % shipped.count], Array(UnsafeBufferPointer(start: data + 2, count: size - 2)))
    } else {
        guard FileManager.default.createFile(atPath: path, contents: Data(bytes: data + 1, count: size - 1)),
              let library = try? TelemetryLibrary.load(files: [path]) else { return 0 }
        for plan in library.plans.values { exercise(plan, fixedFrame) }
    }
    return 0
}

// libFuzzer ends with exit(); handlers registered after LeakSanitizer's run before its scan.
atexit { shipped = [] }
exit(gsd_fuzz_main(CommandLine.argc, CommandLine.unsafeArgv))
