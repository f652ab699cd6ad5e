import TelemetryDecode

/// The JSON object gsd prints for a KISS frame (`gsd kiss decode --json`, `gsd tnc --output json`):
/// port, command, offset, time, length, hex, and the AX.25 fields when the payload parses.
enum KISSFrameJSON {
    static func render(_ f: KISSFrame, ax25: AX25Frame?, timeMilliseconds: Int64?) -> String {
        var o = JSONLine()
        o.add("port", Int(f.port))
        o.add("command", Int(f.command))
        o.add("offset", f.offset)
        if let t = timeMilliseconds { o.add("time", ISOTime.string(milliseconds: t)) }
        o.add("length", f.payload.count)
        o.add("hex", hexString(f.payload))
        if let ax25 {
            o.add("source", ax25.source.description)
            o.add("destination", ax25.destination.description)
            o.add("path", ax25.digipeaters.map { $0.description + ($0.flag ? "*" : "") })
            o.add("control", Int(ax25.control))
            if let pid = ax25.pid { o.add("pid", Int(pid)) }
            o.add("info", AX25Frame.printable(ax25.info))
            o.add("info_hex", hexString(ax25.info))
        }
        return o.text
    }
}
