/// A minimal streaming reader for ustar (POSIX.1-1988 / pax / GNU) tar archives: it walks the 512-byte
/// headers, skipping member data with positional reads, and records where each regular file's data
/// lies, so a member can then be streamed straight from the archive. Nothing is extracted or loaded.
///
/// Understood: regular files (type '0' or NUL), the ustar name prefix, pax extended headers ('x') for
/// `path` and `size`, GNU long names ('L'), and base-256 sizes. Other entry types are listed but have
/// no data of interest. Headers are checked with their checksum.
public struct TarArchive: Sendable {
    public struct Member: Sendable, Hashable {
        public var name: String
        /// The type flag character ('0' for a regular file).
        public var type: Character
        /// Archive offset of the member's header.
        public var headerOffset: Int
        /// Archive offset of the member's first data byte.
        public var dataOffset: Int
        public var size: Int

        public var isRegularFile: Bool { type == "0" || type == "\0" || type == "7" }
    }

    public let path: String
    public let members: [Member]
    /// The archive size when it was scanned.
    public let fileSize: Int

    /// Scans the headers of the archive at `path`.
    public init(path: String) throws(SampleFileError) {
        try self.init(file: RandomAccessFile(path: path))
    }

    init(file: RandomAccessFile) throws(SampleFileError) {
        path = file.path
        fileSize = try file.size()
        var list: [Member] = []
        var offset = 0
        var paxPath: String? = nil
        var paxSize: Int? = nil
        var longName: String? = nil
        let maxMetadataMember = 1 << 20
        while true {
            let h = try file.bytes(at: offset, count: 512)
            if h.isEmpty { break }  // end of file without the two zero blocks: accepted
            guard h.count == 512 else {
                throw .corruptArchive(path: path, offset: offset, reason: "header block truncated (\(h.count) of 512 bytes)")
            }
            if h.allSatisfy({ $0 == 0 }) { break }  // end-of-archive marker
            guard let stored = Self.octal(h[148..<156]) else {
                throw .corruptArchive(path: path, offset: offset + 148, reason: "checksum field is not octal")
            }
            var sum = 0
            for (i, b) in h.enumerated() { sum += (148..<156).contains(i) ? 32 : Int(b) }
            guard sum == stored else {
                throw .corruptArchive(path: path, offset: offset, reason: "header checksum mismatch (stored \(stored), computed \(sum))")
            }
            guard var size = Self.number(h[124..<136]) else {
                throw .corruptArchive(path: path, offset: offset + 124, reason: "size field is not a number")
            }
            let type = Character(Unicode.Scalar(h[156]))
            var name = Self.string(h[0..<100])
            if h[257..<262].elementsEqual("ustar".utf8) {
                let prefix = Self.string(h[345..<500])
                if !prefix.isEmpty { name = prefix + "/" + name }
            }
            let dataOffset = offset + 512
            if let p = paxPath { name = p }
            if let l = longName { name = l }
            if let s = paxSize { size = s }
            let next = dataOffset + (size + 511) / 512 * 512

            switch type {
            case "x", "g", "L":
                guard size <= maxMetadataMember else {
                    throw .corruptArchive(path: path, offset: offset + 124, reason: "extended header of \(size) bytes is too large")
                }
                let body = try file.bytes(at: dataOffset, count: size)
                guard body.count == size else {
                    throw .corruptArchive(path: path, offset: dataOffset, reason: "extended header data truncated")
                }
                if type == "L" {
                    longName = Self.string(body[...])
                } else if type == "x" {
                    try Self.parsePax(body, path: path, offset: dataOffset, name: &paxPath, size: &paxSize)
                }
            default:
                list.append(Member(name: name, type: type, headerOffset: offset, dataOffset: dataOffset, size: size))
                paxPath = nil
                paxSize = nil
                longName = nil
            }
            offset = next
        }
        members = list
    }

    /// The first regular-file member with exactly this name (a leading "./" is ignored).
    public func member(named name: String) -> Member? {
        func norm(_ s: String) -> String { s.hasPrefix("./") ? String(s.dropFirst(2)) : s }
        return members.first { $0.isRegularFile && norm($0.name) == norm(name) }
    }

    /// Regular-file members whose names end with `suffix`, in archive order.
    public func members(withSuffix suffix: String) -> [Member] {
        members.filter { $0.isRegularFile && $0.name.hasSuffix(suffix) }
    }

    // MARK: header fields

    static func string(_ bytes: ArraySlice<UInt8>) -> String {
        let end = bytes.firstIndex(of: 0) ?? bytes.endIndex
        return String(decoding: bytes[bytes.startIndex..<end], as: UTF8.self)
    }

    /// An octal field (NUL/space padded); nil when it holds anything else.
    static func octal(_ bytes: ArraySlice<UInt8>) -> Int? {
        var v = 0
        var seen = false
        for b in bytes {
            switch b {
            case UInt8(ascii: "0")...UInt8(ascii: "7"):
                guard v < (Int.max >> 4) else { return nil }
                v = v * 8 + Int(b - UInt8(ascii: "0"))
                seen = true
            case 0, UInt8(ascii: " "):
                if seen { return v }
            default:
                return nil
            }
        }
        return seen ? v : 0
    }

    /// A numeric field: octal, or GNU base-256 when the top bit of the first byte is set.
    static func number(_ bytes: ArraySlice<UInt8>) -> Int? {
        guard let first = bytes.first else { return nil }
        if first & 0x80 != 0 {
            guard first & 0x40 == 0 else { return nil }  // negative
            var v = Int(first & 0x3F)
            for b in bytes.dropFirst() {
                guard v < (Int.max >> 9) else { return nil }
                v = v << 8 | Int(b)
            }
            return v
        }
        return octal(bytes)
    }

    /// pax records: "<len> <key>=<value>\n".
    static func parsePax(_ body: [UInt8], path: String, offset: Int, name: inout String?, size: inout Int?) throws(SampleFileError) {
        var i = 0
        while i < body.count {
            guard let sp = body[i...].firstIndex(of: UInt8(ascii: " ")),
                  let len = Int(String(decoding: body[i..<sp], as: UTF8.self)), len > 0, i + len <= body.count
            else {
                throw .corruptArchive(path: path, offset: offset + i, reason: "malformed pax record")
            }
            let record = body[(sp + 1)..<(i + len)]
            if let eq = record.firstIndex(of: UInt8(ascii: "=")) {
                let key = String(decoding: record[record.startIndex..<eq], as: UTF8.self)
                var value = record[(eq + 1)...]
                if value.last == UInt8(ascii: "\n") { value = value.dropLast() }
                let text = String(decoding: value, as: UTF8.self)
                if key == "path" { name = text }
                if key == "size" {
                    guard let s = Int(text), s >= 0 else {
                        throw .corruptArchive(path: path, offset: offset + i, reason: "pax size \"\(text)\" is not a number")
                    }
                    size = s
                }
            }
            i += len
        }
    }
}
