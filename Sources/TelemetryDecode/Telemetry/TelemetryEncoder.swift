/// Writes a raw (uncalibrated) value tree back into frame bytes by a plan: the inverse of
/// `TelemetryPlan.decode(_:calibrated: false)`, used to check definitions round-trip and to build test frames.
public struct TelemetryEncoder {
    let plan: TelemetryPlan
    var writer = TelemetryBitWriter()
    var slots: [Int64]

    public init(plan: TelemetryPlan) {
        self.plan = plan
        slots = [Int64](repeating: 0, count: plan.slotCount)
    }

    /// Encodes `value` (a structure with the definition's top-level fields); errors name the field.
    public static func encode(_ value: TelemetryValue, plan: TelemetryPlan) throws(TelemetryEncodeError) -> [UInt8] {
        var e = TelemetryEncoder(plan: plan)
        try e.structure(plan.fields, value, name: "")
        return e.writer.bytes
    }

    func mismatch(_ name: String, _ expected: String, _ value: TelemetryValue) -> TelemetryEncodeError {
        TelemetryEncodeError(field: name, problem: "expected \(expected), found \(value)")
    }

    mutating func structure(_ fields: [PlanField], _ value: TelemetryValue, name: String) throws(TelemetryEncodeError) {
        guard case .structure(let nodes) = value else { throw mismatch(name, "a structure", value) }
        var k = 0
        for f in fields {
            let path = name.isEmpty ? f.name : name + "." + f.name
            if case .padding(let bits) = f.kind {
                writer.write(0, bits: bits)
                continue
            }
            if case .constant(let b) = f.kind {
                writer.write(bytes: b)
                continue
            }
            if f.inline { throw TelemetryEncodeError(field: path, problem: "inline fields cannot be encoded") }
            guard k < nodes.count, nodes[k].name == f.name else {
                throw TelemetryEncodeError(field: path, problem: "missing from the value")
            }
            let v = nodes[k].value
            k += 1
            if f.conditions.contains(where: { slots[$0.slot] != $0.equals }) || (f.optional && v == .absent) { continue }
            try self.value(f.kind, v, slot: f.slot, name: path)
        }
    }

    mutating func length(_ l: PlanLength, count: Int, name: String) throws(TelemetryEncodeError) {
        switch l {
        case .fixed(let n):
            guard n == count else { throw TelemetryEncodeError(field: name, problem: "has \(count) bytes, layout says \(n)") }
        case .slot(let s):
            guard slots[s] == Int64(count) else { throw TelemetryEncodeError(field: name, problem: "has \(count) bytes, length field says \(slots[s])") }
        case .prefix(let bits, let endian): writer.write(UInt64(count), bits: bits, endian: endian)
        case .remaining: break
        }
    }

    mutating func value(_ kind: PlanKind, _ v: TelemetryValue, slot: Int, name: String) throws(TelemetryEncodeError) {
        switch kind {
        case .unsigned(let bits, let endian):
            guard case .unsigned(let u) = v else { throw mismatch(name, "an unsigned integer", v) }
            if slot >= 0 { slots[slot] = Int64(truncatingIfNeeded: u) }
            writer.write(u, bits: bits, endian: endian)
        case .signed(let bits, let endian):
            guard case .signed(let s) = v else { throw mismatch(name, "a signed integer", v) }
            if slot >= 0 { slots[slot] = s }
            writer.write(UInt64(bitPattern: s), bits: bits, endian: endian)
        case .float(let bits, let endian):
            guard case .real(let d) = v else { throw mismatch(name, "a number", v) }
            writer.write(bits == 32 ? UInt64(Float(d).bitPattern) : d.bitPattern, bits: bits, endian: endian)
        case .flag(let bits):
            guard case .flag(let b) = v else { throw mismatch(name, "a flag", v) }
            if slot >= 0 { slots[slot] = b ? 1 : 0 }
            writer.write(b ? 1 : 0, bits: bits)
        case .padding(let bits):
            writer.write(0, bits: bits)
        case .constant(let b):
            writer.write(bytes: b)
        case .bytes(let l):
            guard case .bytes(let b) = v else { throw mismatch(name, "bytes", v) }
            try length(l, count: b.count, name: name)
            writer.write(bytes: b)
        case .text(let l, let encoding):
            guard case .text(let s) = v else { throw mismatch(name, "text", v) }
            var b = Array(s.utf8)
            if case .fixed(let n) = l, b.count < n { b += [UInt8](repeating: encoding == .ax25 ? 0x20 : 0, count: n - b.count) }
            if encoding == .ax25 { b = b.map { $0 << 1 } }
            try length(l, count: b.count, name: name)
            writer.write(bytes: b)
        case .structure(let fields):
            try structure(fields, v, name: name)
        case .array(let element, let elementSlot, let count, _):
            guard case .list(let items) = v else { throw mismatch(name, "a list", v) }
            switch count {
            case .fixed(let n):
                guard items.count == n else { throw TelemetryEncodeError(field: name, problem: "has \(items.count) elements, layout says \(n)") }
            case .slot(let s):
                guard slots[s] == Int64(items.count) else { throw TelemetryEncodeError(field: name, problem: "has \(items.count) elements, count field says \(slots[s])") }
            case .until, .remaining, .beforeZeroPadding: break
            }
            for (i, item) in items.enumerated() { try value(element, item, slot: elementSlot, name: "\(name)[\(i)]") }
        case .choice(let s, let cases, let fallback):
            guard let chosen = cases[slots[s]] ?? fallback else {
                throw TelemetryEncodeError(field: name, problem: "no case for value \(slots[s])")
            }
            try value(chosen, v, slot: -1, name: name)
        case .select(let options):
            var firstError: TelemetryEncodeError? = nil
            for o in options {
                let saved = self
                do { try value(o, v, slot: -1, name: name); return } catch {
                    if firstError == nil { firstError = error }
                    self = saved
                }
            }
            throw firstError ?? TelemetryEncodeError(field: name, problem: "no option fits")
        case .nothing:
            break
        case .votedBits(let bits):
            guard case .unsigned(let u) = v else { throw mismatch(name, "an unsigned integer", v) }
            if slot >= 0 { slots[slot] = Int64(truncatingIfNeeded: u) }
            for k in stride(from: bits - 1, through: 0, by: -1) { writer.write(bytes: [u >> UInt64(k) & 1 == 1 ? 0xFF : 0x00]) }
        case .closest(let length, let patterns):
            // The matched pattern with its first `bit_errors` bits inverted.
            guard case .enumerated(let index, _)? = v["match"], patterns.indices.contains(Int(index)),
                  case .unsigned(let errors)? = v["bit_errors"], errors <= UInt64(length * 8)
            else { throw mismatch(name, "a structure with match and bit_errors", v) }
            var bytes = patterns[Int(index)].bytes
            for bit in 0..<Int(errors) { bytes[bit / 8] ^= 0x80 >> UInt8(bit % 8) }
            writer.write(bytes: bytes)
        case .asciiNumber:
            // A space in front keeps consecutive numbers apart; the decoder skips it.
            switch v {
            case .signed(let i):
                if slot >= 0 { slots[slot] = i }
                writer.write(bytes: Array(" \(i)".utf8))
            case .real(let d) where d.isFinite:
                writer.write(bytes: Array(" \(d)".utf8))
            default: throw mismatch(name, "a signed integer or a finite real", v)
            }
        }
    }
}

/// A value tree that does not match its plan.
public struct TelemetryEncodeError: Error, Sendable, Hashable, CustomStringConvertible {
    public var field: String
    public var problem: String
    public var description: String { "field '\(field)': \(problem)" }
}
