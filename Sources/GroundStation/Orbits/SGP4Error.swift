/// Why SGP4/SDP4 could not produce a state, with the error codes of Vallado et al. (2006) in `code`.
public enum SGP4Error: Error, Sendable, Hashable, CustomStringConvertible {
    /// Code 1: mean eccentricity outside −0.001 … < 1 (drag has eaten the orbit).
    case meanEccentricityOutOfRange(Double)
    /// Code 2: mean motion has fallen to zero or below.
    case meanMotionNotPositive(Double)
    /// Code 3: eccentricity after lunar-solar periodics outside 0 … 1 (deep space only).
    case perturbedEccentricityOutOfRange(Double)
    /// Code 4: semi-latus rectum below zero.
    case semiLatusRectumNegative(Double)
    /// Code 5: epoch elements are sub-orbital. Kept for completeness: like the 2006+ reference code,
    /// the propagator no longer raises it (such objects propagate until code 6).
    case subOrbitalEpochElements
    /// Code 6: the satellite's radius is below one Earth radius (it has decayed). The value is the
    /// radius in Earth radii.
    case decayed(radius: Double)

    /// Vallado's numeric code, 1–6.
    public var code: Int {
        switch self {
        case .meanEccentricityOutOfRange: 1
        case .meanMotionNotPositive: 2
        case .perturbedEccentricityOutOfRange: 3
        case .semiLatusRectumNegative: 4
        case .subOrbitalEpochElements: 5
        case .decayed: 6
        }
    }

    public var description: String {
        switch self {
        case .meanEccentricityOutOfRange(let e): "SGP4 error 1: mean eccentricity \(e) not within -0.001 <= e < 1"
        case .meanMotionNotPositive(let n): "SGP4 error 2: mean motion \(n) rad/min is not positive"
        case .perturbedEccentricityOutOfRange(let e): "SGP4 error 3: perturbed eccentricity \(e) not within 0 <= e <= 1"
        case .semiLatusRectumNegative(let p): "SGP4 error 4: semi-latus rectum \(p) is negative"
        case .subOrbitalEpochElements: "SGP4 error 5: epoch elements are sub-orbital"
        case .decayed(let r): "SGP4 error 6: satellite has decayed (radius \(r) Earth radii)"
        }
    }
}
