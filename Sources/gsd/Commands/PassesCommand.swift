import ArgumentParser
import Foundation
import GroundStation

struct PassesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "passes",
        abstract: "Predict satellite passes over a ground station.",
        discussion: """
            AOS and LOS are the times the satellite rises above and sets below --min-elevation (geometric \
            elevation above the WGS-84 horizon, no refraction), found to about 10 ms; TCA is the time of \
            maximum elevation. Passes cut by the start or end of the window are marked with '<' / '>' in \
            the table and flagged in JSON. Times are UTC.
            """)

    @Option(help: "Element file: two- or three-line TLEs, or OMM JSON.")
    var tle: String

    @Option(
        parsing: .unconditional,
        help: ArgumentHelp("Station as LAT,LON,ALT_M (degrees north/east, metres).", valueName: "lat,lon,alt"))
    var station: String

    @Option(help: "Window start, ISO 8601 UTC (e.g. 2024-03-01T00:00:00Z). Default: now.")
    var start: String?

    @Option(help: "Window length in hours.")
    var hours: Double = 24

    @Option(help: "Minimum elevation in degrees.")
    var minElevation: Double = 0

    @Option(help: "Only satellites whose name contains this (case-insensitive).")
    var satellite: String?

    @Option(help: "Only the satellite with this NORAD catalogue number.")
    var norad: Int?

    @Flag(help: "Accept TLE lines whose checksum digit is wrong.")
    var ignoreChecksums = false

    @Flag(help: "One JSON object per pass.")
    var json = false

    func validate() throws {
        if satellite != nil && norad != nil { throw ValidationError("use --satellite or --norad, not both") }
        if !(hours > 0) { throw ValidationError("--hours must be positive") }
        // Elements go stale within weeks; a year bounds the run time of a mistyped window.
        if hours > 24 * 366 { throw ValidationError("--hours must be at most 8784 (366 days)") }
        if !(-90...90).contains(minElevation) { throw ValidationError("--min-elevation must be within -90...90") }
    }

    func run() throws {
        guard let location = GeodeticPosition(parsing: station) else {
            throw ValidationFailure("--station '\(station)' is not LAT,LON[,ALT_M] in degrees and metres")
        }
        let windowStart: JulianDate
        if let start {
            guard let d = JulianDate(iso8601: start) else {
                throw ValidationFailure("--start '\(start)' is not an ISO 8601 UTC time from 1900 to 2100 like 2024-03-01T12:00:00Z")
            }
            windowStart = d
        } else {
            windowStart = JulianDate(Date())
        }
        let windowEnd = windowStart.adding(minutes: hours * 60)

        var sets = try ElementSetFile.load(path: tle, ignoreChecksums: ignoreChecksums)
        if let norad { sets = sets.filter { $0.elements.noradID == norad } }
        if let satellite {
            sets = sets.filter { ($0.elements.name ?? "").localizedCaseInsensitiveContains(satellite) }
        }
        if sets.isEmpty { throw ValidationFailure("no satellite in \(tle) matches the selection") }

        var passes: [SatellitePass] = []
        for set in sets {
            do {
                let predictor = PassPredictor(
                    propagator: try SGP4Propagator(set.elements), station: location, minimumElevation: minElevation)
                passes += try predictor.passes(from: windowStart, to: windowEnd)
            } catch {
                let label = [String(set.elements.noradID), set.elements.name].compactMap { $0 }.joined(separator: " ")
                printError("gsd: \(label): \(error)")
            }
        }
        passes.sort { $0.aos < $1.aos || ($0.aos == $1.aos && $0.noradID < $1.noradID) }

        if json {
            for p in passes { print(Self.jsonLine(p)) }
            return
        }
        if passes.isEmpty {
            printError("gsd: no passes above \(minElevation)° in the window")
            return
        }
        let nameWidth = max(4, min(24, passes.map { ($0.name ?? "").count }.max() ?? 4))
        func pad(_ s: String, _ w: Int) -> String { s.count >= w ? s : s + String(repeating: " ", count: w - s.count) }
        func lpad(_ s: String, _ w: Int) -> String { s.count >= w ? s : String(repeating: " ", count: w - s.count) + s }
        print(
            "\(lpad("NORAD", 6))  \(pad("NAME", nameWidth))  \(pad("AOS (UTC)", 23))\(pad("TCA (UTC)", 22))"
                + "\(pad("LOS (UTC)", 22))MAX EL  AOS AZ  LOS AZ  DURATION")
        for p in passes {
            let name = String((p.name ?? "").prefix(nameWidth))
            let aos = p.aos.iso8601(fractionDigits: 0) + (p.startsBeforeWindow ? "<" : " ")
            let los = p.los.iso8601(fractionDigits: 0) + (p.endsAfterWindow ? ">" : " ")
            let d = Int(p.duration.rounded())
            print(
                "\(lpad(String(p.noradID), 6))  \(pad(name, nameWidth))  \(aos)  \(p.tca.iso8601(fractionDigits: 0))  \(los) "
                    + String(format: "%6.1f  %6.1f  %6.1f  %5d:%02d", p.maxElevation, p.aosAzimuth, p.losAzimuth, d / 60, d % 60))
        }
    }

    static func jsonLine(_ p: SatellitePass) -> String {
        func r(_ x: Double, _ places: Double = 1000) -> Double { (x * places).rounded() / places }
        var o = JSONLine()
        o.add("norad", p.noradID)
        if let name = p.name { o.add("name", name) } else { o.addNull("name") }
        o.add("aos", p.aos.iso8601(fractionDigits: 3))
        o.add("tca", p.tca.iso8601(fractionDigits: 3))
        o.add("los", p.los.iso8601(fractionDigits: 3))
        o.add("max_elevation", r(p.maxElevation))
        o.add("aos_azimuth", r(p.aosAzimuth))
        o.add("tca_azimuth", r(p.tcaAzimuth))
        o.add("los_azimuth", r(p.losAzimuth))
        o.add("duration_s", r(p.duration))
        o.add("starts_before_window", p.startsBeforeWindow)
        o.add("ends_after_window", p.endsAfterWindow)
        return o.text
    }
}
