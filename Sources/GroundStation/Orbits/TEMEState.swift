/// Position (km) and velocity (km/s) in the True Equator, Mean Equinox frame that SGP4 produces.
public struct TEMEState: Sendable, Hashable {
    public var position: SIMD3<Double>
    public var velocity: SIMD3<Double>

    @inlinable public init(position: SIMD3<Double>, velocity: SIMD3<Double>) {
        self.position = position
        self.velocity = velocity
    }
}
