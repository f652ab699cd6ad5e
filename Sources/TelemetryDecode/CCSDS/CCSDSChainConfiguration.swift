/// Everything a `CCSDSDeframer` needs, as plain data: which blocks of the CCSDS TM receive chain run
/// and with which parameters. A satellite definition (see `init(transmitter:)`) or command-line options
/// select a chain; no new code per satellite.
///
/// The chain, in order (each stage optional except the marker search):
/// 1. convolutional decoding of the channel symbols (K = 7, rate 1/2 or punctured): a streaming soft
///    Viterbi decoder per symbol alignment (2 for rate 1/2, one per transmitted symbol of the pattern
///    period when punctured), since the receiver does not know where a C1/C2 pair starts;
/// 2. differential (NRZ-M) decoding of the bit stream, for "precoding: differential" transmitters. As in
///    gr-satellites, this sits on the bits that enter the marker search, i.e. *after* the Viterbi decoder
///    when there is one (it resolves the BPSK phase ambiguity of the data, while the transparent
///    convolutional code passes an inverted channel through as inverted bits);
/// 3. attached sync marker search over both polarities (an inverted frame is turned back);
/// 4. CCSDS derandomiser;
/// 5. Reed-Solomon RS(255,223) decoding, conventional or dual basis, interleaving depth I, shortened
///    codewords (virtual fill) when the frame is shorter than 223 × I bytes;
/// 6. the transfer frame: its FECF checked when configured, its header parsed when it parses.
public struct CCSDSChainConfiguration: Sendable, Hashable {
    /// Reed-Solomon stage.
    public enum ReedSolomon: String, Sendable, Hashable, CaseIterable {
        case none
        case conventional
        case dual
    }

    /// Line coding applied before the marker search.
    public enum Precoding: String, Sendable, Hashable, CaseIterable {
        case none
        /// NRZ-M: a 1 is a change of level (decoded as b[n] = s[n] xor s[n-1]).
        case differential
    }

    /// Convolutional code in front of everything (nil: the symbols are the frame bits).
    public var convolutional: ConvolutionalCode?
    /// Puncturing of the convolutional code (`.rate1_2`: none).
    public var puncturing: Puncturing
    /// Attached sync marker (default 0x1ACFFC1D).
    public var marker: SyncMarker
    /// CCSDS pseudo-randomiser on the frame (after the marker).
    public var randomizer: Bool
    public var reedSolomon: ReedSolomon
    /// Reed-Solomon interleaving depth I (1...8).
    public var interleaveDepth: Int
    /// Transfer frame length in bytes, without Reed-Solomon parity (223 × I for unshortened codes).
    public var frameLength: Int
    public var precoding: Precoding
    /// The frames end in a 2-byte FECF (CRC-16/IBM-3740) that must match for a frame to pass.
    public var hasFECF: Bool
    /// Marker bit errors tolerated while searching (gr-satellites' default: 4).
    public var searchErrors: Int
    /// Marker bit errors tolerated where the frame grid expects a marker.
    public var lockedErrors: Int
    /// Also search for the last `tailMarkerBits` bits of the marker alone (0: off), with at most
    /// `tailMarkerErrors` errors. At the start of a burst the first marker bits are often wrong (the
    /// demodulator and the Viterbi decoder are still converging); with a 24-bit tail and 1 error the
    /// false-hit rate is below that of the whole 32-bit marker with 4 errors.
    public var tailMarkerBits: Int
    public var tailMarkerErrors: Int
    /// Accept the complemented marker and invert the frame after it (BPSK phase ambiguity).
    public var detectInverted: Bool
    /// Viterbi traceback depth in decoded bits.
    public var tracebackDepth: Int
    /// Framing name written into each `DecodedFrame`.
    public var framing: String

