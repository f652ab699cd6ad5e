/// A CCSDS TM transfer frame (CCSDS 132.0-B): primary header, optional secondary header, data field,
/// optional operational control field (OCF, usually a CLCW) and optional frame error control field
/// (FECF, CRC-16/IBM-3740 over everything before it).
///
/// Parse with `init(parsing:configuration:)` once a frame has been synchronised, derandomised and
/// RS-decoded; build one with `encode(...)` (for tests, simulators and round trips). Parsing never
/// traps on bad input: impossible values throw `CCSDSError` naming the field and its byte offset; a
/// wrong FECF is not an error but a `fecfVerdict` of `.bad`.
public struct TransferFrame: Sendable, Hashable {
    /// What the header cannot tell: the managed parameters of the physical channel.
    /// (Whether an OCF is present comes from the header's OCF flag.)
    public struct Configuration: Sendable, Hashable {
        /// Total frame length in bytes (7...2048), from the header to the FECF inclusive.
        public var frameLength: Int
        /// A 2-byte FECF ends every frame.
        public var hasFECF: Bool

        public init(frameLength: Int, hasFECF: Bool = true) {
            self.frameLength = frameLength
            self.hasFECF = hasFECF
        }

        public func validate() throws(CCSDSError) {
            guard (7...2048).contains(frameLength) else {
                throw .invalidConfiguration(key: "frameLength", value: frameLength, reason: "must be 7...2048 bytes")
            }
        }
    }

    /// A global virtual channel identifier: spacecraft and virtual channel.
    public struct VirtualChannel: Sendable, Hashable, CustomStringConvertible {
        public var spacecraftID: UInt16
        public var virtualChannelID: UInt8

        public init(spacecraftID: UInt16, virtualChannelID: UInt8) {
            self.spacecraftID = spacecraftID
            self.virtualChannelID = virtualChannelID
        }

        public var description: String { "SC \(spacecraftID) VC \(virtualChannelID)" }
    }

    /// The 6-byte primary header.
    public struct PrimaryHeader: Sendable, Hashable {
        public static let byteCount = 6
        /// First header pointer value: no packet starts in this frame (continuation only).
        public static let noPacketStart: UInt16 = 0x7FF
        /// First header pointer value: the data field holds only idle data.
        public static let idleData: UInt16 = 0x7FE

        /// Transfer frame version number, 2 bits; 0 for TM.
        public var version: UInt8
        /// Spacecraft identifier, 10 bits.
        public var spacecraftID: UInt16
        /// Virtual channel identifier, 3 bits.
        public var virtualChannelID: UInt8
        /// An OCF (4 bytes) precedes the FECF.
        public var hasOCF: Bool
        public var masterChannelFrameCount: UInt8
        public var virtualChannelFrameCount: UInt8
        /// A secondary header follows the primary header.
        public var hasSecondaryHeader: Bool
        /// Synchronisation flag: 0 = octet-synchronised, forward-ordered packets (the FHP is meaningful).
        public var synchronizationFlag: Bool
        public var packetOrderFlag: Bool
        /// Segment length identifier, 2 bits (3 when the synchronisation flag is 0).
        public var segmentLengthID: UInt8
        /// First header pointer, 11 bits: offset of the first packet header in the data field, or
        /// `noPacketStart` / `idleData`.
        public var firstHeaderPointer: UInt16

        public init(
            version: UInt8 = 0, spacecraftID: UInt16, virtualChannelID: UInt8, hasOCF: Bool = false,
            masterChannelFrameCount: UInt8 = 0, virtualChannelFrameCount: UInt8 = 0, hasSecondaryHeader: Bool = false,
            synchronizationFlag: Bool = false, packetOrderFlag: Bool = false, segmentLengthID: UInt8 = 3,
            firstHeaderPointer: UInt16 = 0
        ) {
            self.version = version
            self.spacecraftID = spacecraftID
            self.virtualChannelID = virtualChannelID
            self.hasOCF = hasOCF
            self.masterChannelFrameCount = masterChannelFrameCount
            self.virtualChannelFrameCount = virtualChannelFrameCount
            self.hasSecondaryHeader = hasSecondaryHeader
            self.synchronizationFlag = synchronizationFlag
            self.packetOrderFlag = packetOrderFlag
            self.segmentLengthID = segmentLengthID
            self.firstHeaderPointer = firstHeaderPointer
        }

