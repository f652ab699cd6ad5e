import Foundation
import TelemetryDecode
import Testing
import TestSupport

@Suite(.computeThreads) struct TelemetryExpressionTests {
    func value(_ formula: String, raw: Double = 0) throws -> Double? {
        try TelemetryExpression(formula).evaluate(raw)
    }

    static let cases: [(String, Double)] = [
        ("1 + 2 * 3", 7.0),
        ("(1 + 2) * 3", 9),
        ("10 - 4 - 3", 3),
        ("2 ^ 3 ^ 2", 512),
        ("-2 ^ 2", -4),
        ("(-2) ^ 2", 4),
        ("2 * -3", -6),
        ("7 % 4", 3),
        ("1.5e3 / 3", 500),
        ("3 > 2 && 2 >= 2", 1),
        ("!(1 == 1) || 0", 0),
        ("1 != 2 ? 10 : 20", 10),
        ("0 ? 1 : 0 ? 2 : 3", 3),
        ("sqrt(16) + abs(-2) + min(3, 4) + max(3, 4)", 13),
        ("pow(2, 10) + floor(2.7) + ceil(2.2) + round(2.5)", 1032),
        ("log10(1000) + ln(e) + log2(8)", 7),
        ("atan2(1, 1) * 4 / pi", 1),
    ]

    @Test(arguments: cases)
    func evaluatesWithThePrecedenceOfArithmetic(_ formula: String, _ expected: Double) throws {
        let v = try #require(try value(formula))
        #expect(abs(v - expected) < 1e-12, "\(formula) = \(v)")
    }

    @Test func rawValueAndPiecewiseCurve() throws {
        // UPMSat 2's thermistor curve: linear above 1707 counts, a square root below.
        let f = try TelemetryExpression("raw >= 1707 ? 0.336 * (raw - 1708.1) : 6.41 * (4.15 - sqrt(17.24 - 0.31 * (raw - 1712.2)))")
        #expect(abs(try #require(f.evaluate(2000)) - 0.336 * (2000 - 1708.1)) < 1e-9)
        let below: Double = 6.41 * (4.15 - (17.24 - 0.31 * (1500 - 1712.2)).squareRoot())
        #expect(abs(try #require(f.evaluate(1500)) - below) < 1e-9)
        #expect(try value("x * 2", raw: 21) == 42)
        // Outside the curve's domain there is no value (the field then keeps its raw number).
        #expect(try value("sqrt(raw)", raw: -1) == nil)
        #expect(try value("1 / raw", raw: 0) == nil)
        #expect(TelemetryConversion.expression(try TelemetryExpression("sqrt(raw)")).apply(.signed(-4)) == .signed(-4))
        #expect(TelemetryConversion.expression(try TelemetryExpression("sqrt(raw)")).apply(.unsigned(9)) == .real(3))
    }

    static let bad: [(String, Int, String)] = [
        ("", 1, "empty"),
        ("1 +", 4, "ends where a value"),
        ("2 * (3 + 4", 11, "expected ')'"),
        ("raw + volts", 7, "unknown name 'volts'"),
        ("sqrt 4", 6, "expected '('"),
        ("min(1)", 6, "takes 2 arguments"),
        ("1 ? 2", 6, "expected ':'"),
        ("1 2", 3, "unexpected '2'"),
        ("1..2", 1, "not a number"),
        ("3 # 4", 3, "unexpected '#'"),
    ]

    @Test(arguments: bad)
    func errorsNameTheCharacter(_ formula: String, _ position: Int, _ problem: String) {
        do {
            _ = try TelemetryExpression(formula)
            Issue.record("'\(formula)' parsed")
        } catch {
            #expect(error.position + 1 == position && error.problem.contains(problem), "'\(formula)': \(error)")
        }
    }
}
