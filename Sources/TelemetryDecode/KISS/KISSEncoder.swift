/// Encodes frames for a KISS byte stream: FEND, type byte, escaped payload, FEND.
public enum KISSEncoder {
    public static func encode(_ frame: KISSFrame, into out: inout [UInt8]) {
        out.append(KISS.fend)
        escape(frame.port << 4 | frame.command, into: &out)
        for b in frame.payload { escape(b, into: &out) }
        out.append(KISS.fend)
    }

    public static func encode(_ frame: KISSFrame) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(frame.payload.count + 8)
        encode(frame, into: &out)
        return out
    }

    @inline(__always)
    static func escape(_ b: UInt8, into out: inout [UInt8]) {
        switch b {
        case KISS.fend: out += [KISS.fesc, KISS.tfend]
        case KISS.fesc: out += [KISS.fesc, KISS.tfesc]
        default: out.append(b)
        }
    }
}
