#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The tuner an rtl_tcp server reports in its header (librtlsdr's `enum rtlsdr_tuner`).
public enum RTLTCPTunerType: UInt32, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    case unknown = 0
    case e4000 = 1
    case fc0012 = 2
    case fc0013 = 3
    case fc2580 = 4
    case r820t = 5
    case r828d = 6

    public var description: String {
        switch self {
        case .unknown: "unknown"
        case .e4000: "E4000"
        case .fc0012: "FC0012"
        case .fc0013: "FC0013"
        case .fc2580: "FC2580"
        case .r820t: "R820T"
        case .r828d: "R828D"
        }
    }

    /// "r820t", "R820T", "5" → `.r820t`.
    public init?(name: String) {
        if let n = UInt32(name), let t = RTLTCPTunerType(rawValue: n) {
            self = t
            return
        }
        guard let t = Self.allCases.first(where: { $0.description.lowercased() == name.lowercased() }) else { return nil }
        self = t
    }
}

/// The 12 bytes an rtl_tcp server sends on connect: `RTL0`, tuner type and gain count (big-endian u32).
public struct RTLTCPHeader: Sendable, Hashable, CustomStringConvertible {
    public static let size = 12
    public static let magic: [UInt8] = [0x52, 0x54, 0x4c, 0x30]  // "RTL0"

    /// The tuner type as sent (may be a value this enum does not know).
    public var tunerTypeRaw: UInt32
    /// Number of entries in the tuner's gain table.
    public var gainCount: UInt32

    public var tunerType: RTLTCPTunerType? { RTLTCPTunerType(rawValue: tunerTypeRaw) }

    public init(tunerType: RTLTCPTunerType, gainCount: UInt32) {
        self.tunerTypeRaw = tunerType.rawValue
        self.gainCount = gainCount
    }

    public init(tunerTypeRaw: UInt32, gainCount: UInt32) {
        self.tunerTypeRaw = tunerTypeRaw
        self.gainCount = gainCount
    }

    /// An R820T with its 29 gain steps, as a typical dongle reports.
    public static let r820t = RTLTCPHeader(tunerType: .r820t, gainCount: 29)

    public var bytes: [UInt8] { Self.magic + bigEndianBytes(tunerTypeRaw) + bigEndianBytes(gainCount) }

    /// Parses the header; `nil` unless `bytes` are exactly 12 bytes starting with `RTL0`.
    public init?(bytes: some Collection<UInt8>) {
        let b = Array(bytes)
        guard b.count == Self.size, Array(b[0..<4]) == Self.magic else { return nil }
        tunerTypeRaw = readBigEndian(b, at: 4)
        gainCount = readBigEndian(b, at: 8)
    }

    public var description: String {
        "tuner \(tunerType.map { $0.description } ?? "type \(tunerTypeRaw)"), \(gainCount) gains"
    }
}

/// One 5-byte rtl_tcp command: a command byte and a big-endian u32 value. Servers send no replies.
public struct RTLTCPCommand: Sendable, Hashable, CustomStringConvertible {
    public static let size = 5

    public enum Kind: UInt8, Sendable, Hashable, CaseIterable {
        case frequency = 0x01
        case sampleRate = 0x02
        case gainMode = 0x03
        case gain = 0x04
        case frequencyCorrection = 0x05
        case ifGain = 0x06
        case testMode = 0x07
        case agcMode = 0x08
        case directSampling = 0x09
        case offsetTuning = 0x0a
        case rtlXtal = 0x0b
        case tunerXtal = 0x0c
        case gainByIndex = 0x0d
        case biasTee = 0x0e
    }

    public var code: UInt8
    public var value: UInt32

    public init(code: UInt8, value: UInt32) {
        self.code = code
        self.value = value
    }

    public init(_ kind: Kind, _ value: UInt32) {
        self.init(code: kind.rawValue, value: value)
    }

    /// Nil for command bytes outside 0x01–0x0e.
    public var kind: Kind? { Kind(rawValue: code) }
    /// The value read as a signed integer (gain, ppm, IF gain).
    public var signedValue: Int32 { Int32(bitPattern: value) }

