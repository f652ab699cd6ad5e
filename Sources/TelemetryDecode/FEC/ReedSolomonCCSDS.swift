/// The CCSDS 131.0-B Reed-Solomon code RS(255,223), E = 16: field polynomial x^8 + x^7 + x^2 + x + 1 (0x187),
/// generator roots β^(112...143) with β = α^11, 32 parity symbols, interleaving depth I ∈ {1, 2, 3, 4, 5, 8}
/// and optional virtual fill (shortening). Symbols are in Berlekamp's dual basis on the wire (`.dual`, the
/// standard), or in the conventional basis (`.conventional`, as libfec's `encode_rs_8`/`decode_rs_8`).
public struct ReedSolomonCCSDS: Sendable {
    public enum Basis: Sendable, Hashable, CaseIterable {
        /// Berlekamp's dual basis, as transmitted by CCSDS missions.
        case dual
        /// The conventional polynomial basis {1, α, ..., α^7}.
        case conventional
    }

    public static let fieldPolynomial = 0x187
    public static let firstConsecutiveRoot = 112
    public static let primitiveElement = 11
    public static let parityCount = 32
    /// Interleaving depths allowed by CCSDS 131.0-B.
    public static let allowedDepths: Set<Int> = [1, 2, 3, 4, 5, 8]

    public let basis: Basis
    public let interleaver: ReedSolomonInterleaver
    public var interleave: Int { interleaver.depth }
    public var virtualFill: Int { interleaver.virtualFill }
    /// Data symbols per frame: I · (223 − virtualFill).
    public var dataLength: Int { interleaver.dataLength }
    /// Symbols per frame: I · (255 − virtualFill).
    public var blockLength: Int { interleaver.blockLength }
    public var code: ReedSolomonCode { interleaver.code }

    public init(basis: Basis = .dual, interleave: Int = 1, virtualFill: Int = 0) throws(ReedSolomonError) {
        guard Self.allowedDepths.contains(interleave) else {
            throw .invalidParameter(name: "CCSDS interleaving depth", value: interleave)
        }
        let code = try (basis == .dual ? ccsdsDualCode : ccsdsConventionalCode).get()
        self.basis = basis
        self.interleaver = try ReedSolomonInterleaver(code: code, depth: interleave, virtualFill: virtualFill)
    }

    /// `data` (dataLength symbols) followed by the interleaved parity.
    public func encode(_ data: [UInt8]) throws(ReedSolomonError) -> [UInt8] { try interleaver.encode(data) }

    /// Encodes `data` into `block` (blockLength symbols); `data` may be the start of `block`.
    public func encode(_ data: UnsafeBufferPointer<UInt8>, into block: UnsafeMutableBufferPointer<UInt8>) throws(ReedSolomonError) {
        try interleaver.encode(data, into: block)
    }

    /// Corrects a frame in place; returns the number of symbols changed (0 for a clean frame). Throws
    /// `.uncorrectable` (frame unchanged) when any codeword is beyond capability. Erasures are frame indices.
    public func decode(_ block: inout [UInt8], erasures: [Int] = []) throws(ReedSolomonError) -> Int {
        try interleaver.decode(&block, erasures: erasures)
    }

    /// Hot-path variant of `decode(_:erasures:)`: no allocation.
    public func decode(
        _ block: UnsafeMutableBufferPointer<UInt8>, erasures: UnsafeBufferPointer<Int> = UnsafeBufferPointer(start: nil, count: 0)
    ) throws(ReedSolomonError) -> Int {
        try interleaver.decode(block, erasures: erasures)
    }

    /// Per-codeword outcome (symbols changed, or nil if uncorrectable); correctable codewords are corrected.
    public func decodeEach(_ block: inout [UInt8], erasures: [Int] = []) throws(ReedSolomonError) -> [Int?] {
        try interleaver.decodeEach(&block, erasures: erasures)
    }

    // MARK: Dual basis

    /// The conventional value of a dual-basis symbol.
    public static func conventional(fromDual z: UInt8) -> UInt8 { dualBasisTables.toConventional[Int(z)] }
    /// The dual-basis symbol of a conventional value.
    public static func dual(fromConventional u: UInt8) -> UInt8 { dualBasisTables.toDual[Int(u)] }
}

/// CCSDS 131.0-B §4.4.2: with β = α^117, the dual basis {ℓ_0 ... ℓ_7} of {1, β, ..., β^7} satisfies
/// Tr(ℓ_i β^j) = δ_ij. A symbol z_0 ℓ_0 + ... + z_7 ℓ_7 is sent z_0 first (most significant bit), so its
/// coordinates are z_j = Tr(x · β^j) for the field element x.
let dualBasisTables: (toConventional: [UInt8], toDual: [UInt8]) = {
    var toDual = [UInt8](repeating: 0, count: 256)
    var toConventional = [UInt8](repeating: 0, count: 256)
    guard let field = try? GaloisField256(polynomial: ReedSolomonCCSDS.fieldPolynomial) else {
        return (toConventional, toDual)
    }
    let betaPowers = (0..<8).map { j in field.exp(117 * j) }
    for x in 0..<256 {
        var z: UInt8 = 0
        for j in 0..<8 where field.trace(field.multiply(UInt8(x), betaPowers[j])) & 1 == 1 {
            z |= 0x80 >> UInt8(j)
        }
        toDual[x] = z
        toConventional[Int(z)] = UInt8(x)
    }
    return (toConventional, toDual)
}()

private let ccsdsConventionalCode: Result<ReedSolomonCode, ReedSolomonError> = Result { () throws(ReedSolomonError) in
    try ReedSolomonCode(
        fieldPolynomial: ReedSolomonCCSDS.fieldPolynomial, firstConsecutiveRoot: ReedSolomonCCSDS.firstConsecutiveRoot,
        primitiveElement: ReedSolomonCCSDS.primitiveElement, parityCount: ReedSolomonCCSDS.parityCount)
}

private let ccsdsDualCode: Result<ReedSolomonCode, ReedSolomonError> = Result { () throws(ReedSolomonError) in
    let conventional = try ccsdsConventionalCode.get()
    return try ReedSolomonCode(
        field: conventional.field, firstConsecutiveRoot: ReedSolomonCCSDS.firstConsecutiveRoot,
        primitiveElement: ReedSolomonCCSDS.primitiveElement, parityCount: ReedSolomonCCSDS.parityCount,
        symbolMap: dualBasisTables.toConventional)
}
