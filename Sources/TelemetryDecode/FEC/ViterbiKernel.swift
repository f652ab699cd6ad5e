/// The add-compare-select engine shared by the block and streaming Viterbi decoders.
///
/// Path metrics: 64 unsigned bytes in four `SIMD16<UInt8>` (states 0-15, 16-31, 32-47, 48-63), smaller
/// is better. Branch metrics are 0...30 (see ``ViterbiBranchTable``), so after any 6 steps every state
/// is within 6 × 30 = 180 of the best one; renormalising (subtracting the minimum) after every second
/// step keeps every sum ≤ 180 + 2 × 30 + 30 < 256, so plain wrapping byte arithmetic never overflows.
///
/// Decisions are packed bits, transposed in groups of 8 steps: group g (steps 8g ..< 8g+8) is 64 bytes,
/// byte n belongs to state n and its bit `7 - (t & 7)` is 1 when state n at step t was reached from the
/// lower predecessor `n >> 1` (0: from `n >> 1 | 32`). Ties go to the lower one. The bit layout comes
/// from shifting a per-lane accumulator once per step, so no movemask (which Swift cannot express) is
/// needed, and 8 steps cost one 64-byte store.
@usableFromInline
struct ViterbiKernel: Sendable {
    @usableFromInline var m0: SIMD16<UInt8>
    @usableFromInline var m1: SIMD16<UInt8>
    @usableFromInline var m2: SIMD16<UInt8>
    @usableFromInline var m3: SIMD16<UInt8>
    @usableFromInline var a0: SIMD16<UInt8> = .zero
    @usableFromInline var a1: SIMD16<UInt8> = .zero
    @usableFromInline var a2: SIMD16<UInt8> = .zero
    @usableFromInline var a3: SIMD16<UInt8> = .zero
    /// Steps already accumulated in the group in progress (0..<8).
    @usableFromInline var phase: Int = 0

    /// Metrics for 64 states (state order). Values must be ≤ 180 apart (the renormalisation bound).
    init(metrics: UnsafePointer<UInt8>) {
        m0 = .zero; m1 = .zero; m2 = .zero; m3 = .zero
        for i in 0..<16 {
            m0[i] = metrics[i]; m1[i] = metrics[16 + i]; m2[i] = metrics[32 + i]; m3[i] = metrics[48 + i]
        }
    }

    /// The 64 path metrics in state order.
    var metrics: [UInt8] {
        var out = [UInt8](repeating: 0, count: 64)
        for i in 0..<16 { out[i] = m0[i]; out[16 + i] = m1[i]; out[32 + i] = m2[i]; out[48 + i] = m3[i] }
        return out
    }

    /// The state with the smallest metric (lowest number on ties).
    var bestState: Int {
        let m = metrics
        var best = 0
        for s in 1..<64 where m[s] < m[best] { best = s }
        return best
    }

    /// Marks the first `count` steps of the group in progress as "from the lower predecessor" (used when
    /// the start state is known: every path before step 6 comes from zeros).
    mutating func preload(lowerDecisions count: Int) {
        let bits = SIMD16<UInt8>(repeating: UInt8(truncatingIfNeeded: (1 << count) - 1))
        a0 = bits; a1 = bits; a2 = bits; a3 = bits
        phase = count
    }

    /// Writes the group in progress (if any) to `decisions[4 * group ..< 4 * group + 4]`, aligned as if
    /// the group were complete. Does not advance.
    func storePartial(to decisions: UnsafeMutablePointer<SIMD16<UInt8>>, group: Int) {
        guard phase > 0 else { return }
        let shift = UInt8(8 - phase)
        let p = decisions + 4 * group
        p[0] = a0 &<< shift; p[1] = a1 &<< shift; p[2] = a2 &<< shift; p[3] = a3 &<< shift
    }

    // MARK: hot path

    @_transparent
    static func vmin(_ a: SIMD16<UInt8>, _ b: SIMD16<UInt8>) -> SIMD16<UInt8> {
        var r = a
        for i in 0..<16 { r[i] = b[i] < a[i] ? b[i] : a[i] }
        return r
    }

    @_transparent
    static func veq(_ a: SIMD16<UInt8>, _ b: SIMD16<UInt8>) -> SIMD16<UInt8> {
        SIMD16<UInt8>(truncatingIfNeeded: (a .== b)._storage)
    }

    @_transparent
    static func low(_ a: SIMD16<UInt8>, _ b: SIMD16<UInt8>) -> SIMD16<UInt8> {
        SIMD16(a[0], b[0], a[1], b[1], a[2], b[2], a[3], b[3], a[4], b[4], a[5], b[5], a[6], b[6], a[7], b[7])
    }

