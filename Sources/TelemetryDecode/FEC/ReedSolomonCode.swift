/// A Reed-Solomon code over GF(2^8) of natural length 255, described like the CCSDS and libfec codes:
/// field polynomial, first consecutive root `fcr`, primitive element index `prim` and `parityCount` (2t)
/// parity symbols. The generator polynomial is g(x) = ∏_{j=0}^{2t-1} (x − β^(fcr+j)) with β = α^prim.
///
/// Blocks are sent highest power first: symbol 0 of a block of n symbols is the coefficient of x^(n−1).
/// A block shorter than 255 symbols is a shortened code (the missing leading symbols are virtual zero
/// fill), so the shortening is given by the block length alone.
///
/// Symbols may be transmitted in another basis than the conventional one (CCSDS uses Berlekamp's dual
/// basis): `symbolMap` maps a transmitted byte to its conventional value, and the code converts on the fly.
///
/// Decoding is Berlekamp–Massey with erasures, Chien search over the valid positions only, and Forney.
/// It refuses (`.uncorrectable`, block untouched) unless: the locator degree equals the LFSR length and the
/// number of distinct roots found, all roots lie inside the (shortened) block, 2·errors + erasures ≤ 2t,
/// the error evaluator has degree below the locator's (so the corrected block is a codeword), and every
/// non-erasure root has a non-zero error value. The return value counts symbols actually changed.
public struct ReedSolomonCode: Sendable {
    public let field: GaloisField256
    public let firstConsecutiveRoot: Int
    public let primitiveElement: Int
    /// 2t, the number of parity symbols per codeword.
    public let parityCount: Int
    @usableFromInline let tables: Tables

    /// Natural (unshortened) codeword length.
    public static let naturalLength = 255
    /// Data symbols in an unshortened codeword.
    public var dataLength: Int { Self.naturalLength - parityCount }
    /// t, the number of symbol errors correctable without erasures.
    public var correctionCapability: Int { parityCount / 2 }

    /// Per-code constants in one byte array (offsets below).
    @usableFromInline final class Tables: Sendable {
        @usableFromInline let bytes: [UInt8]
        /// For 2t ≤ 32: entry f (four words) is the 32-byte vector f·g_{2t−1−q}, byte q in bits 8(q mod 8) of
        /// word q / 8, so one LFSR step of the division by g(x) is a 4-word shift and XOR. Empty otherwise.
        let lfsr: [UInt64]
        /// (1 − fcr) · prim mod 255: the exponent factor of X^(1−fcr) in Forney's formula.
        let forneyFactor: Int
        let primitiveElement: Int
        /// prim^-1 mod 255.
        let primitiveInverse: Int
        let parityCount: Int
        init(bytes: [UInt8], lfsr: [UInt64], forneyFactor: Int, primitiveElement: Int, primitiveInverse: Int, parityCount: Int) {
            self.bytes = bytes
            self.lfsr = lfsr
            self.forneyFactor = forneyFactor
            self.primitiveElement = primitiveElement
            self.primitiveInverse = primitiveInverse
            self.parityCount = parityCount
        }
    }
    // Offsets in `Tables.bytes`.
    static let toConventionalOffset = 0
    static let fromConventionalOffset = 256
    /// g_{2t−1−q} for q in 0..<2t (generator coefficients, highest first, monic term omitted).
    static let generatorOffset = 512
    /// β^(fcr+j) for j in 0..<2t: the roots at which syndromes are evaluated.
    static func rootsOffset(_ r: Int) -> Int { 512 + r }
    /// β^(−k) for k in 0...2t: Chien search step multipliers.
    static func chienOffset(_ r: Int) -> Int { 512 + 2 * r }
    /// β^(−2t·(fcr+j)) for j in 0..<2t: turns x^2t·v(x) mod g(x), evaluated at a root, into the syndrome.
    static func scaleOffset(_ r: Int) -> Int { 512 + 3 * r + 1 }

