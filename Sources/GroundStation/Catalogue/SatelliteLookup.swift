/// Finding the satellite a user names. Primary names are unique in a catalogue; an alternative name may
/// be shared (gr-satellites lists RS8S for both RESHUCUBE and Tanusha-3), and such a name must not pick one
/// of them silently.
public enum SatelliteLookupError: Error, Sendable, Hashable, CustomStringConvertible {
    case unknownName(String, directory: String)
    case unknownNorad(Int, directory: String)
    /// Neither a name nor a NORAD id was given.
    case nothingGiven
    /// The name is an alternative name of several satellites: (name, NORAD) of each.
    case ambiguous(String, candidates: [String])

    public var description: String {
        switch self {
        case .unknownName(let n, let d): "satellite \(n) is not in the catalogue (\(d)); see 'gsd satellites'"
        case .unknownNorad(let n, let d): "no satellite with NORAD id \(n) is in the catalogue (\(d)); see 'gsd satellites'"
        case .nothingGiven: "name the satellite: --satellite NAME or --norad ID"
        case .ambiguous(let n, let c): "'\(n)' is an alternative name of \(c.joined(separator: " and ")); give --norad or the satellite's own name"
        }
    }
}

extension SatelliteCatalogue {
    /// The satellites `name` can mean: the one whose own name it is, otherwise every satellite listing
    /// it as an alternative name (case-insensitive).
    public func satellites(named name: String) -> [Satellite] {
        let q = name.lowercased()
        if let own = satellites.first(where: { $0.name.lowercased() == q }) { return [own] }
        return satellites.filter { $0.alternativeNames.contains { $0.lowercased() == q } }
    }

    /// The one satellite `name` means, or nil when none or several do.
    public func satellite(named name: String) -> Satellite? {
        let found = satellites(named: name)
        return found.count == 1 ? found[0] : nil
    }

    /// The satellite a command line gives by name or by NORAD id (the name wins when both are given).
    /// `directory` is only for the message.
    public func find(name: String?, norad: Int?, directory: String) throws(SatelliteLookupError) -> Satellite {
        if let name {
            let found = satellites(named: name)
            if found.count > 1 { throw .ambiguous(name, candidates: found.map { "\($0.name) (NORAD \($0.norad))" }) }
            if let one = found.first { return one }
            if norad == nil { throw .unknownName(name, directory: directory) }
        }
        guard let norad else { throw .nothingGiven }
        guard let sat = satellite(norad: norad) else { throw .unknownNorad(norad, directory: directory) }
        return sat
    }
}
