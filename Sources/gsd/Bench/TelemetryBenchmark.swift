import GroundStation
import TelemetryDecode

extension Benchmark {
    /// GOMX-1 beacon A (216 bytes, 130 values in nested structures and arrays, from gomx_1.wav) decoded
    /// with the shipped gomx-1 definition, calibrations applied, in frames per second.
    static let telemetry = Benchmark(
        name: "telemetry", unit: "frames/s", summary: "Telemetry decode of a GOMX-1 beacon (catalogue/telemetry/gomx-1.yml)"
    ) {
        let library = try TelemetryLibrary.load(directory: TelemetryLibrary.defaultDirectory())
        guard let plan = library.plan(named: "gomx-1") else { throw TelemetryBenchmarkError("no gomx-1 telemetry definition in the catalogue") }
        let frame = hexBytes("82a78000551b0a1d79023dffe8fff00000ff8eff95ffcbff8fffb000bb003700231219fffefffdff96d5a8034a0350045016cd16bc0000203b000400020092001e00070000005101b60000013400b8fffcfffdfffcfffcfffffffe1c0051002a001c080000000000000000000000000400000000000000000000000000000000000000000000000000000000000000000000000000000000f8007c02fc00000000bf271200c06d5d003e776c00407fa3563f0508f9c3ac292b43321226c2a9a5900342aa000042aa0000c2aa0000222204054d6e04000200")
        guard plan.decode(frame).error == nil else { throw TelemetryBenchmarkError("the GOMX-1 beacon does not decode") }
        var fields = 0
        let (n, seconds) = BenchClock.measure {
            for _ in 0..<2_000 {
                if case .structure(let nodes) = plan.decode(frame).value { fields &+= nodes.count }
            }
        }
        blackHole(UInt32(truncatingIfNeeded: fields))
        return Double(n * 2_000) / seconds
    }
}

/// The telemetry benchmark cannot start (definition missing or not decoding its frame).
struct TelemetryBenchmarkError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// Bytes of a hex literal (benchmark inputs only).
private func hexBytes(_ s: String) -> [UInt8] {
    let u = Array(s.utf8)
    return stride(from: 0, to: u.count - 1, by: 2).compactMap { UInt8(String(decoding: u[$0...$0 + 1], as: UTF8.self), radix: 16) }
}
