/// Repair of an AX.25 frame whose FCS failed (or whose bits between the flags were not whole bytes): the
/// weakest channel symbols of the frame are flipped, one at a time and in pairs, and the frame is decoded
/// again from the channel bits (line decoding, bit unstuffing), since one wrong channel bit
/// becomes up to six wrong data bits and can shift the byte alignment.
///
/// A repaired frame must pass the FCS *and* carry two plausible AX.25 addresses (callsign characters A–Z,
/// 0–9 or space, not starting with a space, extension bits clear). Each trial on a random candidate passes
/// the FCS with probability 2⁻¹⁶ and the address check with about (37/256)¹² ≈ 10⁻¹⁰, so with
/// `singles + pairs` trials per failed candidate a false frame from noise stays below 10⁻¹² per candidate.
public struct AX25BitRepair: Sendable {
    /// The weakest symbols flipped one at a time.
    public var singles = 16
    /// The weakest symbols flipped two at a time (all pairs).
    public var pairs = 6
    /// Channel bits kept before the frame's first data bit: the opening flag and the descrambler's memory.
    public static let lead = 48

    public let lineCoding: AX25LineCoding
    public let configuration: HDLCDeframer.Configuration

    public init(lineCoding: AX25LineCoding, configuration: HDLCDeframer.Configuration) {
        self.lineCoding = lineCoding
        self.configuration = configuration
    }

    public init(scrambled: Bool, configuration: HDLCDeframer.Configuration) {
        self.init(lineCoding: scrambled ? .g3ruh : .nrzi, configuration: configuration)
    }

    /// A repaired frame: its bytes (without FCS) and how many channel symbols were flipped.
    public struct Repair: Sendable, Hashable {
        public var bytes: [UInt8]
        public var flipped: Int
    }

    /// `soft`: the channel soft symbols from `lead` symbols before the frame's first data bit to the last
    /// bit of its closing flag (inclusive), so the frame ends at `soft.count − 1`.
    public func repair(_ soft: ArraySlice<UInt8>) -> Repair? {
        let symbols = Array(soft)
        let end = symbols.count - 1
        guard end - 7 >= Self.lead + 8 * configuration.minimumBytes else { return nil }
        let body = Self.lead..<(end - 7)
        func sureness(_ s: UInt8) -> UInt8 { s >= 128 ? s - 128 : 127 - s }
        let order = body.sorted { (sureness(symbols[$0]), $0) < (sureness(symbols[$1]), $1) }
        // Only symbols weaker than the frame's typical one: with equally sure symbols nothing is tried.
        let median = sureness(symbols[order[order.count / 2]])
        let weak = Array(order.prefix(max(singles, pairs)).prefix { sureness(symbols[$0]) < median })
        var trials: [[Int]] = weak.prefix(singles).map { [$0] }
        let pairable = Array(weak.prefix(pairs))
        for i in pairable.indices { for j in pairable.indices where j > i { trials.append([pairable[i], pairable[j]]) } }

        let hard = symbols.map { $0 >= 128 ? UInt8(1) : 0 }
        var bits = hard
        var found: [HDLCFrame] = []
        for flips in trials {
            for k in bits.indices { bits[k] = hard[k] }
            for k in flips { bits[k] ^= 1 }
            var channel = AX25ChannelDecoder(lineCoding)
            bits.withUnsafeMutableBufferPointer { channel.process($0) }
            var hdlc = HDLCDeframer(configuration: configuration)
            found.removeAll(keepingCapacity: true)
            hdlc.process(bits, into: &found)
            // The same frame: it closes where the failed one did and opened at most a byte from its start.
            if let f = found.first(where: {
                $0.verdict == .good && $0.endBit == end && abs($0.startBit - Self.lead) <= 8
            }), Self.plausibleAddresses(f.bytes) {
                return Repair(bytes: f.bytes, flipped: flips.count)
            }
        }
        return nil
    }

    /// Destination and source addresses of AX.25: six callsign characters each (shifted left one bit, so
    /// the extension bit is clear) from A–Z, 0–9 and space, the first not a space; the destination's SSID
    /// byte does not end the address field.
    public static func plausibleAddresses(_ bytes: [UInt8]) -> Bool {
        guard bytes.count >= 16, bytes[6] & 1 == 0 else { return false }
        for base in [0, 7] {
            guard bytes[base] != 0x40 else { return false }
            for i in base..<(base + 6) {
                let b = bytes[i]
                guard b & 1 == 0 else { return false }
                let c = b >> 1
                guard (0x41...0x5A).contains(c) || (0x30...0x39).contains(c) || c == 0x20 else { return false }
            }
        }
        return true
    }
}
