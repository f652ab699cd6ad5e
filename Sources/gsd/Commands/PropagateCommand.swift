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

    func run() throws {
        let sets = try ElementSetFile.load(path: tle, ignoreChecksums: ignoreChecksums)
        if let step, step <= 0 { throw ValidationFailure("--step must be positive") }
        var failures = 0
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
            let times: [Double]
            if from == nil, to == nil, step == nil, let r = set.range {
                times = Self.referenceTimes(r)
            } else {
                times = Self.times(from: from ?? 0, to: to ?? 1440, step: step ?? 120)
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
            }
            if out.utf8.count > 1 << 16 {
                print(out, terminator: "")
                out.removeAll(keepingCapacity: true)
            }
        }
        print(out, terminator: "")
        if failures > 0 && failures == sets.count { throw ExitCode(1) }
    }

    /// The times Vallado's test program visits: 0, then start, start + step, …, stop (stop always included).
    static func referenceTimes(_ r: TwoLineElements.VerificationRange) -> [Double] {
        var times = [0.0]
        guard r.step > 0 else { return times }
        var t = r.start
        if abs(t) > 1e-8 { t -= r.step }
        while t < r.stop {
            t += r.step
            if t > r.stop { t = r.stop }
            times.append(t)
        }
        return times
    }

    static func times(from: Double, to: Double, step: Double) -> [Double] {
        var times: [Double] = []
        var k = 0.0
        while true {
            let t = from + k * step
            if t > to + 1e-9 { break }
            times.append(t)
            k += 1
        }
        if let last = times.last, last < to - 1e-9 { times.append(to) }
        return times
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
