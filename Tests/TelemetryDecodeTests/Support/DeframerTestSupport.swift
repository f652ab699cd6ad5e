import TelemetryDecode

/// Helpers for deframer tests: turning bytes into soft symbols and running recordings through a
/// demodulator and a deframer.
enum DeframerTestSupport {
    /// Bits (0/1) of `bytes`, MSB first.
    static func bits(_ bytes: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count * 8)
        for b in bytes {
            for i in (0..<8).reversed() { out.append((b >> UInt8(i)) & 1) }
        }
        return out
    }

    /// Bits of a 32-bit word, MSB first.
    static func bits(_ word: UInt32) -> [UInt8] {
        (0..<32).reversed().map { UInt8((word >> UInt32($0)) & 1) }
    }

    /// Hard bits to strong soft symbols (0 → 20, 1 → 235), optionally inverted.
    static func softSymbols(_ bits: [UInt8], inverted: Bool = false) -> [UInt8] {
        bits.map { ($0 & 1 == 1) != inverted ? 235 : 20 }
    }

    /// Strong soft symbols for `bits`, except that the bits at `weakWrong` arrive wrong, barely (118 for
    /// a sent 1, 138 for a sent 0), or, with `sure`, wrong and strong.
    static func softSymbols(_ bits: [UInt8], wrong weakWrong: some Sequence<Int>, sure: Bool = false) -> [UInt8] {
        var soft = softSymbols(bits)
        for i in weakWrong { soft[i] = bits[i] & 1 == 1 ? (sure ? 20 : 118) : (sure ? 235 : 138) }
        return soft
    }

    /// Runs soft symbols through a deframer in chunks of `chunk`.
    static func deframe<D: Deframer>(_ symbols: [UInt8], with deframer: inout D, chunk: Int = 1000) -> [DecodedFrame] {
        var frames: [DecodedFrame] = []
        var i = 0
        while i < symbols.count {
            let n = min(max(1, chunk), symbols.count - i)
            symbols.withUnsafeBufferPointer { deframer.process(UnsafeBufferPointer(rebasing: $0[i..<(i + n)]), into: &frames) }
            i += n
        }
        return frames
    }

    enum Demodulation: Sendable {
        case fsk(FSKDemodulator.Configuration)
        case afsk(AFSKDemodulator.Configuration)
    }

    /// Soft symbols of a shared recording, with `padSeconds` of zeros appended so filter delays flush.
    static func symbols(_ file: String, _ demodulation: Demodulation, padSeconds: Double = 0.25) throws -> [UInt8] {
        var samples = try RecordingFixtures.samples(file)
        samples.append(contentsOf: repeatElement(0, count: Int(48_000 * padSeconds)))
        var out: [UInt8] = []
        var fsk: FSKDemodulator?
        var afsk: AFSKDemodulator?
        switch demodulation {
        case let .fsk(c): fsk = FSKDemodulator(c)
        case let .afsk(c): afsk = AFSKDemodulator(c)
        }
        var i = 0
        while i < samples.count {
            let n = min(4096, samples.count - i)
            samples.withUnsafeBufferPointer { s in
                let chunk = UnsafeBufferPointer(rebasing: s[i..<(i + n)])
                if fsk != nil { fsk?.process(chunk, into: &out) } else { afsk?.process(chunk, into: &out) }
            }
            i += n
        }
        return out
    }

    /// Hex of the frames whose check passed / failed.
    static func split(_ frames: [DecodedFrame]) -> (good: Set<String>, bad: Set<String>) {
        (Set(frames.filter(\.checkPassed).map { Hex.string($0.bytes) }),
         Set(frames.filter { !$0.checkPassed }.map { Hex.string($0.bytes) }))
    }
}
