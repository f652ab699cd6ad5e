import Foundation

/// One satellite's two-line element set (optionally with a name line), fields as published.
///
/// Parsing follows the fixed columns of the NORAD format. The checksum digit in column 69 is validated
/// unless `.ignore` is asked for (Vallado's verification file has a few hand-edited lines with stale sums).
/// Line 2 may carry three extra numbers after column 69, as in `SGP4-VER.TLE`: start, stop and step in
/// minutes from epoch; they are kept as `verificationRange`.
public struct TwoLineElements: Sendable, Hashable {
    public enum ChecksumPolicy: Sendable { case validate, ignore }

    /// Start, stop and step (minutes since epoch) of a verification-format line 2.
    public struct VerificationRange: Sendable, Hashable {
        public var start: Double
        public var stop: Double
        public var step: Double
        public init(start: Double, stop: Double, step: Double) {
            self.start = start
            self.stop = stop
            self.step = step
        }
    }

    public var name: String?
    public var noradID: Int
    /// "U", "C" or "S".
    public var classification: String
    /// Launch year, number and piece, e.g. "98067A" (may be empty).
    public var internationalDesignator: String
    /// Four-digit year (two-digit years 57–99 are 1957–1999, 00–56 are 2000–2056).
    public var epochYear: Int
    /// Day of year with fraction; 1.0 is January 1, 00:00 UTC.
    public var epochDay: Double
    /// First derivative of mean motion divided by two, rev/day², as printed.
    public var meanMotionDot: Double
    /// Second derivative of mean motion divided by six, rev/day³, as printed.
    public var meanMotionDDot: Double
    /// Drag term, inverse Earth radii.
    public var bstar: Double
    public var ephemerisType: Int
    public var elementSetNumber: Int
    /// Degrees.
    public var inclination: Double
    /// Right ascension of the ascending node, degrees.
    public var rightAscension: Double
    public var eccentricity: Double
    /// Degrees.
    public var argumentOfPerigee: Double
    /// Degrees.
    public var meanAnomaly: Double
    /// Revolutions per day.
    public var meanMotion: Double
    public var revolutionNumber: Int
    public var verificationRange: VerificationRange?
    public var line1: String
    public var line2: String

    /// Parses one element set. `firstLineNumber` is the line number of `line1` in its file, for errors.
    public init(
        line1: String, line2: String, name: String? = nil, checksum: ChecksumPolicy = .validate,
        firstLineNumber: Int = 1
    ) throws(TLEParseError) {
        try self.init(
            line1: line1, line2: line2, name: name, checksum: checksum,
            lineNumbers: (firstLineNumber, firstLineNumber + 1))
    }

    init(
        line1: String, line2: String, name: String?, checksum: ChecksumPolicy, lineNumbers: (Int, Int)
    ) throws(TLEParseError) {
        let l1 = TLELine(text: line1, number: lineNumbers.0)
        let l2 = TLELine(text: line2, number: lineNumbers.1)
        try l1.checkShape(expected: 1, checksum: checksum)
        try l2.checkShape(expected: 2, checksum: checksum)

        noradID = try l1.satelliteNumber()
        let number2 = try l2.satelliteNumber()
        guard number2 == noradID else {
            throw TLEParseError(.satelliteNumberMismatch(line1: noradID, line2: number2), line: l2.number, column: 3)
        }
        classification = l1.text(8...8).trimmingCharacters(in: .whitespaces)
        internationalDesignator = l1.text(10...17).trimmingCharacters(in: .whitespaces)
        let yy = try l1.integer("epoch year", 19...20)
        epochYear = yy < 57 ? 2000 + yy : 1900 + yy
        epochDay = try l1.decimal("epoch day", 21...32)
        meanMotionDot = try l1.decimal("mean motion derivative", 34...43)
        meanMotionDDot = try l1.impliedDecimal("mean motion second derivative", 45...52)
        bstar = try l1.impliedDecimal("BSTAR", 54...61)
        ephemerisType = try l1.integer("ephemeris type", 63...63, blank: 0)
        elementSetNumber = try l1.integer("element set number", 65...68, blank: 0)

        inclination = try l2.decimal("inclination", 9...16)
        rightAscension = try l2.decimal("right ascension of the node", 18...25)
        eccentricity = try l2.impliedDecimal("eccentricity", 27...33, exponent: false)
        argumentOfPerigee = try l2.decimal("argument of perigee", 35...42)
        meanAnomaly = try l2.decimal("mean anomaly", 44...51)
        meanMotion = try l2.decimal("mean motion", 53...63)
        revolutionNumber = try l2.integer("revolution number", 64...68, blank: 0)
        verificationRange = try l2.verificationTail()

        self.name = name
        self.line1 = line1
        self.line2 = line2
    }

    /// The epoch as a Julian date (UTC).
    public var epoch: JulianDate { JulianDate(year: epochYear, dayOfYear: epochDay) }