    /// - Parameters:
    ///   - symbolMap: optional permutation of 0...255 mapping transmitted symbols to conventional field elements.
    public init(
        field: GaloisField256, firstConsecutiveRoot: Int, primitiveElement: Int, parityCount: Int,
        symbolMap: [UInt8]? = nil
    ) throws(ReedSolomonError) {
        guard (0..<255).contains(firstConsecutiveRoot) else {
            throw .invalidParameter(name: "first consecutive root", value: firstConsecutiveRoot)
        }
        guard (1..<255).contains(primitiveElement), gcd(primitiveElement, 255) == 1 else {
            throw .invalidParameter(name: "primitive element index", value: primitiveElement)
        }
        guard (1...254).contains(parityCount) else {
            throw .invalidParameter(name: "parity symbol count", value: parityCount)
        }
        let r = parityCount
        var t = [UInt8](repeating: 0, count: 512 + 4 * r + 1)
        if let map = symbolMap {
            guard map.count == 256 else { throw .invalidLength(expected: 256, actual: map.count) }
            var seen = [Bool](repeating: false, count: 256)
            for (i, v) in map.enumerated() {
                guard !seen[Int(v)] else { throw .invalidParameter(name: "symbol map (not a permutation) at", value: i) }
                seen[Int(v)] = true
                t[Self.toConventionalOffset + i] = v
                t[Self.fromConventionalOffset + Int(v)] = UInt8(i)
            }
        } else {
            for i in 0..<256 {
                t[Self.toConventionalOffset + i] = UInt8(i)
                t[Self.fromConventionalOffset + i] = UInt8(i)
            }
        }
        // g(x) = ∏ (x + β^(fcr+j)); g[k] is the coefficient of x^k.
        var g = [UInt8](repeating: 0, count: r + 1)
        g[0] = 1
        for j in 0..<r {
            let root = field.exp(primitiveElement * (firstConsecutiveRoot + j))
            t[Self.rootsOffset(r) + j] = root
            t[Self.scaleOffset(r) + j] = field.exp(-r * primitiveElement * (firstConsecutiveRoot + j))
            for k in stride(from: j + 1, through: 1, by: -1) {
                g[k] = g[k - 1] ^ field.multiply(root, g[k])
            }
            g[0] = field.multiply(root, g[0])
        }
        for q in 0..<r { t[Self.generatorOffset + q] = g[r - 1 - q] }
        for k in 0...r { t[Self.chienOffset(r) + k] = field.exp(-primitiveElement * k) }
        var factor = ((1 - firstConsecutiveRoot) % 255 + 255) % 255
        factor = (factor * primitiveElement) % 255
        self.field = field
        self.firstConsecutiveRoot = firstConsecutiveRoot
        self.primitiveElement = primitiveElement
        self.parityCount = parityCount
        var lfsr: [UInt64] = []
        if r <= 32 {
            lfsr = [UInt64](repeating: 0, count: 256 * 4)
            for f in 0..<256 {
                for q in 0..<r {
                    let byte = UInt64(field.multiply(UInt8(f), t[Self.generatorOffset + q]))
                    lfsr[f * 4 + q / 8] |= byte << UInt64(8 * (q % 8))
                }
            }
        }
        var inverse = 1
        while (inverse * primitiveElement) % 255 != 1 { inverse += 1 }
        self.tables = Tables(
            bytes: t, lfsr: lfsr, forneyFactor: factor, primitiveElement: primitiveElement,
            primitiveInverse: inverse, parityCount: r)
    }

    /// Convenience: builds the field too.
    public init(
        fieldPolynomial: Int, firstConsecutiveRoot: Int, primitiveElement: Int, parityCount: Int,
        symbolMap: [UInt8]? = nil
    ) throws(ReedSolomonError) {
        try self.init(
            field: GaloisField256(polynomial: fieldPolynomial), firstConsecutiveRoot: firstConsecutiveRoot,
            primitiveElement: primitiveElement, parityCount: parityCount, symbolMap: symbolMap)
    }

