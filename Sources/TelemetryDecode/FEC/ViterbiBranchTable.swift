/// Precomputed branch metrics for the SIMD Viterbi kernel, one table per ``ConvolutionalCode``.
///
/// Soft symbols are quantised to 4 bits (`s >> 4`, 0...15) plus a separate erasure class for exactly 128.
/// The distance of a symbol from an expected bit is `q` (expecting 0) or `15 - q` (expecting 1); an
/// erasure costs 8 either way, so it favours neither bit. A branch metric is the sum over the two
/// symbols, 0...30.
///
/// Trellis butterflies: old states `j` and `j + 32` lead to new states `2j` and `2j + 1`. Because both
/// polynomials tap the newest and the oldest register bit, the transitions `j → 2j` and `j+32 → 2j+1`
/// emit the same symbol pair and the two others emit its complement. For each pair of symbol classes the
/// table holds four 16-lane vectors: the metric of `j → 2j` for j = 0..<16 and j = 16..<32, then the
/// complementary metric for the same lanes.
@usableFromInline
struct ViterbiBranchTable: Sendable {
    static let classCount = 17
    static let erasureClass = 16

    /// `classCount * classCount * 4` vectors.
    @usableFromInline var vectors: [SIMD16<UInt8>]
    /// Vector offset contributed by the first symbol of a pair: class * classCount * 4.
    @usableFromInline var firstOffset: [UInt16]
    /// Vector offset contributed by the second symbol of a pair: class * 4.
    @usableFromInline var secondOffset: [UInt16]

    /// The quantisation class of a soft symbol.
    static func symbolClass(_ s: UInt8) -> Int { s == 128 ? erasureClass : Int(s >> 4) }

    /// Distance of a symbol class from an expected bit (0...15).
    static func classMetric(_ c: Int, expecting bit: UInt8) -> UInt8 {
        if c == erasureClass { return 8 }
        return bit == 0 ? UInt8(c) : UInt8(15 - c)
    }

    /// Distance of a soft symbol from an expected bit (0...15).
    static func symbolMetric(_ s: UInt8, expecting bit: UInt8) -> UInt8 {
        classMetric(symbolClass(s), expecting: bit)
    }

    init(code: ConvolutionalCode) {
        let n = Self.classCount
        // Expected outputs of the transition j -> 2j (register 2j, oldest bit 0).
        let expected = (0..<32).map { code.outputs(register: 2 * $0) }
        var vectors = [SIMD16<UInt8>](repeating: .zero, count: n * n * 4)
        for c0 in 0..<n {
            for c1 in 0..<n {
                let base = (c0 * n + c1) * 4
                for j in 0..<32 {
                    let (e0, e1) = expected[j]
                    let bm = Self.classMetric(c0, expecting: e0) + Self.classMetric(c1, expecting: e1)
                    let bmc = Self.classMetric(c0, expecting: e0 ^ 1) + Self.classMetric(c1, expecting: e1 ^ 1)
                    vectors[base + j / 16][j % 16] = bm
                    vectors[base + 2 + j / 16][j % 16] = bmc
                }
            }
        }
        self.vectors = vectors
        self.firstOffset = (0...255).map { UInt16(Self.symbolClass(UInt8($0)) * n * 4) }
        self.secondOffset = (0...255).map { UInt16(Self.symbolClass(UInt8($0)) * 4) }
    }
}