        /// Parses the first 6 bytes; only the version is checked here (the rest needs the frame length).
        public init<C: Collection>(parsing bytes: C) throws(CCSDSError) where C.Element == UInt8 {
            var b = [UInt8](repeating: 0, count: 6)
            var n = 0
            for x in bytes.prefix(6) {
                b[n] = x
                n += 1
            }
            guard n == 6 else { throw .truncated(field: "primaryHeader", byteOffset: n, needed: 6) }
            let version = b[0] >> 6
            guard version == 0 else {
                throw .invalidField(
                    field: "transferFrameVersion", value: Int(version), byteOffset: 0,
                    reason: "a TM transfer frame has version 0")
            }
            self.version = version
            spacecraftID = (UInt16(b[0] & 0x3F) << 4) | UInt16(b[1] >> 4)
            virtualChannelID = (b[1] >> 1) & 0x07
            hasOCF = b[1] & 1 != 0
            masterChannelFrameCount = b[2]
            virtualChannelFrameCount = b[3]
            hasSecondaryHeader = b[4] & 0x80 != 0
            synchronizationFlag = b[4] & 0x40 != 0
            packetOrderFlag = b[4] & 0x20 != 0
            segmentLengthID = (b[4] >> 3) & 0x03
            firstHeaderPointer = (UInt16(b[4] & 0x07) << 8) | UInt16(b[5])
        }

        /// The 6 header bytes; throws when a field does not fit its width.
        public func encoded() throws(CCSDSError) -> [UInt8] {
            func check(_ name: String, _ value: Int, bits: Int, offset: Int) throws(CCSDSError) {
                guard value >= 0 && value < (1 << bits) else {
                    throw .invalidField(field: name, value: value, byteOffset: offset, reason: "does not fit \(bits) bits")
                }
            }
            try check("transferFrameVersion", Int(version), bits: 2, offset: 0)
            try check("spacecraftID", Int(spacecraftID), bits: 10, offset: 0)
            try check("virtualChannelID", Int(virtualChannelID), bits: 3, offset: 1)
            try check("segmentLengthID", Int(segmentLengthID), bits: 2, offset: 4)
            try check("firstHeaderPointer", Int(firstHeaderPointer), bits: 11, offset: 4)
            return [
                (version << 6) | UInt8(spacecraftID >> 4),
                UInt8((spacecraftID & 0x0F) << 4) | (virtualChannelID << 1) | (hasOCF ? 1 : 0),
                masterChannelFrameCount,
                virtualChannelFrameCount,
                (hasSecondaryHeader ? 0x80 : 0) | (synchronizationFlag ? 0x40 : 0) | (packetOrderFlag ? 0x20 : 0)
                    | (segmentLengthID << 3) | UInt8(firstHeaderPointer >> 8),
                UInt8(firstHeaderPointer & 0xFF),
            ]
        }

        public var channel: VirtualChannel {
            VirtualChannel(spacecraftID: spacecraftID, virtualChannelID: virtualChannelID)
        }

        /// The first header pointer, decoded.
        public enum FirstHeader: Sendable, Hashable {
            /// A packet header starts at this offset in the data field.
            case packetStart(offset: Int)
            /// 0x7FF: the data field continues a packet started earlier.
            case noPacketStart
            /// 0x7FE: the data field holds only idle data.
            case idleData
        }

        public var firstHeader: FirstHeader {
            switch firstHeaderPointer {
            case Self.noPacketStart: return .noPacketStart
            case Self.idleData: return .idleData
            default: return .packetStart(offset: Int(firstHeaderPointer))
            }
        }
    }

    /// The secondary header: an identification byte (version 2 bits, length − 1 in 6 bits) and data.
    public struct SecondaryHeader: Sendable, Hashable {
        /// Secondary header version, 2 bits (0).
        public var version: UInt8
        /// The bytes after the identification byte (0...63 bytes).
        public var data: [UInt8]

        public init(version: UInt8 = 0, data: [UInt8]) {
            self.version = version
            self.data = data
        }

        /// Total length including the identification byte.
        public var byteCount: Int { 1 + data.count }
    }

    /// The 4-byte operational control field.
    public enum OperationalControlField: Sendable, Hashable {
        /// Control word type 0: a CLCW.
        case clcw(CLCW)
        /// Control word type 1: a project-specific report.
        case projectSpecific(UInt32)

        public init(rawValue: UInt32) {
            self = rawValue >> 31 == 0 ? .clcw(CLCW(rawValue: rawValue)) : .projectSpecific(rawValue)
        }

        public var rawValue: UInt32 {
            switch self {
            case .clcw(let c): return c.rawValue
            case .projectSpecific(let v): return v
            }
        }
    }

    /// The outcome of the FECF check.
    public enum FECFVerdict: Sendable, Hashable {
        /// The configuration has no FECF.
        case absent
        case good
        /// `computed` over the received bytes differs from the `received` FECF.
        case bad(computed: UInt16, received: UInt16)
    }

    public var header: PrimaryHeader
    public var secondaryHeader: SecondaryHeader?
    /// The transfer frame data field (packets, idle data or VCA data).
    public var dataField: [UInt8]
    /// Byte offset of `dataField` within the frame.
    public var dataFieldOffset: Int
    public var operationalControlField: OperationalControlField?
    /// The received FECF, when configured.
    public var fecf: UInt16?
    public var fecfVerdict: FECFVerdict