    /// Generator polynomial coefficients, g[k] of x^k, k = 0...2t (g[2t] = 1), in the conventional basis.
    public var generatorPolynomial: [UInt8] {
        var g = [UInt8](repeating: 1, count: parityCount + 1)
        for q in 0..<parityCount { g[parityCount - 1 - q] = tables.bytes[Self.generatorOffset + q] }
        return g
    }

    // MARK: Encoding

    /// Computes the parity of `data` (1...dataLength symbols; fewer than `dataLength` is a shortened code).
    public func encode(data: UnsafeBufferPointer<UInt8>, parity: UnsafeMutableBufferPointer<UInt8>) throws(ReedSolomonError) {
        guard (1...dataLength).contains(data.count) else { throw .invalidLength(expected: dataLength, actual: data.count) }
        guard parity.count == parityCount else { throw .invalidLength(expected: parityCount, actual: parity.count) }
        guard let d = data.baseAddress, let p = parity.baseAddress else { return }
        encodeKernel(data: d, stride: 1, count: data.count, parity: p, parityStride: 1)
    }

    /// `data` followed by its parity (a shortened codeword when `data.count < dataLength`).
    public func encode(_ data: [UInt8]) throws(ReedSolomonError) -> [UInt8] {
        guard (1...dataLength).contains(data.count) else { throw .invalidLength(expected: dataLength, actual: data.count) }
        var out = data + [UInt8](repeating: 0, count: parityCount)
        let n = data.count
        out.withUnsafeMutableBufferPointer { b in
            guard let base = b.baseAddress else { return }
            encodeKernel(data: base, stride: 1, count: n, parity: base + n, parityStride: 1)
        }
        return out
    }

    /// LFSR division by g(x). `data[i * stride]` for i in 0..<count; parity written at `parity[q * parityStride]`.
    @usableFromInline
    func encodeKernel(
        data: UnsafePointer<UInt8>, stride: Int, count: Int, parity: UnsafeMutablePointer<UInt8>, parityStride: Int
    ) {
        let r = parityCount
        field.storage.bytes.withUnsafeBufferPointer { fb in
            tables.bytes.withUnsafeBufferPointer { cb in
                guard let f = fb.baseAddress, let c = cb.baseAddress else { return }
                let toConv = c + Self.toConventionalOffset
                let fromConv = c + Self.fromConventionalOffset
                let gen = c + Self.generatorOffset
                if r <= 32 {
                    tables.lfsr.withUnsafeBufferPointer { lb in
                        guard let lt = lb.baseAddress else { return }
                        var w = Self.divide(data, stride: stride, count: count, toConventional: toConv, table: lt)
                        withUnsafeBytes(of: &w) { reg in
                            for q in 0..<r { parity[q * parityStride] = fromConv[Int(reg[q])] }
                        }
                    }
                    return
                }
                withUnsafeTemporaryAllocation(of: UInt8.self, capacity: r) { regBuf in
                    guard let reg = regBuf.baseAddress else { return }
                    reg.initialize(repeating: 0, count: r)
                    var src = data
                    for _ in 0..<count {
                        let feedback = toConv[Int(src.pointee)] ^ reg[0]
                        src += stride
                        if feedback != 0 {
                            let row = f + Int(feedback) &<< 8
                            for q in 0..<(r - 1) { reg[q] = reg[q + 1] ^ row[Int(gen[q])] }
                            reg[r - 1] = row[Int(gen[r - 1])]
                        } else {
                            for q in 0..<(r - 1) { reg[q] = reg[q + 1] }
                            reg[r - 1] = 0
                        }
                    }
                    for q in 0..<r { parity[q * parityStride] = fromConv[Int(reg[q])] }
                }
            }
        }
    }

    // MARK: Decoding

