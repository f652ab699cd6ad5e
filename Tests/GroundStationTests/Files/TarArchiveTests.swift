import Foundation
import GroundStation
import Testing
import TestSupport

@Suite struct TarArchiveTests {
    @Test func writerAndReaderAgree() throws {
        let dir = try FilesTestDirectory()
        let p = dir.file("a.tar")
        let longDir = String(repeating: "d", count: 120)
        let t = try TarWriter(path: p)
        try t.add(name: "empty", bytes: [])
        try t.add(name: "one/512", bytes: [UInt8](repeating: 7, count: 512))
        try t.add(name: "\(longDir)/file.bin", bytes: [1, 2, 3])
        try t.finish()
        let a = try TarArchive(path: p)
        #expect(a.members.map(\.name) == ["empty", "one/512", "\(longDir)/file.bin"])
        #expect(a.members.map(\.size) == [0, 512, 3])
        #expect(a.members.map(\.dataOffset) == [512, 1024, 2048])
        #expect(a.member(named: "./one/512")?.size == 512)
        #expect(a.members(withSuffix: ".bin").count == 1)
        #expect(a.fileSize == 2048 + 512 + 1024)
    }

    @Test func readsSystemTarIfAvailable() throws {
        // Cross-check with GNU tar when present (pax/ustar headers written by another implementation).
        let tarPath = ["/usr/bin/tar", "/bin/tar"].first { FileManager.default.isExecutableFile(atPath: $0) }
        guard let tarPath else { return }
        let dir = try FilesTestDirectory()
        dir.write("rec.sigmf-meta", Array(#"{"global": {"core:datatype": "ri8", "core:sample_rate": 8000}}"#.utf8))
        dir.write("rec.sigmf-data", [0, 64, 0xC0, 127])
        // tar -C: the members are named relative to the folder.
        let tar = try ChildProcess.run([tarPath, "--format=pax", "-C", dir.path, "-cf", dir.file("rec.sigmf"), "rec.sigmf-meta", "rec.sigmf-data"], timeout: .seconds(60))
        #expect(tar.status == 0, "\(tar.stderr)")
        let src = try SampleFileSource.open(path: dir.file("rec.sigmf"))
        #expect(try TestSignal.readAll(src) == [0, 0.5, -0.5, 127.0 / 128])
    }

    func validArchive(_ dir: FilesTestDirectory) throws -> [UInt8] {
        let p = dir.file("ok.tar")
        let t = try TarWriter(path: p)
        try t.add(name: "x.sigmf-meta", bytes: Array(#"{"global": {"core:datatype": "cu8", "core:sample_rate": 1e6}}"#.utf8))
        try t.add(name: "x.sigmf-data", bytes: [0, 255])
        try t.finish()
        return Array(try #require(FileManager.default.contents(atPath: p)))
    }

    @Test func corruptHeaders() throws {
        let dir = try FilesTestDirectory()
        let good = try validArchive(dir)

        var flipped = good
        flipped[1024 + 3] ^= 0x20  // a name byte in the second header
        let p1 = dir.write("flip.sigmf", flipped)
        #expect(fileErrorText { try SampleFileSource.open(path: p1) }.hasPrefix(
            "\(p1): corrupt tar header at byte 1024: header checksum mismatch"))

        var badSum = good
        badSum[148] = UInt8(ascii: "9")
        let p2 = dir.write("sum.sigmf", badSum)
        #expect(fileErrorText { try SampleFileSource.open(path: p2) } == "\(p2): corrupt tar header at byte 148: checksum field is not octal")

        let p3 = dir.write("short.sigmf", Array(good[0..<(1024 + 100)]))
        #expect(fileErrorText { try SampleFileSource.open(path: p3) } ==
                "\(p3): corrupt tar header at byte 1024: header block truncated (100 of 512 bytes)")

        let p4 = dir.write("text.sigmf", Array(String(repeating: "not a tar file\n", count: 40).utf8))
        #expect(fileErrorText { try SampleFileSource.open(path: p4) }.hasPrefix("\(p4): corrupt tar header at byte 148"))

        let p5 = dir.write("empty.sigmf", [])
        #expect(fileErrorText { try SampleFileSource.open(path: p5) } == "\(p5): archive has no member *.sigmf-meta")
    }

    @Test func base256AndOctalFields() throws {
        let dir = try FilesTestDirectory()
        var good = try validArchive(dir)
        // Rewrite the data member size (2) in GNU base-256 form and fix its checksum.
        let h = 1024
        for i in 124..<136 { good[h + i] = 0 }
        good[h + 124] = 0x80
        good[h + 135] = 2
        for i in 148..<156 { good[h + i] = UInt8(ascii: " ") }
        let sum = good[h..<(h + 512)].reduce(0) { $0 + Int($1) }
        let digits = Array(String(sum, radix: 8).utf8)
        for i in 0..<6 { good[h + 148 + i] = i < 6 - digits.count ? UInt8(ascii: "0") : digits[i - (6 - digits.count)] }
        good[h + 154] = 0
        let p = dir.write("b256.sigmf", good)
        let src = try SampleFileSource.open(path: p)
        #expect(try TestSignal.readAll(src) == [-1, 1])
    }
}
