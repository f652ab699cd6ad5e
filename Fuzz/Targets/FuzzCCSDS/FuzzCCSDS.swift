// libFuzzer target: CCSDS TM transfer frame and space packet parsers, and packet reassembly across a
// sequence of frames cut from the input. The first byte picks the frame length and whether a FECF ends it.
import TelemetryDecode
import Glibc
import CFuzzerDriver

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzCCSDS(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    guard let control = bytes.first else { return 0 }
    let body = Array(bytes.dropFirst())
    let frameLength = 7 + Int(control & 0x7F) * 2
    let configuration = TransferFrame.Configuration(frameLength: frameLength, hasFECF: control & 0x80 != 0)

    // Space packets straight from the bytes.
    if let packet = try? SpacePacket(parsing: body) {
        _ = try? packet.encoded()
    }

    // The input cut into frames; every frame that parses feeds the reassembler.
    var assembler = SpacePacketAssembler(.init(maxPacketLength: 4096))
    var events: [SpacePacketAssembler.Event] = []
    var offset = 0
    while offset + frameLength <= body.count {
        if let frame = try? TransferFrame(parsing: body[offset..<(offset + frameLength)], configuration: configuration) {
            assembler.process(frame, into: &events)
        }
        offset += frameLength
    }
    // A short tail must be refused, not read past.
    if offset < body.count, (try? TransferFrame(parsing: body[offset...], configuration: configuration)) != nil {
        fatalError("CCSDS: a frame shorter than the configured length parsed")
    }
    assembler.flush(into: &events)
    return 0
}

exit(gsd_fuzz_main(CommandLine.argc, CommandLine.unsafeArgv))
