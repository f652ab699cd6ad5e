/// Symbol interleaving of `depth` Reed-Solomon codewords into one frame, as in CCSDS 131.0-B §4:
/// frame symbol `i` belongs to codeword `i % depth`, at position `i / depth` within it. Each codeword may be
/// shortened by `virtualFill` leading zero symbols that are not transmitted. The frame is the
/// `depth · (k − virtualFill)` data symbols, unchanged, followed by the `depth · 2t` interleaved parity symbols.
public struct ReedSolomonInterleaver: Sendable {
    public let code: ReedSolomonCode
    /// Interleaving depth I (1 = no interleaving).
    public let depth: Int
    /// Virtual fill symbols per codeword (shortening), 0 ..< k.
    public let virtualFill: Int

    public init(code: ReedSolomonCode, depth: Int, virtualFill: Int = 0) throws(ReedSolomonError) {
        guard (1...255).contains(depth) else { throw .invalidParameter(name: "interleaving depth", value: depth) }
        guard (0..<code.dataLength).contains(virtualFill) else {
            throw .invalidParameter(name: "virtual fill", value: virtualFill)
        }
        self.code = code
        self.depth = depth
        self.virtualFill = virtualFill
    }

    /// Transmitted symbols per codeword.
    public var codewordLength: Int { ReedSolomonCode.naturalLength - virtualFill }
    /// Data symbols per frame.
    public var dataLength: Int { depth * (code.dataLength - virtualFill) }
    /// Parity symbols per frame.
    public var parityLength: Int { depth * code.parityCount }
    /// Symbols per frame (data + parity).
    public var blockLength: Int { depth * codewordLength }

    // MARK: Encoding

    /// Writes `data` (dataLength symbols) followed by its interleaved parity into `block` (blockLength symbols).
    /// `data` may be the start of `block` itself.
    public func encode(_ data: UnsafeBufferPointer<UInt8>, into block: UnsafeMutableBufferPointer<UInt8>) throws(ReedSolomonError) {
        guard data.count == dataLength else { throw .invalidLength(expected: dataLength, actual: data.count) }
        guard block.count == blockLength else { throw .invalidLength(expected: blockLength, actual: block.count) }
        guard let d = data.baseAddress, let b = block.baseAddress else { return }
        if UnsafeRawPointer(d) != UnsafeRawPointer(b) {
            UnsafeMutableRawPointer(b).copyMemory(from: d, byteCount: dataLength)
        }
        let perCodeword = code.dataLength - virtualFill
        for k in 0..<depth {
            code.encodeKernel(
                data: b + k, stride: depth, count: perCodeword, parity: b + dataLength + k, parityStride: depth)
        }
    }

    /// `data` followed by its interleaved parity.
    public func encode(_ data: [UInt8]) throws(ReedSolomonError) -> [UInt8] {
        guard data.count == dataLength else { throw .invalidLength(expected: dataLength, actual: data.count) }
        var out = data + [UInt8](repeating: 0, count: parityLength)
        let result: Result<Void, ReedSolomonError> = out.withUnsafeMutableBufferPointer { b in
            do throws(ReedSolomonError) {
                try encode(UnsafeBufferPointer(rebasing: b[0..<dataLength]), into: b)
                return .success(())
            } catch { return .failure(error) }
        }
        try result.get()
        return out
    }

    // MARK: Decoding

    /// Corrects a whole frame in place and returns the number of symbols changed. If any codeword is
    /// uncorrectable, throws `.uncorrectable` and leaves the frame unchanged. `erasures` are frame indices.
    public func decode(
        _ block: UnsafeMutableBufferPointer<UInt8>, erasures: UnsafeBufferPointer<Int> = UnsafeBufferPointer(start: nil, count: 0)
    ) throws(ReedSolomonError) -> Int {
        guard block.count == blockLength else { throw .invalidLength(expected: blockLength, actual: block.count) }
        let status = run(block, erasures: erasures, perCodeword: nil)
        if status >= 0 { return status }
        throw error(forStatus: status, erasures: erasures)
    }

    /// Array convenience for `decode(_:erasures:)`.
    public func decode(_ block: inout [UInt8], erasures: [Int] = []) throws(ReedSolomonError) -> Int {
        guard block.count == blockLength else { throw .invalidLength(expected: blockLength, actual: block.count) }
        let status = block.withUnsafeMutableBufferPointer { b in
            erasures.withUnsafeBufferPointer { e in run(b, erasures: e, perCodeword: nil) }
        }
        if status >= 0 { return status }
        throw erasures.withUnsafeBufferPointer { e in error(forStatus: status, erasures: e) }
    }

