import Foundation
import GroundStation
import TelemetryDecode
import Testing

@Suite struct SigMFReaderTests {
    static func iq(_ format: SampleFormat, count: Int) -> [ComplexSample] {
        let scalars: [Float]
        switch format.encoding {
        case .u8: scalars = TestSignal.quantised(count: 2 * count, lo: 0, hi: 255, scale: 1).map { ($0 - 127.5) / 127.5 }
        case .s8: scalars = TestSignal.quantised(count: 2 * count, lo: -128, hi: 127, scale: 128)
        case .s16: scalars = TestSignal.quantised(count: 2 * count, lo: -32768, hi: 32767, scale: 32768)
        default: scalars = TestSignal.quantised(count: 2 * count, lo: -1_000_000, hi: 1_000_000, scale: 1_000_000)
        }
        return TestSignal.complex(scalars)
    }

    @Test(arguments: [SampleFormat.cu8, .cs8, .cs16, .cf32])
    func complexRoundTrip(format: SampleFormat) throws {
        let dir = try FilesTestDirectory()
        let base = dir.file("rec-\(format)")
        let samples = Self.iq(format, count: 10_007)
        let start = Date(timeIntervalSince1970: 1_700_000_000.25)
        let w = try SigMFWriter(basePath: base, format: format, sampleRate: 2_048_000, frequency: 437.5e6, datetime: start)
        try w.write(Array(samples[0..<5000]))
        try w.write(Array(samples[5000...]))
        try w.finish()
        // Any of the three names opens it.
        for p in [base + ".sigmf-meta", base + ".sigmf-data"] {
            let src = try SampleFileSource.open(path: p)
            #expect(src.kind == .sigmf)
            #expect(src.isComplex)
            #expect(src.format == format)
            #expect(src.sampleRate == 2_048_000)
            #expect(src.centerFrequency == 437.5e6)
            #expect(src.startTime == start)
            #expect(src.totalSamples == samples.count)
            var got: [ComplexSample] = []
            while let b = try src.read(maxSamples: 4096) { got += b.complexSamples ?? [] }
            #expect(got == samples)
        }
        let direct = try SigMFReader.open(path: base)
        #expect(direct.sigmf?.datatype == SigMFWriter.datatype(for: format))
    }

    @Test func realDatatypes() throws {
        let dir = try FilesTestDirectory()
        for format in [SampleFormat.u8, .s16, .f32] {
            let base = dir.file("audio-\(format)")
            let v = TestSignal.quantised(count: 999, lo: -32768, hi: 32767, scale: 32768).map { format == .u8 ? (($0 * 127.5).rounded() / 127.5) : $0 }
            let w = try SigMFWriter(basePath: base, format: format, sampleRate: 48_000)
            try w.write(v)
            try w.finish()
            let src = try SampleFileSource.open(path: base + ".sigmf-meta")
            #expect(!src.isComplex)
            #expect(src.centerFrequency == nil && src.startTime == nil)
            let back = try TestSignal.readAll(src)
            #expect(back.count == v.count)
            #expect(zip(back, v).allSatisfy { abs($0 - $1) <= (format == .u8 ? 1.0 / 127.5 : 0) }, "\(format)")
            let e = fileErrorText { try SampleFileSource.open(path: base + ".sigmf-meta", iq: true) }
            #expect(e.contains("--iq") && e.contains("is real"))
        }
    }

    @Test func archiveRoundTrip() throws {
        let dir = try FilesTestDirectory()
        let base = dir.file("pass-2024")
        let samples = Self.iq(.cs16, count: 3001)
        let w = try SigMFWriter(basePath: base, format: .cs16, sampleRate: 250_000, frequency: 145.825e6)
        try w.write(samples)
        try w.finish()
        let archive = dir.file("pass-2024.sigmf")
        try SigMFWriter.makeArchive(basePath: base, archivePath: archive)
        let tar = try TarArchive(path: archive)
        #expect(tar.members.map(\.name) == ["pass-2024/pass-2024.sigmf-meta", "pass-2024/pass-2024.sigmf-data"])
        let src = try SampleFileSource.open(path: archive)
        #expect(src.kind == .sigmfArchive)
        #expect(src.sampleRate == 250_000)
        #expect(src.centerFrequency == 145.825e6)
        #expect(src.totalSamples == samples.count)
        #expect(src.dataOffset % 512 == 0)
        var got: [ComplexSample] = []
        while let b = try src.read(maxSamples: 1000) { got += b.complexSamples ?? [] }
        #expect(got == samples)
        #expect(src.warnings.isEmpty)
    }

