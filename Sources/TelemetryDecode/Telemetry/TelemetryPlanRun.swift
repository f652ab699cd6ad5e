/// The state of one decode: the reader and the integer slots earlier fields left for later references.
struct PlanRun {
    var reader: TelemetryBitReader
    var slots: [Int64]
    let calibrated: Bool

    func fail(_ name: String, at bit: Int, _ problem: String) -> TelemetryDecodeError {
        TelemetryDecodeError(field: name, bitOffset: bit, problem: problem)
    }

    mutating func need(_ bits: Int, _ name: String) throws(TelemetryDecodeError) {
        if bits > reader.bitsLeft {
            let what = bits % 8 == 0 ? "\(bits / 8) bytes" : "\(bits) bits"
            let left = reader.bitsLeft % 8 == 0 ? "\(reader.bitsLeft / 8) bytes" : "\(reader.bitsLeft) bits"
            throw fail(name, at: reader.position, "needs \(what), frame has \(left) left")
        }
    }

    /// Decodes one field, applying its condition, optionality and conversion; errors name the field.
    mutating func field(_ f: PlanField) throws(TelemetryDecodeError) -> TelemetryValue {
        for c in f.conditions where slots[c.slot] != c.equals { return .absent }
        let start = reader.position
        do {
            let raw = try value(f.kind, slot: f.slot, name: f.name)
            if calibrated, let conversion = f.conversion {
                if case .array = f.kind { return raw }  // converted element-wise already
                if case .structure = f.kind { return raw }
                return conversion.apply(raw)
            }
            return raw
        } catch {
            if f.optional {
                reader.position = start
                return .absent
            }
            throw error
        }
    }

    mutating func structure(_ fields: [PlanField], name: String) throws(TelemetryDecodeError) -> TelemetryValue {
        var nodes: [TelemetryNode] = []
        try structure(fields, name: name, into: &nodes)
        return .structure(nodes)
    }

    /// Decodes fields into `nodes`; on error `nodes` keeps the fields decoded before the failing one.
    mutating func structure(_ fields: [PlanField], name: String, into nodes: inout [TelemetryNode]) throws(TelemetryDecodeError) {
        nodes.reserveCapacity(fields.count)
        func prefixed(_ e: TelemetryDecodeError) -> TelemetryDecodeError {
            TelemetryDecodeError(field: name.isEmpty ? e.field : name + "." + e.field, bitOffset: e.bitOffset, problem: e.problem)
        }
        for f in fields {
            switch f.kind {
            case .padding, .constant:
                do { _ = try value(f.kind, slot: -1, name: f.name) } catch { throw prefixed(error) }
                continue
            default: break
            }
            do {
                let v = try field(f)
                if f.inline, case .structure(let inner) = v {
                    nodes.append(contentsOf: inner)
                } else if !(f.inline && v == .absent) {
                    nodes.append(TelemetryNode(name: f.name, value: v, unit: f.unit))
                }
            } catch { throw prefixed(error) }
        }
    }

    mutating func length(_ l: PlanLength, name: String) throws(TelemetryDecodeError) -> Int {
        switch l {
        case .fixed(let n): return n
        case .slot(let s):
            guard slots[s] >= 0 else { throw fail(name, at: reader.position, "negative length \(slots[s])") }
            return Int(clamping: slots[s])
        case .prefix(let bits, let endian):
            try need(bits, name)
            return Int(reader.read(bits: bits, endian: endian))
        case .remaining: return reader.bitsLeft / 8
        }
    }

