import Foundation
import GroundStation
import Testing

private let minimalConfiguration = """
    station:
      name: home
      location: { latitude: 52.1, longitude: 4.3 }
    hardware:
      source: rtl_tcp
      rtl_tcp: { address: 127.0.0.1:1234, sample_rate: 2048000 }
    satellites: [42702]
    tle: { files: [elements.tle] }
    """

private let invalidCases: [(String, String, String)] = [
    ("station:\n  name: x\n", "station.location", "missing"),
    (minimalConfiguration.replacingOccurrences(of: "latitude: 52.1", with: "latitude: 95"), "station.location.latitude", "-90...90"),
    (minimalConfiguration.replacingOccurrences(of: "latitude: 52.1", with: "latitude: north"), "station.location.latitude", "expected a number"),
    (minimalConfiguration.replacingOccurrences(of: "name: home", with: "name: my home"), "station.name", "letters"),
    (minimalConfiguration.replacingOccurrences(of: "satellites: [42702]", with: "satellites: []"), "satellites", "empty"),
    (minimalConfiguration.replacingOccurrences(of: "satellites: [42702]", with: "satellites: [42702, x]"), "satellites[1]", "NORAD id"),
    (minimalConfiguration.replacingOccurrences(of: "satellites: [42702]", with: "satellites: [42702, 42702]"), "satellites[1]", "twice"),
    (minimalConfiguration.replacingOccurrences(of: "source: rtl_tcp", with: "source: usb"), "hardware.source", "file, rtl_tcp or sdr"),
    (minimalConfiguration.replacingOccurrences(of: "127.0.0.1:1234", with: "localhost"), "hardware.rtl_tcp.address", "HOST:PORT"),
    (minimalConfiguration.replacingOccurrences(of: "2048000", with: "100"), "hardware.rtl_tcp.sample_rate", "225000"),
    (minimalConfiguration.replacingOccurrences(of: "sample_rate: 2048000", with: "sample_rate: 2048000, tuning_offset: 900000"), "hardware.rtl_tcp.tuning_offset", "40 %"),
    (minimalConfiguration.replacingOccurrences(of: "sample_rate: 2048000", with: "sample_rate: 2048000, ppm: 5000"), "hardware.rtl_tcp.ppm", "-1000...1000"),
    (minimalConfiguration.replacingOccurrences(of: "sample_rate: 2048000", with: "sample_rate: 2048000, buffer_seconds: 0.5"), "hardware.rtl_tcp.buffer_seconds", "1...600"),
    (minimalConfiguration.replacingOccurrences(of: "rtl_tcp: { address: 127.0.0.1:1234, sample_rate: 2048000 }", with: "sdr: { sample_rate: 2048000 }")
        .replacingOccurrences(of: "source: rtl_tcp", with: "source: sdr"), "hardware.sdr.profile", "device: soapy:ARGS"),
    (minimalConfiguration.replacingOccurrences(of: "rtl_tcp: { address: 127.0.0.1:1234, sample_rate: 2048000 }", with: "sdr: { device: airspy, sample_rate: 2048000 }")
        .replacingOccurrences(of: "source: rtl_tcp", with: "source: sdr"), "hardware.sdr.device", "soapy:ARGS"),
    (minimalConfiguration.replacingOccurrences(of: "rtl_tcp: { address: 127.0.0.1:1234, sample_rate: 2048000 }", with: "sdr: { device: 'soapy:driver=airspy', profile: soapy-airspy, sample_rate: 2048000 }")
        .replacingOccurrences(of: "source: rtl_tcp", with: "source: sdr"), "hardware.sdr.device", "not both"),
    (minimalConfiguration.replacingOccurrences(of: "rtl_tcp: { address: 127.0.0.1:1234, sample_rate: 2048000 }", with: "sdr: { device: 'soapy:driver=airspy', sample_rate: 2048000, gains: { LNA: high } }")
        .replacingOccurrences(of: "source: rtl_tcp", with: "source: sdr"), "hardware.sdr.gains.LNA", "number"),
    (minimalConfiguration.replacingOccurrences(of: "elements.tle", with: "missing.tle"), "tle.files[0]", "does not exist"),
    (minimalConfiguration.replacingOccurrences(of: "tle: { files: [elements.tle] }", with: ""), "tle.files", "required"),
    (minimalConfiguration + "\nminimum_elevaton: 5", "minimum_elevaton", "unknown key"),
    (minimalConfiguration + "\nminimum_elevation: 95", "minimum_elevation", "-5...90"),
    (minimalConfiguration + "\nhttp: { listen: 8080 }", "http.listen", "HOST:PORT"),
    (minimalConfiguration + "\nhttp: { tokens: [short] }", "http.tokens[0]", "16 characters"),
    (minimalConfiguration + "\nhttp: { tokens: ['sha256:abc'] }", "http.tokens[0]", "64 hex digits"),
    (minimalConfiguration + "\nstorage: { postgresql: 'not a url' }", "storage.postgresql", "postgres://"),
    (minimalConfiguration + "\nreplay: { directory: /nonexistent-gsd-folder }", "replay.directory", "existing folder"),
    (minimalConfiguration + "\nrecording: { sigmf: yes please }", "recording.sigmf", "true or false"),
    (minimalConfiguration + "\npublishing: [{ kind: mqtt, url: 'http://x' }]", "publishing[0].kind", "unknown publishing kind"),
    ("station: [", "", "not valid YAML"),
]