    @_transparent
    static func high(_ a: SIMD16<UInt8>, _ b: SIMD16<UInt8>) -> SIMD16<UInt8> {
        SIMD16(a[8], b[8], a[9], b[9], a[10], b[10], a[11], b[11], a[12], b[12], a[13], b[13], a[14], b[14], a[15], b[15])
    }

    /// Subtracts the smallest of the 64 metrics from all of them.
    @_transparent
    static func renormalise(_ m0: inout SIMD16<UInt8>, _ m1: inout SIMD16<UInt8>, _ m2: inout SIMD16<UInt8>, _ m3: inout SIMD16<UInt8>) {
        var m = vmin(vmin(m0, m1), vmin(m2, m3))
        let q = unsafeBitCast(m, to: SIMD2<UInt64>.self)
        m = vmin(m, unsafeBitCast(SIMD2(q[1], q[0]), to: SIMD16<UInt8>.self))
        let d = unsafeBitCast(m, to: SIMD4<UInt32>.self)
        m = vmin(m, unsafeBitCast(SIMD4(d[1], d[0], d[3], d[2]), to: SIMD16<UInt8>.self))
        // Every lane ends up holding the minimum (shuffles expressed so LLVM keeps them in-register).
        let w = unsafeBitCast(m, to: SIMD8<UInt16>.self)
        m = vmin(m, unsafeBitCast(SIMD8(w[1], w[0], w[3], w[2], w[5], w[4], w[7], w[6]), to: SIMD16<UInt8>.self))
        let h = unsafeBitCast(m, to: SIMD8<UInt16>.self)
        let floor = vmin(m, unsafeBitCast(h &>> 8 | h &<< 8, to: SIMD16<UInt8>.self))
        m0 &-= floor; m1 &-= floor; m2 &-= floor; m3 &-= floor
    }

    /// One trellis step for the symbol pair whose table entry starts at `t`.
    @_transparent
    static func step(
        _ t: UnsafePointer<SIMD16<UInt8>>,
        _ m0: inout SIMD16<UInt8>, _ m1: inout SIMD16<UInt8>, _ m2: inout SIMD16<UInt8>, _ m3: inout SIMD16<UInt8>,
        _ a0: inout SIMD16<UInt8>, _ a1: inout SIMD16<UInt8>, _ a2: inout SIMD16<UInt8>, _ a3: inout SIMD16<UInt8>
    ) {
        let bm0 = t[0], bm1 = t[1], bc0 = t[2], bc1 = t[3]
        // Butterflies j = 0..<16: old j in m0, old j + 32 in m2; new 2j and 2j + 1.
        let x00 = m0 &+ bm0, x01 = m2 &+ bc0  // candidates for new 2j (from lower, from upper)
        let x10 = m0 &+ bc0, x11 = m2 &+ bm0  // candidates for new 2j + 1
        // Butterflies j = 16..<32: old j in m1, old j + 32 in m3.
        let y00 = m1 &+ bm1, y01 = m3 &+ bc1
        let y10 = m1 &+ bc1, y11 = m3 &+ bm1
        // Interleave into new-state order before comparing, so metrics and decisions both come out
        // in state order (LLVM would move the shuffles before the minimum anyway).
        let l0 = low(x00, x10), u0 = low(x01, x11)    // states 0..<16
        let l1 = high(x00, x10), u1 = high(x01, x11)  // states 16..<32
        let l2 = low(y00, y10), u2 = low(y01, y11)    // states 32..<48
        let l3 = high(y00, y10), u3 = high(y01, y11)  // states 48..<64
        m0 = vmin(l0, u0); m1 = vmin(l1, u1); m2 = vmin(l2, u2); m3 = vmin(l3, u3)
        a0 = a0 &+ a0 &- veq(m0, l0)
        a1 = a1 &+ a1 &- veq(m1, l1)
        a2 = a2 &+ a2 &- veq(m2, l2)
        a3 = a3 &+ a3 &- veq(m3, l3)
    }