    func writeMeta(_ dir: FilesTestDirectory, _ name: String, _ json: String, data: [UInt8]? = [0, 0, 0, 0]) -> String {
        let meta = dir.write(name + ".sigmf-meta", Array(json.utf8))
        if let d = data { dir.write(name + ".sigmf-data", d) }
        return meta
    }

    @Test func metadataErrorsNameTheField() throws {
        let dir = try FilesTestDirectory()
        let noRate = writeMeta(dir, "x", #"{"global": {"core:datatype": "cf32_le", "core:version": "1.0.0"}, "captures": []}"#)
        #expect(fileErrorText { try SampleFileSource.open(path: noRate) } == "\(noRate): global.core:sample_rate is missing")

        let unknown = writeMeta(dir, "u", #"{"global": {"core:datatype": "cf64_be", "core:sample_rate": 1e6}}"#)
        #expect(fileErrorText { try SampleFileSource.open(path: unknown) }.hasPrefix(
            "\(unknown): global.core:datatype: unsupported datatype \"cf64_be\" (supported: cu8, ci8, ci16_le"))

        let noType = writeMeta(dir, "t", #"{"global": {"core:sample_rate": 1e6}}"#)
        #expect(fileErrorText { try SampleFileSource.open(path: noType) } == "\(noType): global.core:datatype is missing")

        let noGlobal = writeMeta(dir, "g", #"{"captures": []}"#)
        #expect(fileErrorText { try SampleFileSource.open(path: noGlobal) } == "\(noGlobal): global is missing")

        let badRate = writeMeta(dir, "r", #"{"global": {"core:datatype": "cu8", "core:sample_rate": "fast"}}"#)
        #expect(fileErrorText { try SampleFileSource.open(path: badRate) } == "\(badRate): global.core:sample_rate: expected a number")

        let zeroRate = writeMeta(dir, "z", #"{"global": {"core:datatype": "cu8", "core:sample_rate": 0}}"#)
        #expect(fileErrorText { try SampleFileSource.open(path: zeroRate) } == "\(zeroRate): global.core:sample_rate: 0.0 is not a positive sample rate")
        let hugeRate = writeMeta(dir, "h", #"{"global": {"core:datatype": "cu8", "core:sample_rate": 1e12}}"#)
        #expect(fileErrorText { try SampleFileSource.open(path: hugeRate) } ==
                "\(hugeRate): global.core:sample_rate: 1000000000000.0 Hz is above the 100 MHz gsd decodes")

        let badFreq = writeMeta(dir, "f", #"{"global": {"core:datatype": "cu8", "core:sample_rate": 1}, "captures": [{"core:sample_start": 0, "core:frequency": "x"}]}"#)
        #expect(fileErrorText { try SampleFileSource.open(path: badFreq) } == "\(badFreq): captures[0].core:frequency: expected a number")

        let badDate = writeMeta(dir, "d", #"{"global": {"core:datatype": "cu8", "core:sample_rate": 1}, "captures": [{"core:sample_start": 0, "core:datetime": "yesterday"}]}"#)
        #expect(fileErrorText { try SampleFileSource.open(path: badDate) } == "\(badDate): captures[0].core:datetime: \"yesterday\" is not an ISO 8601 date-time")

        let channels = writeMeta(dir, "c", #"{"global": {"core:datatype": "cu8", "core:sample_rate": 1, "core:num_channels": 2}}"#)
        #expect(fileErrorText { try SampleFileSource.open(path: channels) } == "\(channels): global.core:num_channels: 2 channels; only 1 is supported")

        let notJSON = writeMeta(dir, "j", "{global: ")
        #expect(fileErrorText { try SampleFileSource.open(path: notJSON) } == "\(notJSON): file: not valid JSON")
    }

    @Test func capturesAreParsed() throws {
        let dir = try FilesTestDirectory()
        let meta = writeMeta(dir, "caps", """
            {"global": {"core:datatype": "ci16_le", "core:sample_rate": 96000, "core:hw": "RTL-SDR"},
             "captures": [{"core:sample_start": 500, "core:frequency": 2.0e6},
                          {"core:sample_start": 0, "core:frequency": 1.0e6, "core:datetime": "2021-03-04T05:06:07Z"}],
             "annotations": [{"core:sample_start": 0, "core:sample_count": 1, "x:anything": [1, {"a": null}]}]}
            """)
        let src = try SampleFileSource.open(path: meta)
        #expect(src.centerFrequency == 1.0e6)
        #expect(src.startTime == Date(timeIntervalSince1970: 1_614_834_367))
        #expect(src.sigmf?.captures.map(\.sampleStart) == [0, 500])
        #expect(src.sigmf?.hardware == "RTL-SDR")
        #expect(src.totalSamples == 1)
    }

    @Test func missingDataFile() throws {
        let dir = try FilesTestDirectory()
        let meta = writeMeta(dir, "lonely", #"{"global": {"core:datatype": "cu8", "core:sample_rate": 1e6}}"#, data: nil)
        #expect(fileErrorText { try SampleFileSource.open(path: meta) } ==
                "\(dir.file("lonely.sigmf-data")): cannot open: No such file or directory")
        let missingMeta = dir.file("nothing.sigmf-meta")
        #expect(fileErrorText { try SampleFileSource.open(path: missingMeta) } == "\(missingMeta): cannot open: No such file or directory")
    }

    @Test func archiveWithMissingMembers() throws {
        let dir = try FilesTestDirectory()
        let onlyMeta = dir.file("m.sigmf")
        let t1 = try TarWriter(path: onlyMeta)
        try t1.add(name: "r/r.sigmf-meta", bytes: Array(#"{"global": {"core:datatype": "cu8", "core:sample_rate": 1e6}}"#.utf8))
        try t1.add(name: "r/other.sigmf-data", bytes: [1, 2])
        try t1.finish()
        #expect(fileErrorText { try SampleFileSource.open(path: onlyMeta) } == "\(onlyMeta): archive has no member r/r.sigmf-data")

        let onlyData = dir.file("d.sigmf")
        let t2 = try TarWriter(path: onlyData)
        try t2.add(name: "r/r.sigmf-data", bytes: [1, 2])
        try t2.finish()
        #expect(fileErrorText { try SampleFileSource.open(path: onlyData) } == "\(onlyData): archive has no member *.sigmf-meta")

        let badMeta = dir.file("b.sigmf")
        let t3 = try TarWriter(path: badMeta)
        try t3.add(name: "r/r.sigmf-meta", bytes: Array(#"{"global": {"core:datatype": "cu8"}}"#.utf8))
        try t3.add(name: "r/r.sigmf-data", bytes: [1, 2])
        try t3.finish()
        #expect(fileErrorText { try SampleFileSource.open(path: badMeta) } == "\(badMeta):r/r.sigmf-meta: global.core:sample_rate is missing")
    }

    @Test func truncatedArchiveDataWarns() throws {
        let dir = try FilesTestDirectory()
        let archive = dir.file("t.sigmf")
        let t = try TarWriter(path: archive)
        try t.add(name: "r/r.sigmf-meta", bytes: Array(#"{"global": {"core:datatype": "cu8", "core:sample_rate": 1e6}}"#.utf8))
        try t.add(name: "r/r.sigmf-data", bytes: [UInt8](repeating: 128, count: 1000))
        try t.finish()
        // Cut the archive inside the data member.
        let full = try #require(FileManager.default.contents(atPath: archive))
        let cut = dir.write("cut.sigmf", Array(full.prefix(1024 + 512 + 301)))
        let src = try SampleFileSource.open(path: cut)
        #expect(src.totalSamples == 150)
        #expect(try TestSignal.readAll(src).count == 300)
        #expect(src.warnings.first?.description.contains("declared to end at byte 2536 but the file ends at byte 1837") == true)
    }
}