    mutating func value(_ kind: PlanKind, slot: Int, name: String) throws(TelemetryDecodeError) -> TelemetryValue {
        switch kind {
        case .unsigned(let bits, let endian):
            try need(bits, name)
            let v = reader.read(bits: bits, endian: endian)
            if slot >= 0 { slots[slot] = Int64(truncatingIfNeeded: v) }
            return .unsigned(v)
        case .signed(let bits, let endian):
            try need(bits, name)
            let v = TelemetryBitReader.signExtend(reader.read(bits: bits, endian: endian), bits: bits)
            if slot >= 0 { slots[slot] = v }
            return .signed(v)
        case .float(let bits, let endian):
            try need(bits, name)
            let v = reader.read(bits: bits, endian: endian)
            return .real(bits == 32 ? Double(Float(bitPattern: UInt32(truncatingIfNeeded: v))) : Double(bitPattern: v))
        case .flag(let bits):
            try need(bits, name)
            let v = reader.read(bits: bits)
            if slot >= 0 { slots[slot] = v == 0 ? 0 : 1 }
            return .flag(v != 0)
        case .padding(let bits):
            try need(bits, name)
            reader.position += bits
            return .absent
        case .constant(let expected):
            try need(expected.count * 8, name)
            let start = reader.position
            let got = reader.readBytes(expected.count)
            if got != expected {
                reader.position = start
                throw fail(name, at: start, "expected \(TelemetryJSON.hex(expected)), found \(TelemetryJSON.hex(got))")
            }
            return .absent
        case .bytes(let l):
            let start = reader.position
            let n = try length(l, name: name)
            if n > reader.bitsLeft / 8 {
                let have = reader.bitsLeft / 8
                reader.position = start
                throw fail(name, at: start, "needs \(n) bytes, frame has \(have) left")
            }
            return .bytes(reader.readBytes(n))
        case .text(let l, let encoding):
            let start = reader.position
            let n = try length(l, name: name)
            if n > reader.bitsLeft / 8 {
                let have = reader.bitsLeft / 8
                reader.position = start
                throw fail(name, at: start, "needs \(n) bytes, frame has \(have) left")
            }
            return .text(Self.text(reader.readBytes(n), encoding))
        case .structure(let fields):
            return try structure(fields, name: name)
        case .array(let element, let elementSlot, let count, let conversion):
            return try array(element, elementSlot: elementSlot, count: count, conversion: conversion, name: name)
        case .choice(let s, let cases, let fallback):
            let key = slots[s]
            guard let chosen = cases[key] ?? fallback else {
                throw fail(name, at: reader.position, "no case for value \(key)")
            }
            return try value(chosen, slot: -1, name: name)
        case .select(let options):
            let start = reader.position
            var firstError: TelemetryDecodeError? = nil
            for o in options {
                do { return try value(o, slot: -1, name: name) } catch {
                    if firstError == nil { firstError = error }
                    reader.position = start
                }
            }
            throw firstError ?? fail(name, at: start, "no option fits")
        case .nothing:
            return .absent
        case .votedBits(let bits):
            try need(bits * 8, name)
            var v: UInt64 = 0
            for b in reader.readBytes(bits) { v = v << 1 | (b.nonzeroBitCount > 4 ? 1 : 0) }
            if slot >= 0 { slots[slot] = Int64(truncatingIfNeeded: v) }
            return .unsigned(v)
        case .closest(let length, let patterns):
            try need(length * 8, name)
            let got = reader.readBytes(length)
            var best = (index: 0, errors: Int.max)
            for (k, p) in patterns.enumerated() {
                var errors = 0
                for (a, b) in zip(got, p.bytes) { errors += (a ^ b).nonzeroBitCount }
                if errors < best.errors { best = (k, errors) }
            }
            return .structure([
                TelemetryNode(name: "match", value: .enumerated(raw: Int64(best.index), name: patterns[best.index].name)),
                TelemetryNode(name: "bit_errors", value: .unsigned(UInt64(best.errors))),
                TelemetryNode(name: "bit_error_rate", value: .real(Double(best.errors) / Double(length * 8))),
            ])
        case .asciiNumber:
            return try asciiNumber(slot: slot, name: name)
        }
    }