    /// Corrects `block` (a codeword of parityCount+1 ... 255 symbols) in place and returns the number of
    /// symbols changed. `erasures` are block indices known to be unreliable (at most `parityCount`).
    /// On any error the block is left unchanged.
    public func decode(
        _ block: UnsafeMutableBufferPointer<UInt8>, erasures: UnsafeBufferPointer<Int> = UnsafeBufferPointer(start: nil, count: 0)
    ) throws(ReedSolomonError) -> Int {
        let m = block.count
        guard m > parityCount, m <= Self.naturalLength else {
            throw .invalidLength(expected: Self.naturalLength, actual: m)
        }
        guard erasures.count <= parityCount else {
            throw .tooManyErasures(count: erasures.count, limit: parityCount)
        }
        guard let base = block.baseAddress else { throw .invalidLength(expected: Self.naturalLength, actual: 0) }
        let r = parityCount
        let s = erasures.count
        // Scratch: erasures (r), duplicate bitmap (32), positions (r), masks (r), kernel scratch.
        let status: Int = withUnsafeTemporaryAllocation(
            of: UInt8.self, capacity: 3 * r + 32 + Self.kernelScratchSize(parityCount: r)
        ) { buf in
            guard let p = buf.baseAddress else { return Self.statusUncorrectable }
            let era = p, seen = p + r, positions = p + r + 32, masks = p + 2 * r + 32
            let scratch = p + 3 * r + 32
            seen.initialize(repeating: 0, count: 32)
            for e in 0..<s {
                let pos = erasures[e]
                guard pos >= 0, pos < m else { return Self.statusErasureRange - e }
                let bit = UInt8(1) << UInt8(pos & 7)
                guard seen[pos >> 3] & bit == 0 else { return Self.statusDuplicate - e }
                seen[pos >> 3] |= bit
                era[e] = UInt8(pos)
            }
            let n = correctionsKernel(
                symbols: base, stride: 1, length: m, erasures: era, erasureCount: s,
                positions: positions, masks: masks, scratch: scratch)
            if n > 0 {
                for q in 0..<n { base[Int(positions[q])] ^= masks[q] }
            }
            return n
        }
        if status >= 0 { return status }
        throw Self.error(forStatus: status, erasures: erasures, length: m)
    }

    /// Array convenience for `decode(_:erasures:)`.
    public func decode(_ block: inout [UInt8], erasures: [Int] = []) throws(ReedSolomonError) -> Int {
        let result: Result<Int, ReedSolomonError> = block.withUnsafeMutableBufferPointer { b in
            erasures.withUnsafeBufferPointer { e in
                do throws(ReedSolomonError) { return .success(try decode(b, erasures: e)) } catch { return .failure(error) }
            }
        }
        return try result.get()
    }

    // Internal status codes (kernel results ≥ 0 are correction counts).
    static let statusUncorrectable = -1
    static let statusErasureRange = -1_000
    static let statusDuplicate = -100_000

    static func error(forStatus status: Int, erasures: UnsafeBufferPointer<Int>, length: Int) -> ReedSolomonError {
        if status <= statusDuplicate {
            let e = statusDuplicate - status
            return .duplicateErasure(position: e < erasures.count ? erasures[e] : -1)
        }
        if status <= statusErasureRange {
            let e = statusErasureRange - status
            return .erasureOutOfRange(position: e < erasures.count ? erasures[e] : -1, length: length)
        }
        return .uncorrectable
    }

    /// Bytes of scratch `correctionsKernel` needs.
    @usableFromInline static func kernelScratchSize(parityCount r: Int) -> Int { 256 + 6 * (r + 1) }