    /// Runs `steps` trellis steps over `2 * steps` soft symbols. Every group of 8 steps completed is
    /// stored at `decisions + 4 * group` and `group` is incremented.
    @usableFromInline
    mutating func run(
        symbols: UnsafePointer<UInt8>, steps: Int, table: borrowing ViterbiBranchTable.Pointers,
        decisions: UnsafeMutablePointer<SIMD16<UInt8>>, group: inout Int
    ) {
        var m0 = self.m0, m1 = self.m1, m2 = self.m2, m3 = self.m3
        var a0 = self.a0, a1 = self.a1, a2 = self.a2, a3 = self.a3
        var phase = self.phase
        var g = group
        var p = symbols
        var remaining = steps
        let v = table.vectors, f = table.first, s = table.second

        // Finish a group in progress one step at a time (same body as the tail loop below).
        while remaining > 0 && phase != 0 {
            Self.step(v + Int(f[Int(p[0])]) + Int(s[Int(p[1])]), &m0, &m1, &m2, &m3, &a0, &a1, &a2, &a3)
            p += 2; remaining -= 1; phase += 1
            if phase & 1 == 0 { Self.renormalise(&m0, &m1, &m2, &m3) }
            if phase == 8 {
                let d = decisions + 4 * g
                d[0] = a0; d[1] = a1; d[2] = a2; d[3] = a3
                g += 1; phase = 0
            }
        }
        // Whole groups, 8 steps unrolled, renormalising after every second step.
        while remaining >= 8 {
            for _ in 0..<4 {
                Self.step(v + Int(f[Int(p[0])]) + Int(s[Int(p[1])]), &m0, &m1, &m2, &m3, &a0, &a1, &a2, &a3)
                Self.step(v + Int(f[Int(p[2])]) + Int(s[Int(p[3])]), &m0, &m1, &m2, &m3, &a0, &a1, &a2, &a3)
                Self.renormalise(&m0, &m1, &m2, &m3)
                p += 4
            }
            let d = decisions + 4 * g
            d[0] = a0; d[1] = a1; d[2] = a2; d[3] = a3
            g += 1
            remaining -= 8
        }
        // A tail shorter than a group (phase is 0 here, so no group completes).
        while remaining > 0 {
            Self.step(v + Int(f[Int(p[0])]) + Int(s[Int(p[1])]), &m0, &m1, &m2, &m3, &a0, &a1, &a2, &a3)
            p += 2; remaining -= 1; phase += 1
            if phase & 1 == 0 { Self.renormalise(&m0, &m1, &m2, &m3) }
        }
        self.m0 = m0; self.m1 = m1; self.m2 = m2; self.m3 = m3
        self.a0 = a0; self.a1 = a1; self.a2 = a2; self.a3 = a3
        self.phase = phase
        group = g
    }

    /// Traces back from `state` after step `end - 1` down to step `start`, writing the decided bit of
    /// every step t in `start ..< min(end, writeBelow)` to `output[t - outputOrigin]`. `decisions` holds
    /// groups from absolute group `groupBase` on. Returns the state before step `start`.
    @usableFromInline
    static func traceback(
        decisions: UnsafePointer<UInt8>, groupBase: Int, end: Int, state: Int, start: Int,
        writeBelow: Int, output: UnsafeMutablePointer<UInt8>, outputOrigin: Int
    ) -> Int {
        var n = state
        var t = end - 1
        let base = groupBase * 8
        let split = max(start, min(end, writeBelow))
        // Steps at or above `writeBelow`: follow the path without output.
        while t >= split {
            let rel = t - base
            let byte = decisions[(rel >> 3) << 6 | n]
            n = n >> 1 | (Int(~byte >> UInt8(7 - rel & 7)) & 1) << 5
            t -= 1
        }
        let out = output - outputOrigin
        // Single steps up to a group boundary, whole groups with constant shifts, then the rest.
        while t >= start && (t - base) & 7 != 7 {
            let rel = t - base
            out[t] = UInt8(n & 1)
            let byte = decisions[(rel >> 3) << 6 | n]
            n = n >> 1 | (Int(~byte >> UInt8(7 - rel & 7)) & 1) << 5
            t -= 1
        }
        while t - 7 >= start {
            let group = decisions + ((t - base) >> 3) << 6
            for shift in 0..<8 {
                out[t - shift] = UInt8(n & 1)
                n = n >> 1 | (Int(~group[n] >> UInt8(shift)) & 1) << 5
            }
            t -= 8
        }
        while t >= start {
            let rel = t - base
            out[t] = UInt8(n & 1)
            let byte = decisions[(rel >> 3) << 6 | n]
            n = n >> 1 | (Int(~byte >> UInt8(7 - rel & 7)) & 1) << 5
            t -= 1
        }
        return n
    }
}

extension ViterbiBranchTable {
    /// Raw pointers into a table, valid while the table's arrays are alive and unmodified.
    @usableFromInline
    struct Pointers: ~Copyable {
        @usableFromInline let vectors: UnsafePointer<SIMD16<UInt8>>
        @usableFromInline let first: UnsafePointer<UInt16>
        @usableFromInline let second: UnsafePointer<UInt16>
    }

    /// Calls `body` with raw pointers into the table.
    func withPointers<R, E: Error>(_ body: (borrowing Pointers) throws(E) -> R) throws(E) -> R {
        try vectors.withUnsafeBufferPointer { v throws(E) in
            try firstOffset.withUnsafeBufferPointer { f throws(E) in
                try secondOffset.withUnsafeBufferPointer { s throws(E) in
                    // The arrays are never empty: 17 * 17 * 4 vectors and 256 offsets each.
                    try body(Pointers(vectors: v.baseAddress!, first: f.baseAddress!, second: s.baseAddress!))
                }
            }
        }
    }
}
