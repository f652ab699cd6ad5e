import Foundation

/// A calibration written as a formula of the raw value, for curves the fixed conversions cannot express
/// (thermistors, piecewise fits): `raw >= 1707 ? 0.336 * (raw - 1708.1) : 6.41 * (4.15 - sqrt(17.24 - 0.31 * (raw - 1712.2)))`.
///
/// Numbers, `raw` (or `x`), `pi`, `e`; `+ - * / %`, `^` (power, right-associative), unary `-` and `!`,
/// comparisons `< <= > >= == !=`, `&&`, `||` (1 is true, 0 false), `cond ? a : b`, and the functions
/// sqrt, cbrt, abs, exp, ln, log10, log2, sin, cos, tan, asin, acos, atan, floor, ceil, round (one argument),
/// atan2, pow, min, max (two). Parsed once into a stack program.
public struct TelemetryExpression: Sendable, Hashable, CustomStringConvertible {
    public let source: String
    let program: [Op]

    enum Op: Sendable, Hashable {
        case constant(Double)
        case raw
        case unary(Unary)
        case binary(Binary)
        /// Pops c, b, a (a below): pushes a != 0 ? b : c. Both branches are evaluated (no side effects).
        case conditional
    }

    enum Unary: String, Sendable, Hashable, CaseIterable {
        case negate, not
        case sqrt, cbrt, abs, exp, ln, log10, log2, sin, cos, tan, asin, acos, atan, floor, ceil, round
    }

    enum Binary: String, Sendable, Hashable {
        case add, subtract, multiply, divide, remainder, power
        case less, lessOrEqual, greater, greaterOrEqual, equal, notEqual, and, or
        case atan2, min, max
    }

    public var description: String { source }

    /// Parses `source`; an error names the character where it went wrong.
    public init(_ source: String) throws(TelemetryExpressionError) {
        self.source = source
        var parser = ExpressionParser(Array(source.unicodeScalars))
        program = try parser.parse()
    }

    /// The value for a raw number; nil when it is not a finite number (e.g. the square root of a negative).
    public func evaluate(_ raw: Double) -> Double? {
        var stack = ContiguousArray<Double>()
        stack.reserveCapacity(16)
        for op in program {
            switch op {
            case .constant(let c): stack.append(c)
            case .raw: stack.append(raw)
            case .unary(let u):
                let a = stack.removeLast()
                stack.append(Self.apply(u, a))
            case .binary(let b):
                let rhs = stack.removeLast(), lhs = stack.removeLast()
                stack.append(Self.apply(b, lhs, rhs))
            case .conditional:
                let no = stack.removeLast(), yes = stack.removeLast(), condition = stack.removeLast()
                stack.append(condition != 0 ? yes : no)
            }
        }
        guard let result = stack.last, result.isFinite else { return nil }
        return result
    }

    static func apply(_ u: Unary, _ a: Double) -> Double {
        switch u {
        case .negate: -a
        case .not: a == 0 ? 1 : 0
        case .sqrt: a.squareRoot()
        case .cbrt: Foundation.cbrt(a)
        case .abs: Swift.abs(a)
        case .exp: Foundation.exp(a)
        case .ln: Foundation.log(a)
        case .log10: Foundation.log10(a)
        case .log2: Foundation.log2(a)
        case .sin: Foundation.sin(a)
        case .cos: Foundation.cos(a)
        case .tan: Foundation.tan(a)
        case .asin: Foundation.asin(a)
        case .acos: Foundation.acos(a)
        case .atan: Foundation.atan(a)
        case .floor: a.rounded(.down)
        case .ceil: a.rounded(.up)
        case .round: a.rounded()
        }
    }

    static func apply(_ b: Binary, _ x: Double, _ y: Double) -> Double {
        switch b {
        case .add: x + y
        case .subtract: x - y
        case .multiply: x * y
        case .divide: x / y
        case .remainder: x.truncatingRemainder(dividingBy: y)
        case .power: Foundation.pow(x, y)
        case .less: x < y ? 1 : 0
        case .lessOrEqual: x <= y ? 1 : 0
        case .greater: x > y ? 1 : 0
        case .greaterOrEqual: x >= y ? 1 : 0
        case .equal: x == y ? 1 : 0
        case .notEqual: x != y ? 1 : 0
        case .and: x != 0 && y != 0 ? 1 : 0
        case .or: x != 0 || y != 0 ? 1 : 0
        case .atan2: Foundation.atan2(x, y)
        case .min: Swift.min(x, y)
        case .max: Swift.max(x, y)
        }
    }
}

/// A formula that does not parse: where (0-based character) and why.
public struct TelemetryExpressionError: Error, Sendable, Hashable, CustomStringConvertible {
    public var position: Int
    public var problem: String
    public var description: String { "at character \(position + 1): \(problem)" }
}

/// Recursive descent over the formula's characters, emitting the stack program in postfix order.
private struct ExpressionParser {
    let text: [Unicode.Scalar]
    var i = 0
    var program: [TelemetryExpression.Op] = []

    init(_ text: [Unicode.Scalar]) { self.text = text }

