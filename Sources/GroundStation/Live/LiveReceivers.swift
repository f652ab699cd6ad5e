import TelemetryDecode

/// The receive plan for a satellite on a live receiver: where to tune and which chains run. Shared by
/// the daemon's passes and `gsd listen`.
public enum LiveReceivers {
    /// The receiver is tuned `tuningOffset` Hz below the first transmitter with a downlink frequency; every
    /// transmitter inside the sampled band (±40 % of the rate, room for filters and Doppler) gets its
    /// chains at its offset from the centre. `reasons` says why any other was left out.
    public static func plan(for satellite: Satellite, tuningOffset: Double)
        throws(LivePassError) -> (primary: Double, centre: Double)
    {
        guard let primary = satellite.transmitters.lazy.compactMap(\.frequency).first else {
            throw .noTransmitter(satellite.name)
        }
        return (primary, primary - tuningOffset)
    }

    public static func receivers(for satellite: Satellite, centre: Double, sampleRate: Double)
        throws(LivePassError) -> (receivers: [Receiver], reasons: [String])
    {
        var receivers: [Receiver] = []
        var reasons: [String] = []
        for spec in satellite.transmitters {
            guard let frequency = spec.frequency else {
                reasons.append("\(spec.name): no downlink frequency in the catalogue")
                continue
            }
            let offset = frequency - centre
            guard abs(offset) <= sampleRate * 0.4 else {
                reasons.append("\(spec.name): \(Int(frequency)) Hz is outside the \(Int(sampleRate)) Sps band around \(Int(centre)) Hz")
                continue
            }
            do {
                receivers += try ReceiverFactory.receivers(for: spec, input: .complex(sampleRate: sampleRate, offset: offset))
            } catch {
                reasons.append("\(spec.name): \(error)")
            }
        }
        if receivers.isEmpty { throw .nothingToDecode(satellite: satellite.name, reasons: reasons) }
        return (receivers, reasons)
    }
}

public enum LivePassError: Error, Sendable, CustomStringConvertible {
    /// No transmitter with a downlink frequency.
    case noTransmitter(String)
    case nothingToDecode(satellite: String, reasons: [String])

    public var description: String {
        switch self {
        case .noTransmitter(let s): "\(s) has no transmitter with a downlink frequency in the catalogue"
        case .nothingToDecode(let s, let reasons):
            "no receiver for \(s) on this receiver: " + (reasons.isEmpty ? "no transmitters" : reasons.joined(separator: "; "))
        }
    }
}
