/// A problem in a KISS stream, with the byte offset of the frame it spoiled.
public enum KISSError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The frame opened at `offset` grew past the limit and was dropped.
    case frameTooLong(offset: Int, limit: Int)
    /// FESC followed by something other than TFEND/TFESC at `offset`; the frame was dropped.
    case invalidEscape(offset: Int, byte: UInt8)
    /// The stream ended inside a frame that started at `offset`.
    case truncatedFrame(offset: Int)

    public var description: String {
        switch self {
        case .frameTooLong(let o, let limit): "KISS frame at byte \(o) longer than \(limit) bytes: dropped"
        case .invalidEscape(let o, let b): "KISS invalid escape FESC 0x\(String(b, radix: 16)) at byte \(o): frame dropped"
        case .truncatedFrame(let o): "KISS stream ends inside the frame that starts at byte \(o)"
        }
    }
}

/// Streaming KISS decoder: bytes in chunks of any size, frames and errors out.
///
/// Bytes before the first FEND are ignored (a stream joined mid-frame); back-to-back FENDs are
/// separators, not empty frames.
public struct KISSDecoder: Sendable {
    public enum Event: Sendable, Hashable {
        case frame(KISSFrame)
        case error(KISSError)
    }

    public let maximumFrameBytes: Int
    private var hunting = true
    private var escaping = false
    private var dropping = false
    private var buffer: [UInt8] = []
    private var frameStart = 0
    private var position = 0

    public init(maximumFrameBytes: Int = 65_536) {
        self.maximumFrameBytes = maximumFrameBytes
    }

    public mutating func process(_ bytes: UnsafeBufferPointer<UInt8>, into events: inout [Event]) {
        for i in bytes.indices {
            let b = bytes[i]
            let offset = position + i
            if b == KISS.fend {
                if !hunting && !dropping && !buffer.isEmpty {
                    if escaping {
                        events.append(.error(.invalidEscape(offset: offset, byte: b)))
                    } else {
                        let type = buffer[0]
                        events.append(
                            .frame(KISSFrame(port: type >> 4, command: type & 0x0F, payload: Array(buffer[1...]), offset: frameStart)))
                    }
                }
                hunting = false
                dropping = false
                escaping = false
                buffer.removeAll(keepingCapacity: true)
                frameStart = offset
                continue
            }
            if hunting || dropping { continue }
            var value = b
            if escaping {
                escaping = false
                switch b {
                case KISS.tfend: value = KISS.fend
                case KISS.tfesc: value = KISS.fesc
                default:
                    events.append(.error(.invalidEscape(offset: offset, byte: b)))
                    dropping = true
                    continue
                }
            } else if b == KISS.fesc {
                escaping = true
                continue
            }
            if buffer.count > maximumFrameBytes {
                events.append(.error(.frameTooLong(offset: frameStart, limit: maximumFrameBytes)))
                dropping = true
                buffer.removeAll(keepingCapacity: true)
                continue
            }
            buffer.append(value)
        }
        position += bytes.count
    }

    public mutating func process(_ bytes: [UInt8], into events: inout [Event]) {
        bytes.withUnsafeBufferPointer { process($0, into: &events) }
    }

    /// Call at end of input: reports a frame left open with data in it.
    public mutating func finish(into events: inout [Event]) {
        if !hunting && !dropping && !buffer.isEmpty {
            events.append(.error(.truncatedFrame(offset: frameStart)))
        }
        buffer.removeAll()
        hunting = true
    }
}
