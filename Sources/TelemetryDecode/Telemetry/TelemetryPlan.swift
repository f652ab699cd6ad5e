/// A `TelemetryDefinition` compiled once for decoding many frames: field references (switches, lengths,
/// counts, conditions) are resolved to numbered slots, so decoding never searches the value tree by name.
public struct TelemetryPlan: Sendable {
    public let definition: TelemetryDefinition
    let fields: [PlanField]
    let slotCount: Int

    /// Compiles a definition; a reference to a field that does not exist (or comes later) is an error naming it.
    public init(_ definition: TelemetryDefinition) throws(TelemetryPlanError) {
        var compiler = PlanCompiler()
        fields = try compiler.structure(definition.fields, path: "")
        slotCount = compiler.slotCount
        self.definition = definition
    }

    /// Decodes one frame. Never throws: a frame that does not fit gets `error` and keeps what was decoded before it.
    /// With `calibrated` false, conversions are skipped and numbers stay raw (what `TelemetryEncoder` takes).
    public func decode(_ frame: [UInt8], calibrated: Bool = true) -> TelemetryDecoding {
        var run = PlanRun(reader: TelemetryBitReader(frame), slots: [Int64](repeating: 0, count: slotCount), calibrated: calibrated)
        var nodes: [TelemetryNode] = []
        var failure: TelemetryDecodeError? = nil
        do { try run.structure(fields, name: "", into: &nodes) } catch { failure = error }
        let unused = failure == nil ? run.reader.bitsLeft / 8 : 0
        return TelemetryDecoding(definition: definition.name, value: .structure(nodes), error: failure, unusedBytes: unused)
    }
}

/// A definition that cannot be compiled: the field and why.
public struct TelemetryPlanError: Error, Sendable, Hashable, CustomStringConvertible {
    public var field: String
    public var problem: String
    public var description: String { "field '\(field)': \(problem)" }
}

struct PlanField: Sendable {
    var name: String
    var unit: String?
    var kind: PlanKind
    var conversion: TelemetryConversion?
    var conditions: [(slot: Int, equals: Int64)]
    var optional: Bool
    var inline: Bool
    /// Where an integer value is kept for later references; -1 when it is not an integer.
    var slot: Int
}

indirect enum PlanKind: Sendable {
    case unsigned(bits: Int, endian: TelemetryEndian)
    case signed(bits: Int, endian: TelemetryEndian)
    case float(bits: Int, endian: TelemetryEndian)
    case flag(bits: Int)
    case padding(bits: Int)
    case constant([UInt8])
    case bytes(PlanLength)
    case text(PlanLength, TelemetryTextEncoding)
    case structure([PlanField])
    case array(element: PlanKind, elementSlot: Int, count: PlanCount, conversion: TelemetryConversion?)
    case choice(slot: Int, cases: [Int64: PlanKind], fallback: PlanKind?)
    case select([PlanKind])
    case nothing
    case votedBits(Int)
    case closest(length: Int, patterns: [TelemetryPattern])
    case asciiNumber
}

enum PlanLength: Sendable {
    case fixed(Int)
    case slot(Int)
    case prefix(bits: Int, endian: TelemetryEndian)
    case remaining
}

enum PlanCount: Sendable {
    case fixed(Int)
    case slot(Int)
    case until(slot: Int, maximum: Int)
    case remaining
    case beforeZeroPadding
}

/// Names visible to references while compiling: one map per enclosing structure.
private indirect enum PlanName {
    case slot(Int)
    case structure([String: PlanName])
}

private struct PlanCompiler {
    var slotCount = 0
    var scopes: [[String: PlanName]] = []

    mutating func newSlot() -> Int {
        slotCount += 1
        return slotCount - 1
    }

    func resolve(_ path: String, from field: String) throws(TelemetryPlanError) -> Int {
        let parts = path.split(separator: ".").map(String.init)
        guard let first = parts.first else { throw TelemetryPlanError(field: field, problem: "empty field reference") }
        for scope in scopes.reversed() {
            guard var name = scope[first] else { continue }
            for part in parts.dropFirst() {
                guard case .structure(let children) = name, let child = children[part] else {
                    throw TelemetryPlanError(field: field, problem: "'\(path)' names no integer field before this one")
                }
                name = child
            }
            guard case .slot(let s) = name else {
                throw TelemetryPlanError(field: field, problem: "'\(path)' is a structure, not an integer field")
            }
            return s
        }
        throw TelemetryPlanError(field: field, problem: "'\(path)' names no integer field before this one")
    }

