import Foundation

/// Reed-Solomon decoding helped by soft symbols: when hard-decision decoding fails, the least reliable
/// bytes (from the demodulator's soft symbols) are declared erasures and decoding is tried again. An
/// erasure costs one parity symbol where an unknown error costs two, so a frame with up to
/// `parity` − 1 wrong bytes can be recovered when its wrong bytes are the weak ones.
///
/// Erasures also make it easier for a *random* word (a false sync, noise) to decode: with f erasures and
/// e errors found, the chance that a random word lies that close to some codeword is
/// Σ_{i≤e} C(n−f, i)·255^i / 256^(r−f). A retry is accepted only when that bound is at most
/// `falseAcceptanceBound`, and the bounds of all retries together stay below ten times it, so the
/// check stays as strong as its caller needs: with the default 1e-10, a framing that sees a few
/// thousand failed candidates an hour of noise would output a false frame less than once in 10⁵ hours.
public struct ReedSolomonSoftErasures: Sendable {
    /// Parity symbols of the code (2t).
    public let parity: Int
    public let falseAcceptanceBound: Double
    /// Erasure counts tried, in order.
    public let erasureCounts: [Int]

    public init(parity: Int, falseAcceptanceBound: Double = 1e-10) {
        self.parity = parity
        self.falseAcceptanceBound = falseAcceptanceBound
        // Every 4th count up to parity − 2: at most 8 retries for 32 parity symbols.
        erasureCounts = Array(stride(from: 4, through: max(0, parity - 2), by: 4))
    }

    /// Outcome of a retry that succeeded.
    public struct Recovery: Sendable, Hashable {
        /// Bytes changed in the block (erased bytes that were wrong plus errors found).
        public var corrected: Int
        public var erasures: Int
        /// Errors found outside the erased bytes.
        public var errors: Int
    }

    /// Largest number of errors outside `erasures` erased bytes, in a codeword of `length` bytes, that keeps
    /// the false-acceptance bound; nil when even an error-free result would not.
    public func maximumErrors(length n: Int, erasures f: Int) -> Int? {
        guard f < parity, f < n else { return nil }
        let capacity = (parity - f) / 2
        let logLimit = log(falseAcceptanceBound) + Double(parity - f) * log(256.0)
        var logTerms: [Double] = []
        var best: Int? = nil
        for e in 0...capacity {
            // log(C(n−f, e) · 255^e)
            let logTerm = lgamma(Double(n - f + 1)) - lgamma(Double(e + 1)) - lgamma(Double(n - f - e + 1))
                + Double(e) * log(255.0)
            logTerms.append(logTerm)
            let m = logTerms.max() ?? 0
            let logSum = m + log(logTerms.reduce(0) { $0 + exp($1 - m) })
            guard logSum <= logLimit else { break }
            best = e
        }
        return best
    }

    /// Tries erasing the least reliable bytes of `block` (`reliability[i]`: higher is surer, e.g. the
    /// smallest |soft − 128| of the byte's bits) after hard decoding failed. `decode` is the code's
    /// decoder (corrects in place or throws, leaving the block unchanged). On success `block` is corrected.
    public func recover(
        _ block: inout [UInt8], reliability: [UInt8],
        decode: (inout [UInt8], [Int]) throws -> Int
    ) -> Recovery? {
        recover(&block, reliability: reliability, positions: Array(block.indices), decode: decode)
    }

    /// The same for the codeword at `positions` of `block` (one codeword of an interleaved block): only
    /// those bytes are erased and counted; `decode` must throw unless that codeword decodes.
    public func recover(
        _ block: inout [UInt8], reliability: [UInt8], positions: [Int],
        decode: (inout [UInt8], [Int]) throws -> Int
    ) -> Recovery? {
        let n = positions.count
        guard reliability.count == block.count, n > parity, positions.allSatisfy({ block.indices.contains($0) }) else {
            return nil
        }
        // Stable order: least reliable first, earlier byte first among equals.
        let order = positions.sorted { (reliability[$0], $0) < (reliability[$1], $1) }
        // Only bytes weaker than the typical byte are erased: where the soft symbols carry no information
        // (all equally sure), erasing would be guessing.
        let median = reliability[order[n / 2]]
        let weak = order.prefix { reliability[$0] < median }.count
        for f in erasureCounts where f <= weak {
            guard let allowed = maximumErrors(length: n, erasures: f) else { continue }
            let erased = Array(order[0..<f])
            var trial = block
            guard (try? decode(&trial, erased)) != nil else { continue }
            let isErased = Set(erased)
            var errors = 0, changed = 0
            for i in positions where trial[i] != block[i] {
                changed += 1
                if !isErased.contains(i) { errors += 1 }
            }
            guard errors <= allowed else { continue }
            block = trial
            return Recovery(corrected: changed, erasures: f, errors: errors)
        }
        return nil
    }

    /// An interleaved block (byte i in codeword i % depth) whose hard decoding failed: the codewords that
    /// decode hard are corrected, each other one is retried on its own with its weakest bytes erased.
    /// `decodeEach` reports each codeword's corrections or nil (`ReedSolomonInterleaver.decodeEach`).
    /// Returns the bytes corrected in all, with `block` corrected, or nil (block unchanged) when a codeword
    /// stays uncorrectable.
    public func recoverInterleaved(
        _ block: inout [UInt8], reliability: [UInt8], depth: Int,
        decodeEach: (inout [UInt8], [Int]) throws -> [Int?]
    ) -> Int? {
        var trial = block
        guard depth >= 1, let hard = try? decodeEach(&trial, []), hard.count == depth else { return nil }
        var corrected = 0
        for k in 0..<depth {
            if let c = hard[k] {
                corrected += c
                continue
            }
            let positions = Array(stride(from: k, to: trial.count, by: depth))
            let recovery = recover(&trial, reliability: reliability, positions: positions) { b, e in
                guard let c = try decodeEach(&b, e)[k] else { throw ReedSolomonError.uncorrectable }
                return c
            }
            guard let recovery else { return nil }
            corrected += recovery.corrected
        }
        block = trial
        return corrected
    }

    /// `recover` with `code`'s own decoder.
    public func recover(_ block: inout [UInt8], reliability: [UInt8], code: ReedSolomonCode) -> Recovery? {
        recover(&block, reliability: reliability) { b, e in try code.decode(&b, erasures: e) }
    }

    /// Per-byte reliability of hard bytes made from `soft` (8 soft symbols per byte, MSB first, 0 = strong 0,
    /// 255 = strong 1): the distance from 128 of the byte's weakest bit.
    public static func byteReliability(_ soft: ArraySlice<UInt8>) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(soft.count / 8)
        var i = soft.startIndex
        while i + 8 <= soft.endIndex {
            var weakest: UInt8 = 255
            for s in soft[i..<(i + 8)] {
                let d = s >= 128 ? s - 128 : 127 - s
                weakest = min(weakest, d)
            }
            out.append(weakest)
            i += 8
        }
        return out
    }
}
