/// Writes a plain ustar archive of regular files (for SigMF `.sigmf` archives and test fixtures).
/// Member data is copied in bounded chunks from existing files or written from memory.
public final class TarWriter {
    public let path: String
    private let sink: FileSink
    private var finished = false

    public init(path: String) throws(SampleFileError) {
        self.path = path
        sink = try FileSink(path: path)
    }

    /// Adds a member with the given bytes.
    public func add(name: String, bytes: [UInt8], mode: Int = 0o644, modificationTime: Int = 0) throws(SampleFileError) {
        try sink.append(try header(name: name, size: bytes.count, mode: mode, mtime: modificationTime))
        try sink.append(bytes)
        try pad(bytes.count)
    }

    /// Adds a member whose data is the file at `sourcePath`, streamed in chunks.
    public func add(name: String, contentsOf sourcePath: String, mode: Int = 0o644, modificationTime: Int = 0) throws(SampleFileError) {
        let src = try RandomAccessFile(path: sourcePath)
        let size = try src.size()
        try sink.append(try header(name: name, size: size, mode: mode, mtime: modificationTime))
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        var done = 0
        while done < size {
            let want = min(buffer.count, size - done)
            let n = try buffer.withUnsafeMutableBytes { raw in
                Result { () throws(SampleFileError) -> Int in
                    try src.read(at: done, into: UnsafeMutableRawBufferPointer(rebasing: raw[0..<want]))
                }
            }.get()
            guard n == want else {
                throw .file(.readFailed(path: sourcePath, offset: done + n, reason: "file shrank while archiving"))
            }
            try buffer.withUnsafeBytes { raw in
                Result { () throws(SampleFileError) in try sink.append(UnsafeRawBufferPointer(rebasing: raw[0..<n])) }
            }.get()
            done += n
        }
        try pad(size)
    }

    /// Writes the two zero blocks that end the archive and closes the file.
    public func finish() throws(SampleFileError) {
        guard !finished else { return }
        finished = true
        try sink.append([UInt8](repeating: 0, count: 1024))
        try sink.close()
    }

    private func pad(_ size: Int) throws(SampleFileError) {
        let r = size % 512
        if r != 0 { try sink.append([UInt8](repeating: 0, count: 512 - r)) }
    }

    /// A ustar header; the name goes into name/prefix (at most 100 + 155 bytes).
    func header(name: String, size: Int, mode: Int, mtime: Int) throws(SampleFileError) -> [UInt8] {
        var h = [UInt8](repeating: 0, count: 512)
        let utf8 = Array(name.utf8)
        var namePart = utf8[...]
        var prefixPart: ArraySlice<UInt8> = []
        if utf8.count > 100 {
            // Split at a '/' so that the prefix fits 155 bytes and the rest 100.
            guard let cut = utf8.indices.last(where: { utf8[$0] == UInt8(ascii: "/") && $0 <= 155 && utf8.count - $0 - 1 <= 100 }) else {
                throw .invalidUse(path: path, reason: "tar member name too long for ustar: \(name)")
            }
            prefixPart = utf8[..<cut]
            namePart = utf8[(cut + 1)...]
        }
        func put(_ bytes: some Collection<UInt8>, at offset: Int) {
            for (i, b) in bytes.enumerated() { h[offset + i] = b }
        }
        func putOctal(_ value: Int, at offset: Int, width: Int) {
            let digits = String(value, radix: 8)
            let padded = String(repeating: "0", count: max(0, width - 1 - digits.count)) + digits
            put(padded.utf8, at: offset)  // followed by the NUL already there
        }
        guard size < 0o77777777777 else { throw .invalidUse(path: path, reason: "tar member \(name) too large") }
        put(namePart, at: 0)
        putOctal(mode, at: 100, width: 8)
        putOctal(0, at: 108, width: 8)
        putOctal(0, at: 116, width: 8)
        putOctal(size, at: 124, width: 12)
        putOctal(mtime, at: 136, width: 12)
        h[156] = UInt8(ascii: "0")
        put("ustar".utf8, at: 257)
        put("00".utf8, at: 263)
        put(prefixPart, at: 345)
        for i in 148..<156 { h[i] = UInt8(ascii: " ") }
        let sum = h.reduce(0) { $0 + Int($1) }
        putOctal(sum, at: 148, width: 7)  // six digits, then NUL and space
        h[154] = 0
        h[155] = UInt8(ascii: " ")
        return h
    }
}
