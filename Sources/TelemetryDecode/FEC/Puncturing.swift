/// CCSDS 131.0-B punctured rates of the K = 7 code: a fixed pattern drops some of the rate 1/2 symbols
/// before transmission; the receiver puts erasures (soft 128) back in their place so the ordinary rate
/// 1/2 Viterbi decoder does the rest.
///
/// Patterns (1 = transmitted), over one period of input bits, with symbols sent in the natural order
/// C1(1), C2(1), C1(2), C2(2) ... minus the dropped ones:
/// | rate | C1 | C2 | sent |
/// |---|---|---|---|
/// | 2/3 | 1 0 | 1 1 | C1(1) C2(1) C2(2) |
/// | 3/4 | 1 0 1 | 1 1 0 | C1(1) C2(1) C2(2) C1(3) |
/// | 5/6 | 1 0 1 0 1 | 1 1 0 1 0 | C1(1) C2(1) C2(2) C1(3) C2(4) C1(5) |
/// | 7/8 | 1 0 0 0 1 0 1 | 1 1 1 1 0 1 0 | C1(1) C2(1) C2(2) C2(3) C2(4) C1(5) C2(6) C1(7) |
///
/// CCSDS draws the punctured encoder without the C2 inverter (use ``ConvolutionalCode/nasaDSN``), but
/// puncturing itself works with either variant. Patterns start at the first symbol of a block.
public struct Puncturing: Sendable, Hashable, CustomStringConvertible {
    /// Keep flags for C1 over one period.
    public let c1: [Bool]
    /// Keep flags for C2 over one period.
    public let c2: [Bool]
    /// Keep flags over the 2 × period mother symbols (C1, C2 interleaved).
    public let mask: [Bool]
    /// Symbols sent per period.
    public let transmittedPerPeriod: Int

    /// Input bits per period.
    public var period: Int { c1.count }
    public var description: String { "rate \(period)/\(transmittedPerPeriod)" }

    public static let rate1_2 = Puncturing(c1: "1", c2: "1")
    public static let rate2_3 = Puncturing(c1: "10", c2: "11")
    public static let rate3_4 = Puncturing(c1: "101", c2: "110")
    public static let rate5_6 = Puncturing(c1: "10101", c2: "11010")
    public static let rate7_8 = Puncturing(c1: "1000101", c2: "1111010")
    /// The CCSDS rates, 1/2 (no puncturing) first.
    public static let ccsdsRates: [Puncturing] = [.rate1_2, .rate2_3, .rate3_4, .rate5_6, .rate7_8]

    private init(c1: String, c2: String) {
        self.c1 = c1.map { $0 == "1" }
        self.c2 = c2.map { $0 == "1" }
        self.mask = zip(self.c1, self.c2).flatMap { [$0, $1] }
        self.transmittedPerPeriod = mask.filter { $0 }.count
    }

    /// Number of symbols sent for `motherCount` rate 1/2 symbols.
    public func transmittedCount(forMotherCount motherCount: Int) -> Int {
        let full = motherCount / mask.count, rest = motherCount % mask.count
        return full * transmittedPerPeriod + mask.prefix(rest).filter { $0 }.count
    }

    /// Drops the punctured symbols from rate 1/2 symbols (hard or soft; C1, C2 pairs from the block start).
    public func puncture(_ symbols: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(transmittedCount(forMotherCount: symbols.count))
        var k = 0
        for s in symbols {
            if mask[k] { out.append(s) }
            k += 1
            if k == mask.count { k = 0 }
        }
        return out
    }

    /// Re-inserts erasures (128) for the punctured positions, appending rate 1/2 soft symbols to `out`.
    /// `phase` is the position in the mother pattern (0 at a block start) and is carried across calls,
    /// so a stream can be depunctured in chunks. Stops after the last received symbol.
    public func depuncture(_ received: UnsafeBufferPointer<UInt8>, phase: inout Int, into out: inout [UInt8]) {
        var k = phase % mask.count
        var i = 0
        out.reserveCapacity(out.count + received.count * mask.count / transmittedPerPeriod + 2)
        while i < received.count {
            if mask[k] {
                out.append(received[i])
                i += 1
            } else {
                out.append(128)
            }
            k += 1
            if k == mask.count { k = 0 }
        }
        phase = k
    }

    /// Depunctures a whole block: rate 1/2 soft symbols for `motherCount` symbols, erasures where
    /// nothing was sent. With `motherCount` nil, the block ends after the last received symbol, padded
    /// with an erasure to a whole C1/C2 pair.
    public func depuncture(_ received: [UInt8], motherCount: Int? = nil) -> [UInt8] {
        var out: [UInt8] = []
        var phase = 0
        received.withUnsafeBufferPointer { depuncture($0, phase: &phase, into: &out) }
        let target = motherCount ?? (out.count + 1) / 2 * 2
        if out.count < target { out.append(contentsOf: repeatElement(128, count: target - out.count)) }
        if out.count > target { out.removeLast(out.count - target) }
        return out
    }
}
