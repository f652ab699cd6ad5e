/// Why a TNC2 monitor line is not an AX.25 frame.
public enum AX25TextError: Error, Sendable, Hashable, CustomStringConvertible {
    /// No `>` between source and destination, or no `:` before the information field.
    case missingSeparator(Character, text: String)
    /// A callsign that is not 1–6 letters/digits with an optional SSID 0–15.
    case invalidAddress(String)
    case tooManyDigipeaters(count: Int)
    /// `<0x` not followed by two hex digits and `>`, at this UTF-8 byte offset in the information field.
    case invalidHexEscape(offset: Int)

    public var description: String {
        switch self {
        case .missingSeparator(let c, let t): "AX.25 text '\(t)': missing '\(c)' (expected SRC>DST[,DIGI...]:info)"
        case .invalidAddress(let a): "AX.25 text: invalid address '\(a)' (expected CALL or CALL-SSID, SSID 0-15)"
        case .tooManyDigipeaters(let n): "AX.25 text: \(n) digipeaters (at most 8)"
        case .invalidHexEscape(let o): "AX.25 text: invalid <0xNN> escape at byte \(o) of the information field"
        }
    }
}

/// Parses TNC2 monitor text, `SRC[-N]>DST[-N][,DIGI[-N][*]...]:info`, into a UI frame (control 0x03,
/// PID 0xF0), the inverse of `AX25Frame.text`:
/// - a `*` after a digipeater marks it and every digipeater before it as repeated (H bit set);
/// - in the information field `<0xNN>` is the byte NN (how `AX25Frame.printable` and direwolf show
///   unprintable bytes); every other character stands for its UTF-8 bytes.
public enum AX25TextParser {
    /// How the C bits of the destination and source SSID bytes are set.
    public enum CommandBits: Sendable, Hashable {
        /// Both set: what direwolf (its `gen_packets`, and its TNC2 text conversion) and most APRS
        /// software put on air.
        case both
        /// AX.25 2.x command: destination C = 1, source C = 0.
        case command
        /// AX.25 2.x response: destination C = 0, source C = 1.
        case response
        /// Neither set (AX.25 1.x style).
        case neither
    }

    public static func parse(_ text: String, commandBits: CommandBits = .both) throws(AX25TextError) -> AX25Frame {
        guard let colon = text.firstIndex(of: ":") else { throw .missingSeparator(":", text: text) }
        let header = text[..<colon]
        let infoText = text[text.index(after: colon)...]
        guard let gt = header.firstIndex(of: ">") else { throw .missingSeparator(">", text: text) }
        var source = try address(header[..<gt])
        let rest = header[header.index(after: gt)...].split(separator: ",", omittingEmptySubsequences: false)
        guard let destText = rest.first else { throw .invalidAddress("") }
        var destination = try address(destText)
        let digiTexts = rest.dropFirst()
        if digiTexts.count > 8 { throw .tooManyDigipeaters(count: digiTexts.count) }
        var digis: [AX25Address] = []
        var lastRepeated = -1
        for (i, d) in digiTexts.enumerated() {
            var d = d
            if d.hasSuffix("*") {
                d = d.dropLast()
                lastRepeated = i
            }
            digis.append(try address(d))
        }
        for i in 0..<digis.count where i <= lastRepeated { digis[i].flag = true }
        switch commandBits {
        case .both: (destination.flag, source.flag) = (true, true)
        case .command: (destination.flag, source.flag) = (true, false)
        case .response: (destination.flag, source.flag) = (false, true)
        case .neither: (destination.flag, source.flag) = (false, false)
        }
        return AX25Frame(
            destination: destination, source: source, digipeaters: digis, control: 0x03, pid: 0xF0,
            info: try info(infoText))
    }

    static func address(_ s: Substring) throws(AX25TextError) -> AX25Address {
        let parts = s.split(separator: "-", maxSplits: 1, omittingEmptySubsequences: false)
        guard let call = parts.first, (1...6).contains(call.count),
            call.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber) })
        else { throw .invalidAddress(String(s)) }
        var ssid: UInt8 = 0
        if parts.count == 2 {
            guard parts[1].count <= 2, let n = UInt8(parts[1]), n <= 15 else { throw .invalidAddress(String(s)) }
            ssid = n
        }
        return AX25Address(callsign: call.uppercased(), ssid: ssid)
    }

    /// The information field's bytes, with `<0xNN>` escapes decoded.
    public static func info(_ s: Substring) throws(AX25TextError) -> [UInt8] {
        let u = Array(s.utf8)
        var out: [UInt8] = []
        out.reserveCapacity(u.count)
        var i = 0
        func hex(_ c: UInt8) -> UInt8? {
            switch c {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): c - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): c - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): c - UInt8(ascii: "A") + 10
            default: nil
            }
        }
        while i < u.count {
            if u[i] == UInt8(ascii: "<"), i + 2 < u.count, u[i + 1] == UInt8(ascii: "0"),
                u[i + 2] == UInt8(ascii: "x") || u[i + 2] == UInt8(ascii: "X")
            {
                guard i + 5 < u.count, let hi = hex(u[i + 3]), let lo = hex(u[i + 4]), u[i + 5] == UInt8(ascii: ">")
                else { throw .invalidHexEscape(offset: i) }
                out.append(hi << 4 | lo)
                i += 6
                continue
            }
            out.append(u[i])
            i += 1
        }
        return out
    }
}
