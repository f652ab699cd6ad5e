/// SMOG-P / ATL-1 / SMOG-1 signalling packets: FSK, NRZ, no scrambler.
///
/// Public description of the format (BME's SMOG ground-station software): the 16-bit word `0x2DD4`,
/// a fixed 64-byte pseudo-random pattern (one pattern for SMOG-P and ATL-1, another for SMOG-1's
/// transmitter), then six parameter bytes, each 0x00 or 0xFF: three for the data rate index and three
/// for the next packet's coding mode (a repetition code: each byte carries one bit eight times).
/// gr-satellites finds the packet by the first 64 bits (0x2DD4 + 6 pattern bytes, ≤ 8 bit errors) and
/// outputs the remaining 58 pattern bytes + the 6 parameter bytes; gsd does the same.
///
/// The packet has no checksum, so the known pattern is the check: a candidate is emitted only when
/// its 58 pattern bytes differ from the pattern in at most `maxPatternErrors` of 464 bits (noise
/// differs in about 232) and every parameter byte is decided by a clear majority (not 4 of 8). The
/// output is the corrected packet (pattern + decided parameter bytes); `correctedSymbols` counts the
/// bits that differed.
public struct SMOGPSignallingDeframer: Deframer {
    /// The pattern after `0x2DD4`, SMOG-P and ATL-1.
    public static let patternSMOGP: [UInt8] = [
        0x97, 0xFD, 0xD3, 0x7B, 0x0F, 0x1F, 0x6D, 0x08, 0xF7, 0x83, 0x5D, 0x9E, 0x59, 0x82, 0xC0, 0xFD,
        0x1D, 0xCA, 0xAD, 0x3B, 0x5B, 0xEB, 0xD4, 0x93, 0xE1, 0x4A, 0x04, 0xD2, 0x28, 0xDD, 0xF9, 0x01,
        0x53, 0xD2, 0xE6, 0x6C, 0x5B, 0x25, 0x65, 0x31, 0xC5, 0x7C, 0xE7, 0xF1, 0x38, 0x61, 0x2D, 0x5C,
        0x03, 0x3A, 0xC6, 0x88, 0x90, 0xDB, 0x8C, 0x8C, 0x42, 0xF3, 0x51, 0x75, 0x43, 0xA0, 0x83, 0x93,
    ]
    /// The pattern after `0x2DD4`, SMOG-1 transmitter.
    public static let patternSMOG1: [UInt8] = [
        0xA3, 0x9E, 0x1A, 0x55, 0x6B, 0xCB, 0x5C, 0x2F, 0x2A, 0x5C, 0xAD, 0xD5, 0x32, 0xFE, 0x85, 0x1D,
        0xDC, 0xE8, 0xBC, 0xE5, 0x13, 0x7E, 0xBA, 0xBD, 0x9D, 0x44, 0x31, 0x51, 0x3C, 0x92, 0x26, 0x6C,
        0xF3, 0x68, 0x98, 0xDA, 0xA3, 0xBA, 0x7F, 0x84, 0x86, 0x32, 0x95, 0xAC, 0x8D, 0x4E, 0x66, 0x8B,
        0x7F, 0x7B, 0xE0, 0x14, 0xE2, 0x3C, 0x49, 0x45, 0x32, 0xE4, 0x5C, 0x44, 0xF5, 0x6D, 0x2D, 0x0A,
    ]
    /// Bytes output per packet: pattern bytes after the 64-bit sync + 6 parameter bytes.
    public static let frameLength = 64

    public struct Configuration: Sendable, Hashable {
        public var syncErrors: Int
        public var maxPatternErrors: Int
        public var detectInverted: Bool
        /// Also look for SMOG-1's transmitter pattern.
        public var smog1: Bool
        public var framing: String
        public init(syncErrors: Int = 8, maxPatternErrors: Int = 70, detectInverted: Bool = true, smog1: Bool = false, framing: String = "SMOG-P Signalling") {
            self.syncErrors = max(0, min(syncErrors, 12))
            self.maxPatternErrors = max(0, min(maxPatternErrors, 100))
            self.detectInverted = detectInverted
            self.smog1 = smog1
            self.framing = framing
        }
    }

