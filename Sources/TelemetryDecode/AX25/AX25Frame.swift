/// Why bytes are not an AX.25 frame. Offsets count from the first byte of the frame (FCS excluded).
public enum AX25Error: Error, Sendable, Hashable, CustomStringConvertible {
    case truncated(length: Int, needed: Int)
    case extensionBitInCallsign(offset: Int)
    case addressNotTerminated(offset: Int)
    case tooManyDigipeaters(count: Int)

    public var description: String {
        switch self {
        case .truncated(let length, let needed): "AX.25 frame truncated: \(length) bytes, at least \(needed) needed"
        case .extensionBitInCallsign(let o): "AX.25 address extension bit set inside a callsign at byte \(o)"
        case .addressNotTerminated(let o): "AX.25 address field not terminated by byte \(o)"
        case .tooManyDigipeaters(let n): "AX.25 address field has \(n) digipeaters (at most 8)"
        }
    }
}

/// An AX.25 frame: addresses, control, PID (for I and UI frames) and information field.
public struct AX25Frame: Sendable, Hashable {
    public var destination: AX25Address
    public var source: AX25Address
    public var digipeaters: [AX25Address]
    public var control: UInt8
    public var pid: UInt8?
    public var info: [UInt8]

    public init(
        destination: AX25Address, source: AX25Address, digipeaters: [AX25Address] = [],
        control: UInt8 = 0x03, pid: UInt8? = 0xF0, info: [UInt8]
    ) {
        self.destination = destination
        self.source = source
        self.digipeaters = digipeaters
        self.control = control
        self.pid = pid
        self.info = info
    }

    /// I frames (bit 0 clear) and UI frames carry a PID byte; S and other U frames do not.
    public static func controlHasPID(_ control: UInt8) -> Bool {
        control & 0x01 == 0 || control & 0xEF == 0x03
    }

    /// Parses frame bytes (without FCS).
    public init(bytes: [UInt8]) throws(AX25Error) {
        try self.init(bytes: bytes[...])
    }

    public init(bytes: ArraySlice<UInt8>) throws(AX25Error) {
        let b = bytes
        let s = b.startIndex
        guard b.count >= 15 else { throw .truncated(length: b.count, needed: 15) }
        let (dest, destLast) = try AX25Address.decode(b[s..<(s + 7)], offset: 0)
        if destLast { throw .addressNotTerminated(offset: 6) }
        let (src, sourceIsLast) = try AX25Address.decode(b[(s + 7)..<(s + 14)], offset: 7)
        var last = sourceIsLast
        var digis: [AX25Address] = []
        var offset = 14
        while !last {
            if digis.count == 8 { throw .tooManyDigipeaters(count: 9) }
            guard offset + 7 <= b.count else { throw .addressNotTerminated(offset: b.count - 1) }
            let (d, l) = try AX25Address.decode(b[(s + offset)..<(s + offset + 7)], offset: offset)
            digis.append(d)
            last = l
            offset += 7
        }
        guard offset < b.count else { throw .truncated(length: b.count, needed: offset + 1) }
        let control = b[s + offset]
        offset += 1
        var pid: UInt8? = nil
        if Self.controlHasPID(control) {
            guard offset < b.count else { throw .truncated(length: b.count, needed: offset + 1) }
            pid = b[s + offset]
            offset += 1
        }
        destination = dest
        source = src
        digipeaters = digis
        self.control = control
        self.pid = pid
        info = Array(b[(s + offset)...])
    }

    /// The on-air bytes without FCS.
    public var bytes: [UInt8] {
        var out = destination.encoded(last: false)
        out += source.encoded(last: digipeaters.isEmpty)
        for (i, d) in digipeaters.enumerated() { out += d.encoded(last: i == digipeaters.count - 1) }
        out.append(control)
        if let pid { out.append(pid) }
        out += info
        return out
    }

    /// The conventional monitor line `SRC-1>DST,DIGI*:info`, with non-printable bytes as `<0xNN>`.
    public var text: String {
        var s = "\(source)>\(destination)"
        for d in digipeaters { s += ",\(d)\(d.flag ? "*" : "")" }
        s += ":"
        s += Self.printable(info)
        return s
    }

    /// ASCII text with every byte outside 0x20...0x7E shown as `<0xNN>`.
    public static func printable(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef")
        var s = ""
        s.reserveCapacity(bytes.count)
        for b in bytes {
            if (0x20...0x7E).contains(b) {
                s.unicodeScalars.append(Unicode.Scalar(b))
            } else {
                s += "<0x\(digits[Int(b >> 4)])\(digits[Int(b & 15)])>"
            }
        }
        return s
    }
}
