import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// The forwarder's persistent outbox: an append-only journal of JSON lines in the data directory.
///
/// `add` appends one entry per endpoint and fsyncs before returning, so an acknowledged frame survives
/// a crash; `markDelivered` appends a "done" line (also fsync'd) after the endpoint answered 2xx.
/// On open, the journal is replayed: entries without a "done" line are pending again. A torn last line
/// (a crash in the middle of a write, never acknowledged) is cut off; any other unreadable line is an
/// error naming the file and byte offset. When nothing is pending the journal is truncated, and when
/// delivered entries dominate it is rewritten (temporary file, fsync, rename) to keep it small.
///
/// Not thread-safe: one owner (`SiDSForwarder`) uses it.
final class SiDSOutbox {
    struct Entry: Codable, Equatable {
        var id: UInt64
        var endpoint: String
        var report: SiDSReport
    }

    private struct Line: Codable {
        var add: Entry?
        var done: UInt64?
    }

    let path: String
    private var fd: Int32
    private var pendingByID: [UInt64: Entry] = [:]
    private var nextID: UInt64 = 1
    /// "done" lines in the journal since it was last rewritten.
    private var doneLines = 0
    /// Entries cut off as torn when the journal was opened.
    private(set) var tornLinesDropped = 0

    init(path: String) throws(SiDSOutboxError) {
        self.path = path
        let directory = (path as NSString).deletingLastPathComponent
        do {
            try FileManager.default.createDirectory(atPath: directory.isEmpty ? "." : directory, withIntermediateDirectories: true)
        } catch {
            throw .io(path: directory, operation: "create directory", message: "\(error)")
        }
        fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw .io(path: path, operation: "open", message: Self.errnoText()) }
        do {
            try replay()
            try Self.syncDirectory(of: path)
        } catch {
            close(fd)
            throw error
        }
    }

    deinit { close(fd) }

    var depth: Int { pendingByID.count }

    /// Pending entries, oldest first.
    var pending: [Entry] { pendingByID.values.sorted { $0.id < $1.id } }

    /// The oldest pending entry for `endpoint`.
    func next(for endpoint: String) -> Entry? {
        pendingByID.values.filter { $0.endpoint == endpoint }.min { $0.id < $1.id }
    }

    /// Durably adds `report` once per endpoint; returns the new entries.
    @discardableResult
    func add(_ report: SiDSReport, endpoints: [String]) throws(SiDSOutboxError) -> [Entry] {
        var entries: [Entry] = []
        var text = Data()
        for endpoint in endpoints {
            let entry = Entry(id: nextID, endpoint: endpoint, report: report)
            nextID += 1
            entries.append(entry)
            text += try Self.encode(Line(add: entry, done: nil), path: path)
        }
        try append(text)
        for entry in entries { pendingByID[entry.id] = entry }
        return entries
    }

    /// Durably records that entry `id` reached its endpoint.
    func markDelivered(_ id: UInt64) throws(SiDSOutboxError) {
        guard pendingByID.removeValue(forKey: id) != nil else { return }
        if pendingByID.isEmpty {
            try truncate()
            return
        }
        try append(try Self.encode(Line(add: nil, done: id), path: path))
        doneLines += 1
        if doneLines > 1024 && doneLines > 4 * pendingByID.count { try rewrite() }
    }

    // MARK: - Journal

    private func replay() throws(SiDSOutboxError) {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw .io(path: path, operation: "read", message: "\(error)")
        }
        let bytes = [UInt8](data)
        var start = 0
        var maxID: UInt64 = 0
        var dones = 0
        let decoder = JSONDecoder()
        while start < bytes.count {
            guard let newline = bytes[start...].firstIndex(of: 0x0A) else {
                // A torn final write: it was never acknowledged. Cut it off so appends start clean.
                tornLinesDropped = 1
                guard ftruncate(fd, off_t(start)) == 0, fsync(fd) == 0 else {
                    throw .io(path: path, operation: "truncate torn line", message: Self.errnoText())
                }
                break
            }
            let line: Line
            do {
                line = try decoder.decode(Line.self, from: Data(bytes[start..<newline]))
            } catch {
                throw .corrupt(path: path, offset: start, message: "\(error)")
            }
            if let entry = line.add {
                pendingByID[entry.id] = entry
                maxID = max(maxID, entry.id)
            } else if let id = line.done {
                pendingByID.removeValue(forKey: id)
                dones += 1
            } else {
                throw .corrupt(path: path, offset: start, message: "line has neither add nor done")
            }
            start = newline + 1
        }
        nextID = maxID + 1
        doneLines = dones
        guard lseek(fd, 0, SEEK_END) >= 0 else { throw .io(path: path, operation: "seek", message: Self.errnoText()) }
        if pendingByID.isEmpty && start > 0 { try truncate() }
    }

    private func append(_ data: Data) throws(SiDSOutboxError) {
        let ok = data.withUnsafeBytes { raw -> Bool in
            var done = 0
            while done < raw.count {
                let n = write(fd, raw.baseAddress! + done, raw.count - done)
                if n < 0 && errno == EINTR { continue }
                if n <= 0 { return false }
                done += n
            }
            return true
        }
        guard ok else { throw .io(path: path, operation: "write", message: Self.errnoText()) }
        guard fsync(fd) == 0 else { throw .io(path: path, operation: "fsync", message: Self.errnoText()) }
    }

    private func truncate() throws(SiDSOutboxError) {
        guard ftruncate(fd, 0) == 0, lseek(fd, 0, SEEK_SET) == 0, fsync(fd) == 0 else {
            throw .io(path: path, operation: "truncate", message: Self.errnoText())
        }
        doneLines = 0
    }

    /// Writes the pending entries to a new journal and renames it over the old one.
    private func rewrite() throws(SiDSOutboxError) {
        let temporary = path + ".rewrite"
        var text = Data()
        for entry in pending { text += try Self.encode(Line(add: entry, done: nil), path: path) }
        let newFD = open(temporary, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard newFD >= 0 else { throw .io(path: temporary, operation: "open", message: Self.errnoText()) }
        let old = fd
        fd = newFD
        do {
            try append(text)
        } catch {
            close(newFD)
            fd = old
            unlink(temporary)
            throw error
        }
        guard rename(temporary, path) == 0 else {
            let message = Self.errnoText()
            close(newFD)
            fd = old
            unlink(temporary)
            throw .io(path: path, operation: "rename", message: message)
        }
        close(old)
        doneLines = 0
        try Self.syncDirectory(of: path)
    }

    private static func encode(_ line: Line, path: String) throws(SiDSOutboxError) -> Data {
        do {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            return try encoder.encode(line) + Data([0x0A])
        } catch {
            throw .io(path: path, operation: "encode", message: "\(error)")
        }
    }

    /// Makes a new or renamed file's directory entry durable.
    private static func syncDirectory(of path: String) throws(SiDSOutboxError) {
        let directory = (path as NSString).deletingLastPathComponent
        let dfd = open(directory.isEmpty ? "." : directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard dfd >= 0 else { throw .io(path: directory, operation: "open directory", message: errnoText()) }
        defer { close(dfd) }
        guard fsync(dfd) == 0 else { throw .io(path: directory, operation: "fsync directory", message: errnoText()) }
    }

    static func errnoText() -> String { String(cString: strerror(errno)) }
}

public enum SiDSOutboxError: Error, Equatable, CustomStringConvertible {
    case io(path: String, operation: String, message: String)
    case corrupt(path: String, offset: Int, message: String)

    public var description: String {
        switch self {
        case .io(let path, let operation, let message): return "SiDS outbox \(path): \(operation) failed: \(message)"
        case .corrupt(let path, let offset, let message): return "SiDS outbox \(path) is corrupt at byte \(offset): \(message)"
        }
    }
}
