import Foundation
import GroundStation
import TelemetryDecode

/// A fresh temporary directory, removed with everything in it when the value is released.
final class FilesTestDirectory {
    let path: String

    init(_ label: String = "gsd-files") throws {
        let base = FileManager.default.temporaryDirectory
            .appendingPathComponent("\(label)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: base, withIntermediateDirectories: true)
        path = base.path
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }

    func file(_ name: String) -> String { path + "/" + name }

    @discardableResult
    func write(_ name: String, _ bytes: [UInt8]) -> String {
        let p = file(name)
        _ = FileManager.default.createFile(atPath: p, contents: Data(bytes))
        return p
    }
}

/// Builds RIFF/WAVE byte images by hand, for malformed-input tests.
enum WAVBytes {
    static func le16(_ v: Int) -> [UInt8] { [UInt8(v & 0xFF), UInt8((v >> 8) & 0xFF)] }
    static func le32(_ v: Int) -> [UInt8] { (0..<4).map { UInt8((v >> (8 * $0)) & 0xFF) } }

    static func fmt(tag: Int = 1, channels: Int = 1, rate: Int = 48_000, bits: Int = 16, blockAlign: Int? = nil) -> [UInt8] {
        let align = blockAlign ?? channels * bits / 8
        return le16(tag) + le16(channels) + le32(rate) + le32(rate * align) + le16(align) + le16(bits)
    }

    static func chunk(_ id: String, _ body: [UInt8], declaredSize: Int? = nil, pad: Bool = true) -> [UInt8] {
        var c = Array(id.utf8) + le32(declaredSize ?? body.count) + body
        if pad && body.count % 2 == 1 { c.append(0) }
        return c
    }

    static func riff(_ chunks: [[UInt8]], magic: String = "RIFF", form: String = "WAVE") -> [UInt8] {
        let body = chunks.flatMap { $0 }
        return Array(magic.utf8) + le32(4 + body.count) + Array(form.utf8) + body
    }

    /// A plain 16-bit mono WAV with the given samples.
    static func mono16(_ samples: [Int16], rate: Int = 48_000) -> [UInt8] {
        let data = samples.flatMap { le16(Int($0)) }
        return riff([chunk("fmt ", fmt(rate: rate)), chunk("data", data)])
    }
}

/// Deterministic test signals.
enum TestSignal {
    /// `count` values k / scale for pseudo-random integers k in [lo, hi].
    static func quantised(count: Int, lo: Int, hi: Int, scale: Float, seed: UInt64 = 1) -> [Float] {
        var s = seed
        var out: [Float] = []
        out.reserveCapacity(count)
        for _ in 0..<count {
            s = s &* 6364136223846793005 &+ 1442695040888963407
            let k = lo + Int((s >> 33) % UInt64(hi - lo + 1))
            out.append(Float(k) / scale)
        }
        return out
    }

    static func complex(_ scalars: [Float]) -> [ComplexSample] {
        stride(from: 0, to: scalars.count - 1, by: 2).map { ComplexSample(re: scalars[$0], im: scalars[$0 + 1]) }
    }

    /// Every sample of a source, as scalars (I, Q interleaved for complex sources).
    static func readAll(_ source: SampleFileSource, block: Int = 1000) throws -> [Float] {
        var out: [Float] = []
        while let b = try source.read(maxSamples: block) {
            switch b {
            case .real(let r): out += r
            case .complex(let c): for s in c { out.append(s.re); out.append(s.im) }
            }
        }
        return out
    }
}

/// The message of the `SampleFileError` that `body` throws, "no error", or a note on another error type.
func fileErrorText(_ body: () throws -> Any) -> String {
    do {
        _ = try body()
        return "no error"
    } catch let e as SampleFileError {
        return e.description
    } catch {
        return "not a SampleFileError: \(error)"
    }
}
