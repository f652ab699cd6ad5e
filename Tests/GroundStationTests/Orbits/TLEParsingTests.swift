import Foundation
import GroundStation
import Testing

@Suite struct TLEParsingTests {
    static let name = "ISS (ZARYA)"
    static let line1 = "1 25544U 98067A   24060.51736111  .00016717  00000+0  30200-3 0  9996"
    static let line2 = "2 25544  51.6416 165.4920 0005764  26.3570 333.7632 15.49944612441233"

    static func parseError(
        _ text: String, checksum: TwoLineElements.ChecksumPolicy = .validate
    ) -> TLEParseError? {
        do {
            _ = try TwoLineElements.parseMany(text, checksum: checksum)
            return nil
        } catch {
            return error
        }
    }

    @Test func parsesFields() throws {
        let tle = try TwoLineElements(line1: Self.line1, line2: Self.line2, name: Self.name)
        #expect(tle.noradID == 25544)
        #expect(tle.name == "ISS (ZARYA)")
        #expect(tle.classification == "U")
        #expect(tle.internationalDesignator == "98067A")
        #expect(tle.epochYear == 2024)
        #expect(tle.epochDay == 60.51736111)
        #expect(tle.meanMotionDot == 0.00016717)
        #expect(tle.meanMotionDDot == 0)
        #expect(abs(tle.bstar - 0.302e-3) < 1e-18)
        #expect(tle.elementSetNumber == 999)
        #expect(tle.inclination == 51.6416)
        #expect(tle.rightAscension == 165.4920)
        #expect(tle.eccentricity == 0.0005764)
        #expect(tle.argumentOfPerigee == 26.3570)
        #expect(tle.meanAnomaly == 333.7632)
        #expect(tle.meanMotion == 15.49944612)
        #expect(tle.revolutionNumber == 44123)
        #expect(tle.verificationRange == nil)
        // Day 60 of 2024 is February 29; .51736111 d = 12:24:59.999904.
        #expect(tle.epoch.iso8601(fractionDigits: 6) == "2024-02-29T12:24:59.999904Z")
    }

    @Test func impliedDecimalFields() throws {
        let l1 = "1 21897U 92011A   06176.02341244 -.00001273  00000-0 -13525-3 0  3044"
        let l2 = "2 21897  62.1749 198.0096 7421690 253.0462  20.1561  2.01269994104880"
        let tle = try TwoLineElements(line1: l1, line2: l2)
        #expect(tle.bstar == -0.13525e-3)
        #expect(tle.meanMotionDot == -0.00001273)
        #expect(tle.eccentricity == 0.7421690)
        #expect(tle.epochYear == 2006)
    }

    @Test func threeLineFileWithCommentsAndNames() throws {
        let text = """
            # a comment
            0 ISS (ZARYA)
            \(Self.line1)
            \(Self.line2)

            \(Self.line1.replacingOccurrences(of: "25544", with: "25545").dropLast())7
            \(Self.line2.replacingOccurrences(of: "25544", with: "25545").dropLast())4
            """
        let sats = try TwoLineElements.parseMany(text)
        #expect(sats.map(\.noradID) == [25544, 25545])
        #expect(sats.map(\.name) == ["ISS (ZARYA)", nil])
    }

    @Test func loadsFixtureFile() throws {
        let sats = try TwoLineElements.load(contentsOf: SharedFiles.orbitFixture("passes.tle"))
        #expect(sats.map(\.noradID) == [25544, 33591, 28057])
        #expect(sats[1].name == "NOAA 19")
    }

    @Test func badChecksumNamesLineAndColumn() throws {
        let bad = String(Self.line2.dropLast()) + "4"
        let e = try #require(Self.parseError("\(Self.name)\n\(Self.line1)\n\(bad)\n"))
        #expect(e.line == 3)
        #expect(e.column == 69)
        #expect(e.kind == .checksumMismatch(found: "4", computed: 3))
        #expect(e.description.contains("line 3, column 69"))
        // The same lines pass when checksums are not checked.
        #expect(try TwoLineElements.parseMany("\(Self.line1)\n\(bad)", checksum: .ignore).count == 1)
    }