    /// The decoder proper. Reads `symbols[i * stride]` for i in 0..<length (transmitted basis), takes erasure
    /// block indices (validated: in range, distinct, count ≤ 2t), and writes up to 2t corrections as
    /// (block index, XOR mask in the transmitted basis). Returns the number of corrections, or -1 when
    /// uncorrectable. Allocates nothing; `scratch` must hold `kernelScratchSize` bytes.
    @usableFromInline
    func correctionsKernel(
        symbols: UnsafePointer<UInt8>, stride: Int, length m: Int,
        erasures: UnsafePointer<UInt8>, erasureCount s: Int,
        positions: UnsafeMutablePointer<UInt8>, masks: UnsafeMutablePointer<UInt8>,
        scratch: UnsafeMutablePointer<UInt8>
    ) -> Int {
        let tab = tables
        let r = tab.parityCount
        let prim = tab.primitiveElement
        let forneyFactor = tab.forneyFactor
        let iprim = tab.primitiveInverse
        return field.storage.bytes.withUnsafeBufferPointer { fb -> Int in
            tab.bytes.withUnsafeBufferPointer { cb -> Int in
            tab.lfsr.withUnsafeBufferPointer { lb -> Int in
                guard let f = fb.baseAddress, let c = cb.baseAddress else { return -1 }
                let lfsrBase = r <= 32 ? lb.baseAddress : nil
                let mul = f + GaloisField256.mulOffset
                let expT = f + GaloisField256.expOffset
                let logT = f + GaloisField256.logOffset
                let invT = f + GaloisField256.invOffset
                let toConv = c + Self.toConventionalOffset
                let fromConv = c + Self.fromConventionalOffset
                let roots = c + Self.rootsOffset(r)
                let chien = c + Self.chienOffset(r)

                let d = scratch                   // 256: block in the conventional basis
                let syn = scratch + 256           // r (+1)
                let lambda = syn + (r + 1)        // r + 1
                let bPoly = lambda + (r + 1)      // r + 1
                let tPoly = bPoly + (r + 1)       // r + 1
                let omega = tPoly + (r + 1)       // r (+1)
                let terms = omega + (r + 1)       // r + 1

                // 1. Syndromes S_j = v(β^(fcr+j)). For 2t ≤ 32: divide x^2t·v(x) by g(x) with the word-wide LFSR
                //    (a codeword leaves remainder 0), then S_j = β^(−2t(fcr+j)) · rem(β^(fcr+j)).
                //    Otherwise: Horner over the whole block.
                if let lt = lfsrBase {
                    var w = Self.divide(symbols, stride: stride, count: m, toConventional: toConv, table: lt)
                    if w.0 | w.1 | w.2 | w.3 == 0 { return 0 }  // a codeword: nothing to correct
                    withUnsafeBytes(of: &w) { raw in
                        for q in 0..<r { d[q] = raw[q] }
                    }
                    Self.evaluate(d, count: r, at: roots, rootCount: r, mul: mul, into: syn)
                    let scale = c + Self.scaleOffset(r)
                    for j in 0..<r { syn[j] = mul[Int(scale[j]) &<< 8 | Int(syn[j])] }
                } else {
                    var src = symbols
                    for i in 0..<m {
                        d[i] = toConv[Int(src.pointee)]
                        src += stride
                    }
                    Self.evaluate(d, count: m, at: roots, rootCount: r, mul: mul, into: syn)
                    var any: UInt8 = 0
                    for k in 0..<r { any |= syn[k] }
                    if any == 0 { return 0 }  // a codeword: nothing to correct
                }

                // 2. Erasure locator Γ(x) = ∏ (1 + X_k x), X_k = β^(power of position k).
                for k in 0...r { lambda[k] = 0; bPoly[k] = 0; tPoly[k] = 0 }
                lambda[0] = 1
                for e in 0..<s {
                    let power = m - 1 - Int(erasures[e])
                    let rowX = mul + Int(expT[(prim * power) % 255]) &<< 8
                    for k in Swift.stride(from: e + 1, through: 1, by: -1) { lambda[k] ^= rowX[Int(lambda[k - 1])] }
                }
                for k in 0...s { bPoly[k] = lambda[k] }

                // 3. Berlekamp–Massey, started from the erasure locator.
                var lfsrLength = s
                var degLambda = s  // upper bounds on the degrees
                var degB = s
                var step = s
                while step < r {
                    var delta: UInt8 = 0
                    let top = min(degLambda, step)
                    for i in 0...top { delta ^= mul[Int(lambda[i]) &<< 8 | Int(syn[step &- i])] }
                    if delta == 0 {
                        // B ← x·B
                        var k = degB + 1
                        while k > 0 { bPoly[k] = bPoly[k - 1]; k -= 1 }
                        bPoly[0] = 0
                        degB += 1
                    } else {
                        // T ← Λ − Δ·x·B
                        let rowD = mul + Int(delta) &<< 8
                        let degT = max(degLambda, degB + 1)
                        tPoly[0] = lambda[0]
                        for k in 1...degT { tPoly[k] = lambda[k] ^ rowD[Int(bPoly[k - 1])] }
                        if 2 * lfsrLength <= step + s {
                            // B ← Δ^-1·Λ
                            let rowI = mul + Int(invT[Int(delta)]) &<< 8
                            for k in 0...degLambda { bPoly[k] = rowI[Int(lambda[k])] }
                            if degB > degLambda { for k in (degLambda + 1)...degB { bPoly[k] = 0 } }
                            degB = degLambda
                            lfsrLength = step + 1 + s - lfsrLength
                        } else {
                            var k = degB + 1
                            while k > 0 { bPoly[k] = bPoly[k - 1]; k -= 1 }
                            bPoly[0] = 0
                            degB += 1
                        }
                        for k in 0...degT { lambda[k] = tPoly[k] }
                        degLambda = degT
                    }
                    step += 1
                }
                while degLambda > 0 && lambda[degLambda] == 0 { degLambda -= 1 }
                let deg = degLambda
                // The locator must be a genuine LFSR of its length, within the decoding radius: 2e + s ≤ 2t.
                guard deg == lfsrLength, deg > 0, 2 * deg - s <= r else { return -1 }

                // 4. Error evaluator Ω = S·Λ mod x^2t; coefficients at and above deg Λ must vanish.
                for k in 0..<r {
                    var acc: UInt8 = 0
                    let top = min(k, deg)
                    for i in 0...top { acc ^= mul[Int(lambda[i]) &<< 8 | Int(syn[k &- i])] }
                    if k < deg {
                        omega[k] = acc
                    } else if acc != 0 {
                        return -1
                    }
                }

                // 5. Chien search over the valid powers 0..<m only: Λ(β^-p) = 0 ⇔ error at power p.
                //    terms[k] holds the coefficient of y^k in Λ(β^-p·y); each found root is divided out
                //    (y + 1 factor), so later steps get cheaper, and the last root is solved for directly.
                for k in 1...deg { terms[k] = lambda[k] }
                let rowBeta = mul + Int(expT[prim]) &<< 8
                var count = 0
                var current = deg
                var power = 0
                while power < m {
                    if current == 1 {
                        // 1 + t·β^-d·y vanishes at y = 1 when β^d = t, i.e. prim·d ≡ log t (mod 255).
                        let t = terms[1]
                        let distance = (Int(logT[Int(t)]) * iprim) % 255
                        if t != 0, power + distance < m {
                            positions[count] = UInt8(m - 1 - power - distance)
                            count += 1
                        }
                        break
                    }
                    var v: UInt8 = 1
                    if current <= 8 {
                        // Register-resident scan until the next root (unused terms are 0 and stay 0).
                        var t1 = terms[1], t2 = terms[2], t3: UInt8 = 0, t4: UInt8 = 0
                        var t5: UInt8 = 0, t6: UInt8 = 0, t7: UInt8 = 0, t8: UInt8 = 0
                        if current >= 3 { t3 = terms[3] }
                        if current >= 4 { t4 = terms[4] }
                        if current >= 5 { t5 = terms[5] }
                        if current >= 6 { t6 = terms[6] }
                        if current >= 7 { t7 = terms[7] }
                        if current >= 8 { t8 = terms[8] }
                        let c1 = mul + Int(chien[1]) &<< 8, c2 = mul + Int(chien[2]) &<< 8
                        let c3 = current >= 3 ? mul + Int(chien[3]) &<< 8 : mul
                        let c4 = current >= 4 ? mul + Int(chien[4]) &<< 8 : mul
                        let c5 = current >= 5 ? mul + Int(chien[5]) &<< 8 : mul
                        let c6 = current >= 6 ? mul + Int(chien[6]) &<< 8 : mul
                        let c7 = current >= 7 ? mul + Int(chien[7]) &<< 8 : mul
                        let c8 = current >= 8 ? mul + Int(chien[8]) &<< 8 : mul
                        while true {
                            v = 1 ^ t1 ^ t2 ^ t3 ^ t4 ^ t5 ^ t6 ^ t7 ^ t8
                            t1 = c1[Int(t1)]; t2 = c2[Int(t2)]; t3 = c3[Int(t3)]; t4 = c4[Int(t4)]
                            t5 = c5[Int(t5)]; t6 = c6[Int(t6)]; t7 = c7[Int(t7)]; t8 = c8[Int(t8)]
                            if v == 0 || power + 1 >= m { break }
                            power += 1
                        }
                        terms[1] = t1; terms[2] = t2
                        if current >= 3 { terms[3] = t3 }
                        if current >= 4 { terms[4] = t4 }
                        if current >= 5 { terms[5] = t5 }
                        if current >= 6 { terms[6] = t6 }
                        if current >= 7 { terms[7] = t7 }
                        if current >= 8 { terms[8] = t8 }
                    } else {
                        // Evaluate at y = 1 and step to the next power in one pass.
                        var k = 1
                        while k <= current {
                            let t = terms[k]
                            v ^= t
                            terms[k] = mul[Int(chien[k]) &<< 8 | Int(t)]
                            k &+= 1
                        }
                    }
                    if v == 0 {
                        positions[count] = UInt8(m - 1 - power)
                        count += 1
                        // The stepped polynomial P(y) = (1 + β^-1·y)·Q(y): q_(c−1) = β·p_c,
                        // q_(k−1) = β·(p_k + q_k), and q_0 = p_0 = 1.
                        var q = rowBeta[Int(terms[current])]
                        var k = current - 1
                        while k >= 1 {
                            let pk = terms[k]
                            terms[k] = q
                            q = rowBeta[Int(pk ^ q)]
                            k -= 1
                        }
                        current -= 1
                    }
                    power += 1
                }
                guard count == deg else { return -1 }

                // 6. Forney: Y = X^(1−fcr) · Ω(X^-1) / Λ'(X^-1).
                var changed = 0
                for q in 0..<count {
                    let pos = Int(positions[q])
                    let pw = m - 1 - pos
                    let xl = (prim * pw) % 255
                    let xInv = expT[(255 - xl) % 255]
                    let rowX = mul + Int(xInv) &<< 8
                    var num: UInt8 = 0
                    var k = deg - 1
                    while k >= 0 { num = rowX[Int(num)] ^ omega[k]; k -= 1 }
                    // Λ'(x) = Λ_1 + Λ_3 x^2 + Λ_5 x^4 + ... (characteristic 2)
                    let rowX2 = mul + Int(rowX[Int(xInv)]) &<< 8
                    var den: UInt8 = 0
                    k = (deg & 1 == 1) ? deg : deg - 1
                    while k >= 1 { den = rowX2[Int(den)] ^ lambda[k]; k -= 2 }
                    guard den != 0 else { return -1 }
                    if num == 0 {
                        // Only an erased position may turn out to be right already.
                        var isErasure = false
                        for e in 0..<s where Int(erasures[e]) == pos { isErasure = true }
                        guard isErasure else { return -1 }
                        continue
                    }
                    let l = (forneyFactor * pw + Int(logT[Int(num)]) + 255 - Int(logT[Int(den)])) % 255
                    positions[changed] = UInt8(pos)
                    masks[changed] = fromConv[Int(expT[l])]
                    changed += 1
                }
                return changed
            }
            }
        }
    }