    static let functions: [String: (arguments: Int, op: TelemetryExpression.Op)] = {
        var table: [String: (Int, TelemetryExpression.Op)] = [:]
        for u in TelemetryExpression.Unary.allCases where u != .negate && u != .not { table[u.rawValue] = (1, .unary(u)) }
        table["log"] = (1, .unary(.ln))
        for b in [TelemetryExpression.Binary.atan2, .min, .max] { table[b.rawValue] = (2, .binary(b)) }
        table["pow"] = (2, .binary(.power))
        return table
    }()

    func fail(_ problem: String, at position: Int? = nil) -> TelemetryExpressionError {
        TelemetryExpressionError(position: position ?? i, problem: problem)
    }

    mutating func skipSpaces() {
        while i < text.count, text[i].properties.isWhitespace { i += 1 }
    }

    /// Consumes `token` if it comes next (after spaces).
    mutating func take(_ token: String) -> Bool {
        skipSpaces()
        let scalars = Array(token.unicodeScalars)
        guard i + scalars.count <= text.count, Array(text[i..<i + scalars.count]) == scalars else { return false }
        i += scalars.count
        return true
    }

    mutating func parse() throws(TelemetryExpressionError) -> [TelemetryExpression.Op] {
        skipSpaces()
        guard i < text.count else { throw fail("empty formula") }
        try conditional()
        skipSpaces()
        guard i == text.count else { throw fail("unexpected '\(text[i])'") }
        return program
    }

    mutating func conditional() throws(TelemetryExpressionError) {
        try binary(level: 0)
        if take("?") {
            try conditional()
            guard take(":") else { throw fail("expected ':' of 'condition ? a : b'") }
            try conditional()
            program.append(.conditional)
        }
    }

    /// Binary operators by precedence, loosest first; each level is left-associative.
    static let levels: [[(String, TelemetryExpression.Binary)]] = [
        [("||", .or)],
        [("&&", .and)],
        [("==", .equal), ("!=", .notEqual)],
        [("<=", .lessOrEqual), (">=", .greaterOrEqual), ("<", .less), (">", .greater)],
        [("+", .add), ("-", .subtract)],
        [("*", .multiply), ("/", .divide), ("%", .remainder)],
    ]

    mutating func binary(level: Int) throws(TelemetryExpressionError) {
        guard level < Self.levels.count else { return try unary() }
        try binary(level: level + 1)
        while true {
            guard let (_, op) = Self.levels[level].first(where: { take($0.0) }) else { return }
            try binary(level: level + 1)
            program.append(.binary(op))
        }
    }

    mutating func unary() throws(TelemetryExpressionError) {
        if take("-") {
            try unary()
            program.append(.unary(.negate))
        } else if take("+") {
            try unary()
        } else if take("!") {
            try unary()
            program.append(.unary(.not))
        } else {
            try power()
        }
    }

    /// `a ^ b ^ c` is `a ^ (b ^ c)`, and `-a ^ 2` is `-(a ^ 2)`.
    mutating func power() throws(TelemetryExpressionError) {
        try atom()
        if take("^") {
            try unary()
            program.append(.binary(.power))
        }
    }

    mutating func atom() throws(TelemetryExpressionError) {
        skipSpaces()
        guard i < text.count else { throw fail("formula ends where a value was expected") }
        let start = i
        let c = text[i]
        if c == "(" {
            i += 1
            try conditional()
            guard take(")") else { throw fail("expected ')'") }
            return
        }
        if c.properties.numericType != nil || c == "." {
            while i < text.count, text[i].properties.numericType != nil || text[i] == "." { i += 1 }
            if i < text.count, text[i] == "e" || text[i] == "E" {
                var j = i + 1
                if j < text.count, text[j] == "+" || text[j] == "-" { j += 1 }
                if j < text.count, text[j].properties.numericType != nil {
                    i = j
                    while i < text.count, text[i].properties.numericType != nil { i += 1 }
                }
            }
            let literal = String(String.UnicodeScalarView(text[start..<i]))
            guard let value = Double(literal) else { throw fail("'\(literal)' is not a number", at: start) }
            program.append(.constant(value))
            return
        }
        guard c.properties.isAlphabetic || c == "_" else { throw fail("unexpected '\(c)'") }
        while i < text.count, text[i].properties.isAlphabetic || text[i] == "_" || text[i].properties.numericType != nil { i += 1 }
        let name = String(String.UnicodeScalarView(text[start..<i]))
        switch name {
        case "raw", "x": program.append(.raw)
        case "pi": program.append(.constant(Double.pi))
        case "e": program.append(.constant(M_E))
        default:
            guard let function = Self.functions[name] else {
                throw fail("unknown name '\(name)' (the raw value is 'raw'; functions: \(Self.functions.keys.sorted().joined(separator: ", ")))", at: start)
            }
            guard take("(") else { throw fail("expected '(' after \(name)") }
            for k in 0..<function.arguments {
                if k > 0, !take(",") { throw fail("\(name) takes \(function.arguments) arguments") }
                try conditional()
            }
            guard take(")") else { throw fail("expected ')' closing \(name)(…) (it takes \(function.arguments) argument\(function.arguments == 1 ? "" : "s"))") }
            program.append(function.op)
        }
    }
}
