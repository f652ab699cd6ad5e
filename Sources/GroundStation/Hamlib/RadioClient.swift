import Foundation

/// A client for rigctld (Hamlib's radio daemon): frequency (`F`/`f`) and mode (`M`/`m`) of the
/// current VFO.
public struct RadioClient: Sendable {
    public let connection: HamlibConnection

    public init(connection: HamlibConnection) {
        self.connection = connection
    }

    public init(endpoint: HamlibEndpoint, timeout: Double = 2) {
        self.init(connection: HamlibConnection(endpoint: endpoint, timeout: timeout))
    }

    /// Tunes to `hertz`, rounded to a whole hertz (`F`).
    public func setFrequency(_ hertz: Double) throws(HamlibError) {
        guard hertz.isFinite, hertz > 0, hertz < 1e12 else {
            throw .invalidArgument("frequency must be a positive number of hertz, got \(hertz)")
        }
        _ = try connection.execute("F \(Int64(hertz.rounded()))")
    }

    /// The current frequency in hertz (`f`).
    public func frequency() throws(HamlibError) -> Double {
        let command = "f"
        let r = try connection.execute(command)
        guard let f = r.number("Frequency") else {
            throw .unexpectedResponse(
                endpoint: connection.endpoint.description, command: command, response: r.lines.joined(separator: " | "))
        }
        return f
    }

    /// Sets the mode (`USB`, `FM`, `PKTFM`, …) and passband in hertz (0: the radio's default; −1: keep)
    /// (`M`).
    public func setMode(_ mode: String, passband: Int = 0) throws(HamlibError) {
        guard !mode.isEmpty, mode.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") })
        else {
            throw .invalidArgument("mode must be a Hamlib mode name like USB or FM, got \(mode.debugDescription)")
        }
        _ = try connection.execute("M \(mode) \(passband)")
    }

    /// The current mode and passband in hertz (`m`).
    public func mode() throws(HamlibError) -> (mode: String, passband: Int) {
        let command = "m"
        let r = try connection.execute(command)
        guard let mode = r.value("Mode"), let passband = r.value("Passband").flatMap({ Int($0) }) else {
            throw .unexpectedResponse(
                endpoint: connection.endpoint.description, command: command, response: r.lines.joined(separator: " | "))
        }
        return (mode, passband)
    }

    /// Closes the connection (the next command reconnects).
    public func disconnect() { connection.disconnect() }
}