    public init(
        convolutional: ConvolutionalCode? = nil, puncturing: Puncturing = .rate1_2, marker: SyncMarker = .ccsds,
        randomizer: Bool = true, reedSolomon: ReedSolomon = .dual, interleaveDepth: Int = 1, frameLength: Int = 223,
        precoding: Precoding = .none, hasFECF: Bool = false, searchErrors: Int = 4, lockedErrors: Int = 8,
        tailMarkerBits: Int = 24, tailMarkerErrors: Int = 1, detectInverted: Bool = true, tracebackDepth: Int = 64, framing: String? = nil
    ) {
        self.convolutional = convolutional
        self.puncturing = puncturing
        self.marker = marker
        self.randomizer = randomizer
        self.reedSolomon = reedSolomon
        self.interleaveDepth = interleaveDepth
        self.frameLength = frameLength
        self.precoding = precoding
        self.hasFECF = hasFECF
        self.searchErrors = searchErrors
        self.lockedErrors = lockedErrors
        self.tailMarkerBits = tailMarkerBits
        self.tailMarkerErrors = tailMarkerErrors
        self.detectInverted = detectInverted
        self.tracebackDepth = tracebackDepth
        self.framing = framing ?? (convolutional == nil ? "CCSDS Reed-Solomon" : "CCSDS Concatenated")
    }

    /// Reed-Solomon parity bytes per frame (32 × I, or 0 without RS).
    public var parityLength: Int { reedSolomon == .none ? 0 : ReedSolomonCCSDS.parityCount * interleaveDepth }
    /// Bytes after the marker: the frame plus its parity.
    public var codedFrameLength: Int { frameLength + parityLength }
    /// Virtual fill per codeword (0 for unshortened codes).
    public var virtualFill: Int { reedSolomon == .none ? 0 : 223 - frameLength / interleaveDepth }

    /// Checks every value; throws naming the offending key.
    public func validate() throws(CCSDSError) {
        if reedSolomon != .none {
            guard [1, 2, 3, 4, 5, 8].contains(interleaveDepth) else {
                throw .invalidConfiguration(key: "interleave", value: interleaveDepth, reason: "must be 1...5 or 8")
            }
            guard frameLength % interleaveDepth == 0 else {
                throw .invalidConfiguration(
                    key: "frameLength", value: frameLength,
                    reason: "must be a multiple of the interleaving depth \(interleaveDepth)")
            }
            guard (1...(223 * interleaveDepth)).contains(frameLength) else {
                throw .invalidConfiguration(
                    key: "frameLength", value: frameLength, reason: "must be 1...\(223 * interleaveDepth) with RS interleave \(interleaveDepth)")
            }
        } else {
            guard (1...65_536).contains(frameLength) else {
                throw .invalidConfiguration(key: "frameLength", value: frameLength, reason: "must be 1...65536")
            }
        }
        guard (8...4096).contains(tracebackDepth) else {
            throw .invalidConfiguration(key: "tracebackDepth", value: tracebackDepth, reason: "must be 8...4096")
        }
        try searchConfiguration.validate()
        guard tailMarkerBits == 0 || (16..<marker.bitCount).contains(tailMarkerBits) || tailMarkerBits >= marker.bitCount else {
            throw .invalidConfiguration(key: "tailMarkerBits", value: tailMarkerBits, reason: "must be 0 or at least 16")
        }
        try tailSearchConfiguration?.validate()
    }

    /// The search for the marker's tail, when enabled (and shorter than the marker).
    public var tailSearchConfiguration: SyncMarkerSearch.Configuration? {
        get throws(CCSDSError) {
            guard tailMarkerBits >= 16, tailMarkerBits < marker.bitCount else { return nil }
            let tail = marker.pattern & ((UInt64(1) << UInt64(tailMarkerBits)) - 1)
            var c = searchConfiguration
            c.marker = try SyncMarker(pattern: tail, bitCount: tailMarkerBits)
            c.searchErrors = tailMarkerErrors
            c.lockedErrors = min(lockedErrors, tailMarkerBits / 4)
            c.frameBits = 8 * codedFrameLength
            return c
        }
    }

    /// The marker search this chain runs on its (decoded) bits.
    public var searchConfiguration: SyncMarkerSearch.Configuration {
        SyncMarkerSearch.Configuration(
            marker: marker, frameBits: 8 * codedFrameLength, input: convolutional == nil ? .softSymbols : .hardBits,
            searchErrors: searchErrors, lockedErrors: lockedErrors, detectInverted: detectInverted)
    }

    // MARK: Names

