/// A failure talking to rotctld or rigctld.
public enum HamlibError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The daemon could not be reached (refused, unresolvable host, connect timeout).
    case connectionFailed(endpoint: String, reason: String)
    /// The connection broke while `command` was in flight, and a fresh connection did not help.
    case connectionLost(endpoint: String, command: String, reason: String)
    /// No complete answer to `command` within `seconds`.
    case timeout(endpoint: String, command: String, seconds: Double)
    /// The daemon answered `RPRT code` (code < 0) to `command`.
    case commandFailed(endpoint: String, command: String, code: Int)
    /// The answer to `command` could not be understood.
    case unexpectedResponse(endpoint: String, command: String, response: String)
    /// A value that cannot be sent (for example a mode name with spaces, a NaN position).
    case invalidArgument(String)

    /// The RPRT code for `.commandFailed`, else nil.
    public var code: Int? {
        if case .commandFailed(_, _, let code) = self { return code }
        return nil
    }

    /// Hamlib's meaning of an RPRT code (`rig_errcode_e`, Hamlib 4.x; the sign is ignored).
    public static func meaning(ofCode code: Int) -> String? {
        switch abs(code) {
        case 0: "command completed successfully"
        case 1: "invalid parameter"
        case 2: "invalid configuration"
        case 3: "memory shortage"
        case 4: "function not implemented"
        case 5: "communication timed out"
        case 6: "I/O error"
        case 7: "internal Hamlib error"
        case 8: "protocol error"
        case 9: "command rejected by the device"
        case 10: "command performed, but argument truncated"
        case 11: "function not available"
        case 12: "VFO not targetable"
        case 13: "communication bus error"
        case 14: "communication bus collision"
        case 15: "NULL handle or invalid pointer parameter"
        case 16: "invalid VFO"
        case 17: "argument out of domain of function"
        case 18: "function deprecated"
        case 19: "security error"
        case 20: "device is not powered on"
        default: nil
        }
    }

    public var description: String {
        switch self {
        case .connectionFailed(let endpoint, let reason):
            "cannot connect to \(endpoint): \(reason)"
        case .connectionLost(let endpoint, let command, let reason):
            "connection to \(endpoint) lost during '\(command)': \(reason)"
        case .timeout(let endpoint, let command, let seconds):
            "no answer from \(endpoint) to '\(command)' within \(seconds) s"
        case .commandFailed(let endpoint, let command, let code):
            "\(endpoint) rejected '\(command)': RPRT \(code)"
                + (Self.meaning(ofCode: code).map { " (\($0))" } ?? "")
        case .unexpectedResponse(let endpoint, let command, let response):
            "unexpected answer from \(endpoint) to '\(command)': \(response)"
        case .invalidArgument(let message):
            message
        }
    }
}
