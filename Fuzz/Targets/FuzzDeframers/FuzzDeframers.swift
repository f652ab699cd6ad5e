// libFuzzer target: every deframer the receivers use, fed arbitrary soft symbols (0 = strong 0,
// 255 = strong 1). The first byte picks the framing; the rest is the symbol stream, given in chunks
// whose size the second byte picks. Checks: no crash or hang, and every frame a deframer calls good
// has bytes.
import TelemetryDecode
import Glibc
import CFuzzerDriver

private let transmitters: [TransmitterSpec] = Framing.allCases.map { framing in
    TransmitterSpec(
        name: "fuzz \(framing.rawValue)", modulation: .fsk, baudRate: 9600, framing: framing,
        rsBasis: "dual", rsInterleaving: 1, frameSize: 223, convolutional: "CCSDS")
}.filter { (try? ReceiverFactory.deframer(for: $0)) != nil }

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzDeframers(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard size >= 2, !transmitters.isEmpty else { return 0 }
    let spec = transmitters[Int(data[0]) % transmitters.count]
    let chunk = 1 + Int(data[1]) * 8
    guard var deframer = try? ReceiverFactory.deframer(for: spec) else { return 0 }
    let symbols = UnsafeBufferPointer(start: data + 2, count: size - 2)
    var frames: [DecodedFrame] = []
    var i = 0
    while i < symbols.count {
        let end = min(symbols.count, i + chunk)
        deframer.process(UnsafeBufferPointer(rebasing: symbols[i..<end]), into: &frames)
        i = end
    }
    deframer.finish(into: &frames)
    for frame in frames where frame.checkPassed && frame.bytes.isEmpty {
        fatalError("\(spec.framing.rawValue): an empty frame passed its check")
    }
    return 0
}

exit(gsd_fuzz_main(CommandLine.argc, CommandLine.unsafeArgv))
