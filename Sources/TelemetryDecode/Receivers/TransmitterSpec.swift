/// Modulations a transmitter can use (names as in the satellite catalogue).
public enum Modulation: String, Sendable, Hashable, CaseIterable {
    case fsk = "FSK"
    case afsk = "AFSK"
    case bpsk = "BPSK"
    case dbpsk = "DBPSK"
    /// Differentially encoded, then Manchester-coded BPSK (AO-40 and QO-100 beacons).
    case dbpskManchester = "DBPSK Manchester"
    case gfsk = "GFSK"
    case gmsk = "GMSK"
    case fskSubaudio = "FSK subaudio"
    /// Four-tone FSK, two bits per symbol (EQUiSat's XDL Micro radio).
    case fsk4 = "4FSK"
}

/// Framings gsd knows by name (catalogue spelling). Which ones have a deframer is decided by
/// `ReceiverFactory`; the others load but cannot be decoded yet.
public enum Framing: String, Sendable, Hashable, CaseIterable {
    case ax25 = "AX.25"
    case ax25G3RUH = "AX.25 G3RUH"
    case ax100ASMGolay = "AX100 ASM+Golay"
    case ax100ReedSolomon = "AX100 Reed Solomon"
    case u482c = "U482C"
    case ccsdsReedSolomon = "CCSDS Reed-Solomon"
    case ccsdsConcatenated = "CCSDS Concatenated"
    case ao40FEC = "AO-40 FEC"
    case ao40FECShort = "AO-40 FEC short"
    case ao40FECCRC16ARC = "AO-40 FEC CRC-16-ARC"
    case ao40FECCRC16ARCShort = "AO-40 FEC CRC-16-ARC short"
    case lilacSat1 = "LilacSat-1"
    case ax5043 = "AX5043"
    case tt64 = "TT-64"
    case threeCAT1 = "3CAT-1"
    case lucky7 = "Lucky-7"
    case ideasSat = "IDEASSat"
    case reaktorHelloWorld = "Reaktor Hello World"
    case sNET = "S-NET"
    case ngham = "NGHam"
    case nghamNoRS = "NGHam no Reed Solomon"
    case smogPRA = "SMOG-P RA"
    case smog1RA = "SMOG-1 RA"
    case smogPSignalling = "SMOG-P Signalling"
    case smog1Signalling = "SMOG-1 Signalling"
    case mobitex = "Mobitex"
    case mobitexNX = "Mobitex-NX"
    case sanoSat = "SanoSat"
    case usp = "USP"
    case geoscan = "GEOSCAN"
    case light1 = "Light-1"
    case binar2 = "BINAR-2"
    case hadesR = "HADES-R"
    case eseo = "ESEO"
    case ua01 = "UA01"
    case aausat4 = "AAUSAT-4"
    case aistechsat2 = "AISTECHSAT-2"
    case endurosat = "Endurosat"
    case astrocastFX25NRZI = "Astrocast FX.25 NRZ-I"
    case astrocastFX25NRZ = "Astrocast FX.25 NRZ"
    case opsSat = "OPS-SAT"
    case ao40Uncoded = "AO-40 uncoded"
    case swiatowid = "Swiatowid"
    case aalto1 = "AALTO-1"
    case diy1 = "DIY-1"
    case fossasat = "FOSSASAT"
    case grizu263A = "Grizu-263A"
    case yusat = "YUSAT"
    case salsat = "SALSAT"
    case mrc100RA = "MRC-100 RA"
    case binar1 = "BINAR-1"
    case nuSat = "NuSat"
    case spino = "SPINO"
    case openLST = "OpenLST"
    case qubik = "QUBIK"
    case hsuSat1 = "HSU-SAT1"
    /// EQUiSat's Pacific Crest XDL Micro radio in its transparent 4-FSK mode (no gr-satellites decoder).
    case equisat = "EQUiSat"
    // gr-satellites' names for a framing with one satellite's settings.
    /// AX100 ASM+Golay behind the CCSDS ASM.
    case foresail1 = "FORESAIL-1"
    /// Mobitex-NX, callsign DP0TBN.
    case tubin = "TUBIN"
    /// Mobitex-NX without the callsign field.
    case beesat1 = "BEESAT-1"
    /// Mobitex-NX with 32 blocks always, callsign DP0BEM.
    case beesat9 = "BEESAT-9"
    /// HADES with HADES-D's packet sizes.
    case hadesD = "HADES-D"
}

/// Everything the receive chain needs to know about one transmitter: plain data from the catalogue
/// or from command-line options.
public struct TransmitterSpec: Sendable, Hashable {
    public var name: String
    public var frequency: Double?
    public var modulation: Modulation
    public var baudRate: Double
    public var framing: Framing
    /// AFSK: centre between the tones in the audio, Hz.
    public var afCarrier: Double?
    /// AFSK: tone offset for a 1, Hz (negative: the 1 tone is the lower one).
    public var deviation: Double?
    /// "differential" for differentially precoded BPSK.
    public var precoding: String?
    /// CCSDS framings: Reed-Solomon basis ("conventional" or "dual").
    public var rsBasis: String?
    public var rsInterleaving: Int?
    /// CCSDS framings: transfer frame length in bytes (without RS parity).
    public var frameSize: Int?
    /// Convolutional code variant ("CCSDS", "NASA-DSN").
    public var convolutional: String?
    public var scrambler: String?
    /// A satellite's own flavour of a framing (Mobitex: "BEESAT-1" without callsign, "BEESAT-9" with 32 blocks).
    public var variant: String?
    /// Mobitex-NX: the satellite's callsign (1 to 6 printable ASCII characters), checked as a known one
    /// (within 12 of the 64 callsign and CRC bits) instead of correcting the received one by its CRC.
    public var callsign: String?

    public init(
        name: String, frequency: Double? = nil, modulation: Modulation, baudRate: Double, framing: Framing,
        afCarrier: Double? = nil, deviation: Double? = nil, precoding: String? = nil, rsBasis: String? = nil,
        rsInterleaving: Int? = nil, frameSize: Int? = nil, convolutional: String? = nil, scrambler: String? = nil
    ) {
        self.name = name
        self.frequency = frequency
        self.modulation = modulation
        self.baudRate = baudRate
        self.framing = framing
        self.afCarrier = afCarrier
        self.deviation = deviation
        self.precoding = precoding
        self.rsBasis = rsBasis
        self.rsInterleaving = rsInterleaving
        self.frameSize = frameSize
        self.convolutional = convolutional
        self.scrambler = scrambler
    }
}