    /// A convolutional code by name: the CLI names `k7-ccsds` (G1 = 0171, G2 = 0133 inverted) and
    /// `k7-nasa` (the same without inversion, `ConvolutionalCode.nasaDSN`), and gr-satellites' catalogue
    /// names, whose polynomial order differs: "CCSDS" (= k7-ccsds), "CCSDS uninverted" (= k7-nasa),
    /// "NASA-DSN" (0133 inverted first, then 0171) and "NASA-DSN uninverted" (0133 first, then 0171).
    /// `none` gives nil; an unknown name throws.
    public static func convolutionalCode(named name: String) throws(CCSDSError) -> ConvolutionalCode? {
        switch name.lowercased() {
        case "none", "": return nil
        case "k7-ccsds", "ccsds": return .ccsds
        case "k7-nasa", "ccsds uninverted": return .nasaDSN
        case "nasa-dsn": return try swapped(invertsFirst: true)
        case "nasa-dsn uninverted": return try swapped(invertsFirst: false)
        default:
            throw .invalidConfiguration(key: "convolutional '\(name)'", value: 0, reason: "unknown code (k7-ccsds, k7-nasa, NASA-DSN)")
        }
    }

    private static func swapped(invertsFirst: Bool) throws(CCSDSError) -> ConvolutionalCode {
        do {
            return try ConvolutionalCode(g1: 0o133, g2: 0o171, invertsFirst: invertsFirst, invertsSecond: false)
        } catch {
            throw .invalidConfiguration(key: "convolutional", value: 0o133, reason: error.description)
        }
    }

    /// A punctured rate by name: "1/2", "2/3", "3/4", "5/6", "7/8".
    public static func puncturing(named name: String) throws(CCSDSError) -> Puncturing {
        guard let p = Puncturing.ccsdsRates.first(where: { "\($0.period)/\($0.transmittedPerPeriod)" == name }) else {
            throw .invalidConfiguration(key: "puncturing '\(name)'", value: 0, reason: "must be 1/2, 2/3, 3/4, 5/6 or 7/8")
        }
        return p
    }

    // MARK: Catalogue

    /// The chain of a catalogue transmitter with framing "CCSDS Reed-Solomon" (marker + randomiser +
    /// RS, no convolutional code) or "CCSDS Concatenated" (the same behind the K = 7 convolutional
    /// code, gr-satellites' "CCSDS" convention unless `convolutional` says otherwise). Defaults follow
    /// gr-satellites: frame size 223, dual basis, interleaving 1, CCSDS scrambler, no precoding; no
    /// FECF check (gr-satellites does not check one).
    public init(transmitter spec: TransmitterSpec) throws(CCSDSError) {
        var code: ConvolutionalCode? = nil
        switch spec.framing {
        case .ccsdsReedSolomon: code = nil
        case .ccsdsConcatenated: code = try Self.convolutionalCode(named: spec.convolutional ?? "CCSDS") ?? .ccsds
        default:
            throw .invalidConfiguration(key: "framing '\(spec.framing.rawValue)'", value: 0, reason: "not a CCSDS framing")
        }
        let rs: ReedSolomon
        switch spec.rsBasis?.lowercased() ?? "dual" {
        case "dual": rs = .dual
        case "conventional": rs = .conventional
        case "none": rs = .none
        case let other:
            throw .invalidConfiguration(key: "rs_basis '\(other)'", value: 0, reason: "must be conventional or dual")
        }
        let randomizer: Bool
        switch spec.scrambler?.lowercased() ?? "ccsds" {
        case "ccsds": randomizer = true
        case "none": randomizer = false
        case let other:
            throw .invalidConfiguration(key: "scrambler '\(other)'", value: 0, reason: "must be CCSDS or none")
        }
        let precoding: Precoding
        switch spec.precoding?.lowercased() {
        case nil, "none": precoding = .none
        case "differential": precoding = .differential
        case let other?:
            throw .invalidConfiguration(key: "precoding '\(other)'", value: 0, reason: "must be differential")
        }
        self.init(
            convolutional: code, randomizer: randomizer, reedSolomon: rs, interleaveDepth: spec.rsInterleaving ?? 1,
            frameLength: spec.frameSize ?? 223, precoding: precoding, framing: spec.framing.rawValue)
        try validate()
    }
}
