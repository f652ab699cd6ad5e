import ArgumentParser
import Foundation
import GroundStation
import TelemetryDecode

struct TelemetryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "telemetry", abstract: "Decode telemetry fields from frames with the catalogue's definitions.",
        subcommands: [TelemetryDecodeCommand.self, TelemetryDefinitionsCommand.self])
}

struct TelemetryDecodeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "decode",
        abstract: "Decode frames given as hex: one JSON object per frame on stdout.",
        discussion: """
            The satellite's transmitters name their definitions (catalogue/satellites/*.yml, key 'telemetry'); \
            --definition picks one directly. A frame that does not fit keeps its hex and gets an 'error' naming \
            the field and byte offset; the exit status is then 1. A frame argument '-' reads frames from standard \
            input, one per line, as 'gsd replay' prints them: gsd replay FILE --norad N | gsd telemetry decode --norad N -
            """)

    @Option(help: "NORAD catalogue number of the satellite.")
    var norad: Int?

    @Option(help: "Satellite name (or alternative name) in the catalogue.")
    var satellite: String?

    @Option(help: "Transmitter name, when the satellite's transmitters use different definitions.")
    var transmitter: String?

    @Option(help: "Decode with this definition (catalogue/telemetry/NAME.yml) instead of the satellite's.")
    var definition: String?

    @Option(help: "Catalogue folder (default: the one shipped with gsd).")
    var catalogue: String?

    @Argument(help: "Frames as hex (spaces and colons allowed inside an argument when quoted); '-' reads them from stdin, one per line.")
    var frames: [String]

    func validate() throws {
        guard [norad != nil, satellite != nil, definition != nil].filter({ $0 }).count == 1 else {
            throw ValidationError("give exactly one of --norad, --satellite or --definition")
        }
        guard !frames.isEmpty else { throw ValidationError("give at least one frame as hex") }
    }

    func run() throws {
        let service: TelemetryService
        do { service = try TelemetryService.load(catalogue: catalogue) } catch { throw ValidationFailure(error.description) }
        var definitions: [String]
        if let definition {
            guard service.library.plan(named: definition) != nil else {
                throw ValidationFailure("no telemetry definition named '\(definition)'; see 'gsd telemetry definitions'")
            }
            definitions = [definition]
        } else {
            let sat: Satellite
            do {
                sat = try service.catalogue.find(name: satellite, norad: norad, directory: SatelliteCatalogue.defaultDirectory(explicit: catalogue))
            } catch { throw ValidationFailure(error.description) }
            if let transmitter, !sat.transmitters.contains(where: { $0.name == transmitter }) {
                throw ValidationFailure("\(sat.name) has no transmitter '\(transmitter)' (has: \(sat.transmitters.map(\.name).joined(separator: ", ")))")
            }
            definitions = sat.telemetryDefinitions(transmitter: transmitter)
            guard !definitions.isEmpty else { throw ValidationFailure("the catalogue names no telemetry definition for \(sat.name)") }
        }
        var failed = false
        try forEachFrame { label, text in
            guard let bytes = Self.bytes(text) else {
                throw ValidationFailure("\(label): not hex: '\(text.prefix(40))'")
            }
            var o = JSONLine()
            o.add("length", bytes.count)
            o.add("hex", hexString(bytes))
            if let d = service.library.decode(bytes, definitions: definitions) {
                o.addRaw("telemetry", TelemetryJSON.render(d))
                if let e = d.error {
                    failed = true
                    printError("gsd: \(label): \(d.definition): \(e)")
                }
            } else {
                o.addNull("telemetry")
                failed = true
                printError("gsd: \(label): no definition of \(definitions.joined(separator: ", ")) applies to \(bytes.count) bytes")
            }
            try StandardOutput.line(o.text)
        }
        if failed { throw ExitCode(1) }
    }

    /// Each frame with a label for messages: "frame N" for the Nth argument, "stdin line N" for a line of
    /// standard input (read as it comes, when an argument is '-'; blank lines are skipped).
    func forEachFrame(_ body: (_ label: String, _ text: String) throws -> Void) throws {
        for (i, text) in frames.enumerated() {
            guard text == "-" else {
                try body("frame \(i + 1)", text)
                continue
            }
            var line = 0
            while let l = readLine() {
                line += 1
                let t = l.trimmingCharacters(in: .whitespaces)
                if !t.isEmpty {
                    try body("stdin line \(line)", t)
                    // The lines may come live (gsd listen | gsd telemetry decode -): each result goes out now.
                    try StandardOutput.finish()
                }
            }
        }
    }

    static func bytes(_ text: String) -> [UInt8]? {
        let digits = Array(text.utf8.filter { $0 != UInt8(ascii: " ") && $0 != UInt8(ascii: ":") })
        guard digits.count % 2 == 0 else { return nil }
        var out: [UInt8] = []
        out.reserveCapacity(digits.count / 2)
        var i = 0
        while i < digits.count {
            guard let b = UInt8(String(decoding: digits[i..<i + 2], as: UTF8.self), radix: 16) else { return nil }
            out.append(b)
            i += 2
        }
        return out
    }
}

struct TelemetryDefinitionsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "definitions", abstract: "List the telemetry definitions and the satellites that use them.")

    @Option(help: "Catalogue folder (default: the one shipped with gsd).")
    var catalogue: String?

    func run() throws {
        let service: TelemetryService
        do { service = try TelemetryService.load(catalogue: catalogue) } catch { throw ValidationFailure(error.description) }
        for name in service.library.plans.keys.sorted() {
            let users = service.catalogue.satellites.filter { $0.telemetryDefinitions(transmitter: nil).contains(name) }.map(\.name)
            let about = service.library.plans[name]?.definition.description ?? ""
            print("\(name)\t\(about)\t\(users.joined(separator: ", "))")
        }
    }
}

/// Telemetry decoding for `gsd replay --output json`: the catalogue's definitions for the replayed satellite.
struct ReplayTelemetry {
    let service: TelemetryService
    let norad: Int

    /// Nil (with a warning when the definitions do not load) when there is nothing to decode with.
    static func load(catalogue: String?, satellite: String?) -> ReplayTelemetry? {
        guard let satellite else { return nil }
        do {
            let service = try TelemetryService.load(catalogue: catalogue)
            guard let sat = service.catalogue.satellite(named: satellite), !sat.telemetryDefinitions(transmitter: nil).isEmpty else { return nil }
            return ReplayTelemetry(service: service, norad: sat.norad)
        } catch {
            printError("gsd: warning: telemetry not decoded: \(error.description)")
            return nil
        }
    }

    /// The `telemetry` JSON of a received frame, nil when no definition applies.
    func json(_ f: ReceivedFrame) -> String? {
        service.json(norad: norad, transmitter: f.transmitter, frame: f.frame.bytes)
    }
}
