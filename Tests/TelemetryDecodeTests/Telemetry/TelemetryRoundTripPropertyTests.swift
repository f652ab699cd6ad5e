import PropertyBased
import TelemetryDecode
import Testing

/// Random definitions with random raw values: encoding then decoding gives the values back, and no
/// truncation or garbage makes the decoder crash or report an offset outside the frame.
@Suite struct TelemetryRoundTripPropertyTests {
    /// Builds a random definition and a matching raw value tree.
    struct RandomLayout {
        var rng: SplitMix64
        var counter = 0

        init(seed: UInt64) { rng = SplitMix64(seed: seed) }

        mutating func name() -> String {
            counter += 1
            return "f\(counter)"
        }

        mutating func int(_ r: ClosedRange<Int>) -> Int { Int.random(in: r, using: &rng) }
        mutating func bool() -> Bool { Bool.random(using: &rng) }
        mutating func bits(_ n: Int) -> UInt64 {
            let v = rng.next()
            return n >= 64 ? v : v & ((1 << UInt64(n)) - 1)
        }

        /// A scalar kind and a value for it.
        mutating func scalar() -> (TelemetryFieldKind, TelemetryValue) {
            switch int(0...7) {
            case 0:
                let n = int(1...64)
                let endian: TelemetryEndian = n % 8 == 0 && bool() ? .little : .big
                return (.unsigned(bits: n, endian: endian), .unsigned(bits(n)))
            case 1:
                let n = int(2...64)
                let endian: TelemetryEndian = n % 8 == 0 && bool() ? .little : .big
                let raw = bits(n)
                let shift = UInt64(64 - n)
                return (.signed(bits: n, endian: endian), .signed(Int64(bitPattern: raw << shift) >> Int64(shift)))
            case 2:
                let endian: TelemetryEndian = bool() ? .little : .big
                if bool() {
                    let f = Float(Int32(truncatingIfNeeded: rng.next())) / 1024
                    return (.float(bits: 32, endian: endian), .real(Double(f)))
                }
                return (.float(bits: 64, endian: endian), .real(Double(Int64(truncatingIfNeeded: rng.next())) / 3))
            case 3:
                let n = bool() ? 1 : 8
                return (.flag(bits: n), .flag(bool()))
            case 4:
                let n = int(0...8)
                return (.bytes(.fixed(n)), .bytes((0..<n).map { _ in UInt8(truncatingIfNeeded: rng.next()) }))
            case 5:
                let n = int(1...8)
                return (.votedBits(n), .unsigned(bits(n)))
            case 6:
                // Two distinct patterns; the value names one, with fewer bit errors than half their distance.
                let n = int(1...6)
                let a = (0..<n).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
                let kind = TelemetryFieldKind.closest(length: n, patterns: [
                    TelemetryPattern(name: "A", bytes: a), TelemetryPattern(name: "B", bytes: a.map { ~$0 })])
                return (kind, closestValue(length: n))
            default:
                let n = int(1...6)
                let letters = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789".utf8)
                let text = String(decoding: (0..<n).map { _ in letters[int(0...letters.count - 1)] }, as: UTF8.self)
                return bool() ? (.text(.fixed(6), encoding: .ax25), .text(text)) : (.text(.fixed(n), encoding: .ascii), .text(text))
            }
        }