    mutating func array(_ element: PlanKind, elementSlot: Int, count: PlanCount, conversion: TelemetryConversion?,
                        name: String) throws(TelemetryDecodeError) -> TelemetryValue {
        var items: [TelemetryValue] = []
        var i = 0
        func next(_ run: inout PlanRun) throws(TelemetryDecodeError) -> TelemetryValue {
            do {
                let raw = try run.value(element, slot: elementSlot, name: "")
                if run.calibrated, let conversion { return conversion.apply(raw) }
                return raw
            } catch {
                let inner = error.field.isEmpty ? "" : (error.field.hasPrefix(".") ? error.field : "." + error.field)
                throw TelemetryDecodeError(field: "\(name)[\(i)]\(inner)", bitOffset: error.bitOffset, problem: error.problem)
            }
        }
        switch count {
        case .fixed(let n):
            items.reserveCapacity(n)
            while i < n { items.append(try next(&self)); i += 1 }
        case .slot(let s):
            let n = slots[s]
            guard n >= 0 && n <= Int64(reader.bitsLeft) else {
                throw fail(name, at: reader.position, "element count \(n) does not fit the frame")
            }
            while i < Int(n) { items.append(try next(&self)); i += 1 }
        case .until(let s, let maximum):
            while true {
                guard i < maximum else { throw fail(name, at: reader.position, "no last element within \(maximum) elements") }
                items.append(try next(&self))
                i += 1
                if slots[s] != 0 { break }
            }
        case .remaining:
            while reader.bitsLeft > 0 {
                let before = reader.position
                items.append(try next(&self))
                i += 1
                if reader.position == before { break }  // zero-width elements would never end
            }
        case .beforeZeroPadding:
            // Where the padding starts: after the last non-zero byte (at least where the list starts).
            let lastByte = reader.bytes.lastIndex { $0 != 0 } ?? -1
            let paddingStart = Swift.max((lastByte + 1) * 8, reader.position)
            while reader.position < paddingStart {
                let before = reader.position
                items.append(try next(&self))
                i += 1
                if reader.position == before { break }
            }
        }
        return .list(items)
    }

    /// Skips white space, then reads the token up to the next white space (or the end) as a number.
    mutating func asciiNumber(slot: Int, name: String) throws(TelemetryDecodeError) -> TelemetryValue {
        // NUL counts as white space too: text beacons are often padded with it.
        func isSpace(_ b: UInt8) -> Bool { b == 0x20 || b == 0 || (0x09...0x0D).contains(b) }
        let start = reader.position
        guard start % 8 == 0 else { throw fail(name, at: start, "an ASCII number must start on a byte boundary") }
        while reader.bitsLeft >= 8, isSpace(reader.bytes[reader.position >> 3]) { reader.position += 8 }
        let tokenStart = reader.position
        var token: [UInt8] = []
        while reader.bitsLeft >= 8, !isSpace(reader.bytes[reader.position >> 3]) { token.append(reader.readBytes(1)[0]) }
        let text = String(decoding: token.prefix(64), as: UTF8.self)
        // Decimal digits only (Swift would also take "inf", "nan" and hexadecimal floats).
        let plausible = !token.isEmpty && token.count <= 64 && token.allSatisfy { (0x30...0x39).contains($0) || "+-.eE".utf8.contains($0) }
        if plausible, let i = Int64(text) {
            if slot >= 0 { slots[slot] = i }
            return .signed(i)
        }
        if plausible, let d = Double(text), d.isFinite { return .real(d) }
        reader.position = start
        throw fail(name, at: tokenStart, token.isEmpty ? "expected an ASCII number, found the end of the frame"
                                                       : "expected an ASCII number, found '\(text)'")
    }

    static func text(_ bytes: [UInt8], _ encoding: TelemetryTextEncoding) -> String {
        switch encoding {
        case .ascii:
            var b = bytes
            while let last = b.last, last == 0 { b.removeLast() }
            return String(decoding: b, as: UTF8.self)
        case .ax25:
            let shifted = bytes.map { $0 >> 1 }
            var s = String(decoding: shifted, as: UTF8.self)
            while s.hasSuffix(" ") { s.removeLast() }
            while s.hasPrefix(" ") { s.removeFirst() }
            return s
        }
    }
}