    /// Corrects every correctable codeword of the frame in place and reports each codeword's outcome:
    /// the number of symbols changed, or nil when that codeword was uncorrectable (and left unchanged).
    /// Throws only for invalid lengths or erasure lists.
    public func decodeEach(_ block: inout [UInt8], erasures: [Int] = []) throws(ReedSolomonError) -> [Int?] {
        guard block.count == blockLength else { throw .invalidLength(expected: blockLength, actual: block.count) }
        var counts = [Int](repeating: 0, count: depth)
        let status = block.withUnsafeMutableBufferPointer { b in
            erasures.withUnsafeBufferPointer { e in
                counts.withUnsafeMutableBufferPointer { c in run(b, erasures: e, perCodeword: c.baseAddress) }
            }
        }
        if status < 0 { throw erasures.withUnsafeBufferPointer { e in error(forStatus: status, erasures: e) } }
        return counts.map { $0 >= 0 ? $0 : nil }
    }

    static let statusTooMany = -10_000_000

    func error(forStatus status: Int, erasures: UnsafeBufferPointer<Int>) -> ReedSolomonError {
        if status <= Self.lengthStatus { return .invalidLength(expected: blockLength, actual: -1) }
        if status <= Self.statusTooMany {
            let k = Self.statusTooMany - status
            var n = 0
            for e in erasures where e >= 0 && e % depth == k { n += 1 }
            return .tooManyErasures(count: n, limit: code.parityCount)
        }
        return ReedSolomonCode.error(forStatus: status, erasures: erasures, length: blockLength)
    }

    /// Shared driver. With `perCodeword == nil` it is all-or-nothing and returns the total or -1; otherwise
    /// it fills `perCodeword[k]` (count or -1), applies the correctable codewords and returns the total.
    /// Other negative results are erasure-list problems (see `error(forStatus:erasures:)`).
    func run(
        _ block: UnsafeMutableBufferPointer<UInt8>, erasures: UnsafeBufferPointer<Int>, perCodeword: UnsafeMutablePointer<Int>?
    ) -> Int {
        let n = blockLength
        guard block.count == n, let base = block.baseAddress else { return Self.lengthStatus }
        let r = code.parityCount
        let depth = self.depth
        let cw = codewordLength
        let bitmapBytes = (n + 7) / 8
        let capacity = depth + 3 * depth * r + bitmapBytes + depth + ReedSolomonCode.kernelScratchSize(parityCount: r)
        return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: capacity) { buf -> Int in
            guard let p = buf.baseAddress else { return ReedSolomonCode.statusUncorrectable }
            let eraCounts = p
            let eraLists = eraCounts + depth
            let positions = eraLists + depth * r
            let masks = positions + depth * r
            let seen = masks + depth * r
            let nCorr = seen + bitmapBytes
            let scratch = nCorr + depth
            eraCounts.initialize(repeating: 0, count: depth)
            if !erasures.isEmpty {
                seen.initialize(repeating: 0, count: bitmapBytes)
                for e in 0..<erasures.count {
                    let pos = erasures[e]
                    guard pos >= 0, pos < n else { return ReedSolomonCode.statusErasureRange - e }
                    let bit = UInt8(1) << UInt8(pos & 7)
                    guard seen[pos >> 3] & bit == 0 else { return ReedSolomonCode.statusDuplicate - e }
                    seen[pos >> 3] |= bit
                    let k = pos % depth
                    let c = Int(eraCounts[k])
                    guard c < r else { return Self.statusTooMany - k }
                    eraLists[k * r + c] = UInt8(pos / depth)
                    eraCounts[k] = UInt8(c + 1)
                }
            }
            var total = 0
            for k in 0..<depth {
                let got = code.correctionsKernel(
                    symbols: base + k, stride: depth, length: cw,
                    erasures: eraLists + k * r, erasureCount: Int(eraCounts[k]),
                    positions: positions + k * r, masks: masks + k * r, scratch: scratch)
                if got < 0 {
                    guard let perCodeword else { return ReedSolomonCode.statusUncorrectable }
                    perCodeword[k] = -1
                    nCorr[k] = 0
                } else {
                    perCodeword?[k] = got
                    nCorr[k] = UInt8(got)
                    total += got
                }
            }
            for k in 0..<depth {
                let pk = positions + k * r, mk = masks + k * r
                for q in 0..<Int(nCorr[k]) { base[k + Int(pk[q]) * depth] ^= mk[q] }
            }
            return total
        }
    }

    static let lengthStatus = -20_000_000
}
