#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A telemetry layout as data: the structure one frame is read as, field by field.
///
/// Definitions are written in YAML (`catalogue/telemetry/*.yml`, loaded by GroundStation) and compiled once
/// into a `TelemetryPlan` that decodes many frames.
public struct TelemetryDefinition: Sendable, Hashable {
    public var name: String
    public var description: String?
    /// Frames shorter than this are not tried with this definition (lets a transmitter list several).
    public var minimumLength: Int?
    /// Frames longer than this are not tried with this definition.
    public var maximumLength: Int?
    public var fields: [TelemetryFieldSpec]

    public init(name: String, description: String? = nil, minimumLength: Int? = nil, maximumLength: Int? = nil,
                fields: [TelemetryFieldSpec]) {
        self.name = name
        self.description = description
        self.minimumLength = minimumLength
        self.maximumLength = maximumLength
        self.fields = fields
    }

    /// Whether a frame of `length` bytes is in this definition's length range.
    public func accepts(length: Int) -> Bool {
        if let minimumLength, length < minimumLength { return false }
        if let maximumLength, length > maximumLength { return false }
        return true
    }
}

/// One named field of a structure.
public struct TelemetryFieldSpec: Sendable, Hashable {
    public var name: String
    public var kind: TelemetryFieldKind
    /// Engineering unit of the (converted) value, e.g. "V" or "degC".
    public var unit: String?
    /// Raw → engineering value conversion, applied to integers and floats (element-wise in arrays).
    public var conversion: TelemetryConversion?
    /// Decoded only when every listed earlier field has the given value; otherwise the value is absent.
    public var condition: [TelemetryCondition]
    /// When the field does not fit, its value is absent and reading continues where it started.
    public var optional: Bool
    /// A structure-valued field whose fields appear directly in the enclosing structure (e.g. a switch or
    /// select whose chosen layout continues the parent's fields).
    public var inline: Bool

    public init(name: String, kind: TelemetryFieldKind, unit: String? = nil, conversion: TelemetryConversion? = nil,
                condition: [TelemetryCondition] = [], optional: Bool = false, inline: Bool = false) {
        self.inline = inline
        self.name = name
        self.kind = kind
        self.unit = unit
        self.conversion = conversion
        self.condition = condition
        self.optional = optional
    }
}

/// Byte order of a multi-byte integer or float.
public enum TelemetryEndian: String, Sendable, Hashable, CaseIterable {
    case big, little
}

/// How a byte or text field's length is known.
public enum TelemetryLength: Sendable, Hashable {
    case fixed(Int)
    /// The value of an earlier integer field (dotted path, looked up from the innermost structure outwards).
    case field(String)
    /// An unsigned length prefix of this many bits just before the bytes.
    case prefix(bits: Int, endian: TelemetryEndian)
    /// Everything left in the frame.
    case remaining
}

/// How many elements an array has.
public enum TelemetryCount: Sendable, Hashable {
    case fixed(Int)
    case field(String)
    /// Elements until one whose field at this path (inside the element) is non-zero/true, that one included.
    case until(String, maximum: Int)
    /// Elements until the frame ends.
    case remaining
    /// Elements until only zero bytes are left (a frame zero-padded to a fixed size), or the frame ends.
    case beforeZeroPadding
}

/// How the bytes of a text field map to characters.
public enum TelemetryTextEncoding: String, Sendable, Hashable, CaseIterable {
    /// Plain ASCII/UTF-8, trailing NUL padding removed.
    case ascii
    /// AX.25 address callsign: each byte shifted left by one, space padded.
    case ax25 = "ax25-callsign"
}

/// A test on an earlier field's integer value.
public struct TelemetryCondition: Sendable, Hashable {
    public var path: String
    public var equals: Int64
    public init(path: String, equals: Int64) {
        self.path = path
        self.equals = equals
    }
}