        /// Fields of a structure with their values (padding has no value node).
        mutating func structure(depth: Int) -> ([TelemetryFieldSpec], [TelemetryNode]) {
            var specs: [TelemetryFieldSpec] = []
            var nodes: [TelemetryNode] = []
            for _ in 0..<int(1...6) {
                let n = name()
                switch int(0...9) {
                case 0...3:
                    let (k, v) = scalar()
                    specs.append(TelemetryFieldSpec(name: n, kind: k))
                    nodes.append(TelemetryNode(name: n, value: v))
                case 4:
                    specs.append(TelemetryFieldSpec(name: n, kind: .padding(bits: int(1...12))))
                case 5 where depth < 3:
                    let (s, v) = structure(depth: depth + 1)
                    specs.append(TelemetryFieldSpec(name: n, kind: .structure(s)))
                    nodes.append(TelemetryNode(name: n, value: .structure(v)))
                case 6:
                    // Fixed-count array of one scalar kind.
                    let (k, _) = scalar()
                    let count = int(0...4)
                    var items: [TelemetryValue] = []
                    for _ in 0..<count { items.append(value(for: k)) }
                    specs.append(TelemetryFieldSpec(name: n, kind: .array(element: k, count: .fixed(count))))
                    nodes.append(TelemetryNode(name: n, value: .list(items)))
                case 7:
                    // Length in an earlier field, and a length prefix.
                    let len = name()
                    let b = (0..<int(0...10)).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
                    specs.append(TelemetryFieldSpec(name: len, kind: .unsigned(bits: 8, endian: .big)))
                    nodes.append(TelemetryNode(name: len, value: .unsigned(UInt64(b.count))))
                    specs.append(TelemetryFieldSpec(name: n, kind: .bytes(.field(len))))
                    nodes.append(TelemetryNode(name: n, value: .bytes(b)))
                    let p = name()
                    let c = (0..<int(0...5)).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
                    specs.append(TelemetryFieldSpec(name: p, kind: .bytes(.prefix(bits: 8, endian: .big))))
                    nodes.append(TelemetryNode(name: p, value: .bytes(c)))
                case 8 where depth < 3:
                    // A switch on a tag field; one case carries nothing.
                    let tag = name()
                    let chosen = UInt64(int(0...2))
                    specs.append(TelemetryFieldSpec(name: tag, kind: .unsigned(bits: int(2...8), endian: .big)))
                    nodes.append(TelemetryNode(name: tag, value: .unsigned(chosen)))
                    var cases: [TelemetryCase] = []
                    var chosenValue: TelemetryValue = .absent
                    for c in 0...1 {
                        let (s, v) = structure(depth: depth + 1)
                        cases.append(TelemetryCase(value: Int64(c), kind: .structure(s)))
                        if UInt64(c) == chosen { chosenValue = .structure(v) }
                    }
                    specs.append(TelemetryFieldSpec(name: n, kind: .choice(on: tag, cases: cases, fallback: .nothing)))
                    nodes.append(TelemetryNode(name: n, value: chosenValue))
                case 9 where depth < 3:
                    // An array of structures ending at the element whose flag is set.
                    var s: [TelemetryFieldSpec] = []
                    for _ in 0..<int(0...3) { s.append(TelemetryFieldSpec(name: name(), kind: scalar().0)) }
                    let flag = name()
                    let fields = s + [TelemetryFieldSpec(name: flag, kind: .flag(bits: 1))]
                    let count = int(1...4)
                    var items: [TelemetryValue] = []
                    for i in 0..<count {
                        var v: [TelemetryNode] = []
                        for f in s { if case .padding = f.kind {} else { v.append(TelemetryNode(name: f.name, value: value(for: f.kind))) } }
                        v.append(TelemetryNode(name: flag, value: .flag(i == count - 1)))
                        items.append(.structure(v))
                    }
                    specs.append(TelemetryFieldSpec(name: n, kind: .array(element: .structure(fields), count: .until(flag, maximum: 8))))
                    nodes.append(TelemetryNode(name: n, value: .list(items)))
                default:
                    let (k, v) = scalar()
                    specs.append(TelemetryFieldSpec(name: n, kind: k))
                    nodes.append(TelemetryNode(name: n, value: v))
                }
            }
            return (specs, nodes)
        }

        mutating func closestValue(length n: Int) -> TelemetryValue {
            let index = int(0...1), errors = int(0...(n * 8 - 1) / 2)
            return .structure([
                TelemetryNode(name: "match", value: .enumerated(raw: Int64(index), name: index == 0 ? "A" : "B")),
                TelemetryNode(name: "bit_errors", value: .unsigned(UInt64(errors))),
                TelemetryNode(name: "bit_error_rate", value: .real(Double(errors) / Double(n * 8))),
            ])
        }

