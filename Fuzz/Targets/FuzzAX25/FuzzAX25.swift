// libFuzzer target: HDLC deframing of an arbitrary bit stream, the AX.25 frame parser on arbitrary
// bytes and the TNC2 text parser on arbitrary text.
// Checks: chunking never changes the HDLC frames; parse → encode → parse gives the same AX.25 frame.
import TelemetryDecode
import Glibc
import CFuzzerDriver

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzAX25(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))

    // Bits, LSB first, straight into the HDLC deframer.
    var bits: [UInt8] = []
    bits.reserveCapacity(bytes.count * 8)
    for b in bytes { for k in 0..<8 { bits.append((b >> UInt8(k)) & 1) } }
    let whole = deframe(bits, chunk: max(1, bits.count))
    let split = deframe(bits, chunk: 1 + (bytes.first.map { Int($0) % 61 } ?? 0))
    guard whole == split else { fatalError("HDLC: chunking changed the frames") }

    // The AX.25 parser on the raw bytes and on every good HDLC frame.
    for candidate in [bytes] + whole.filter({ $0.verdict == .good }).map(\.bytes) {
        if let frame = try? AX25Frame(bytes: candidate) {
            // Callsign bytes outside printable ASCII are shown as "?", so the bytes need not come back
            // exactly; the parsed frame must.
            guard (try? AX25Frame(bytes: frame.bytes)) == frame else { fatalError("AX.25: parse → encode → parse changed the frame") }
            _ = frame.text
        }
    }

    // The TNC2 text parser (what `gsd tnc --send-text` reads).
    if let frame = try? AX25TextParser.parse(String(decoding: bytes, as: UTF8.self)) {
        _ = frame.bytes
    }
    return 0
}

private func deframe(_ bits: [UInt8], chunk: Int) -> [HDLCFrame] {
    var deframer = HDLCDeframer(configuration: .init(minimumBytes: 3, maximumBytes: 400))
    var frames: [HDLCFrame] = []
    var i = 0
    while i < bits.count {
        let end = min(bits.count, i + chunk)
        deframer.process(Array(bits[i..<end]), into: &frames)
        i = end
    }
    return frames
}

exit(gsd_fuzz_main(CommandLine.argc, CommandLine.unsafeArgv))