/// What a field is, on the wire.
public indirect enum TelemetryFieldKind: Sendable, Hashable {
    /// Unsigned integer of 1...64 bits (bit fields are consecutive narrow integers, most significant bit first).
    case unsigned(bits: Int, endian: TelemetryEndian)
    /// Two's complement integer of 2...64 bits.
    case signed(bits: Int, endian: TelemetryEndian)
    /// IEEE 754 binary32 or binary64.
    case float(bits: Int, endian: TelemetryEndian)
    /// A boolean of this many bits (1 in a bit field, 8 for a whole byte): true when non-zero.
    case flag(bits: Int)
    /// Bits that are skipped and produce no field.
    case padding(bits: Int)
    /// Bytes that must be exactly these (a sync word or packet identifier); no field, a mismatch is an error.
    case constant([UInt8])
    case bytes(TelemetryLength)
    case text(TelemetryLength, encoding: TelemetryTextEncoding)
    case structure([TelemetryFieldSpec])
    /// Elements of one kind; a structure element is `.structure(fields)`.
    case array(element: TelemetryFieldKind, count: TelemetryCount)
    /// Chooses the layout by an earlier integer field's value; `fallback` nil means an unlisted value is an error.
    case choice(on: String, cases: [TelemetryCase], fallback: TelemetryFieldKind?)
    /// The first of these layouts that decodes without error (each tried from the same position).
    case select([TelemetryFieldKind])
    /// Nothing is read; the value is absent (a switch case that carries no data).
    case nothing
    /// Bits sent one per byte for robustness (SMOG-P signalling flags): each byte reads 1 when more than half of
    /// its bits are set; `bits` bytes give a `bits`-bit unsigned integer, most significant first.
    case votedBits(Int)
    /// `length` bytes compared bit by bit with known sequences (e.g. a PRBS that tells a link's direction):
    /// a structure with the closest one (`match`, an enumeration over the list, first wins a tie),
    /// its `bit_errors` and `bit_error_rate`.
    case closest(length: Int, patterns: [TelemetryPattern])
    /// A number written out in ASCII (`8268`, `-15`, `7.4e-02`), as in text beacons: white space before it
    /// is skipped, and it runs to the next white space or the end of the frame. An integer can be referred
    /// to like any integer field; other numbers are reals.
    case asciiNumber
}

/// A named byte sequence a `closest` field compares with.
public struct TelemetryPattern: Sendable, Hashable {
    public var name: String
    public var bytes: [UInt8]
    public init(name: String, bytes: [UInt8]) {
        self.name = name
        self.bytes = bytes
    }
}

extension TelemetryFieldKind {
    /// Padding and constants are read but give no field in the decoded value.
    public var isHidden: Bool {
        switch self {
        case .padding, .constant: true
        default: false
        }
    }
}

/// One case of a `choice`.
public struct TelemetryCase: Sendable, Hashable {
    public var value: Int64
    public var kind: TelemetryFieldKind
    public init(value: Int64, kind: TelemetryFieldKind) {
        self.value = value
        self.kind = kind
    }
}

/// Turns a raw number into an engineering value.
public enum TelemetryConversion: Sendable, Hashable {
    /// raw × scale / divisor + offset.
    case linear(scale: Double, divisor: Double, offset: Double)
    /// c0 + c1·raw + c2·raw² + …
    case polynomial([Double])
    /// A named state; values not in the table keep the number with no name.
    case enumeration([Int64: String])
    /// Seconds since 1970-01-01 00:00:00 UTC.
    case unixTime
    /// raw × scale + offset seconds since 1970 (another epoch or tick, e.g. half seconds since 2000).
    case scaledTime(scale: Double, offset: Double)
    /// scale × log10(raw) + offset (e.g. an RSSI reported as linear power); raw ≤ 0 stays raw.
    case logarithmic(scale: Double, offset: Double)
    /// Integer raw shifted right (arithmetic) by `bits`, then raw × scale / divisor + offset (status bits below a reading).
    case shiftedLinear(bits: Int, scale: Double, divisor: Double, offset: Double)
    /// The raw number indexes a table of values (e.g. power level settings); outside the table it stays raw.
    case table([Double])
    /// A formula of the raw number; where it is not a finite number (outside the curve's domain) the value stays raw.
    case expression(TelemetryExpression)

    /// The engineering value of a raw number.
    public func apply(_ raw: TelemetryValue) -> TelemetryValue {
        switch self {
        case .linear(let scale, let divisor, let offset):
            guard let x = raw.number else { return raw }
            return .real(x * scale / divisor + offset)
        case .polynomial(let c):
            guard let x = raw.number else { return raw }
            var y = 0.0
            for coefficient in c.reversed() { y = y * x + coefficient }
            return .real(y)
        case .enumeration(let table):
            guard let i = raw.integer else { return raw }
            return .enumerated(raw: i, name: table[i])
        case .unixTime:
            guard let x = raw.number else { return raw }
            return .time(secondsSince1970: x)
        case .scaledTime(let scale, let offset):
            guard let x = raw.number else { return raw }
            return .time(secondsSince1970: x * scale + offset)
        case .logarithmic(let scale, let offset):
            guard let x = raw.number, x > 0 else { return raw }
            return .real(scale * log10(x) + offset)
        case .shiftedLinear(let bits, let scale, let divisor, let offset):
            guard let i = raw.integer else { return raw }
            return .real(Double(i >> Int64(bits)) * scale / divisor + offset)
        case .table(let values):
            guard let i = raw.integer, i >= 0, i < values.count else { return raw }
            return .real(values[Int(i)])
        case .expression(let formula):
            guard let x = raw.number, let y = formula.evaluate(x) else { return raw }
            return .real(y)
        }
    }
}