    struct Pending: Sendable {
        var bytes = [UInt8](repeating: 0, count: SMOGPSignallingDeframer.frameLength)
        var bitCount = 0
        var inverted: Bool
        var pattern: Int
    }

    public let configuration: Configuration
    let patterns: [[UInt8]]
    let syncWords: [UInt64]
    var register: UInt64 = 0
    var bitsSeen = 0
    var position = 0
    var pending: [Pending] = []
    var recent = RecentFrames()

    public init(_ configuration: Configuration = Configuration()) {
        self.configuration = configuration
        patterns = configuration.smog1 ? [Self.patternSMOGP, Self.patternSMOG1] : [Self.patternSMOGP]
        syncWords = patterns.map { p in p[0..<6].reduce(UInt64(0x2DD4)) { $0 << 8 | UInt64($1) } }
    }

    public mutating func process(_ symbols: UnsafeBufferPointer<UInt8>, into frames: inout [DecodedFrame]) {
        for s in symbols {
            let bit: UInt8 = s >= 128 ? 1 : 0
            position += 1
            bitsSeen += 1
            var k = 0
            while k < pending.count {
                let n = pending[k].bitCount
                if (bit != 0) != pending[k].inverted { pending[k].bytes[n >> 3] |= 0x80 >> UInt8(n & 7) }
                pending[k].bitCount = n + 1
                if n + 1 == 8 * Self.frameLength {
                    let p = pending.remove(at: k)
                    emit(p, into: &frames)
                    continue
                }
                k += 1
            }
            register = register << 1 | UInt64(bit)
            guard bitsSeen >= 64, pending.count < 8 else { continue }
            for (i, w) in syncWords.enumerated() {
                let errors = (register ^ w).nonzeroBitCount
                if errors <= configuration.syncErrors {
                    pending.append(Pending(inverted: false, pattern: i))
                } else if configuration.detectInverted && 64 - errors <= configuration.syncErrors {
                    pending.append(Pending(inverted: true, pattern: i))
                }
            }
        }
    }

    mutating func emit(_ p: Pending, into frames: inout [DecodedFrame]) {
        guard let frame = Self.check(p.bytes, pattern: patterns[p.pattern], maxPatternErrors: configuration.maxPatternErrors) else { return }
        if recent.isRepeat(frame.bytes, at: position, window: 8 * 80) { return }
        frames.append(
            DecodedFrame(
                bytes: frame.bytes, framing: configuration.framing, checkPassed: true,
                correctedSymbols: frame.corrected, symbolPosition: position))
    }

    /// Checks a received 64-byte packet body against `pattern` (the full 64-byte pattern; its first 6
    /// bytes are part of the sync) and decides the parameter bytes. nil when it is not a signalling packet.
    public static func check(_ body: [UInt8], pattern: [UInt8], maxPatternErrors: Int) -> (bytes: [UInt8], corrected: Int)? {
        guard body.count == frameLength, pattern.count == 64 else { return nil }
        var errors = 0
        for i in 0..<58 { errors += Int((body[i] ^ pattern[6 + i]).nonzeroBitCount) }
        guard errors <= maxPatternErrors else { return nil }
        var out = Array(pattern[6..<64])
        for i in 58..<64 {
            let ones = body[i].nonzeroBitCount
            guard ones != 4 else { return nil }
            out.append(ones > 4 ? 0xFF : 0x00)
            errors += ones > 4 ? 8 - ones : ones
        }
        return (out, errors)
    }

    /// The bits sent for a packet with the given parameter bits (3 data-rate + 3 mode bits, MSB first).
    public static func encode(dataRate: Int, mode: Int, pattern: [UInt8] = patternSMOGP) -> [UInt8] {
        var out: [UInt8] = [0x2D, 0xD4] + pattern
        for shift in [2, 1, 0] { out.append((dataRate >> shift) & 1 == 1 ? 0xFF : 0x00) }
        for shift in [2, 1, 0] { out.append((mode >> shift) & 1 == 1 ? 0xFF : 0x00) }
        return out
    }
}