    mutating func structure(_ specs: [TelemetryFieldSpec], path: String) throws(TelemetryPlanError) -> [PlanField] {
        scopes.append([:])
        defer { scopes.removeLast() }
        var out: [PlanField] = []
        var seen = Set<String>()
        for spec in specs {
            let fieldPath = path.isEmpty ? spec.name : path + "." + spec.name
            if spec.kind.isHidden {} else if !seen.insert(spec.name).inserted {
                throw TelemetryPlanError(field: fieldPath, problem: "name used twice in one structure")
            }
            var conditions: [(slot: Int, equals: Int64)] = []
            for c in spec.condition { conditions.append((try resolve(c.path, from: fieldPath), c.equals)) }
            let (kind, exported) = try self.kind(spec.kind, path: fieldPath, conversion: spec.conversion)
            var slot = -1
            if let exported {
                scopes[scopes.count - 1][spec.name] = exported
                if case .slot(let s) = exported { slot = s }
            }
            out.append(PlanField(name: spec.name, unit: spec.unit, kind: kind, conversion: spec.conversion,
                                 conditions: conditions, optional: spec.optional, inline: spec.inline, slot: slot))
        }
        return out
    }

    func checkBits(_ bits: Int, _ range: ClosedRange<Int>, _ endian: TelemetryEndian, path: String) throws(TelemetryPlanError) {
        guard range.contains(bits) else { throw TelemetryPlanError(field: path, problem: "bits must be in \(range.lowerBound)...\(range.upperBound), not \(bits)") }
        if endian == .little && bits > 8 && bits % 8 != 0 {
            throw TelemetryPlanError(field: path, problem: "a little-endian field needs a multiple of 8 bits, not \(bits)")
        }
    }

    mutating func length(_ l: TelemetryLength, path: String) throws(TelemetryPlanError) -> PlanLength {
        switch l {
        case .fixed(let n):
            guard n >= 0 else { throw TelemetryPlanError(field: path, problem: "length must not be negative") }
            return .fixed(n)
        case .field(let p): return .slot(try resolve(p, from: path))
        case .prefix(let bits, let endian):
            try checkBits(bits, 1...32, endian, path: path)
            return .prefix(bits: bits, endian: endian)
        case .remaining: return .remaining
        }
    }