        /// Another random value of a scalar kind.
        mutating func value(for kind: TelemetryFieldKind) -> TelemetryValue {
            switch kind {
            case .unsigned(let n, _): return .unsigned(bits(n))
            case .signed(let n, _):
                let shift = UInt64(64 - n)
                return .signed(Int64(bitPattern: bits(n) << shift) >> Int64(shift))
            case .float(let n, _):
                return n == 32 ? .real(Double(Float(Int16(truncatingIfNeeded: rng.next())) / 8)) : .real(Double(Int32(truncatingIfNeeded: rng.next())) / 7)
            case .flag: return .flag(bool())
            case .votedBits(let n): return .unsigned(bits(n))
            case .closest(let n, _): return closestValue(length: n)
            case .bytes(.fixed(let n)): return .bytes((0..<n).map { _ in UInt8(truncatingIfNeeded: rng.next()) })
            case .text(.fixed(let n), let e): return .text(String(repeating: "Q", count: e == .ax25 ? int(1...6) : n))
            case .structure(let fields):
                var v: [TelemetryNode] = []
                for f in fields { if case .padding = f.kind {} else { v.append(TelemetryNode(name: f.name, value: value(for: f.kind))) } }
                return .structure(v)
            default: return .absent
            }
        }

        mutating func layout() -> (TelemetryDefinition, TelemetryValue) {
            var (fields, nodes) = structure(depth: 0)
            if bool() {
                let tail = (0..<int(0...12)).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
                fields.append(TelemetryFieldSpec(name: "rest", kind: .bytes(.remaining)))
                nodes.append(TelemetryNode(name: "rest", value: .bytes(tail)))
            }
            return (TelemetryDefinition(name: "random", fields: fields), .structure(nodes))
        }
    }

    @Test func randomDefinitionsRoundTrip() async throws {
        await propertyCheck(count: 400, input: Gen.uint64()) { seed in
            var gen = RandomLayout(seed: seed)
            let (definition, value) = gen.layout()
            guard let plan = try? TelemetryPlan(definition) else {
                Issue.record("seed \(seed): generated definition does not compile")
                return
            }
            let bytes: [UInt8]
            do { bytes = try TelemetryEncoder.encode(value, plan: plan) } catch {
                Issue.record("seed \(seed): encode failed: \(error)")
                return
            }
            let decoded = plan.decode(bytes, calibrated: false)
            #expect(decoded.error == nil, "seed \(seed): \(decoded.error.map(String.init(describing:)) ?? "")")
            #expect(decoded.value == value, "seed \(seed)")
            // Padding up to a byte boundary is the only slack the encoder leaves.
            #expect(decoded.unusedBytes == 0, "seed \(seed)")
        }
    }

    @Test func truncatedAndGarbledFramesNeverCrashAndErrorsPointInsideTheFrame() async {
        await propertyCheck(count: 300, input: Gen.uint64()) { seed in
            var gen = RandomLayout(seed: seed)
            let (definition, value) = gen.layout()
            guard let plan = try? TelemetryPlan(definition), let bytes = try? TelemetryEncoder.encode(value, plan: plan) else {
                Issue.record("seed \(seed): layout does not compile or encode")
                return
            }
            for cut in stride(from: 0, to: bytes.count, by: max(1, bytes.count / 7)) {
                let d = plan.decode(Array(bytes.prefix(cut)))
                if let e = d.error { #expect(e.bitOffset <= cut * 8, "seed \(seed): error offset \(e.bitOffset) beyond \(cut) bytes") }
            }
            var rng = SplitMix64(seed: seed ^ 0x5555)
            let garbage = (0..<Int.random(in: 0...80, using: &rng)).map { _ in UInt8.random(in: 0...255, using: &rng) }
            let d = plan.decode(garbage)
            if let e = d.error { #expect(e.bitOffset <= garbage.count * 8) }
        }
    }
}
