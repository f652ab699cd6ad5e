/// A malformed two-line element set, located by line (1-based, in the file or text being read) and column
/// (1-based, as the TLE format documents its fields).
public struct TLEParseError: Error, Sendable, Hashable, CustomStringConvertible {
    public enum Kind: Sendable, Hashable {
        /// The line ends before the field or checksum that belongs at `column`.
        case lineTooShort(length: Int, needed: Int)
        /// Column 1 (or the blank in column 2) does not give the expected line number.
        case wrongLineNumber(expected: Int, found: String)
        /// Column 69 holds `found`; the digits and minus signs of columns 1–68 sum to `computed` (mod 10).
        case checksumMismatch(found: String, computed: Int)
        /// A fixed-column field could not be read as a number.
        case invalidField(name: String, text: String)
        /// Lines 1 and 2 name different satellites.
        case satelliteNumberMismatch(line1: Int, line2: Int)
        /// A line 1 at the end of the text with no line 2 after it.
        case missingLine2
        /// The file could not be read.
        case unreadable(path: String, reason: String)
    }

    public var kind: Kind
    /// Line number in the text (1-based; 0 when the whole file is at fault).
    public var line: Int
    /// Column (1-based) where the problem starts.
    public var column: Int
    /// File name when read from a file.
    public var source: String?

    public init(_ kind: Kind, line: Int, column: Int, source: String? = nil) {
        self.kind = kind
        self.line = line
        self.column = column
        self.source = source
    }

    public var description: String {
        let place = (source.map { "\($0): " } ?? "") + "line \(line), column \(column)"
        switch kind {
        case .lineTooShort(let length, let needed):
            return "\(place): line is \(length) characters long, at least \(needed) needed"
        case .wrongLineNumber(let expected, let found):
            return "\(place): expected TLE line \(expected) (\"\(expected) \" in columns 1-2), found \"\(found)\""
        case .checksumMismatch(let found, let computed):
            return "\(place): checksum digit is '\(found)' but the line sums to \(computed)"
        case .invalidField(let name, let text):
            return "\(place): \(name) \"\(text)\" is not a valid number"
        case .satelliteNumberMismatch(let a, let b):
            return "\(place): satellite number \(b) on line 2 differs from \(a) on line 1"
        case .missingLine2:
            return "\(place): TLE line 1 is not followed by a line 2"
        case .unreadable(let path, let reason):
            return "\(path): cannot read: \(reason)"
        }
    }
}
