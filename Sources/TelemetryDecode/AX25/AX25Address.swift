/// One AX.25 address field: a callsign of up to six characters, an SSID 0...15, and the bit in the
/// SSID byte's top position (C bit for destination/source, H "has been repeated" bit for digipeaters).
public struct AX25Address: Sendable, Hashable, CustomStringConvertible {
    public var callsign: String
    public var ssid: UInt8
    public var flag: Bool
    /// The two reserved bits of the SSID byte (normally both set).
    public var reserved: UInt8

    public init(callsign: String, ssid: UInt8 = 0, flag: Bool = false, reserved: UInt8 = 0b11) {
        self.callsign = callsign
        self.ssid = ssid & 0x0F
        self.flag = flag
        self.reserved = reserved & 0b11
    }

    /// Parses "CALL" or "CALL-N".
    public init?(_ text: String) {
        let parts = text.split(separator: "-", maxSplits: 1)
        guard let call = parts.first, (1...6).contains(call.count), call.allSatisfy({ $0.isASCII }) else { return nil }
        var ssid: UInt8 = 0
        if parts.count == 2 {
            guard let s = UInt8(parts[1]), s <= 15 else { return nil }
            ssid = s
        }
        self.init(callsign: String(call).uppercased(), ssid: ssid)
    }

    /// "CALL" or "CALL-N".
    public var description: String { ssid == 0 ? callsign : "\(callsign)-\(ssid)" }

    /// The seven on-air bytes; `last` sets the address-extension bit.
    public func encoded(last: Bool) -> [UInt8] {
        var out = [UInt8](repeating: 0x40, count: 7)  // space << 1
        for (i, c) in callsign.utf8.prefix(6).enumerated() { out[i] = c << 1 }
        out[6] = (flag ? 0x80 : 0) | reserved << 5 | ssid << 1 | (last ? 1 : 0)
        return out
    }

    /// Decodes seven bytes at `offset`; returns the address and whether it is the last one.
    static func decode(_ b: ArraySlice<UInt8>, offset: Int) throws(AX25Error) -> (AX25Address, Bool) {
        let base = b.startIndex
        var chars: [UInt8] = []
        for i in 0..<6 {
            let byte = b[base + i]
            if byte & 1 != 0 { throw .extensionBitInCallsign(offset: offset + i) }
            chars.append(byte >> 1)
        }
        while let last = chars.last, last == 0x20 { chars.removeLast() }
        let ssidByte = b[base + 6]
        let text = String(decoding: chars.map { (0x20...0x7E).contains($0) ? $0 : UInt8(ascii: "?") }, as: UTF8.self)
        let address = AX25Address(
            callsign: text, ssid: (ssidByte >> 1) & 0x0F, flag: ssidByte & 0x80 != 0, reserved: (ssidByte >> 5) & 3)
        return (address, ssidByte & 1 != 0)
    }
}
