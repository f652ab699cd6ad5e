import Foundation

/// A UTC instant as a Julian date split into a whole part (a day boundary at noon or midnight)
/// and a fraction, so that sub-millisecond precision survives arithmetic near 2.46 million days.
///
/// UT1 is taken equal to UTC throughout the orbits code (|UT1 − UTC| < 0.9 s); for pass prediction that
/// shifts Earth's rotation by at most ~0.4 km at the equator.
public struct JulianDate: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// Usually an integer or half-integer number of days.
    public var whole: Double
    /// The rest, in days.
    public var fraction: Double

    /// Julian date of the Unix epoch, 1970-01-01T00:00:00Z.
    public static let unixEpoch = 2_440_587.5
    /// Julian date of 1949-12-31T00:00:00Z, the origin of the SGP4 "days since 1950" epoch.
    public static let sgp4Origin = 2_433_281.5

    public init(whole: Double, fraction: Double) {
        let w = whole.rounded(.down)
        self.whole = w
        self.fraction = fraction + (whole - w)
    }

    /// The instant of a Foundation `Date`.
    public init(_ date: Date) {
        let seconds = date.timeIntervalSince1970
        let days = (seconds / 86_400).rounded(.down)
        self.whole = Self.unixEpoch + days
        self.fraction = (seconds - days * 86_400) / 86_400
    }

    /// Gregorian calendar date and UTC time of day (valid 1900–2100).
    public init(year: Int, month: Int, day: Int, hour: Int = 0, minute: Int = 0, second: Double = 0) {
        let y = Double(year), m = Double(month)
        let w = 367 * y - (7 * (y + ((m + 9) / 12).rounded(.down)) * 0.25).rounded(.down)
            + (275 * m / 9).rounded(.down) + Double(day) + 1_721_013.5
        self.whole = w
        self.fraction = (Double(hour) * 3600 + Double(minute) * 60 + second) / 86_400
    }

    /// Year and fractional day of year, as in a TLE epoch (day 1.0 is January 1, 00:00 UTC).
    public init(year: Int, dayOfYear: Double) {
        let jan1 = JulianDate(year: year, month: 1, day: 1)
        let d = dayOfYear - 1
        let whole = d.rounded(.down)
        self.whole = jan1.whole + whole
        self.fraction = d - whole
    }

    /// Whole + fraction as one number (about 40 µs resolution in 2025).
    @inlinable public var value: Double { whole + fraction }

    /// Days since 1949-12-31 00:00 UTC (the SGP4 deep-space epoch).
    public var daysSince1950: Double { (whole - Self.sgp4Origin) + fraction }

    /// Minutes from `other` to `self`.
    public func minutes(since other: JulianDate) -> Double {
        ((whole - other.whole) + (fraction - other.fraction)) * 1440
    }

    /// `self` moved by `minutes`.
    public func adding(minutes: Double) -> JulianDate {
        let f = fraction + minutes / 1440
        let shift = f.rounded(.down)
        return JulianDate(whole: whole + shift, fraction: f - shift)
    }

    /// The same instant as a Foundation `Date`.
    public var date: Date {
        Date(timeIntervalSince1970: ((whole - Self.unixEpoch) + fraction) * 86_400)
    }

    public static func < (a: JulianDate, b: JulianDate) -> Bool {
        (a.whole - b.whole) + (a.fraction - b.fraction) < 0
    }

    public static func == (a: JulianDate, b: JulianDate) -> Bool {
        (a.whole - b.whole) + (a.fraction - b.fraction) == 0
    }

    public func hash(into hasher: inout Hasher) { hasher.combine(value) }

    /// Parses "YYYY-MM-DDTHH:MM[:SS[.fff…]][Z]" or "YYYY-MM-DD" (UTC; a space may replace the "T").
    public init?(iso8601 text: String) {
        var s = Substring(text.trimmingCharacters(in: .whitespaces))
        if s.hasSuffix("Z") || s.hasSuffix("z") { s = s.dropLast() }
        if s.hasSuffix("+00:00") { s = s.dropLast(6) }
        let halves = s.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "T" || $0 == " " })
        guard halves.count == 1 || halves.count == 2 else { return nil }
        let ymd = halves[0].split(separator: "-", omittingEmptySubsequences: false)
        let hms = halves.count == 2 ? halves[1].split(separator: ":", omittingEmptySubsequences: false) : ["0", "0"]
        guard ymd.count == 3, hms.count == 2 || hms.count == 3, let y = Int(ymd[0]), let mo = Int(ymd[1]),
            let d = Int(ymd[2]), let h = Int(hms[0]), let mi = Int(hms[1]),
            let sec = hms.count == 3 ? Double(hms[2]) : 0,
            (1...12).contains(mo), (1...31).contains(d), (0...23).contains(h), (0...59).contains(mi),
            sec >= 0, sec < 61, (1900...2100).contains(y)
        else { return nil }
        self.init(year: y, month: mo, day: d, hour: h, minute: mi, second: sec)
    }

    /// "2024-02-29T12:24:59.999Z" with `fractionDigits` (0–6) digits of seconds.
    public func iso8601(fractionDigits: Int = 3) -> String {
        let digits = max(0, min(6, fractionDigits))
        var scale: Int64 = 1
        for _ in 0..<digits { scale *= 10 }
        // Whole days and the time of day in units of 10^-digits s, rounded once.
        let sinceUnix = whole - Self.unixEpoch  // exact; may end in .5
        let dayFloor = sinceUnix.rounded(.down)
        var days = Int64(dayFloor)
        let unitsPerDay = 86_400 * scale
        var units = Int64((((sinceUnix - dayFloor) + fraction) * Double(unitsPerDay)).rounded())
        let carry = units >= 0 ? units / unitsPerDay : (units - unitsPerDay + 1) / unitsPerDay
        days += carry
        units -= carry * unitsPerDay
        // Civil date from days since 1970-01-01 (proleptic Gregorian).
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        let year = yoe + era * 400 + (month <= 2 ? 1 : 0)
        let secondsOfDay = units / scale
        let sub = units % scale
        func pad(_ v: Int64, _ width: Int) -> String {
            let s = String(v)
            return String(repeating: "0", count: max(0, width - s.count)) + s
        }
        var out = "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))T"
        out += "\(pad(secondsOfDay / 3600, 2)):\(pad(secondsOfDay / 60 % 60, 2)):\(pad(secondsOfDay % 60, 2))"
        if digits > 0 { out += "." + pad(sub, digits) }
        return out + "Z"
    }

    public var description: String { iso8601() }
}
