// libFuzzer target: the sample-file readers on arbitrary bytes. The first byte picks the reader: WAV,
// SigMF metadata JSON, a `.sigmf` tar archive, or raw samples of each format. The readers work on
// paths, so the rest of the input is written to a per-process file first, then read to the end.
import Foundation
import GroundStation
import CFuzzerDriver

private let directory: String = {
    let path = NSTemporaryDirectory() + "gsd-fuzz-\(getpid())"
    try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
}()

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzSampleFiles(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard size >= 1 else { return 0 }
    let selector = data[0]
    let body = Data(bytes: data + 1, count: size - 1)
    switch selector % 4 {
    case 0:
        readAll(writing: body, to: directory + "/input.wav") { try SampleFileSource.open(path: $0, iq: selector & 0x10 != 0) }
    case 1:
        _ = try? SigMFReader.parseMetadata([UInt8](body), path: "fuzz.sigmf-meta")
    case 2:
        readAll(writing: body, to: directory + "/input.sigmf") { try SampleFileSource.open(path: $0) }
    default:
        let formats = SampleFormat.rawFormats
        let format = formats[Int(selector >> 2) % formats.count]
        readAll(writing: body, to: directory + "/input.raw") { try SampleFileSource.openRaw(path: $0, format: format, rate: 48_000) }
    }
    return 0
}

/// Opens and reads every block; errors are the expected outcome for most inputs.
private func readAll(writing body: Data, to path: String, open: (String) throws -> SampleFileSource) {
    guard FileManager.default.createFile(atPath: path, contents: body) else { return }
    guard let source = try? open(path) else { return }
    var blocks = 0
    while let block = try? source.read(maxSamples: 4096) {
        _ = block
        blocks += 1
        // Each block consumes input bytes, so the number of blocks is bounded by the file size.
        if blocks > body.count + 2 { fatalError("sample reader: more blocks than input bytes") }
    }
}

exit(gsd_fuzz_main(CommandLine.argc, CommandLine.unsafeArgv))