    // Constructors with units.
    public static func frequency(_ hz: UInt32) -> Self { .init(.frequency, hz) }
    public static func sampleRate(_ hz: UInt32) -> Self { .init(.sampleRate, hz) }
    /// Manual gain (true) or automatic tuner gain (false).
    public static func gainMode(manual: Bool) -> Self { .init(.gainMode, manual ? 1 : 0) }
    /// Tuner gain in tenths of a dB.
    public static func gain(tenthsDB: Int32) -> Self { .init(.gain, UInt32(bitPattern: tenthsDB)) }
    public static func frequencyCorrection(ppm: Int32) -> Self { .init(.frequencyCorrection, UInt32(bitPattern: ppm)) }
    /// IF gain of `stage` in tenths of a dB: value = stage << 16 | (gain & 0xffff).
    public static func ifGain(stage: UInt16, tenthsDB: Int16) -> Self {
        .init(.ifGain, UInt32(stage) << 16 | UInt32(UInt16(bitPattern: tenthsDB)))
    }
    public static func testMode(_ on: Bool) -> Self { .init(.testMode, on ? 1 : 0) }
    public static func agcMode(_ on: Bool) -> Self { .init(.agcMode, on ? 1 : 0) }
    /// 0 off, 1 I branch, 2 Q branch.
    public static func directSampling(_ mode: UInt32) -> Self { .init(.directSampling, mode) }
    public static func offsetTuning(_ on: Bool) -> Self { .init(.offsetTuning, on ? 1 : 0) }
    public static func rtlXtal(_ hz: UInt32) -> Self { .init(.rtlXtal, hz) }
    public static func tunerXtal(_ hz: UInt32) -> Self { .init(.tunerXtal, hz) }
    public static func gainByIndex(_ index: UInt32) -> Self { .init(.gainByIndex, index) }
    public static func biasTee(_ on: Bool) -> Self { .init(.biasTee, on ? 1 : 0) }

    public var bytes: [UInt8] { [code] + bigEndianBytes(value) }

    /// Parses exactly 5 bytes.
    public init?(bytes: some Collection<UInt8>) {
        let b = Array(bytes)
        guard b.count == Self.size else { return nil }
        code = b[0]
        value = readBigEndian(b, at: 1)
    }

    public var description: String {
        let v = value
        let s = signedValue
        switch kind {
        case .frequency: return "frequency \(v) Hz"
        case .sampleRate: return "sample rate \(v) Hz"
        case .gainMode: return "gain mode \(v == 0 ? "auto" : "manual")"
        case .gain: return "gain \(Double(s) / 10) dB"
        case .frequencyCorrection: return "frequency correction \(s) ppm"
        case .ifGain: return "IF gain stage \(v >> 16) \(Double(Int16(bitPattern: UInt16(v & 0xffff))) / 10) dB"
        case .testMode: return "test mode \(v == 0 ? "off" : "on")"
        case .agcMode: return "RTL AGC \(v == 0 ? "off" : "on")"
        case .directSampling: return "direct sampling \(v == 0 ? "off" : v == 1 ? "I branch" : v == 2 ? "Q branch" : "mode \(v)")"
        case .offsetTuning: return "offset tuning \(v == 0 ? "off" : "on")"
        case .rtlXtal: return "RTL xtal \(v) Hz"
        case .tunerXtal: return "tuner xtal \(v) Hz"
        case .gainByIndex: return "gain index \(v)"
        case .biasTee: return "bias tee \(v == 0 ? "off" : "on")"
        case nil: return "unknown command 0x\(String(code, radix: 16)) value \(v)"
        }
    }
}

/// Cuts a byte stream from a client into 5-byte commands (a command may arrive split over reads).
public struct RTLTCPCommandParser: Sendable {
    private var pending: [UInt8] = []
    public init() {}

    public mutating func feed(_ bytes: some Collection<UInt8>) -> [RTLTCPCommand] {
        pending.append(contentsOf: bytes)
        var out: [RTLTCPCommand] = []
        var i = 0
        while pending.count - i >= RTLTCPCommand.size {
            if let c = RTLTCPCommand(bytes: pending[i..<(i + RTLTCPCommand.size)]) { out.append(c) }
            i += RTLTCPCommand.size
        }
        pending.removeFirst(i)
        return out
    }

    /// Bytes of an incomplete command held back.
    public var pendingCount: Int { pending.count }
}

/// Why an rtl_tcp client or server failed. Every case names the `host:port`.
public enum RTLTCPError: Error, Sendable, Hashable, CustomStringConvertible {
    case invalidAddress(String)
    /// Resolving or connecting failed (the reason as text).
    case connectFailed(endpoint: String, reason: String)
    /// The peer sent something that is not an rtl_tcp header: the bytes seen (up to 12).
    case badHeader(endpoint: String, bytes: [UInt8])
    /// The connection closed or timed out before the 12 header bytes arrived.
    case incompleteHeader(endpoint: String, bytes: [UInt8], reason: String)
    /// The server went away and reconnection is off or gave up after `attempts` attempts.
    case connectionLost(endpoint: String, reason: String, attempts: Int)
    case closed(endpoint: String)
    case listenFailed(endpoint: String, operation: String, errno: Int32)
    case system(endpoint: String, operation: String, errno: Int32)