    /// Compiles a kind; also returns what later references may see of it.
    mutating func kind(_ k: TelemetryFieldKind, path: String, conversion: TelemetryConversion?) throws(TelemetryPlanError) -> (PlanKind, PlanName?) {
        switch k {
        case .unsigned(let bits, let endian):
            try checkBits(bits, 1...64, endian, path: path)
            return (.unsigned(bits: bits, endian: endian), .slot(newSlot()))
        case .signed(let bits, let endian):
            try checkBits(bits, 2...64, endian, path: path)
            return (.signed(bits: bits, endian: endian), .slot(newSlot()))
        case .float(let bits, let endian):
            guard bits == 32 || bits == 64 else { throw TelemetryPlanError(field: path, problem: "a float has 32 or 64 bits, not \(bits)") }
            return (.float(bits: bits, endian: endian), nil)
        case .flag(let bits):
            try checkBits(bits, 1...64, .big, path: path)
            return (.flag(bits: bits), .slot(newSlot()))
        case .padding(let bits):
            guard bits >= 1 else { throw TelemetryPlanError(field: path, problem: "padding needs at least 1 bit") }
            return (.padding(bits: bits), nil)
        case .constant(let b):
            guard !b.isEmpty else { throw TelemetryPlanError(field: path, problem: "a constant needs at least one byte") }
            return (.constant(b), nil)
        case .bytes(let l): return (.bytes(try length(l, path: path)), nil)
        case .text(let l, let e): return (.text(try length(l, path: path), e), nil)
        case .structure(let specs):
            let fields = try structure(specs, path: path)
            var names: [String: PlanName] = [:]
            for f in fields where f.slot >= 0 { names[f.name] = .slot(f.slot) }
            // Nested structures stay reachable by dotted path.
            for (f, spec) in zip(fields, specs) {
                if case .structure = f.kind, case .structure(let inner) = spec.kind {
                    names[f.name] = .structure(Self.exported(f.kind, inner))
                }
            }
            return (.structure(fields), .structure(names))
        case .array(let element, let count):
            // A count field is one before the list, resolved before the element's scope opens (a failed
            // lookup must leave the scopes as they were: the compiler's caller sees only the error).
            var countSlot = -1
            if case .field(let p) = count { countSlot = try resolve(p, from: path) }
            // The element is compiled in its own scope; its slots are reused by each element in turn.
            scopes.append([:])
            defer { scopes.removeLast() }
            let (el, exported) = try self.kind(element, path: path + "[]", conversion: nil)
            var elementSlot = -1
            if case .slot(let s) = exported { elementSlot = s }
            let planCount: PlanCount
            switch count {
            case .fixed(let n):
                guard n >= 0 else { throw TelemetryPlanError(field: path, problem: "count must not be negative") }
                planCount = .fixed(n)
            case .field: planCount = .slot(countSlot)
            case .until(let p, let maximum):
                guard case .structure(let names)? = exported else {
                    throw TelemetryPlanError(field: path, problem: "'until' needs structure elements")
                }
                scopes[scopes.count - 1] = names
                planCount = .until(slot: try resolve(p, from: path), maximum: maximum)
            case .remaining: planCount = .remaining
            case .beforeZeroPadding: planCount = .beforeZeroPadding
            }
            return (.array(element: el, elementSlot: elementSlot, count: planCount, conversion: conversion), nil)
        case .choice(let on, let cases, let fallback):
            let slot = try resolve(on, from: path)
            var table: [Int64: PlanKind] = [:]
            for c in cases {
                guard table[c.value] == nil else { throw TelemetryPlanError(field: path, problem: "case \(c.value) listed twice") }
                table[c.value] = try self.kind(c.kind, path: path, conversion: conversion).0
            }
            let fb = try fallback.map { (k) throws(TelemetryPlanError) in try self.kind(k, path: path, conversion: conversion).0 }
            return (.choice(slot: slot, cases: table, fallback: fb), nil)
        case .select(let options):
            guard !options.isEmpty else { throw TelemetryPlanError(field: path, problem: "select needs at least one option") }
            var compiled: [PlanKind] = []
            for o in options { compiled.append(try self.kind(o, path: path, conversion: conversion).0) }
            return (.select(compiled), nil)
        case .nothing:
            return (.nothing, nil)
        case .votedBits(let bits):
            guard (1...64).contains(bits) else { throw TelemetryPlanError(field: path, problem: "bits must be in 1...64, not \(bits)") }
            return (.votedBits(bits), .slot(newSlot()))
        case .closest(let length, let patterns):
            guard length >= 1 else { throw TelemetryPlanError(field: path, problem: "length must be at least 1") }
            guard !patterns.isEmpty else { throw TelemetryPlanError(field: path, problem: "needs at least one pattern") }
            var names = Set<String>()
            for p in patterns {
                guard p.bytes.count == length else {
                    throw TelemetryPlanError(field: path, problem: "pattern '\(p.name)' has \(p.bytes.count) bytes, length is \(length)")
                }
                guard names.insert(p.name).inserted else { throw TelemetryPlanError(field: path, problem: "pattern '\(p.name)' listed twice") }
            }
            return (.closest(length: length, patterns: patterns), nil)
        case .asciiNumber:
            return (.asciiNumber, .slot(newSlot()))
        }
    }

    /// Names inside a compiled structure, for dotted references from outside it.
    static func exported(_ kind: PlanKind, _ specs: [TelemetryFieldSpec]) -> [String: PlanName] {
        guard case .structure(let fields) = kind else { return [:] }
        var names: [String: PlanName] = [:]
        for (f, spec) in zip(fields, specs) {
            if f.slot >= 0 { names[f.name] = .slot(f.slot) }
            if case .structure(let inner) = spec.kind { names[f.name] = .structure(exported(f.kind, inner)) }
        }
        return names
    }
}
