import Foundation

/// A client for rotctld (Hamlib's rotator daemon): set/get position, park, stop.
///
/// Angles are degrees in the rotator's own frame: azimuth as the controller counts it (for example
/// 0…450 or −180…180, whatever the daemon accepts) and elevation 0…90 (0…180 for flip rotators).
/// Out-of-range values are rejected by the daemon (`HamlibError.commandFailed`, usually RPRT -1).
public struct RotatorClient: Sendable {
    public let connection: HamlibConnection

    public init(connection: HamlibConnection) {
        self.connection = connection
    }

    public init(endpoint: HamlibEndpoint, timeout: Double = 2) {
        self.init(connection: HamlibConnection(endpoint: endpoint, timeout: timeout))
    }

    /// Starts moving to `azimuth`, `elevation` (`P`). Returns as soon as the daemon accepted it.
    public func setPosition(azimuth: Double, elevation: Double) throws(HamlibError) {
        guard azimuth.isFinite, elevation.isFinite else {
            throw .invalidArgument("rotator position must be finite, got \(azimuth), \(elevation)")
        }
        _ = try connection.execute("P \(Self.format(azimuth)) \(Self.format(elevation))")
    }

    /// Where the rotator is now (`p`); while slewing, this is not the commanded position.
    public func position() throws(HamlibError) -> (azimuth: Double, elevation: Double) {
        let command = "p"
        let r = try connection.execute(command)
        guard let az = r.number("Azimuth"), let el = r.number("Elevation") else {
            throw .unexpectedResponse(
                endpoint: connection.endpoint.description, command: command, response: r.lines.joined(separator: " | "))
        }
        return (az, el)
    }

    /// Moves to the park position (`K`).
    public func park() throws(HamlibError) {
        _ = try connection.execute("K")
    }

    /// Stops any movement (`S`).
    public func stop() throws(HamlibError) {
        _ = try connection.execute("S")
    }

    /// Closes the connection (the next command reconnects).
    public func disconnect() { connection.disconnect() }

    static func format(_ x: Double) -> String { String(format: "%.2f", x) }
}
