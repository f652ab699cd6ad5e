/// Shared Reed-Solomon step: GomSpace radios use the CCSDS RS(255,223) code in the *conventional*
/// basis (libfec's `decode_rs_8`), shortened to the frame length (virtual fill = 255 − length).
enum GomSpaceReedSolomon {
    static let parity = ReedSolomonCCSDS.parityCount

    /// Corrects `codeword` (data + 32 parity) in place; returns the number of corrected symbols.
    static func decode(_ codeword: inout [UInt8]) throws(GomSpaceFrameError) -> Int {
        guard codeword.count > parity, codeword.count <= ReedSolomonCode.naturalLength else {
            throw .lengthTooShort(length: codeword.count, minimum: parity + 1)
        }
        do throws(ReedSolomonError) {
            let rs = try ReedSolomonCCSDS(basis: .conventional, interleave: 1, virtualFill: 255 - codeword.count)
            return try rs.decode(&codeword)
        } catch {
            throw .reedSolomon(error)
        }
    }

    static let softErasures = ReedSolomonSoftErasures(parity: parity)

    /// After `decode` failed: tries again with the least reliable bytes erased (see `ReedSolomonSoftErasures`).
    /// `softSymbols`: the codeword's own bits (8 per byte, MSB first); nil when there are too few.
    static func recover(_ codeword: inout [UInt8], softSymbols: [UInt8]) -> ReedSolomonSoftErasures.Recovery? {
        guard codeword.count > parity, codeword.count <= ReedSolomonCode.naturalLength,
            softSymbols.count >= 8 * codeword.count,
            let rs = try? ReedSolomonCCSDS(basis: .conventional, interleave: 1, virtualFill: 255 - codeword.count)
        else { return nil }
        let reliability = ReedSolomonSoftErasures.byteReliability(softSymbols[0..<(8 * codeword.count)])
        return softErasures.recover(&codeword, reliability: reliability) { block, erasures in
            try rs.decode(&block, erasures: erasures)
        }
    }

    /// `data` followed by its 32 parity bytes (1...223 data bytes).
    static func encode(_ data: [UInt8]) throws(GomSpaceFrameError) -> [UInt8] {
        guard (1...223).contains(data.count) else {
            throw .lengthBeyondWindow(length: data.count, limit: 223)
        }
        do throws(ReedSolomonError) {
            let rs = try ReedSolomonCCSDS(basis: .conventional, interleave: 1, virtualFill: 223 - data.count)
            return try rs.encode(data)
        } catch {
            throw .reedSolomon(error)
        }
    }
}
