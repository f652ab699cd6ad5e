import TelemetryDecode

/// Stream and frame builders shared by the CCSDS tests.
enum CCSDSFixtures {
    static func randomBytes(_ count: Int, _ rng: inout SplitMix64) -> [UInt8] {
        (0..<count).map { _ in UInt8.random(in: 0...255, using: &rng) }
    }

    static func randomBits(_ count: Int, _ rng: inout SplitMix64) -> [UInt8] {
        (0..<count).map { _ in UInt8(rng.next() & 1) }
    }

    /// The marker's bits with `errors` distinct positions flipped (chosen at random).
    static func markerBits(_ marker: SyncMarker, errors: Int, inverted: Bool, _ rng: inout SplitMix64) -> [UInt8] {
        var bits = marker.bits
        var positions = Array(0..<bits.count)
        positions.shuffle(using: &rng)
        for p in positions.prefix(errors) { bits[p] ^= 1 }
        if inverted { bits = bits.map { $0 ^ 1 } }
        return bits
    }

    /// Hard bits → soft symbols: 1 → 150...255, 0 → 0...105 (never an erasure).
    static func soft(_ bits: [UInt8], _ rng: inout SplitMix64) -> [UInt8] {
        bits.map { $0 == 1 ? UInt8.random(in: 150...255, using: &rng) : UInt8.random(in: 0...105, using: &rng) }
    }

    /// Runs a searcher over `input` cut into `chunk`-sized pieces (0 = the whole input at once).
    static func run(_ config: SyncMarkerSearch.Configuration, _ input: [UInt8], chunk: Int) throws
        -> (frames: [SyncMarkerSearch.SyncedFrame], stats: SyncMarkerSearch.Statistics)
    {
        var search = try SyncMarkerSearch(config)
        var out: [SyncMarkerSearch.SyncedFrame] = []
        if chunk == 0 {
            search.process(input, into: &out)
        } else {
            var i = 0
            while i < input.count {
                search.process(input[i..<min(i + chunk, input.count)], into: &out)
                i += chunk
            }
        }
        return (out, search.statistics)
    }

    /// Lays packets into consecutive data fields of `dataFieldLength` bytes, padding the end with
    /// idle packets; returns each field with its first header pointer.
    static func packetize(_ packets: [[UInt8]], dataFieldLength d: Int) throws -> [(data: [UInt8], fhp: UInt16)] {
        var stream: [UInt8] = []
        var starts: [Int] = []
        for p in packets {
            starts.append(stream.count)
            stream += p
        }
        var room = (d - stream.count % d) % d
        if room > 0 && room < 7 { room += d }
        if room > 0 {
            starts.append(stream.count)
            stream += try idlePacket(length: room)
        }
        var fields: [(data: [UInt8], fhp: UInt16)] = []
        var startIndex = 0
        for f in 0..<(stream.count / d) {
            let lo = f * d
            while startIndex < starts.count && starts[startIndex] < lo { startIndex += 1 }
            let fhp: UInt16 =
                (startIndex < starts.count && starts[startIndex] < lo + d)
                ? UInt16(starts[startIndex] - lo) : TransferFrame.PrimaryHeader.noPacketStart
            fields.append((Array(stream[lo..<(lo + d)]), fhp))
        }
        return fields
    }

    static func idlePacket(length: Int) throws -> [UInt8] {
        try SpacePacket(
            header: .init(apid: SpacePacket.PrimaryHeader.idleAPID),
            dataField: [UInt8](repeating: 0x55, count: length - 6)
        ).encoded()
    }

    /// A TM packet of `dataLength` data bytes with recognisable content.
    static func packet(apid: UInt16, count: UInt16, dataLength: Int, _ rng: inout SplitMix64) throws -> SpacePacket {
        try SpacePacket(
            header: .init(apid: apid, sequenceCount: count & 0x3FFF), dataField: randomBytes(dataLength, &rng))
    }

    /// Encodes and parses frames of one virtual channel around the given data fields.
    static func frames(
        _ fields: [(data: [UInt8], fhp: UInt16)], scid: UInt16 = 0x2A, vcid: UInt8 = 1, firstCount: UInt8 = 0,
        hasFECF: Bool = true
    ) throws -> [TransferFrame] {
        var out: [TransferFrame] = []
        for (i, f) in fields.enumerated() {
            let count = firstCount &+ UInt8(truncatingIfNeeded: i)
            let header = TransferFrame.PrimaryHeader(
                spacecraftID: scid, virtualChannelID: vcid, masterChannelFrameCount: count,
                virtualChannelFrameCount: count, firstHeaderPointer: f.fhp)
            let bytes = try TransferFrame.encode(header: header, dataField: f.data, hasFECF: hasFECF)
            out.append(
                try TransferFrame(parsing: bytes, configuration: .init(frameLength: bytes.count, hasFECF: hasFECF)))
        }
        return out
    }

    static func packets(_ events: [SpacePacketAssembler.Event]) -> [SpacePacket] {
        events.compactMap { if case .packet(let p, _) = $0 { return p } else { return nil } }
    }

    static func broken(_ events: [SpacePacketAssembler.Event]) -> [SpacePacketAssembler.BrokenPacket] {
        events.compactMap { if case .broken(let b) = $0 { return b } else { return nil } }
    }
}