    /// Elements in SGP4's units.
    public var meanElements: MeanElements {
        MeanElements(
            noradID: noradID, name: name, epoch: epoch, inclinationDegrees: inclination,
            rightAscensionDegrees: rightAscension, eccentricity: eccentricity,
            argumentOfPerigeeDegrees: argumentOfPerigee, meanAnomalyDegrees: meanAnomaly,
            revolutionsPerDay: meanMotion, bstar: bstar, meanMotionDot: meanMotionDot * 2,
            meanMotionDDot: meanMotionDDot * 6)
    }

    /// Every element set in `text`: two-line sets, three-line sets (a name line before line 1, with or
    /// without a leading "0 "), blank lines and lines starting with `#` (comments) in between.
    public static func parseMany(
        _ text: String, checksum: ChecksumPolicy = .validate, source: String? = nil
    ) throws(TLEParseError) -> [TwoLineElements] {
        var lines: [(number: Int, text: String)] = []
        var n = 0
        for raw in text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" }) {
            n += 1
            var s = String(raw)
            if s.hasSuffix("\r") { s.removeLast() }
            let trimmed = s.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty || trimmed.hasPrefix("#") { continue }
            lines.append((n, s))
        }
        var result: [TwoLineElements] = []
        var pendingName: String? = nil
        var i = 0
        do throws(TLEParseError) {
            while i < lines.count {
                let (number, line) = lines[i]
                let tag = TLELine.tag(of: line)
                if tag == 1 {
                    guard i + 1 < lines.count else {
                        throw TLEParseError(.missingLine2, line: number + 1, column: 1)
                    }
                    let next = lines[i + 1]
                    result.append(
                        try TwoLineElements(
                            line1: line, line2: next.text, name: pendingName, checksum: checksum,
                            lineNumbers: (number, next.number)))
                    pendingName = nil
                    i += 2
                } else if tag == 2 {
                    throw TLEParseError(
                        .wrongLineNumber(expected: 1, found: String(line.prefix(2))), line: number, column: 1)
                } else {
                    var name = line.trimmingCharacters(in: .whitespaces)
                    if name.hasPrefix("0 ") { name = String(name.dropFirst(2)).trimmingCharacters(in: .whitespaces) }
                    pendingName = name
                    i += 1
                }
            }
        } catch {
            var e = error
            e.source = source
            throw e
        }
        return result
    }

    /// Reads a file of element sets (see `parseMany`).
    public static func load(
        contentsOf url: URL, checksum: ChecksumPolicy = .validate
    ) throws(TLEParseError) -> [TwoLineElements] {
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw TLEParseError(
                .unreadable(path: url.path, reason: (error as NSError).localizedDescription), line: 0, column: 0)
        }
        return try parseMany(String(decoding: data, as: UTF8.self), checksum: checksum, source: url.lastPathComponent)
    }
}

/// Fixed-column access to one TLE line, with errors that name the line and column.
struct TLELine {
    let bytes: [UInt8]
    let number: Int

    init(text: String, number: Int) {
        var b = Array(text.utf8)
        while let last = b.last, last == UInt8(ascii: "\r") || last == UInt8(ascii: "\n") { b.removeLast() }
        self.bytes = b
        self.number = number
    }

    /// 1 or 2 when the line starts with "1 " / "2 " (or is exactly "1"/"2"), else nil.
    static func tag(of line: String) -> Int? {
        var it = line.utf8.makeIterator()
        guard let first = it.next() else { return nil }
        let second = it.next()
        guard second == nil || second == UInt8(ascii: " ") else { return nil }
        switch first {
        case UInt8(ascii: "1"): return 1
        case UInt8(ascii: "2"): return 2
        default: return nil
        }
    }

