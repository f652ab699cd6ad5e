import Foundation
import TelemetryDecode
import Testing
import TestSupport

@Suite(.computeThreads) struct KISSTests {
    static func decode(_ bytes: [UInt8], chunk: Int = .max) -> [KISSDecoder.Event] {
        var d = KISSDecoder(maximumFrameBytes: 1000)
        var events: [KISSDecoder.Event] = []
        var i = 0
        while i < bytes.count {
            d.process(Array(bytes[i..<min(bytes.count, i + chunk)]), into: &events)
            i += chunk
        }
        d.finish(into: &events)
        return events
    }

    @Test func escapingRoundTrip() {
        let payload: [UInt8] = [0xC0, 0xDB, 0xDC, 0xDD, 0x00, 0xC0, 0xC0]
        let encoded = KISSEncoder.encode(KISSFrame(port: 3, payload: payload))
        #expect(encoded == [0xC0, 0x30, 0xDB, 0xDC, 0xDB, 0xDD, 0xDC, 0xDD, 0x00, 0xDB, 0xDC, 0xDB, 0xDC, 0xC0])
        let events = Self.decode(encoded)
        #expect(events == [.frame(KISSFrame(port: 3, payload: payload, offset: 0))])
    }

    @Test func backToBackFENDsAreNotFramesAndLeadingGarbageIsIgnored() {
        let bytes: [UInt8] = [0x11, 0x22, 0xC0, 0xC0, 0xC0, 0x00, 0x41, 0xC0, 0xC0, 0x00, 0x42, 0xC0]
        let frames = Self.decode(bytes).compactMap { if case .frame(let f) = $0 { f.payload } else { nil } }
        #expect(frames == [[0x41], [0x42]])
    }

    @Test func overlongFramesAreDroppedWithAnError() {
        var bytes: [UInt8] = [0xC0, 0x00] + [UInt8](repeating: 1, count: 1500) + [0xC0]
        bytes += [0x00, 0x07, 0xC0]
        let events = Self.decode(bytes)
        #expect(events == [.error(.frameTooLong(offset: 0, limit: 1000)), .frame(KISSFrame(payload: [7], offset: 1502))])
    }

    @Test func invalidEscapeAndTruncationAreReported() {
        let events = Self.decode([0xC0, 0x00, 0xDB, 0x41, 0x42, 0xC0, 0x00, 0x43])
        #expect(events == [.error(.invalidEscape(offset: 3, byte: 0x41)), .error(.truncatedFrame(offset: 5))])
    }

    @Test func timestampFrames() {
        let t = KISSFrame.timestamp(milliseconds: 1_700_000_000_123)
        #expect(t.command == 9 && t.payload.count == 8)
        #expect(t.timestampMilliseconds == 1_700_000_000_123)
        let events = Self.decode(KISSEncoder.encode(t))
        guard case .frame(let f) = events.first else {
            Issue.record("no frame")
            return
        }
        #expect(f.timestampMilliseconds == 1_700_000_000_123)
    }

    /// Every reference KISS file in shared/recordings/expected decodes to exactly its frames.tsv rows,
    /// for whole-buffer and 1-byte and 7-byte chunking.
    @Test func sharedReferenceKISSFilesMatchFramesTables() throws {
        let dir = SharedData.root.appendingPathComponent("recordings/expected")
        let names = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasSuffix(".kiss") }.sorted()
        #expect(names.count >= 40)
        var checked = 0
        for name in names {
            let base = String(name.dropLast(5))
            let kiss = try [UInt8](Data(contentsOf: dir.appendingPathComponent(name)))
            let rows = try SharedData.tsvRows("recordings/expected/\(base).frames.tsv").dropFirst()
            let expected = rows.map { Hex.bytes($0[5]) }
            for chunk in [Int.max, 1, 7] {
                let events = Self.decode(kiss, chunk: chunk)
                let frames = events.compactMap { if case .frame(let f) = $0 { f.payload } else { nil } }
                #expect(frames == expected, "\(name) chunk \(chunk)")
                #expect(!events.contains { if case .error = $0 { true } else { false } }, "\(name)")
            }
            checked += expected.count
        }
        #expect(checked > 300)
    }
}