    /// x^2t·v(x) mod g(x) for 2t ≤ 32 with the word-wide LFSR: symbol q of the remainder (the coefficient of
    /// x^(2t−1−q)) is byte q of the four little-endian words.
    @inline(__always)
    static func divide(
        _ symbols: UnsafePointer<UInt8>, stride: Int, count: Int, toConventional: UnsafePointer<UInt8>,
        table: UnsafePointer<UInt64>
    ) -> (UInt64, UInt64, UInt64, UInt64) {
        guard count > 0 else { return (0, 0, 0, 0) }
        var w0: UInt64 = 0, w1: UInt64 = 0, w2: UInt64 = 0, w3: UInt64 = 0
        // The next feedback byte is x' + reg[1] + fb·g_(2t−1): computing it from the byte-0 column of the table
        // keeps the loop-carried chain at one load, while the full 32-byte update runs beside it.
        var src = symbols
        var feedback = Int(toConventional[Int(src.pointee)])
        for i in 1...count {
            let e = table + feedback &<< 2
            var next: UInt8 = 0
            if i < count {
                src += stride
                next = toConventional[Int(src.pointee)]
            }
            let nextFeedback = Int(next ^ UInt8(truncatingIfNeeded: w0 &>> 8) ^ UInt8(truncatingIfNeeded: e[0]))
            w0 = (w0 &>> 8 | w1 &<< 56) ^ e[0]
            w1 = (w1 &>> 8 | w2 &<< 56) ^ e[1]
            w2 = (w2 &>> 8 | w3 &<< 56) ^ e[2]
            w3 = (w3 &>> 8) ^ e[3]
            feedback = nextFeedback
        }
        // Little-endian words make `withUnsafeBytes` see byte q at offset q on any host.
        return (w0.littleEndian, w1.littleEndian, w2.littleEndian, w3.littleEndian)
    }

