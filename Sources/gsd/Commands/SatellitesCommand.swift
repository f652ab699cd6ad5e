import ArgumentParser
import GroundStation
import TelemetryDecode

struct SatellitesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "satellites", abstract: "List the satellite catalogue (validated on load).")

    @Flag(help: "One JSON object per satellite.")
    var json = false

    @Option(help: "Catalogue folder (default: the one shipped with gsd).")
    var catalogue: String?

    func run() throws {
        let dir = SatelliteCatalogue.defaultDirectory(explicit: catalogue)
        let cat: SatelliteCatalogue
        do { cat = try SatelliteCatalogue.load(directory: dir) } catch { throw ValidationFailure(error.description) }
        for s in cat.satellites.sorted(by: { $0.name.lowercased() < $1.name.lowercased() }) {
            if json {
                var o = JSONLine()
                o.add("name", s.name)
                o.add("norad", s.norad)
                o.add("alternative_names", s.alternativeNames)
                let txs = s.transmitters.map { t -> String in
                    var j = JSONLine()
                    j.add("name", t.name)
                    if let f = t.frequency { j.add("frequency", f) }
                    j.add("modulation", t.modulation.rawValue)
                    j.add("baud_rate", t.baudRate)
                    j.add("framing", t.framing.rawValue)
                    return j.text
                }
                o.addRaw("transmitters", "[" + txs.joined(separator: ", ") + "]")
                print(o.text)
            } else {
                let tx = s.transmitters.map { "\($0.modulation.rawValue) \(Int($0.baudRate)) \($0.framing.rawValue)" }
                print("\(s.norad)\t\(s.name)\t\(Set(tx).sorted().joined(separator: "; "))")
            }
        }
    }
}
