import Foundation

/// Minimal access to the shared recordings for TelemetryDecode's own tests (which may not use
/// GroundStation's file readers): 16-bit mono PCM WAV samples and the reference frame sets.
enum RecordingFixtures {
    /// Samples of a shared 16-bit PCM WAV as Float in ±1, found by walking its RIFF chunks.
    static func samples(_ name: String) throws -> [Float] {
        let url = SharedData.root.appendingPathComponent("recordings/\(name)")
        let d = try [UInt8](Data(contentsOf: url))
        var i = 12
        while i + 8 <= d.count {
            let id = String(decoding: d[i..<(i + 4)], as: UTF8.self)
            let size = Int(d[i + 4]) | Int(d[i + 5]) << 8 | Int(d[i + 6]) << 16 | Int(d[i + 7]) << 24
            if id == "data" {
                let end = min(d.count, i + 8 + size)
                var out: [Float] = []
                out.reserveCapacity((end - i - 8) / 2)
                var k = i + 8
                while k + 1 < end {
                    out.append(Float(Int16(bitPattern: UInt16(d[k]) | UInt16(d[k + 1]) << 8)) / 32768)
                    k += 2
                }
                return out
            }
            i += 8 + size + (size & 1)
        }
        throw MissingSharedFile(path: url.path + " (no data chunk)")
    }

    /// Distinct reference frames (hex) of a recording, from expected/<base>.frames.tsv.
    static func expectedFrames(_ base: String) throws -> Set<String> {
        Set(try SharedData.tsvRows("recordings/expected/\(base).frames.tsv").dropFirst().map { $0[5] })
    }
}
