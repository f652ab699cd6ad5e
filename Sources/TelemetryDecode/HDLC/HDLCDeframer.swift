/// What the frame check sequence said about a candidate frame.
public enum FCSVerdict: String, Sendable, Hashable {
    case good
    /// The bits between the flags formed whole bytes but the CRC did not match.
    case bad
    /// The bits between the flags were not a whole number of bytes: no CRC was possible.
    case notByteAligned = "misaligned"
}

/// A frame found between two HDLC flags.
public struct HDLCFrame: Sendable, Hashable {
    /// Frame bytes without the FCS (for a misaligned frame: the whole bytes that were received).
    public var bytes: [UInt8]
    public var verdict: FCSVerdict
    /// Position in the input bit stream (count of bits before it) of the last bit of the closing flag.
    public var endBit: Int
    /// Position of the first bit after the opening flag.
    public var startBit: Int

    public init(bytes: [UInt8], verdict: FCSVerdict, endBit: Int, startBit: Int) {
        self.bytes = bytes
        self.verdict = verdict
        self.endBit = endBit
        self.startBit = startBit
    }
}

/// Streaming HDLC deframer over a bit stream (one bit per `UInt8`, values 0/1, already NRZI-decoded and
/// descrambled): flag search, bit de-stuffing, abort handling, length limits and FCS check.
///
/// Every candidate of at least `minimumBytes` is reported with its verdict; callers keep `.good` ones.
/// All state lives in the struct, so any chunking of the input produces the same frames.
public struct HDLCDeframer: Sendable {
    public struct Configuration: Sendable {
        /// Smallest frame reported, FCS included. Shorter runs between flags are idle noise.
        public var minimumBytes: Int
        /// Largest frame accepted, FCS included; longer ones are dropped and counted.
        public var maximumBytes: Int
        /// The CRC whose value follows the frame, low byte first (CRC-16/X-25 for AX.25).
        public var fcs: CRCAlgorithm

        public init(minimumBytes: Int = 3, maximumBytes: Int = 2048, fcs: CRCAlgorithm = .x25) {
            self.minimumBytes = max(3, minimumBytes)
            self.maximumBytes = max(self.minimumBytes, maximumBytes)
            self.fcs = fcs
        }

        /// AX.25: two addresses (14 bytes), control, FCS; up to 8 digipeaters and a long info field.
        public static let ax25 = Configuration(minimumBytes: 17, maximumBytes: 2048, fcs: .x25)
    }

    public struct Statistics: Sendable, Hashable {
        public var good = 0
        public var badFCS = 0
        public var misaligned = 0
        public var aborts = 0
        public var oversize = 0
    }

    public let configuration: Configuration
    public private(set) var statistics = Statistics()

    private var ones = 0
    private var inFrame = false
    private var lastZeroAppended = false
    private var bitCount = 0
    private var partial: UInt8 = 0
    private var buffer: [UInt8] = []
    private var position = 0
    private var frameStart = 0
    private let maximumBits: Int

    public init(configuration: Configuration = .ax25) {
        self.configuration = configuration
        // Data plus FCS plus the up-to-seven flag bits appended before the flag is recognised.
        maximumBits = configuration.maximumBytes * 8 + 7
        buffer.reserveCapacity(configuration.maximumBytes + 1)
    }

    /// Consumes `bits` and appends every candidate frame that closes inside them.
    public mutating func process(_ bits: UnsafeBufferPointer<UInt8>, into frames: inout [HDLCFrame]) {
        for i in bits.indices {
            let bit = bits[i] & 1
            if bit != 0 {
                ones += 1
                if ones >= 7 {
                    if ones == 7 && inFrame {
                        if bitCount > 8 { statistics.aborts += 1 }
                        inFrame = false
                    }
                    continue
                }
                if inFrame { append(1) }
            } else {
                if ones == 6 {
                    if inFrame { close(frameBits: bitCount - 6 - (lastZeroAppended ? 1 : 0), at: position + i, into: &frames) }
                    openFrame()
                    frameStart = position + i + 1
                    ones = 0
                    continue
                }
                if ones == 5 {
                    // A stuffed zero: drop it.
                    ones = 0
                    lastZeroAppended = false
                    continue
                }
                ones = 0
                if inFrame {
                    append(0)
                    lastZeroAppended = true
                }
            }
        }
        position += bits.count
    }

    public mutating func process(_ bits: [UInt8], into frames: inout [HDLCFrame]) {
        bits.withUnsafeBufferPointer { process($0, into: &frames) }
    }

    /// Forgets any partial frame (for example after a loss of signal).
    public mutating func reset() {
        inFrame = false
        ones = 0
        bitCount = 0
        partial = 0
        buffer.removeAll(keepingCapacity: true)
    }

    @inline(__always)
    private mutating func append(_ bit: UInt8) {
        partial |= bit << UInt8(bitCount & 7)
        bitCount += 1
        if bitCount & 7 == 0 {
            buffer.append(partial)
            partial = 0
            if bitCount > maximumBits {
                statistics.oversize += 1
                inFrame = false
            }
        }
    }

    private mutating func openFrame() {
        inFrame = true
        lastZeroAppended = false
        bitCount = 0
        partial = 0
        buffer.removeAll(keepingCapacity: true)
    }

    private mutating func close(frameBits: Int, at endBit: Int, into frames: inout [HDLCFrame]) {
        guard frameBits >= configuration.minimumBytes * 8 else { return }
        let n = frameBits / 8
        if frameBits % 8 != 0 {
            statistics.misaligned += 1
            frames.append(HDLCFrame(bytes: Array(buffer.prefix(n)), verdict: .notByteAligned, endBit: endBit, startBit: frameStart))
            return
        }
        let body = buffer[0..<(n - 2)]
        let received = UInt32(buffer[n - 2]) | UInt32(buffer[n - 1]) << 8
        let good = configuration.fcs.checksum(body) == received
        if good { statistics.good += 1 } else { statistics.badFCS += 1 }
        frames.append(HDLCFrame(bytes: Array(body), verdict: good ? .good : .bad, endBit: endBit, startBit: frameStart))
    }
}
