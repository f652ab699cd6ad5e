import ArgumentParser
import Foundation
import GroundStation
import TelemetryDecode

struct KissCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kiss", abstract: "Work with KISS frame files.", subcommands: [KissDecodeCommand.self])
}

struct KissDecodeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "decode",
        abstract: "Print each frame of a KISS file (or standard input).",
        discussion: """
            Timestamp frames (command 0x09, as gr-satellites writes them) give the time of the frame that \
            follows and are not printed themselves. Frames that parse as AX.25 are shown as SRC>DST,PATH:info; \
            others as hex. Exit status 1 if the stream had errors (reported on stderr).
            """)

    @Argument(help: "KISS file; '-' or nothing reads standard input.")
    var file: String = "-"

    @Flag(help: "One JSON object per frame: port, command, offset, hex, time, and AX.25 fields when it parses.")
    var json = false

    func run() throws {
        let reader: ByteStreamReader
        do { reader = try ByteStreamReader(path: file) } catch { throw ValidationFailure(error.description) }
        var decoder = KISSDecoder()
        var events: [KISSDecoder.Event] = []
        var pendingTime: Int64? = nil
        var errors = 0
        let name = reader.displayName

        func handle() throws {
            for event in events {
                switch event {
                case .error(let e):
                    errors += 1
                    printError("gsd: \(name): \(e)")
                case .frame(let f):
                    if f.command == KISS.timestampCommand, let t = f.timestampMilliseconds {
                        pendingTime = t
                        continue
                    }
                    try StandardOutput.line(render(f, time: pendingTime))
                    pendingTime = nil
                }
            }
            events.removeAll(keepingCapacity: true)
        }

        do {
            try reader.forEachChunk { chunk in
                decoder.process(chunk, into: &events)
                try handle()
                // Standard input may be a live TNC: each chunk's frames go out now, not a 4 KB buffer later.
                try StandardOutput.finish()
            }
        } catch let e as FileInputError {
            throw ValidationFailure(e.description)
        }
        decoder.finish(into: &events)
        try handle()
        if errors > 0 { throw ExitCode(1) }
    }

    func render(_ f: KISSFrame, time: Int64?) -> String {
        let ax25 = try? AX25Frame(bytes: f.payload)
        if json { return KISSFrameJSON.render(f, ax25: ax25, timeMilliseconds: time) }
        var line = ""
        if let time { line += ISOTime.string(milliseconds: time) + " " }
        if f.port != 0 || f.command != 0 { line += "[port \(f.port) cmd \(f.command)] " }
        line += ax25?.text ?? hexString(f.payload)
        return line
    }
}

/// A user-facing failure: printed as "Error: message", exit status 1, no usage text.
struct ValidationFailure: Error, CustomStringConvertible {
    let description: String
    init(_ message: String) { description = message }
}

enum ISOTime {
    /// "2023-11-14T22:13:20.000Z" for milliseconds since the Unix epoch.
    static func string(milliseconds: Int64) -> String {
        let date = Date(timeIntervalSince1970: Double(milliseconds) / 1000)
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        f.timeZone = TimeZone(identifier: "UTC")
        return f.string(from: date)
    }
}