    public var description: String {
        switch self {
        case .invalidAddress(let s): "invalid rtl_tcp address '\(s)' (expected HOST:PORT)"
        case .connectFailed(let ep, let r): "rtl_tcp \(ep): \(r)"
        case .badHeader(let ep, let b):
            "rtl_tcp \(ep): not an rtl_tcp server: expected a 12-byte header starting with \"RTL0\", got \(b.count) byte(s): \(Self.show(b))"
        case .incompleteHeader(let ep, let b, let r):
            "rtl_tcp \(ep): \(r) after \(b.count) of 12 header bytes" + (b.isEmpty ? "" : ": \(Self.show(b))")
        case .connectionLost(let ep, let r, let n):
            "rtl_tcp \(ep): connection lost (\(r))" + (n > 0 ? "; gave up after \(n) reconnection attempt(s)" : "")
        case .closed(let ep): "rtl_tcp \(ep): client is closed"
        case .listenFailed(let ep, let op, let e): "rtl_tcp server \(ep): \(op) failed: \(errnoText(e))"
        case .system(let ep, let op, let e): "rtl_tcp \(ep): \(op) failed: \(errnoText(e))"
        }
    }

    /// Hex and printable ASCII of header bytes.
    static func show(_ b: [UInt8]) -> String {
        let hex = b.map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined(separator: " ")
        let text = String(decoding: b.map { (0x20..<0x7f).contains($0) ? $0 : UInt8(ascii: ".") }, as: UTF8.self)
        return "\(hex) (\"\(text)\")"
    }
}

extension RTLTCPError: CustomDebugStringConvertible {
    public var debugDescription: String { description }
}

/// Splits "HOST:PORT" ("[v6]:PORT" for IPv6 literals); port 0 is allowed for listening.
public func parseRTLTCPEndpoint(_ text: String, allowPortZero: Bool = false) throws(RTLTCPError) -> (host: String, port: UInt16) {
    guard let colon = text.lastIndex(of: ":") else { throw .invalidAddress(text) }
    var host = String(text[..<colon])
    if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
    guard !host.isEmpty, let port = UInt16(text[text.index(after: colon)...]), port > 0 || allowPortZero else {
        throw .invalidAddress(text)
    }
    return (host, port)
}

func bigEndianBytes(_ v: UInt32) -> [UInt8] {
    [UInt8(truncatingIfNeeded: v >> 24), UInt8(truncatingIfNeeded: v >> 16), UInt8(truncatingIfNeeded: v >> 8), UInt8(truncatingIfNeeded: v)]
}

func readBigEndian(_ b: [UInt8], at i: Int) -> UInt32 {
    UInt32(b[i]) << 24 | UInt32(b[i + 1]) << 16 | UInt32(b[i + 2]) << 8 | UInt32(b[i + 3])
}

// MARK: - Socket helpers shared by the client and the server

/// Sends all of `bytes` with `MSG_NOSIGNAL`, waiting with poll() for room until `deadline`.
/// Returns nil on success, or the errno (ETIMEDOUT on timeout).
func rtlSendAll(_ fd: Int32, _ bytes: UnsafeRawBufferPointer, deadline: ContinuousClock.Instant) -> Int32? {
    guard let base = bytes.baseAddress else { return nil }
    var done = 0
    while done < bytes.count {
        let n = send(fd, base + done, bytes.count - done, Int32(MSG_NOSIGNAL) | Int32(MSG_DONTWAIT))
        if n > 0 {
            done += n
            continue
        }
        let e = errno
        if n < 0 && e == EINTR { continue }
        if n < 0 && (e == EAGAIN || e == EWOULDBLOCK) {
            let ms = milliseconds(ContinuousClock.now.duration(to: deadline))
            if ms <= 0 { return ETIMEDOUT }
            var pfd = pollfd(fd: fd, events: Int16(POLLOUT), revents: 0)
            _ = poll(&pfd, 1, Int32(clamping: min(ms, 100)))
            continue
        }
        return n == 0 ? EPIPE : e
    }
    return nil
}

func rtlSendAll(_ fd: Int32, _ bytes: [UInt8], deadline: ContinuousClock.Instant) -> Int32? {
    bytes.withUnsafeBytes { rtlSendAll(fd, $0, deadline: deadline) }
}

/// Sleeps in slices of at most 50 ms until `duration` passed or `stop()` is true; true if stopped.
func rtlSleep(_ duration: Duration, stop: () -> Bool) -> Bool {
    let end = ContinuousClock.now + duration
    while ContinuousClock.now < end {
        if stop() { return true }
        let ms = min(50, milliseconds(ContinuousClock.now.duration(to: end)))
        var ts = timespec(tv_sec: 0, tv_nsec: ms * 1_000_000)
        _ = nanosleep(&ts, nil)
    }
    return stop()
}
