import ArgumentParser
import Foundation
import GroundStation
import TelemetryDecode

struct TNCCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tnc",
        abstract: "Talk KISS to a TNC on a serial port or over TCP: print received frames, send frames.",
        discussion: """
            Connects to a KISS TNC (--serial DEVICE at --baud, 8N1, no flow control, opened exclusively; or \
            --kiss-tcp HOST:PORT, e.g. direwolf's 127.0.0.1:8001), sends the frames given with --send (hex: \
            the AX.25 frame without FCS) and then --send-text (TNC2 text SRC>DST,PATH:info, sent as a UI \
            frame; <0xNN> in the info is a raw byte), and prints every frame received: hex, or with \
            --output json one object per frame (port, command, offset, time, length, hex, and AX.25 fields \
            when it parses, as 'gsd kiss decode --json'). Runs for --seconds, until --count frames, or until \
            interrupted. A TCP connection that drops is re-established; a serial device that goes away ends \
            the command with status 1.
            """)

    enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
        case hex
        case json
    }

    @Option(help: "Serial device of the TNC, e.g. /dev/ttyUSB0.")
    var serial: String?

    @Option(help: "Serial baud rate: \(SerialPort.supportedBaudRates.map(String.init).joined(separator: ", ")).")
    var baud: Int = 9600

    @Option(name: .customLong("kiss-tcp"), help: "KISS TCP server of the TNC, HOST:PORT.")
    var kissTCP: String?

    @Option(help: "Output for received frames: hex or json.")
    var output: OutputFormat = .hex

    @Option(name: .customLong("send"), help: "Frame to send, in hex (repeatable).")
    var sendHex: [String] = []

    @Option(name: .customLong("send-text"), help: "Frame to send, as TNC2 text SRC>DST,PATH:info (repeatable).")
    var sendText: [String] = []

    @Option(name: .customLong("port"), help: "KISS port (0-15) the frames are sent on.")
    var kissPort: Int = 0

    @Option(help: "Stop after this many seconds (with only frames to send and no --seconds: exit once sent).")
    var seconds: Double?

    @Option(help: "Stop after this many received frames.")
    var count: Int?

    func validate() throws {
        if (serial == nil) == (kissTCP == nil) {
            throw ValidationError("Give exactly one of --serial DEVICE or --kiss-tcp HOST:PORT.")
        }
        if serial != nil && !SerialPort.supportedBaudRates.contains(baud) {
            throw ValidationError(
                "Unsupported --baud \(baud) (supported: \(SerialPort.supportedBaudRates.map(String.init).joined(separator: ", "))).")
        }
        if !(0...15).contains(kissPort) { throw ValidationError("--port must be 0-15.") }
        if let seconds, !(0...1e9).contains(seconds) { throw ValidationError("--seconds must be 0 to 1e9.") }
        if let count, count < 1 { throw ValidationError("--count must be at least 1.") }
    }

    /// "c0 ff", "c0:ff", "C0FF" → bytes.
    static func parseHex(_ text: String) -> [UInt8]? {
        let digits = text.unicodeScalars.filter { !($0 == " " || $0 == ":" || $0 == "\t") }
        guard digits.count % 2 == 0, !digits.isEmpty else { return nil }
        var out: [UInt8] = []
        var high: UInt8? = nil
        for u in digits {
            guard let v = UInt8(String(u), radix: 16) else { return nil }
            if let h = high {
                out.append(h << 4 | v)
                high = nil
            } else {
                high = v
            }
        }
        return out
    }

    func run() throws {
        // Everything to send is checked before touching the TNC.
        var outgoing: [[UInt8]] = []
        for h in sendHex {
            guard let bytes = Self.parseHex(h) else { throw ValidationFailure("--send '\(h)': not an even number of hex digits") }
            outgoing.append(bytes)
        }
        for t in sendText {
            do { outgoing.append(try AX25TextParser.parse(t).bytes) } catch { throw ValidationFailure("--send-text: \(error)") }
        }

        let link: any ByteLink
        if let serial {
            do { link = try SerialPort(path: serial, baudRate: baud) } catch { throw ValidationFailure(error.description) }
        } else {
            do {
                link = try KISSTCPClient(
                    endpoint: kissTCP ?? "", reconnect: .init(delay: .seconds(1), maximumAttempts: nil))
            } catch { throw ValidationFailure(error.description) }
        }
        let modem = KISSModem(link: link)
        defer { modem.close() }

        for bytes in outgoing {
            do {
                try modem.send(payload: bytes, port: UInt8(kissPort))
            } catch {
                throw ValidationFailure("\(error)")
            }
        }
        if let serialPort = link as? SerialPort, !outgoing.isEmpty { try? serialPort.drain() }
        if !outgoing.isEmpty { printError("gsd: sent \(outgoing.count) frame(s) to \(link.name)") }

        if seconds == nil && count == nil && !outgoing.isEmpty { return }
        let deadline: ContinuousClock.Instant? = seconds.map { ContinuousClock.now + .milliseconds(Int64($0 * 1000)) }
        var received = 0
        var session = link.session
        while true {
            var wait = Duration.milliseconds(500)
            if let deadline {
                let remaining = ContinuousClock.now.duration(to: deadline)
                if remaining <= .zero { break }
                wait = min(wait, remaining)
            }
            let events: [KISSDecoder.Event]
            do {
                events = try modem.receive(timeout: wait)
            } catch {
                throw ValidationFailure("\(error)")
            }
            if link.session != session {
                session = link.session
                printError("gsd: \(link.name): reconnected")
            }
            for event in events {
                switch event {
                case .error(let e):
                    printError("gsd: \(link.name): \(e)")
                case .frame(let f):
                    try StandardOutput.line(render(f))
                    try StandardOutput.finish()
                    received += 1
                    if let count, received >= count { return }
                }
            }
        }
    }

    func render(_ f: KISSFrame) -> String {
        let ax25 = f.command == KISS.dataCommand ? try? AX25Frame(bytes: f.payload) : nil
        switch output {
        case .json:
            return KISSFrameJSON.render(f, ax25: ax25, timeMilliseconds: Int64(Date().timeIntervalSince1970 * 1000))
        case .hex:
            var line = ""
            if f.port != 0 || f.command != 0 { line += "[port \(f.port) cmd \(f.command)] " }
            return line + hexString(f.payload)
        }
    }
}