    /// Parses one frame of exactly `configuration.frameLength` bytes.
    public init<C: Collection>(parsing bytes: C, configuration: Configuration) throws(CCSDSError)
    where C.Element == UInt8 {
        try configuration.validate()
        let b = Array(bytes)
        let length = configuration.frameLength
        guard b.count >= length else { throw .truncated(field: "transferFrame", byteOffset: b.count, needed: length) }
        guard b.count == length else {
            throw .invalidField(
                field: "transferFrameLength", value: b.count, byteOffset: length,
                reason: "frame is longer than the configured \(length) bytes")
        }
        let header = try PrimaryHeader(parsing: b)
        var offset = PrimaryHeader.byteCount
        let trailer = (header.hasOCF ? 4 : 0) + (configuration.hasFECF ? 2 : 0)
        let end = length - trailer  // first byte after the data field

        var secondary: SecondaryHeader? = nil
        if header.hasSecondaryHeader {
            guard offset < end else {
                throw .invalidField(
                    field: "secondaryHeader", value: 1, byteOffset: offset,
                    reason: "flagged but no room in a \(length)-byte frame")
            }
            let id = b[offset]
            let version = id >> 6
            guard version == 0 else {
                throw .invalidField(
                    field: "secondaryHeaderVersion", value: Int(version), byteOffset: offset,
                    reason: "only version 0 is defined")
            }
            let total = Int(id & 0x3F) + 1
            guard offset + total <= end else {
                throw .invalidField(
                    field: "secondaryHeaderLength", value: total, byteOffset: offset,
                    reason: "runs past the data field (ends at byte \(end))")
            }
            secondary = SecondaryHeader(version: version, data: Array(b[(offset + 1)..<(offset + total)]))
            offset += total
        }

        let dataLength = end - offset
        guard dataLength >= 1 else {
            throw .invalidField(
                field: "dataField", value: dataLength, byteOffset: offset,
                reason: "no room for a data field in a \(length)-byte frame")
        }
        if !header.synchronizationFlag {
            let fhp = header.firstHeaderPointer
            if fhp != PrimaryHeader.noPacketStart && fhp != PrimaryHeader.idleData && Int(fhp) >= dataLength {
                throw .invalidField(
                    field: "firstHeaderPointer", value: Int(fhp), byteOffset: 4,
                    reason: "beyond the \(dataLength)-byte data field")
            }
        }

        var ocf: OperationalControlField? = nil
        if header.hasOCF {
            let raw = (UInt32(b[end]) << 24) | (UInt32(b[end + 1]) << 16) | (UInt32(b[end + 2]) << 8) | UInt32(b[end + 3])
            ocf = OperationalControlField(rawValue: raw)
        }

        var fecf: UInt16? = nil
        var verdict = FECFVerdict.absent
        if configuration.hasFECF {
            let received = (UInt16(b[length - 2]) << 8) | UInt16(b[length - 1])
            let computed = UInt16(truncatingIfNeeded: CRCAlgorithm.ibm3740.checksum(b[0..<(length - 2)]))
            fecf = received
            verdict = computed == received ? .good : .bad(computed: computed, received: received)
        }

        self.header = header
        self.secondaryHeader = secondary
        self.dataField = Array(b[offset..<end])
        self.dataFieldOffset = offset
        self.operationalControlField = ocf
        self.fecf = fecf
        self.fecfVerdict = verdict
    }

    /// Builds the bytes of a frame. The header's OCF and secondary-header flags are set from the
    /// arguments; the frame length is the sum of the parts (check it against your configuration).
    public static func encode(
        header: PrimaryHeader, secondaryHeader: SecondaryHeader? = nil, dataField: [UInt8],
        operationalControlField: OperationalControlField? = nil, hasFECF: Bool = true
    ) throws(CCSDSError) -> [UInt8] {
        var h = header
        h.hasOCF = operationalControlField != nil
        h.hasSecondaryHeader = secondaryHeader != nil
        var out = try h.encoded()
        if let s = secondaryHeader {
            guard (0...63).contains(s.data.count) else {
                throw .invalidField(
                    field: "secondaryHeaderLength", value: s.byteCount, byteOffset: out.count,
                    reason: "must be 1...64 bytes")
            }
            guard s.version < 4 else {
                throw .invalidField(
                    field: "secondaryHeaderVersion", value: Int(s.version), byteOffset: out.count,
                    reason: "does not fit 2 bits")
            }
            out.append((s.version << 6) | UInt8(s.data.count))
            out += s.data
        }
        out += dataField
        if let ocf = operationalControlField {
            let v = ocf.rawValue
            out += [UInt8(v >> 24), UInt8((v >> 16) & 0xFF), UInt8((v >> 8) & 0xFF), UInt8(v & 0xFF)]
        }
        if hasFECF {
            let crc = UInt16(truncatingIfNeeded: CRCAlgorithm.ibm3740.checksum(out))
            out += [UInt8(crc >> 8), UInt8(crc & 0xFF)]
        }
        return out
    }

    /// The CLCW, when the OCF holds one.
    public var clcw: CLCW? {
        if case .clcw(let c) = operationalControlField { return c }
        return nil
    }
}
