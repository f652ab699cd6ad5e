import ArgumentParser
import Foundation
import GroundStation

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

struct StatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Ask a running daemon (gsd run) for its status and schedule.")

    @Option(help: "The daemon's address, http://HOST:PORT (default: from --config's http.listen, else http://127.0.0.1:8080).")
    var url: String?

    @Option(help: "The daemon's configuration file, to find its address.")
    var config: String?

    @Flag(help: "Print the status JSON as the daemon returns it.")
    var json = false

    func run() async throws {
        var base = url ?? "http://127.0.0.1:8080"
        if url == nil, let config {
            do {
                let c = try DaemonConfigurationParser.load(path: config)
                let host = c.http.host == "0.0.0.0" ? "127.0.0.1" : (c.http.host.contains(":") ? "[\(c.http.host)]" : c.http.host)
                base = "http://\(host):\(c.http.port)"
            } catch {
                throw ValidationFailure("invalid configuration: \(error.description)")
            }
        }
        if base.hasSuffix("/") { base.removeLast() }
        let statusData = try await fetch(base + "/api/status")
        if json {
            print(String(decoding: statusData, as: UTF8.self))
            return
        }
        let decoder = APIJSON.decoder()
        let status: APIJSON.Status
        let schedule: APIJSON.Schedule
        do {
            status = try decoder.decode(APIJSON.Status.self, from: statusData)
            schedule = try decoder.decode(APIJSON.Schedule.self, from: try await fetch(base + "/api/schedule"))
        } catch {
            throw ValidationFailure("\(base) did not answer like a gsd daemon: \(error)")
        }
        print("station \(status.station)\(status.callsign.map { " (\($0))" } ?? "") — gsd \(status.version), up \(Int(status.uptimeSeconds)) s")
        for d in status.devices { print("  \(d.role): \(d.kind)\(d.address.map { " \($0)" } ?? "")") }
        print("ring: \(status.ring.bytesIn) bytes in, \(status.ring.bytesDropped) dropped (\(status.ring.dropEvents) drops)")
        print("passes observed: \(status.passesObserved), frames stored: \(status.framesStored)")
        if status.currentPasses.isEmpty { print("current pass: none") }
        for p in status.currentPasses { print("current pass: \(p.passID) \(p.satellite) (\(p.kind.rawValue)), \(p.frames) frames") }
        if let e = status.lastError { print("last error: \(e)") }
        print("schedule (\(schedule.finished ? "finished" : "running")):")
        let style = Date.ISO8601FormatStyle()
        for p in schedule.passes {
            print("  \(p.slot)  \(style.format(p.start))  \(p.satellite) (\(p.norad))  \(p.state)\(p.note.map { "  \($0)" } ?? "")")
        }
    }

    func fetch(_ address: String) async throws -> Data {
        guard let u = URL(string: address) else { throw ValidationFailure("not a URL: \(address)") }
        do {
            let (data, response) = try await URLSession.shared.data(from: u)
            guard let http = response as? HTTPURLResponse, http.statusCode == 200 else {
                throw ValidationFailure("\(address): HTTP \((response as? HTTPURLResponse)?.statusCode ?? 0)")
            }
            return data
        } catch let e as ValidationFailure {
            throw e
        } catch {
            throw ValidationFailure("no gsd daemon answers at \(address): \(error.localizedDescription)")
        }
    }
}
