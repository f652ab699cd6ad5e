/// The Communications Link Control Word (CCSDS 232.0-B), carried in a TM frame's operational
/// control field when its first bit (control word type) is 0.
///
/// Stored as the raw 32-bit word (so spare bits round-trip); the fields are views onto it.
/// Bit numbers below count from the most significant bit (bit 0), as the blue books do.
public struct CLCW: Sendable, Hashable, CustomStringConvertible {
    public var rawValue: UInt32

    public init(rawValue: UInt32) { self.rawValue = rawValue }

    /// A CLCW with version 0, COP-1 in effect and the given report fields; spares are zero.
    public init(
        statusField: UInt8 = 0, copInEffect: UInt8 = 1, virtualChannelID: UInt8, noRFAvailable: Bool = false,
        noBitLock: Bool = false, lockout: Bool = false, wait: Bool = false, retransmit: Bool = false,
        farmBCounter: UInt8 = 0, reportValue: UInt8
    ) {
        rawValue = 0
        self.statusField = statusField
        self.copInEffect = copInEffect
        self.virtualChannelID = virtualChannelID
        self.noRFAvailable = noRFAvailable
        self.noBitLock = noBitLock
        self.lockout = lockout
        self.wait = wait
        self.retransmit = retransmit
        self.farmBCounter = farmBCounter
        self.reportValue = reportValue
    }

    /// Reads `width` bits starting at MSB-first bit `start`.
    @inline(__always) func field(_ start: Int, _ width: Int) -> UInt32 {
        (rawValue >> UInt32(32 - start - width)) & ((1 << UInt32(width)) - 1)
    }

    @inline(__always) mutating func setField(_ start: Int, _ width: Int, _ value: UInt32) {
        let shift = UInt32(32 - start - width)
        let m = ((UInt32(1) << UInt32(width)) - 1) << shift
        rawValue = (rawValue & ~m) | ((value << shift) & m)
    }

    /// Bit 0: 0 for a CLCW.
    public var controlWordType: UInt8 { UInt8(field(0, 1)) }
    /// Bits 1–2: CLCW version number (0).
    public var version: UInt8 { get { UInt8(field(1, 2)) } set { setField(1, 2, UInt32(newValue)) } }
    /// Bits 3–5: mission-specific status field.
    public var statusField: UInt8 { get { UInt8(field(3, 3)) } set { setField(3, 3, UInt32(newValue)) } }
    /// Bits 6–7: COP in effect (1 = COP-1).
    public var copInEffect: UInt8 { get { UInt8(field(6, 2)) } set { setField(6, 2, UInt32(newValue)) } }
    /// Bits 8–13: the TC virtual channel this report is about.
    public var virtualChannelID: UInt8 { get { UInt8(field(8, 6)) } set { setField(8, 6, UInt32(newValue)) } }
    /// Bits 14–15: reserved spare.
    public var reservedSpare: UInt8 { get { UInt8(field(14, 2)) } set { setField(14, 2, UInt32(newValue)) } }
    /// Bit 16.
    public var noRFAvailable: Bool { get { field(16, 1) != 0 } set { setField(16, 1, newValue ? 1 : 0) } }
    /// Bit 17.
    public var noBitLock: Bool { get { field(17, 1) != 0 } set { setField(17, 1, newValue ? 1 : 0) } }
    /// Bit 18.
    public var lockout: Bool { get { field(18, 1) != 0 } set { setField(18, 1, newValue ? 1 : 0) } }
    /// Bit 19.
    public var wait: Bool { get { field(19, 1) != 0 } set { setField(19, 1, newValue ? 1 : 0) } }
    /// Bit 20.
    public var retransmit: Bool { get { field(20, 1) != 0 } set { setField(20, 1, newValue ? 1 : 0) } }
    /// Bits 21–22: FARM-B counter (two low bits).
    public var farmBCounter: UInt8 { get { UInt8(field(21, 2)) } set { setField(21, 2, UInt32(newValue)) } }
    /// Bits 24–31: report value, N(R), the next expected TC frame sequence number.
    public var reportValue: UInt8 { get { UInt8(field(24, 8)) } set { setField(24, 8, UInt32(newValue)) } }

    public var description: String {
        "CLCW(vc \(virtualChannelID), N(R) \(reportValue), lockout \(lockout), wait \(wait), retransmit \(retransmit), "
            + "noRF \(noRFAvailable), noBitLock \(noBitLock), farmB \(farmBCounter), status \(statusField), cop \(copInEffect))"
    }
}