    /// out[j] = input(roots[j]) by Horner (input[0] is the highest coefficient), eight roots per pass.
    @inline(__always)
    static func evaluate(
        _ input: UnsafePointer<UInt8>, count n: Int, at roots: UnsafePointer<UInt8>, rootCount r: Int,
        mul: UnsafePointer<UInt8>, into out: UnsafeMutablePointer<UInt8>
    ) {
        var j = 0
        while j + 8 <= r {
            let r0 = mul + Int(roots[j]) &<< 8, r1 = mul + Int(roots[j + 1]) &<< 8
            let r2 = mul + Int(roots[j + 2]) &<< 8, r3 = mul + Int(roots[j + 3]) &<< 8
            let r4 = mul + Int(roots[j + 4]) &<< 8, r5 = mul + Int(roots[j + 5]) &<< 8
            let r6 = mul + Int(roots[j + 6]) &<< 8, r7 = mul + Int(roots[j + 7]) &<< 8
            var s0: UInt8 = 0, s1: UInt8 = 0, s2: UInt8 = 0, s3: UInt8 = 0
            var s4: UInt8 = 0, s5: UInt8 = 0, s6: UInt8 = 0, s7: UInt8 = 0
            var i = 0
            while i < n {
                let x = input[i]
                s0 = r0[Int(s0)] ^ x; s1 = r1[Int(s1)] ^ x
                s2 = r2[Int(s2)] ^ x; s3 = r3[Int(s3)] ^ x
                s4 = r4[Int(s4)] ^ x; s5 = r5[Int(s5)] ^ x
                s6 = r6[Int(s6)] ^ x; s7 = r7[Int(s7)] ^ x
                i &+= 1
            }
            out[j] = s0; out[j + 1] = s1; out[j + 2] = s2; out[j + 3] = s3
            out[j + 4] = s4; out[j + 5] = s5; out[j + 6] = s6; out[j + 7] = s7
            j += 8
        }
        while j < r {
            let row = mul + Int(roots[j]) &<< 8
            var acc: UInt8 = 0
            for i in 0..<n { acc = row[Int(acc)] ^ input[i] }
            out[j] = acc
            j += 1
        }
    }
}

private func gcd(_ a: Int, _ b: Int) -> Int {
    var (x, y) = (a, b)
    while y != 0 { (x, y) = (y, x % y) }
    return x
}
