// libFuzzer target: the streaming KISS decoder on arbitrary bytes.
// Checks beyond "no crash": chunking never changes the events, and every decoded frame re-encodes to
// bytes that decode back to the same frame.
import TelemetryDecode
import Glibc
import CFuzzerDriver

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzKISS(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let input = Array(UnsafeBufferPointer(start: data, count: size))
    let whole = decode(input, chunk: max(1, input.count))
    let split = decode(input, chunk: 1 + (input.first.map { Int($0) % 13 } ?? 0))
    guard whole == split else { fatalError("KISS: chunking changed the events") }
    for case .frame(let frame) in whole {
        let again = decode(KISSEncoder.encode(frame), chunk: 5)
        guard again.count == 1, case .frame(let back) = again[0],
              back.payload == frame.payload, back.port == frame.port, back.command == frame.command
        else { fatalError("KISS: a decoded frame does not survive encode → decode") }
    }
    return 0
}

private func decode(_ bytes: [UInt8], chunk: Int) -> [KISSDecoder.Event] {
    var decoder = KISSDecoder(maximumFrameBytes: 1024)
    var events: [KISSDecoder.Event] = []
    var i = 0
    while i < bytes.count {
        let end = min(bytes.count, i + chunk)
        decoder.process(Array(bytes[i..<end]), into: &events)
        i = end
    }
    decoder.finish(into: &events)
    return events
}

exit(gsd_fuzz_main(CommandLine.argc, CommandLine.unsafeArgv))
