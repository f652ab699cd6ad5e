import Foundation
import TelemetryDecode
import Yams

/// Reads and validates a daemon configuration file. Every problem names the key (dotted path) at fault;
/// the daemon refuses to start with any of them.
public enum DaemonConfigurationParser {
    /// Values from the command line that win over the file.
    public struct Overrides: Sendable {
        public var listen: String?
        public var dataDirectory: String?
        public init(listen: String? = nil, dataDirectory: String? = nil) {
            self.listen = listen
            self.dataDirectory = dataDirectory
        }
    }

    static let topLevelKeys: Set<String> = [
        "station", "hardware", "satellites", "tle", "minimum_elevation", "storage", "http", "data_dir",
        "recording", "replay", "publishing", "schedule_hours",
    ]

    public static func load(path: String, overrides: Overrides = .init()) throws(ConfigurationError) -> DaemonConfiguration {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ConfigurationError(file: path, key: "", problem: "cannot read the configuration file")
        }
        let base = URL(fileURLWithPath: path).deletingLastPathComponent().path
        return try parse(String(decoding: data, as: UTF8.self), file: path, baseDirectory: base, overrides: overrides)
    }

    public static func parse(
        _ text: String, file: String, baseDirectory: String, overrides: Overrides = .init()
    ) throws(ConfigurationError) -> DaemonConfiguration {
        let node: Any?
        do {
            node = try YAMLText.load(text)
        } catch {
            throw ConfigurationError(file: file, key: "", problem: "not valid YAML: \(error)")
        }
        guard let map = node as? [String: Any] else {
            throw ConfigurationError(file: file, key: "(top level)", problem: "expected a mapping")
        }
        let top = ConfigNode(map: map, file: file, prefix: "", base: baseDirectory)
        try top.rejectUnknown(topLevelKeys)

        // station
        let s = try top.section("station")
        try s.rejectUnknown(["name", "callsign", "location"])
        let name = try s.string("name")
        guard !name.isEmpty, name.allSatisfy({ $0.isLetter || $0.isNumber || "-_.".contains($0) }) else {
            throw s.error("name", "use letters, digits, '-', '_' or '.' (it names the station in stored passes)")
        }
        let loc = try s.section("location")
        try loc.rejectUnknown(["latitude", "longitude", "altitude"])
        let lat = try loc.double("latitude"), lon = try loc.double("longitude")
        guard (-90...90).contains(lat) else { throw loc.error("latitude", "must be within -90...90 degrees") }
        guard (-180...360).contains(lon) else { throw loc.error("longitude", "must be within -180...360 degrees") }
        let alt = try loc.optionalDouble("altitude") ?? 0
        let station = DaemonConfiguration.Station(
            name: name, callsign: try s.optionalString("callsign"),
            location: GeodeticPosition(latitude: lat, longitude: lon, altitude: alt))

        // satellites
        guard let satList = map["satellites"] as? [Any], !satList.isEmpty else {
            throw top.error("satellites", "missing or empty list of NORAD ids")
        }
        var satellites: [Int] = []
        for (i, v) in satList.enumerated() {
            guard let n = v as? Int, n > 0 else { throw top.error("satellites[\(i)]", "expected a NORAD id (a positive whole number), found '\(v)'") }
            guard !satellites.contains(n) else { throw top.error("satellites[\(i)]", "NORAD id \(n) is listed twice") }
            satellites.append(n)
        }

        // hardware
        let h = try top.section("hardware")
        try h.rejectUnknown(["source", "file", "rtl_tcp", "sdr", "rotctld", "rigctld"])
        let kind = try h.string("source")
        let source: DaemonConfiguration.Source
        switch kind {
        case "file":
            let f = try h.section("file")
            try f.rejectUnknown(["recordings", "speed", "start_delay", "gap"])
            guard let list = f.map["recordings"] as? [Any], !list.isEmpty else {
                throw f.error("recordings", "missing or empty list")
            }
            var recordings: [DaemonConfiguration.FileRecording] = []
            for (i, item) in list.enumerated() {
                guard let m = item as? [String: Any] else { throw f.error("recordings[\(i)]", "expected a mapping with path and norad") }
                let r = ConfigNode(map: m, file: file, prefix: f.prefix + "recordings[\(i)].", base: baseDirectory)
                try r.rejectUnknown(["path", "norad", "format", "rate", "iq", "f_offset"])
                let path = try r.existingFile("path")
                let norad = try r.int("norad")
                guard satellites.contains(norad) else {
                    throw r.error("norad", "\(norad) is not in the satellites list")
                }
                var format: SampleFormat? = nil
                if let fname = try r.optionalString("format") {
                    guard let sf = SampleFormat(name: fname) else { throw r.error("format", "unknown sample format '\(fname)'") }
                    format = sf
                }
                let rate = try r.optionalDouble("rate")
                if let rate, !(rate > 0) { throw r.error("rate", "must be positive") }
                if format != nil && rate == nil { throw r.error("rate", "required with format (raw files)") }
                recordings.append(.init(
                    path: path, norad: norad, format: format, rate: rate, iq: try r.optionalBool("iq") ?? false,
                    frequencyOffset: try r.optionalDouble("f_offset")))
            }
            let speed = try f.optionalDouble("speed") ?? 1
            guard speed >= 0, speed <= 1000 else { throw f.error("speed", "must be within 0...1000 (1 = real time, 0 = unpaced)") }
            let delay = try f.optionalDouble("start_delay") ?? 5
            guard delay >= 0 else { throw f.error("start_delay", "must not be negative") }
            let gap = try f.optionalDouble("gap") ?? 5
            guard gap >= 0 else { throw f.error("gap", "must not be negative") }
            source = .file(.init(recordings: recordings, speed: speed, startDelay: delay, gap: gap))
        case "rtl_tcp":
            let r = try h.section("rtl_tcp")
            try r.rejectUnknown(["address", "sample_rate", "gain", "ppm", "tuning_offset", "buffer_seconds"])
            let address = try r.string("address")
            guard let endpoint = HamlibEndpoint(parsing: address) else { throw r.error("address", "expected HOST:PORT, found '\(address)'") }
            let rate = try r.double("sample_rate")
            guard rate >= 225_000, rate <= 3_200_000 else { throw r.error("sample_rate", "must be within 225000...3200000 Hz") }
            source = .rtlTCP(.init(
                endpoint: endpoint, sampleRate: rate, gain: try r.optionalDouble("gain"), ppm: try Self.ppm(r),
                tuningOffset: try Self.tuningOffset(r, rate: rate), bufferSeconds: try Self.bufferSeconds(r)))
        case "sdr":
            let r = try h.section("sdr")
            try r.rejectUnknown(["profile", "device", "sample_rate", "gain", "serial", "ppm", "tuning_offset", "antenna", "gains", "bandwidth", "stream_format", "buffer_seconds"])
            let rate = try r.double("sample_rate")
            guard rate > 0 else { throw r.error("sample_rate", "must be positive") }
            var soapy: String? = nil
            if let device = try r.optionalString("device") {
                guard device.hasPrefix("soapy:"), device.count > 6 else {
                    throw r.error("device", "expected soapy:ARGS (e.g. soapy:driver=airspy); a native dongle is chosen by profile and serial")
                }
                soapy = String(device.dropFirst(6))
            }
            let profile = try r.optionalString("profile")
            if profile == nil && soapy == nil { throw r.error("profile", "missing (or give device: soapy:ARGS)") }
            if profile != nil && soapy != nil { throw r.error("device", "give either profile or device, not both") }
            var gains: [String: Double] = [:]
            if r.map["gains"] != nil {
                let g = try r.section("gains")
                for name in g.map.keys.sorted() { gains[name] = try g.double(name) }
            }
            let bandwidth = try r.optionalDouble("bandwidth")
            if let bandwidth, !(bandwidth > 0) { throw r.error("bandwidth", "must be positive") }
            var streamFormat = SoapySDRSampleSource.StreamFormat.cs8
            if let f = try r.optionalString("stream_format") {
                guard let v = SoapySDRSampleSource.StreamFormat(rawValue: f.lowercased()) else {
                    throw r.error("stream_format", "must be cs8, cs16 or cf32, not '\(f)'")
                }
                streamFormat = v
            }
            source = .sdr(.init(
                profile: profile ?? "", sampleRate: rate, gain: try r.optionalDouble("gain"), serial: try r.optionalString("serial"),
                soapyArguments: soapy, ppm: try Self.ppm(r), tuningOffset: try Self.tuningOffset(r, rate: rate),
                antenna: try r.optionalString("antenna"), gainElements: gains, bandwidth: bandwidth, streamFormat: streamFormat,
                bufferSeconds: try Self.bufferSeconds(r)))
        default:
            throw h.error("source", "must be file, rtl_tcp or sdr, not '\(kind)'")
        }
        let rotctld = try h.optionalEndpoint("rotctld")
        let rigctld = try h.optionalEndpoint("rigctld")

        // TLE sources
        var tleFiles: [String] = []
        if map["tle"] != nil {
            let t = try top.section("tle")
            try t.rejectUnknown(["files"])
            guard let files = t.map["files"] as? [Any] else { throw t.error("files", "expected a list of TLE/OMM files") }
            for i in files.indices {
                let sub = ConfigNode(map: ["f": files[i]], file: file, prefix: t.prefix + "files[\(i)]", base: baseDirectory)
                tleFiles.append(try sub.existingFile("f", label: ""))
            }
        }
        if case .file = source {} else if tleFiles.isEmpty {
            throw top.error("tle.files", "required with a live source (passes are predicted from them)")
        }

        let minEl = try top.optionalDouble("minimum_elevation") ?? 10
        guard (-5...90).contains(minEl) else { throw top.error("minimum_elevation", "must be within -5...90 degrees") }
        let hours = try top.optionalDouble("schedule_hours") ?? 24
        guard hours > 0, hours <= 24 * 14 else { throw top.error("schedule_hours", "must be within 0...336") }

        // data directory (the command line wins)
        var dataDir = try top.optionalPath("data_dir") ?? ConfigNode.resolve("gsd-data", base: baseDirectory)
        if let d = overrides.dataDirectory { dataDir = ConfigNode.resolve(d, base: FileManager.default.currentDirectoryPath) }

        // storage
        var storage = DaemonConfiguration.Storage.sqlite(path: (dataDir as NSString).appendingPathComponent("gsd.sqlite"))
        if map["storage"] != nil {
            let st = try top.section("storage")
            try st.rejectUnknown(["sqlite", "postgresql"])
            let sqlite = try st.optionalString("sqlite")
            let pg = try st.optionalString("postgresql")
            if sqlite != nil && pg != nil { throw st.error("postgresql", "give sqlite or postgresql, not both") }
            if let pg {
                guard pg.hasPrefix("postgres://") || pg.hasPrefix("postgresql://"), URL(string: pg)?.host != nil else {
                    throw st.error("postgresql", "expected a URL like postgres://user:password@host:5432/database")
                }
                storage = .postgresql(url: pg)
            } else if let sqlite {
                storage = .sqlite(path: ConfigNode.resolve(sqlite, base: dataDir))
            }
        }

        // HTTP
        var http = DaemonConfiguration.HTTP(host: "127.0.0.1", port: 8080, tokenDigests: [])
        if map["http"] != nil {
            let hs = try top.section("http")
            try hs.rejectUnknown(["listen", "tokens"])
            if let listen = try hs.optionalString("listen") {
                guard let (host, port) = parseListen(listen) else { throw hs.error("listen", "expected HOST:PORT, found '\(listen)'") }
                http.host = host
                http.port = port
            }
            if let tokens = hs.map["tokens"] {
                guard let list = tokens as? [Any] else { throw hs.error("tokens", "expected a list") }
                for (i, t) in list.enumerated() {
                    guard let text = t as? String, !text.isEmpty else { throw hs.error("tokens[\(i)]", "expected text") }
                    if text.hasPrefix("sha256:") {
                        guard let digest = hexBytes(String(text.dropFirst(7))), digest.count == 32 else {
                            throw hs.error("tokens[\(i)]", "sha256: must be followed by 64 hex digits")
                        }
                        http.tokenDigests.append(digest)
                    } else {
                        guard text.count >= 16 else { throw hs.error("tokens[\(i)]", "a plain token must be at least 16 characters") }
                        http.tokenDigests.append(SHA256Digest.hash(Array(text.utf8)))
                    }
                }
            }
        }
        if let listen = overrides.listen {
            guard let (host, port) = parseListen(listen) else {
                throw ConfigurationError(file: "--listen", key: "", problem: "expected HOST:PORT, found '\(listen)'")
            }
            http.host = host
            http.port = port
        }

        // recording, replay, publishing
        var recordSigMF = false
        if map["recording"] != nil {
            let rc = try top.section("recording")
            try rc.rejectUnknown(["sigmf"])
            recordSigMF = try rc.optionalBool("sigmf") ?? false
        }
        var replayDir: String? = nil
        if map["replay"] != nil {
            let rp = try top.section("replay")
            try rp.rejectUnknown(["directory"])
            replayDir = try rp.optionalPath("directory")
            if let d = replayDir {
                var isDir: ObjCBool = false
                guard FileManager.default.fileExists(atPath: d, isDirectory: &isDir), isDir.boolValue else {
                    throw rp.error("directory", "'\(d)' is not an existing folder")
                }
            }
        }
        var publishing: [DaemonConfiguration.PublishingTarget] = []
        if let p = map["publishing"] {
            guard let list = p as? [Any] else { throw top.error("publishing", "expected a list") }
            for (i, item) in list.enumerated() {
                guard let m = item as? [String: Any] else { throw top.error("publishing[\(i)]", "expected a mapping") }
                let n = ConfigNode(map: m, file: file, prefix: "publishing[\(i)].", base: baseDirectory)
                let kind = try n.string("kind")
                guard kind == "sids" else { throw n.error("kind", "unknown publishing kind '\(kind)' (known: sids)") }
                let url = try n.string("url")
                guard let u = URL(string: url), u.scheme == "http" || u.scheme == "https", u.host != nil else {
                    throw n.error("url", "expected an http(s) URL, found '\(url)'")
                }
                var options: [String: String] = [:]
                for (k, v) in m where k != "kind" && k != "url" { options[k] = "\(v)" }
                publishing.append(.init(kind: kind, url: url, options: options))
            }
        }
        return DaemonConfiguration(
            file: file, station: station, hardware: .init(source: source, rotctld: rotctld, rigctld: rigctld),
            satellites: satellites, tleFiles: tleFiles, minimumElevation: minEl, storage: storage, http: http,
            dataDirectory: dataDir, recordSigMF: recordSigMF, replayDirectory: replayDir, publishing: publishing,
            scheduleHours: hours)
    }

    /// `HOST:PORT` (port 0 = any free port), `[v6]:PORT`.
    static func parseListen(_ text: String) -> (String, Int)? {
        guard let colon = text.lastIndex(of: ":") else { return nil }
        var host = String(text[..<colon])
        guard let port = Int(text[text.index(after: colon)...]), (0...65535).contains(port) else { return nil }
        if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        guard !host.isEmpty, !host.contains(where: \.isWhitespace) else { return nil }
        return (host, port)
    }

    static func hexBytes(_ s: String) -> [UInt8]? {
        let chars = Array(s.utf8)
        guard chars.count % 2 == 0 else { return nil }
        var out: [UInt8] = []
        var i = 0
        while i < chars.count {
            guard let hi = hexValue(chars[i]), let lo = hexValue(chars[i + 1]) else { return nil }
            out.append(hi << 4 | lo)
            i += 2
        }
        return out
    }

    private static func hexValue(_ c: UInt8) -> UInt8? {
        switch c {
        case 48...57: c - 48
        case 97...102: c - 87
        case 65...70: c - 55
        default: nil
        }
    }

    static func ppm(_ r: ConfigNode) throws(ConfigurationError) -> Int {
        guard r.map["ppm"] != nil else { return 0 }
        let v = try r.int("ppm")
        guard abs(v) <= 1000 else { throw r.error("ppm", "must be within -1000...1000") }
        return v
    }

    /// Seconds of samples a live receiver holds for the decoders.
    static func bufferSeconds(_ r: ConfigNode) throws(ConfigurationError) -> Double {
        let v = try r.optionalDouble("buffer_seconds") ?? DaemonConfiguration.Source.defaultBufferSeconds
        guard v >= 1, v <= 600 else { throw r.error("buffer_seconds", "must be within 1...600 seconds") }
        return v
    }

    /// The signal must stay inside the sampled band with room for Doppler and its own width.
    static func tuningOffset(_ r: ConfigNode, rate: Double) throws(ConfigurationError) -> Double {
        let v = try r.optionalDouble("tuning_offset") ?? 0
        guard abs(v) <= rate * 0.4 else { throw r.error("tuning_offset", "must be within ±40 % of sample_rate (±\(Int(rate * 0.4)) Hz)") }
        return v
    }
}