    @Test func shortLineNamesLineAndColumn() throws {
        let short = String(Self.line1.prefix(60))
        let e = try #require(Self.parseError("\(short)\n\(Self.line2)"))
        #expect(e.line == 1)
        #expect(e.column == 61)
        #expect(e.kind == .lineTooShort(length: 60, needed: 69))
    }

    @Test func wrongLineNumberNamesLineAndColumn() throws {
        let wrong = "3" + Self.line2.dropFirst()
        let e = try #require(Self.parseError("\n\n\(Self.line1)\n\(wrong)"))
        #expect(e.line == 4)
        #expect(e.column == 1)
        #expect(e.kind == .wrongLineNumber(expected: 2, found: "3 "))
        // A line 2 with no line 1 before it.
        let e2 = try #require(Self.parseError("\(Self.line2)\n\(Self.line1)"))
        #expect(e2.line == 1)
        #expect(e2.kind == .wrongLineNumber(expected: 1, found: "2 "))
    }

    @Test func invalidFieldNamesItsColumn() throws {
        var chars = Array(Self.line2)
        chars[10] = "x"  // column 11, inside the inclination field (columns 9-16)
        let e = try #require(Self.parseError("\(Self.line1)\n\(String(chars))", checksum: .ignore))
        #expect(e.line == 2)
        #expect(e.column == 9)
        if case .invalidField(let name, _) = e.kind { #expect(name == "inclination") } else { Issue.record("\(e)") }
    }

    @Test func missingLine2AndNumberMismatch() throws {
        let e = try #require(Self.parseError("\(Self.name)\n\(Self.line1)\n"))
        #expect(e.kind == .missingLine2)
        #expect(e.line == 3)
        let other = Self.line2.replacingOccurrences(of: "25544", with: "25545")
        let e2 = try #require(Self.parseError("\(Self.line1)\n\(other)"), "mismatch not caught")
        // The edited line also has a wrong checksum; the checksum is checked first.
        #expect(e2.column == 69)
        let e3 = try #require(Self.parseError("\(Self.line1)\n\(other)", checksum: .ignore))
        #expect(e3.kind == .satelliteNumberMismatch(line1: 25544, line2: 25545))
        #expect(e3.line == 2 && e3.column == 3)
    }

    @Test func alpha5CatalogueNumbers() throws {
        func withNumber(_ line: String, _ n: String) -> String {
            var s = String(line.prefix(2)) + n + line.dropFirst(7).dropLast()
            var sum = 0
            for c in s.prefix(68) { if let d = c.wholeNumberValue { sum += d } else if c == "-" { sum += 1 } }
            s += String(sum % 10)
            return s
        }
        let tle = try TwoLineElements(line1: withNumber(Self.line1, "A0001"), line2: withNumber(Self.line2, "A0001"))
        #expect(tle.noradID == 100_001)
    }

    @Test func verificationFormatTail() throws {
        let l1 = "1 00005U 58002B   00179.78495062  .00000023  00000-0  28098-4 0  4753"
        let l2 = "2 00005  34.2682 348.7242 1859667 331.7664  19.3264 10.82419157413667     0.00      4320.0        360.00"
        let tle = try TwoLineElements(line1: l1, line2: l2)
        #expect(tle.verificationRange == .init(start: 0, stop: 4320, step: 360))
        #expect(tle.epochYear == 2000)
    }

    /// An infinite stop (or a NaN) would have `gsd propagate` run forever: refused where it is read.
    @Test(arguments: ["inf", "nan", "1e999"])
    func verificationTailMustBeFinite(_ stop: String) throws {
        let l1 = "1 00005U 58002B   00179.78495062  .00000023  00000-0  28098-4 0  4753"
        let l2 = "2 00005  34.2682 348.7242 1859667 331.7664  19.3264 10.82419157413667     0.00   \(stop)   360.00"
        #expect(throws: TLEParseError.self) { try TwoLineElements(line1: l1, line2: l2) }
    }
}