@Suite struct DaemonConfigurationTests {
    static let minimal = minimalConfiguration

    func parse(_ text: String, overrides: DaemonConfigurationParser.Overrides = .init()) throws -> DaemonConfiguration {
        let scratch = try DaemonScratch()
        defer { scratch.remove() }
        _ = try scratch.write("elements.tle", "")
        return try DaemonConfigurationParser.parse(text, file: "station.yaml", baseDirectory: scratch.path, overrides: overrides)
    }

    func problem(_ text: String) -> ConfigurationError? {
        do {
            _ = try parse(text)
            return nil
        } catch let e as ConfigurationError {
            return e
        } catch {
            return nil
        }
    }

    @Test func soapySDRSourceWithAntennaGainsAndBandwidth() throws {
        let text = Self.minimal.replacingOccurrences(of: "source: rtl_tcp", with: "source: sdr").replacingOccurrences(
            of: "rtl_tcp: { address: 127.0.0.1:1234, sample_rate: 2048000 }",
            with: "sdr: { device: 'soapy:driver=airspy,serial=abc', sample_rate: 3000000, antenna: RX, gains: { LNA: 10, MIX: 5.5 }, bandwidth: 2500000, tuning_offset: -250000, ppm: -3, buffer_seconds: 30 }")
        let c = try parse(text)
        guard case .sdr(let s) = c.hardware.source else {
            Issue.record("expected an sdr source")
            return
        }
        #expect(s.soapyArguments == "driver=airspy,serial=abc" && s.profile.isEmpty)
        #expect(s.antenna == "RX" && s.gainElements == ["LNA": 10, "MIX": 5.5] && s.bandwidth == 2_500_000)
        #expect(s.tuningOffset == -250_000 && s.ppm == -3 && c.hardware.source.tuningOffset == -250_000)
        #expect(c.hardware.source.liveSampleRate == 3_000_000)
        #expect(c.hardware.source.bufferSeconds == 30)
        #expect(try parse(Self.minimal).hardware.source.bufferSeconds == DaemonConfiguration.Source.defaultBufferSeconds)
    }

    /// A live `sdr` source names a receiver profile that exists; the daemon refuses to start otherwise.
    @Test func sdrProfileMustBeAReceiverInHwProfiles() throws {
        let base = Self.minimal.replacingOccurrences(of: "source: rtl_tcp", with: "source: sdr")
        let scratch = try DaemonScratch()
        defer { scratch.remove() }
        let store = try SQLitePassStore(path: scratch.file("gsd.sqlite"))
        for (sdr, key, problem) in [
            ("profile: no-such-dongle, sample_rate: 2048000", "profile", "no profile 'no-such-dongle'"),
            ("profile: serial-ftdi, sample_rate: 2048000", "profile", "serial modem"),
            ("profile: rtlsdr-blog-v3, sample_rate: 500000", "sample_rate", "not a rate of"),
            ("profile: soapy-airspy, sample_rate: 3000000, gains: { LNA: 20 }", "gains.LNA", "outside 0.0...15.0"),
            ("profile: soapy-airspy, sample_rate: 3000000, gains: { IF: 2 }", "gains.IF", "known: LNA"),
            ("profile: rtlsdr-blog-v3, sample_rate: 2048000, gains: { LNA: 2 }", "gains.LNA", "no gain elements"),
        ] {
            let c = try parse(base.replacingOccurrences(
                of: "rtl_tcp: { address: 127.0.0.1:1234, sample_rate: 2048000 }", with: "sdr: { \(sdr) }"))
            do {
                _ = try GroundStationDaemon(configuration: c, catalogue: try DaemonFixtures.catalogue, store: store, logger: DaemonFixtures.logger)
                Issue.record("\(sdr) accepted")
            } catch let error as ConfigurationError {
                #expect(error.key == "hardware.sdr.\(key)" && error.problem.contains(problem), "\(error)")
            }
        }
        let ok = try parse(base.replacingOccurrences(
            of: "rtl_tcp: { address: 127.0.0.1:1234, sample_rate: 2048000 }", with: "sdr: { profile: rtlsdr-blog-v3, sample_rate: 2048000 }"))
        _ = try GroundStationDaemon(configuration: ok, catalogue: try DaemonFixtures.catalogue, store: store, logger: DaemonFixtures.logger)
    }

