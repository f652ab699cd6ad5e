// libFuzzer target: one satellite catalogue file (YAML) and, when it validates, the receive chains
// built from its transmitters for audio and for IQ input: catalogue values must never crash the
// receiver factory (a baud rate of 1e300 or a frame size of -1 must be refused or survived).
import Foundation
import GroundStation
import TelemetryDecode
import CFuzzerDriver

private let path: String = {
    let directory = NSTemporaryDirectory() + "gsd-fuzz-\(getpid())"
    try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    return directory + "/satellite.yml"
}()

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzCatalogue(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard FileManager.default.createFile(atPath: path, contents: Data(bytes: data, count: size)) else { return 0 }
    guard let satellite = try? SatelliteCatalogue.loadFile(path) else { return 0 }
    for transmitter in satellite.transmitters.prefix(4) {
        _ = try? ReceiverFactory.receivers(for: transmitter, input: .real(sampleRate: 48_000))
        _ = try? ReceiverFactory.receivers(for: transmitter, input: .complex(sampleRate: 250_000, offset: 10_000))
    }
    return 0
}

exit(gsd_fuzz_main(CommandLine.argc, CommandLine.unsafeArgv))
