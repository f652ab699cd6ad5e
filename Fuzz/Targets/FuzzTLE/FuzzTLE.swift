// libFuzzer target: TLE text (two- and three-line sets, comments) and OMM JSON, then SGP4 on whatever
// parses: initialisation and a day of propagation must return states or typed errors, never trap.
import Foundation
import GroundStation
import CFuzzerDriver

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzTLE(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let body = Data(bytes: data, count: size)
    var elements: [MeanElements] = []
    for checksum in [TwoLineElements.ChecksumPolicy.validate, .ignore] {
        if let sets = try? TwoLineElements.parseMany(String(decoding: body, as: UTF8.self), checksum: checksum) {
            elements += sets.prefix(4).map(\.meanElements)
        }
    }
    if let records = try? OMM.decode(body) {
        elements += records.prefix(4).compactMap { try? $0.meanElements() }
    }
    for element in elements {
        guard let propagator = try? SGP4Propagator(element) else { continue }
        for minutes in stride(from: -720.0, through: 1440.0, by: 180.0) {
            if let state = try? propagator.propagate(minutesSinceEpoch: minutes) { _ = state }
        }
    }
    return 0
}

exit(gsd_fuzz_main(CommandLine.argc, CommandLine.unsafeArgv))
