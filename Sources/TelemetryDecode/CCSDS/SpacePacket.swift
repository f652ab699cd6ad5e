/// A CCSDS space packet (CCSDS 133.0-B): a 6-byte primary header and a data field of 1...65536
/// bytes (the secondary header, if flagged, is the mission-defined start of the data field).
public struct SpacePacket: Sendable, Hashable {
    /// The 6-byte primary header.
    public struct PrimaryHeader: Sendable, Hashable {
        public static let byteCount = 6
        /// The APID of idle packets.
        public static let idleAPID: UInt16 = 0x7FF

        public enum PacketType: UInt8, Sendable, Hashable {
            case telemetry = 0
            case telecommand = 1
        }

        public enum SequenceFlags: UInt8, Sendable, Hashable {
            case continuation = 0
            case first = 1
            case last = 2
            case unsegmented = 3
        }

        /// Packet version number, 3 bits (0).
        public var version: UInt8
        public var type: PacketType
        public var hasSecondaryHeader: Bool
        /// Application process identifier, 11 bits.
        public var apid: UInt16
        public var sequenceFlags: SequenceFlags
        /// Packet sequence count (or name), 14 bits.
        public var sequenceCount: UInt16
        /// The packet data length field: data field bytes − 1.
        public var dataLengthField: UInt16

        public init(
            version: UInt8 = 0, type: PacketType = .telemetry, hasSecondaryHeader: Bool = false, apid: UInt16,
            sequenceFlags: SequenceFlags = .unsegmented, sequenceCount: UInt16 = 0, dataLengthField: UInt16 = 0
        ) {
            self.version = version
            self.type = type
            self.hasSecondaryHeader = hasSecondaryHeader
            self.apid = apid
            self.sequenceFlags = sequenceFlags
            self.sequenceCount = sequenceCount
            self.dataLengthField = dataLengthField
        }

        /// Parses the first 6 bytes; the version must be 0.
        public init<C: Collection>(parsing bytes: C) throws(CCSDSError) where C.Element == UInt8 {
            var b = [UInt8](repeating: 0, count: 6)
            var n = 0
            for x in bytes.prefix(6) {
                b[n] = x
                n += 1
            }
            guard n == 6 else { throw .truncated(field: "packetPrimaryHeader", byteOffset: n, needed: 6) }
            let version = b[0] >> 5
            guard version == 0 else {
                throw .invalidField(
                    field: "packetVersion", value: Int(version), byteOffset: 0, reason: "a space packet has version 0")
            }
            self.version = version
            type = (b[0] & 0x10) != 0 ? .telecommand : .telemetry
            hasSecondaryHeader = (b[0] & 0x08) != 0
            apid = (UInt16(b[0] & 0x07) << 8) | UInt16(b[1])
            sequenceFlags = SequenceFlags(rawValue: b[2] >> 6) ?? .unsegmented  // 2 bits: always valid
            sequenceCount = (UInt16(b[2] & 0x3F) << 8) | UInt16(b[3])
            dataLengthField = (UInt16(b[4]) << 8) | UInt16(b[5])
        }

        /// The 6 header bytes; throws when a field does not fit its width.
        public func encoded() throws(CCSDSError) -> [UInt8] {
            guard version < 8 else {
                throw .invalidField(field: "packetVersion", value: Int(version), byteOffset: 0, reason: "does not fit 3 bits")
            }
            guard apid < 0x800 else {
                throw .invalidField(field: "apid", value: Int(apid), byteOffset: 0, reason: "does not fit 11 bits")
            }
            guard sequenceCount < 0x4000 else {
                throw .invalidField(
                    field: "sequenceCount", value: Int(sequenceCount), byteOffset: 2, reason: "does not fit 14 bits")
            }
            return [
                (version << 5) | (type.rawValue << 4) | (hasSecondaryHeader ? 0x08 : 0) | UInt8(apid >> 8),
                UInt8(apid & 0xFF),
                (sequenceFlags.rawValue << 6) | UInt8(sequenceCount >> 8),
                UInt8(sequenceCount & 0xFF),
                UInt8(dataLengthField >> 8),
                UInt8(dataLengthField & 0xFF),
            ]
        }

        /// Bytes in the data field (length field + 1).
        public var dataFieldLength: Int { Int(dataLengthField) + 1 }
        /// Bytes in the whole packet.
        public var packetLength: Int { Self.byteCount + dataFieldLength }
        public var isIdle: Bool { apid == Self.idleAPID }
    }

    public var header: PrimaryHeader
    /// The packet data field (secondary header, if any, included).
    public var dataField: [UInt8]

    /// A packet around `dataField` (1...65536 bytes); the header's length field is set from it.
    public init(header: PrimaryHeader, dataField: [UInt8]) throws(CCSDSError) {
        guard (1...65536).contains(dataField.count) else {
            throw .invalidField(
                field: "packetDataLength", value: dataField.count, byteOffset: 4, reason: "data field must be 1...65536 bytes")
        }
        var h = header
        h.dataLengthField = UInt16(dataField.count - 1)
        self.header = h
        self.dataField = dataField
    }

    /// Parses the packet at the start of `bytes`; bytes after `header.packetLength` are ignored.
    public init<C: Collection>(parsing bytes: C) throws(CCSDSError) where C.Element == UInt8 {
        let header = try PrimaryHeader(parsing: bytes)
        let b = Array(bytes.prefix(header.packetLength))
        guard b.count == header.packetLength else {
            throw .truncated(field: "packetDataField", byteOffset: b.count, needed: header.packetLength)
        }
        self.header = header
        self.dataField = Array(b[PrimaryHeader.byteCount...])
    }

    /// Header and data field as transmitted.
    public func encoded() throws(CCSDSError) -> [UInt8] {
        try header.encoded() + dataField
    }
}
