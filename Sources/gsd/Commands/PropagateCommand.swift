import ArgumentParser
import Foundation
import GroundStation

struct PropagateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "propagate",
        abstract: "Propagate element sets with SGP4/SDP4 and print TEME states.",
        discussion: """
            For each satellite prints "<norad> xx", then lines "tsince x y z xdot ydot zdot" (minutes from \
            epoch; km and km/s in TEME), formatted like Vallado's tcppver.out. With a verification-format \
            file (start, stop and step after line 2, as in SGP4-VER.TLE) and no --from/--to/--step, each \
            satellite uses its own range and starts with a t = 0 line, as the reference program does. \
            SGP4 errors (decay and the other codes 1-6) end that satellite and are reported on stderr. \
            The file may also be CelesTrak GP JSON (OMM).
            """)

    @Option(help: "Element file: two- or three-line TLEs, or OMM JSON.")
    var tle: String

    @Option(help: "First time, minutes from epoch.")
    var from: Double?

    @Option(help: "Last time, minutes from epoch.")
    var to: Double?

    @Option(help: "Step, minutes.")
    var step: Double?

    @Flag(help: "Accept TLE lines whose checksum digit is wrong (SGP4-VER.TLE has some).")
    var ignoreChecksums = false

    func validate() throws {
        for (name, value) in [("--from", from), ("--to", to), ("--step", step)] {
            if let value, !value.isFinite { throw ValidationError("\(name) must be a finite number of minutes") }
        }
        if let step, step <= 0 { throw ValidationError("--step must be positive") }
    }

    func run() throws {
        let sets = try ElementSetFile.load(path: tle, ignoreChecksums: ignoreChecksums)
        var failures = 0
        // Written in 64 KB pieces as it goes: a long range streams instead of piling up in memory.
        var out = ""
        out.reserveCapacity(1 << 16)
        for set in sets {
            let propagator: SGP4Propagator
            do { propagator = try SGP4Propagator(set.elements) } catch {
                printError("gsd: \(set.elements.noradID): \(error)")
                failures += 1
                continue
            }
            out += "\(set.elements.noradID) xx\n"
            let times: AnySequence<Double>
            if from == nil, to == nil, step == nil, let r = set.range {
                times = AnySequence(Self.referenceTimes(r))
            } else {
                times = AnySequence(Self.times(from: from ?? 0, to: to ?? 1440, step: step ?? 120))
            }
            for t in times {
                do {
                    let s = try propagator.propagate(minutesSinceEpoch: t)
                    out += String(
                        format: " %16.8f %16.8f %16.8f %16.8f %12.9f %12.9f %12.9f\n", t, s.position.x,
                        s.position.y, s.position.z, s.velocity.x, s.velocity.y, s.velocity.z)
                } catch {
                    printError("gsd: \(set.elements.noradID): t = \(String(format: "%.8f", t)) min: \(error)")
                    break
                }
                if out.utf8.count > 1 << 16 {
                    try StandardOutput.write(out)
                    out.removeAll(keepingCapacity: true)
                }
            }
        }
        try StandardOutput.write(out)
        if failures > 0 && failures == sets.count { throw ExitCode(1) }
    }

    /// The times Vallado's test program visits: 0, then start, start + step, …, stop (stop always included).
    static func referenceTimes(_ r: TwoLineElements.VerificationRange) -> some Sequence<Double> {
        // nil before the leading 0 is given.
        sequence(state: Double?.none) { (t: inout Double?) -> Double? in
            guard let now = t else {
                t = r.start - (abs(r.start) > 1e-8 ? r.step : 0)
                return 0
            }
            guard r.step > 0, now < r.stop else { return nil }
            t = min(now + r.step, r.stop)
            return t
        }
    }

    /// from, from + step, …, then `to` itself if the steps did not land on it.
    static func times(from: Double, to: Double, step: Double) -> some Sequence<Double> {
        sequence(state: (k: 0.0, last: Double?.none, done: false)) { state -> Double? in
            if state.done { return nil }
            let t = from + state.k * step
            if t > to + 1e-9 {
                state.done = true
                if let last = state.last, last < to - 1e-9 { return to }
                return nil
            }
            state.k += 1
            state.last = t
            return t
        }
    }
}

/// Element sets read from a TLE or OMM file, for the orbit commands.
enum ElementSetFile {
    struct Entry {
        var elements: MeanElements
        var range: TwoLineElements.VerificationRange?
    }

    static func load(path: String, ignoreChecksums: Bool) throws -> [Entry] {
        let url = URL(fileURLWithPath: path)
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ValidationFailure("\(path): cannot read file")
        }
        let firstByte = data.first { $0 != UInt8(ascii: " ") && $0 != UInt8(ascii: "\n") && $0 != UInt8(ascii: "\r") }
        if firstByte == UInt8(ascii: "[") || firstByte == UInt8(ascii: "{") {
            do {
                return try OMM.decode(data).map { Entry(elements: try $0.meanElements(), range: nil) }
            } catch {
                throw ValidationFailure("\(path): \(error)")
            }
        }
        do {
            let sets = try TwoLineElements.parseMany(
                String(decoding: data, as: UTF8.self), checksum: ignoreChecksums ? .ignore : .validate,
                source: url.lastPathComponent)
            if sets.isEmpty { throw ValidationFailure("\(path): no element sets found") }
            return sets.map { Entry(elements: $0.meanElements, range: $0.verificationRange) }
        } catch let e as TLEParseError {
            var message = e.description
            if case .checksumMismatch = e.kind { message += " (--ignore-checksums accepts it)" }
            throw ValidationFailure(message)
        }
    }
}