    @Test func demoConfigurationIsValid() throws {
        let path = DaemonFixtures.packageRoot.appendingPathComponent("examples/demo.yaml").path
        let c = try DaemonConfigurationParser.load(path: path)
        #expect(c.station.name == "demo")
        guard case .file(let f) = c.hardware.source else {
            Issue.record("demo must use the file source")
            return
        }
        #expect(f.recordings.map(\.norad) == [42702, 45598])
        #expect(f.recordings.allSatisfy { FileManager.default.fileExists(atPath: $0.path) })
        #expect(c.satellites == [42702, 45598])
        #expect(c.http.host == "127.0.0.1" && c.http.port == 8080)
        #expect(c.http.tokenDigests == [SHA256Digest.hash(Array("demo-token-change-me".utf8))])
        #expect(c.storage == .sqlite(path: "/tmp/gsd-demo/gsd.sqlite"))
        // Every satellite of the demo is in the catalogue.
        let cat = try DaemonFixtures.catalogue
        for n in c.satellites { #expect(cat.satellite(norad: n) != nil) }
    }

    @Test func documentedExampleParsesButForItsMissingFiles() throws {
        // station.yaml names files of a real station (elements.tle): the only complaint is that file.
        let path = DaemonFixtures.packageRoot.appendingPathComponent("examples/station.yaml").path
        let e = #expect(throws: ConfigurationError.self) { try DaemonConfigurationParser.load(path: path) }
        #expect(e?.key == "tle.files[0]")
        #expect(e?.problem.contains("does not exist") == true)
    }

    @Test func defaultsApply() throws {
        let c = try parse(Self.minimal)
        #expect(c.minimumElevation == 10)
        #expect(c.http.host == "127.0.0.1" && c.http.port == 8080)
        #expect(c.http.tokenDigests.isEmpty)
        #expect(c.replayDirectory == nil)
        #expect(c.dataDirectory.hasSuffix("/gsd-data"))
        #expect(c.storage == .sqlite(path: c.dataDirectory + "/gsd.sqlite"))
    }

    @Test func commandLineOverridesTheFile() throws {
        let c = try parse(Self.minimal + "\nhttp: { listen: 127.0.0.1:9000 }", overrides: .init(listen: "[::1]:0", dataDirectory: "/tmp/x"))
        #expect(c.http.host == "::1" && c.http.port == 0)
        #expect(c.dataDirectory == "/tmp/x")
        #expect(c.storage == .sqlite(path: "/tmp/x/gsd.sqlite"))
    }

    @Test(arguments: invalidCases)
    func invalidConfigurationNamesTheKey(text: String, key: String, problem expected: String) throws {
        let e = try #require(problem(text), "accepted: \(text)")
        #expect(e.key == key, "\(e)")
        #expect(e.problem.contains(expected), "\(e)")
        #expect(e.description.hasPrefix("station.yaml: "))
    }

    @Test func plainAndHashedTokensBothBecomeDigests() throws {
        let hashed = SHA256Digest.hash(Array("another-long-token-value".utf8)).map { String(format: "%02x", $0) }.joined()
        let c = try parse(Self.minimal + "\nhttp: { tokens: [a-plain-token-of-some-length, 'sha256:\(hashed)'] }")
        #expect(c.http.tokenDigests == [
            SHA256Digest.hash(Array("a-plain-token-of-some-length".utf8)), SHA256Digest.hash(Array("another-long-token-value".utf8)),
        ])
    }

    @Test func fileRecordingsMustExistAndBeListedSatellites() throws {
        let scratch = try DaemonScratch()
        defer { scratch.remove() }
        let text = """
            station: { name: s, location: { latitude: 0, longitude: 0 } }
            hardware:
              source: file
              file: { recordings: [ { path: REC, norad: 1 } ] }
            satellites: [2]
            """
        _ = try scratch.write("rec.wav", "x")
        #expect(throws: ConfigurationError(file: "f.yaml", key: "hardware.file.recordings[0].path", problem: "file '\(scratch.file("nope.wav"))' does not exist")) {
            try DaemonConfigurationParser.parse(text.replacingOccurrences(of: "REC", with: "nope.wav"), file: "f.yaml", baseDirectory: scratch.path)
        }
        #expect(throws: ConfigurationError(file: "f.yaml", key: "hardware.file.recordings[0].norad", problem: "1 is not in the satellites list")) {
            try DaemonConfigurationParser.parse(text.replacingOccurrences(of: "REC", with: "rec.wav"), file: "f.yaml", baseDirectory: scratch.path)
        }
    }
}

@Suite struct SHA256DigestTests {
    // FIPS 180-4 / NIST example vectors.
    @Test(arguments: [
        ("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
        ("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
        ("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"),
    ])
    func knownDigests(message: String, hex: String) {
        #expect(SHA256Digest.hash(Array(message.utf8)).map { String(format: "%02x", $0) }.joined() == hex)
    }

    @Test func millionAs() {
        let digest = SHA256Digest.hash([UInt8](repeating: UInt8(ascii: "a"), count: 1_000_000))
        #expect(digest.map { String(format: "%02x", $0) }.joined() == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }

    @Test func constantTimeComparison() {
        #expect(SHA256Digest.constantTimeEqual([1, 2, 3], [1, 2, 3]))
        #expect(!SHA256Digest.constantTimeEqual([1, 2, 3], [1, 2, 4]))
        #expect(!SHA256Digest.constantTimeEqual([1, 2, 3], [1, 2]))
    }
}