    func checkShape(expected: Int, checksum: TwoLineElements.ChecksumPolicy) throws(TLEParseError) {
        let digit = UInt8(ascii: "0") + UInt8(expected)
        guard bytes.first == digit, bytes.count < 2 || bytes[1] == UInt8(ascii: " ") else {
            throw TLEParseError(
                .wrongLineNumber(expected: expected, found: String(decoding: bytes.prefix(2), as: UTF8.self)),
                line: number, column: 1)
        }
        let needed = checksum == .validate ? 69 : 68
        guard bytes.count >= needed else {
            throw TLEParseError(.lineTooShort(length: bytes.count, needed: needed), line: number, column: bytes.count + 1)
        }
        if checksum == .validate {
            var sum = 0
            for b in bytes[0..<68] {
                if b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9") {
                    sum += Int(b - UInt8(ascii: "0"))
                } else if b == UInt8(ascii: "-") {
                    sum += 1
                }
            }
            let found = bytes[68]
            if Int(found) - Int(UInt8(ascii: "0")) != sum % 10 {
                throw TLEParseError(
                    .checksumMismatch(found: String(decoding: [found], as: UTF8.self), computed: sum % 10),
                    line: number, column: 69)
            }
        }
    }

    /// Text of 1-based inclusive columns (clipped to the line).
    func text(_ columns: ClosedRange<Int>) -> String {
        let lo = min(columns.lowerBound - 1, bytes.count)
        let hi = min(columns.upperBound, bytes.count)
        return String(decoding: bytes[lo..<hi], as: UTF8.self)
    }

    private func field(_ name: String, _ columns: ClosedRange<Int>) -> (String, TLEParseError) {
        let raw = text(columns)
        let error = TLEParseError(.invalidField(name: name, text: raw), line: number, column: columns.lowerBound)
        return (raw.trimmingCharacters(in: .whitespaces), error)
    }

    /// Catalogue number in columns 3–7, including Alpha-5 ("A0001" = 100001; letters I and O unused).
    func satelliteNumber() throws(TLEParseError) -> Int {
        let (s, error) = field("satellite number", 3...7)
        guard let first = s.unicodeScalars.first else { throw error }
        if first.properties.isAlphabetic, s.count == 5 {
            let letters = Array("ABCDEFGHJKLMNPQRSTUVWXYZ".unicodeScalars)
            guard let index = letters.firstIndex(of: first), let rest = Int(s.dropFirst()) else { throw error }
            return (index + 10) * 10_000 + rest
        }
        guard let v = Int(s), v >= 0 else { throw error }
        return v
    }

    func integer(_ name: String, _ columns: ClosedRange<Int>, blank: Int? = nil) throws(TLEParseError) -> Int {
        let (s, error) = field(name, columns)
        if s.isEmpty, let blank { return blank }
        guard let v = Int(s) else { throw error }
        return v
    }

    /// A field with an explicit decimal point (leading "." and sign allowed, as in " .00000023").
    func decimal(_ name: String, _ columns: ClosedRange<Int>) throws(TLEParseError) -> Double {
        let (s, error) = field(name, columns)
        guard !s.isEmpty, s.utf8.allSatisfy({ Self.isNumberByte($0) }), let v = Double(Self.withLeadingZero(s)),
            v.isFinite
        else { throw error }
        return v
    }

    /// A field with an assumed leading decimal point, and (unless `exponent` is false) a signed one-digit
    /// power of ten at the end: " 28098-4" = 0.28098e-4, "-13525-3" = -0.13525e-3. Blank reads as 0.
    func impliedDecimal(_ name: String, _ columns: ClosedRange<Int>, exponent: Bool = true) throws(TLEParseError)
        -> Double
    {
        let (s, error) = field(name, columns)
        if s.isEmpty {
            guard exponent else { throw error }
            return 0
        }
        var chars = Array(s.utf8)
        var sign = 1.0
        if chars.first == UInt8(ascii: "-") || chars.first == UInt8(ascii: "+") {
            if chars.first == UInt8(ascii: "-") { sign = -1 }
            chars.removeFirst()
        }
        var power = 0
        if exponent, chars.count >= 2 {
            let e = chars[chars.count - 2]
            let d = chars[chars.count - 1]
            if (e == UInt8(ascii: "-") || e == UInt8(ascii: "+")), d >= UInt8(ascii: "0"), d <= UInt8(ascii: "9") {
                power = Int(d - UInt8(ascii: "0")) * (e == UInt8(ascii: "-") ? -1 : 1)
                chars.removeLast(2)
            }
        }
        // A leading "." in the mantissa is tolerated (some generators write it).
        if chars.first == UInt8(ascii: ".") { chars.removeFirst() }
        guard !chars.isEmpty, chars.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }),
            let mantissa = Double("0." + String(decoding: chars, as: UTF8.self))
        else { throw error }
        return sign * mantissa * pow(10, Double(power))
    }

    /// Start, stop and step minutes after column 69 of a verification-format line 2, if present.
    func verificationTail() throws(TLEParseError) -> TwoLineElements.VerificationRange? {
        guard bytes.count > 69 else { return nil }
        let tail = String(decoding: bytes[69...], as: UTF8.self)
        let words = tail.split(whereSeparator: { $0 == " " || $0 == "\t" })
        if words.isEmpty { return nil }
        let values = words.compactMap { Double($0) }
        // Finite values only: an infinite stop would propagate forever.
        guard words.count == 3, values.count == 3, values.allSatisfy(\.isFinite) else {
            throw TLEParseError(
                .invalidField(name: "verification start/stop/step", text: tail.trimmingCharacters(in: .whitespaces)),
                line: number, column: 70)
        }
        return TwoLineElements.VerificationRange(start: values[0], stop: values[1], step: values[2])
    }

    private static func isNumberByte(_ b: UInt8) -> Bool {
        (b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9")) || b == UInt8(ascii: ".") || b == UInt8(ascii: "-")
            || b == UInt8(ascii: "+")
    }

    private static func withLeadingZero(_ s: String) -> String {
        if s.hasPrefix(".") { return "0" + s }
        if s.hasPrefix("-.") { return "-0" + s.dropFirst() }
        if s.hasPrefix("+.") { return "0" + s.dropFirst() }
        return s
    }
}
