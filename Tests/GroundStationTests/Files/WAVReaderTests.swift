import Foundation
import GroundStation
import TelemetryDecode
import Testing

@Suite struct WAVReaderTests {
    // MARK: round trips

    static let encodings: [(SampleEncoding, Bool)] = [
        (.u8, false), (.s16, false), (.s24, false), (.s32, false), (.f32, false),
        (.s16, true), (.f32, true), (.u8, true), (.s24, true),
    ]

    static func values(_ e: SampleEncoding, count: Int) -> [Float] {
        switch e {
        case .u8: TestSignal.quantised(count: count, lo: 0, hi: 255, scale: 1).map { ($0 - 127.5) / 127.5 }
        case .s8: TestSignal.quantised(count: count, lo: -128, hi: 127, scale: 128)
        case .s16: TestSignal.quantised(count: count, lo: -32768, hi: 32767, scale: 32768)
        case .s24: TestSignal.quantised(count: count, lo: -8_388_608, hi: 8_388_607, scale: 8_388_608)
        case .s32: TestSignal.quantised(count: count, lo: -(1 << 24), hi: 1 << 24, scale: 16_777_216).map { $0 / 128 }
        case .f32: TestSignal.quantised(count: count, lo: -1_000_000, hi: 1_000_000, scale: 999_999.5)
        }
    }

    @Test(arguments: [false, true])
    func monoRoundTripsExactly(extensible: Bool) throws {
        let dir = try FilesTestDirectory()
        for (e, _) in Self.encodings {
            let path = dir.file("m-\(e).wav")
            let v = Self.values(e, count: 4001)  // odd: 8-bit data gets a pad byte
            let w = try WAVWriter(path: path, sampleRate: 22_050, channels: 1, encoding: e, extensible: extensible)
            try w.write(v)
            try w.finish()
            let src = try SampleFileSource.open(path: path)
            #expect(src.kind == .wav)
            #expect(src.sampleRate == 22_050)
            #expect(!src.isComplex)
            #expect(src.totalSamples == v.count)
            #expect(src.wavHeader?.isExtensible == extensible)
            let back = try TestSignal.readAll(src, block: 777)
            #expect(back == v, "encoding \(e)")
            #expect(src.warnings.isEmpty, "\(src.warnings)")
        }
    }

    @Test func stereoIsIQ() throws {
        let dir = try FilesTestDirectory()
        for e in [SampleEncoding.s16, .f32, .s24] {
            let path = dir.file("iq-\(e).wav")
            let iq = TestSignal.complex(Self.values(e, count: 6000))
            let w = try WAVWriter(path: path, sampleRate: 96_000, channels: 2, encoding: e)
            try w.write(iq)
            try w.finish()
            let src = try SampleFileSource.open(path: path, iq: true)
            #expect(src.isComplex)
            #expect(src.totalSamples == iq.count)
            var got: [ComplexSample] = []
            while let b = try src.read(maxSamples: 1024) { got += b.complexSamples ?? [] }
            #expect(got == iq)
        }
    }

    @Test func stereoWithoutIQAndMonoWithIQAreErrors() throws {
        let dir = try FilesTestDirectory()
        let stereo = dir.file("s.wav")
        let w = try WAVWriter(path: stereo, sampleRate: 8000, channels: 2)
        try w.write([ComplexSample(0.5, -0.5)])
        try w.finish()
        let e1 = #expect(throws: SampleFileError.self) { try SampleFileSource.open(path: stereo) }
        #expect(e1?.description.contains("--iq") == true)
        #expect(e1?.description.contains(stereo) == true)

        let mono = dir.write("m.wav", WAVBytes.mono16([1, 2, 3]))
        let e2 = #expect(throws: SampleFileError.self) { try SampleFileSource.open(path: mono, iq: true) }
        #expect(e2?.description.contains("mono") == true)
    }

    @Test func threeChannelsIsAClearError() throws {
        let dir = try FilesTestDirectory()
        let p = dir.write("3ch.wav", WAVBytes.riff([
            WAVBytes.chunk("fmt ", WAVBytes.fmt(channels: 3)), WAVBytes.chunk("data", [UInt8](repeating: 0, count: 12)),
        ]))
        let e = #expect(throws: SampleFileError.self) { try SampleFileSource.open(path: p) }
        #expect(e?.description == "\(p): unsupported fmt channels at byte 22: 3 (only 1 (audio) or 2 (I/Q) channels)")
    }

    @Test func skipsUnknownChunksWithPadBytes() throws {
        let dir = try FilesTestDirectory()
        let samples: [Int16] = [100, -200, 300, -32768, 32767]
        let data = samples.flatMap { WAVBytes.le16(Int($0)) }
        let bytes = WAVBytes.riff([
            WAVBytes.chunk("LIST", Array("INFOISFT\u{5}\0\0\0gsd!\0".utf8)),  // odd size 17 + pad
            WAVBytes.chunk("fmt ", WAVBytes.fmt()),
            WAVBytes.chunk("junk", [1, 2, 3]),                                // odd size 3 + pad
            WAVBytes.chunk("data", data),
            WAVBytes.chunk("LIST", [9, 9, 9, 9]),                             // after data: never read
        ])
        let p = dir.write("chunks.wav", bytes)
        let h = try WAVReader.readHeader(path: p)
        #expect(h.dataOffset == 12 + 8 + 18 + 8 + 16 + 8 + 4 + 8)
        let src = try SampleFileSource.open(path: p)
        #expect(try TestSignal.readAll(src) == samples.map { Float($0) / 32768 })
    }

    @Test(arguments: [0, 0xFFFF_FFFF])
    func streamedDataSizeReadsToEnd(size: Int) throws {
        let dir = try FilesTestDirectory()
        let samples: [Int16] = (0..<1000).map { Int16($0 * 7 - 3000) }
        let bytes = WAVBytes.riff([
            WAVBytes.chunk("fmt ", WAVBytes.fmt(rate: 8000)),
            WAVBytes.chunk("data", samples.flatMap { WAVBytes.le16(Int($0)) }, declaredSize: size),
        ])
        let p = dir.write("streamed.wav", bytes)
        let src = try SampleFileSource.open(path: p)
        #expect(src.wavHeader?.declaredDataSize == nil)
        #expect(src.totalSamples == 1000)
        #expect(try TestSignal.readAll(src, block: 333) == samples.map { Float($0) / 32768 })
        #expect(src.warnings.isEmpty)
    }

    // MARK: malformed input

    @Test func truncatedHeaderAtEveryLengthIsATypedError() throws {
        let dir = try FilesTestDirectory()
        let full = WAVBytes.mono16((0..<100).map { Int16($0) })
        #expect(full.count == 244)
        for n in 0..<44 {
            let p = dir.write("t\(n).wav", Array(full[0..<n]))
            let e = #expect(throws: SampleFileError.self, "length \(n)") { try SampleFileSource.open(path: p) }
            let text = e?.description ?? ""
            #expect(text.hasPrefix(p + ": "), "length \(n): \(text)")
            #expect(text.contains("byte"), "length \(n): \(text)")
        }
        // Lengths from 44 on hold a complete header: readable, with a truncation warning.
        for n in [44, 45, 46, 100, 243] {
            let p = dir.write("t\(n).wav", Array(full[0..<n]))
            let src = try SampleFileSource.open(path: p)
            let got = try TestSignal.readAll(src)
            #expect(got.count == (n - 44) / 2)
            #expect(src.warnings.contains(.truncatedData(path: p, dataOffset: 44, declaredEnd: 244, actualEnd: n)))
        }
        // Spot-check messages.
        let p0 = dir.file("t0.wav")
        #expect(fileErrorText { try WAVReader.readHeader(path: p0) } ==
                "\(p0): truncated header at byte 0: RIFF id needs 4 bytes, only 0 present")
        let p30 = dir.file("t30.wav")
        #expect(fileErrorText { try WAVReader.readHeader(path: p30) } ==
                "\(p30): truncated header at byte 20: fmt chunk needs 16 bytes, only 10 present")
        let p36 = dir.file("t36.wav")
        #expect(fileErrorText { try WAVReader.readHeader(path: p36) } == "\(p36): no 'data' chunk (searched to byte 36)")
        let p40 = dir.file("t40.wav")
        #expect(fileErrorText { try WAVReader.readHeader(path: p40) } ==
                "\(p40): truncated header at byte 36: chunk header needs 8 bytes, only 4 present")
    }

    @Test func badRIFFMagic() throws {
        let dir = try FilesTestDirectory()
        var bytes = WAVBytes.mono16([1, 2])
        bytes[0] = UInt8(ascii: "X")
        let p = dir.write("magic.wav", bytes)
        #expect(fileErrorText { try SampleFileSource.open(path: p) } ==
                "\(p): bad RIFF id at byte 0: expected \"RIFF\", found \"XIFF\"")
        let q = dir.write("form.wav", WAVBytes.riff([], form: "AVI "))
        #expect(fileErrorText { try SampleFileSource.open(path: q) } ==
                "\(q): bad WAVE id at byte 8: expected \"WAVE\", found \"AVI \"")
        let r = dir.write("bin.wav", [0, 1, 2, 0xFF, 0, 0, 0, 0, 0, 0, 0, 0])
        #expect(fileErrorText { try SampleFileSource.open(path: r) }.contains("found \"\\x0\\x1\\x2\\xff\""))
    }

    @Test func fmtChunkTooShort() throws {
        let dir = try FilesTestDirectory()
        let p = dir.write("short.wav", WAVBytes.riff([
            WAVBytes.chunk("fmt ", Array(WAVBytes.fmt()[0..<14])), WAVBytes.chunk("data", [0, 0]),
        ]))
        #expect(fileErrorText { try SampleFileSource.open(path: p) } ==
                "\(p): invalid fmt chunk size at byte 16: 14 (fmt chunk too short, need at least 16 bytes)")
    }

    @Test func unsupportedFormats() throws {
        let dir = try FilesTestDirectory()
        func open(_ name: String, _ fmt: [UInt8]) -> String {
            let p = dir.write(name, WAVBytes.riff([WAVBytes.chunk("fmt ", fmt), WAVBytes.chunk("data", [0, 0, 0, 0])]))
            return fileErrorText { try SampleFileSource.open(path: p) }.replacingOccurrences(of: dir.path + "/", with: "")
        }
        #expect(open("b12.wav", WAVBytes.fmt(bits: 12, blockAlign: 2)) ==
                "b12.wav: unsupported fmt bits per sample at byte 34: 12 (PCM must be 8, 16, 24 or 32 bits)")
        #expect(open("f64.wav", WAVBytes.fmt(tag: 3, bits: 64)) ==
                "f64.wav: unsupported fmt bits per sample at byte 34: 64 (float must be 32 bits)")
        #expect(open("alaw.wav", WAVBytes.fmt(tag: 6, bits: 8)) ==
                "alaw.wav: unsupported fmt format tag at byte 20: 0x6 (only PCM (1) and IEEE float (3))")
        #expect(open("align.wav", WAVBytes.fmt(bits: 16, blockAlign: 3)) ==
                "align.wav: invalid fmt block align at byte 32: 3 (expected 2 for 1 channel(s) of 16 bits)")
        #expect(open("rate0.wav", WAVBytes.fmt(rate: 0)) ==
                "rate0.wav: invalid fmt sample rate at byte 24: 0 (sample rate must be positive)")
        // A header claiming gigahertz had replay spin for minutes on a few samples.
        #expect(open("rate4g.wav", WAVBytes.fmt(rate: 4_000_000_000)) ==
                "rate4g.wav: unsupported fmt sample rate at byte 24: 4000000000 Hz (above the 100 MHz gsd decodes)")
        #expect(open("ch0.wav", WAVBytes.fmt(channels: 0, blockAlign: 0)) ==
                "ch0.wav: invalid fmt channels at byte 22: 0 (no channels)")
        // Extensible with a foreign sub-format GUID, and one too short.
        var ext = WAVBytes.fmt(tag: 0xFFFE) + WAVBytes.le16(22) + WAVBytes.le16(16) + WAVBytes.le32(4)
        ext += WAVBytes.le16(1) + [UInt8](repeating: 7, count: 14)
        #expect(open("guid.wav", ext) ==
                "guid.wav: unsupported fmt SubFormat at byte 44: non-standard GUID (only KSDATAFORMAT_SUBTYPE_PCM and _IEEE_FLOAT)")
        #expect(open("extshort.wav", WAVBytes.fmt(tag: 0xFFFE)) ==
                "extshort.wav: invalid fmt chunk size at byte 16: 16 (WAVE_FORMAT_EXTENSIBLE needs a 40-byte fmt chunk)")
    }

    @Test func missingChunksAndOrder() throws {
        let dir = try FilesTestDirectory()
        let p = dir.write("nofmt.wav", WAVBytes.riff([WAVBytes.chunk("data", [0, 0])]))
        #expect(fileErrorText { try SampleFileSource.open(path: p) } == "\(p): no 'fmt ' chunk (searched to byte 12)")
        let q = dir.write("nodata.wav", WAVBytes.riff([WAVBytes.chunk("fmt ", WAVBytes.fmt()), WAVBytes.chunk("LIST", [1, 2])]))
        #expect(fileErrorText { try SampleFileSource.open(path: q) } == "\(q): no 'data' chunk (searched to byte 46)")
        // A chunk size pointing far beyond the end of the file.
        let r = dir.write("huge.wav", WAVBytes.riff([WAVBytes.chunk("fmt ", WAVBytes.fmt()), WAVBytes.chunk("LIST", [1, 2], declaredSize: 0x7FFF_FFFF)]))
        #expect(fileErrorText { try SampleFileSource.open(path: r) }.contains("no 'data' chunk"))
    }

    @Test func truncatedDataChunkReadsWhatIsThereAndWarns() throws {
        let dir = try FilesTestDirectory()
        let full = WAVBytes.mono16((0..<50).map { Int16($0 * 100) })
        let cut = Array(full[0..<(44 + 31)])  // 15 whole samples + 1 byte
        let p = dir.write("cut.wav", cut)
        let src = try SampleFileSource.open(path: p)
        #expect(src.totalSamples == 15)
        #expect(src.wavHeader?.isTruncated == true)
        let got = try TestSignal.readAll(src, block: 4)
        #expect(got == (0..<15).map { Float($0 * 100) / 32768 })
        #expect(src.warnings.map(\.description) == [
            "\(p): sample data (from byte 44) declared to end at byte 144 but the file ends at byte 75; reading what is there",
            "\(p): 1 trailing bytes at byte 74 are less than one 2-byte sample frame; ignored",
        ])
        #expect(src.byteOffset == 74)
    }

    @Test func oddDataSizeIgnoresPartialFrame() throws {
        let dir = try FilesTestDirectory()
        // data chunk of 5 bytes (2 samples + 1 stray byte) with its pad byte, then another chunk.
        let p = dir.write("odd.wav", WAVBytes.riff([
            WAVBytes.chunk("fmt ", WAVBytes.fmt()), WAVBytes.chunk("data", [0, 0x40, 0, 0xC0, 0x11]), WAVBytes.chunk("LIST", [1, 2]),
        ]))
        let src = try SampleFileSource.open(path: p)
        #expect(try TestSignal.readAll(src) == [0.5, -0.5])
        #expect(src.warnings == [.partialSample(path: p, offset: 48, bytes: 1, frameBytes: 2)])
    }

    // MARK: shared recordings

    @Test func sharedRecordingHeadersMatchManifest() throws {
        let rows = try SharedRecordings.manifest().filter { $0.file.hasSuffix(".wav") }
        #expect(rows.count >= 40)
        var checked = 0
        for row in rows {
            let path = try SharedRecordings.path(row.file)
            let h = try WAVReader.readHeader(path: path)
            #expect(h.channels == 1, "\(row.file)")
            #expect(h.sampleRate == 48_000, "\(row.file)")
            #expect(h.bitsPerSample == 16 && h.formatTag == WAVReader.formatPCM, "\(row.file)")
            #expect(!h.isTruncated, "\(row.file)")
            let size = try #require(FileManager.default.attributesOfItem(atPath: path)[.size] as? Int)
            if let s = row["size_bytes"].flatMap(Int.init) { #expect(s == size, "\(row.file)") }
            let declared = try #require(h.declaredDataSize, "\(row.file)")
            #expect(h.dataOffset + declared <= size, "\(row.file)")
            #expect(h.frameCount == declared / 2, "\(row.file)")
            if let rate = row["sample_rate"].flatMap(Int.init) { #expect(rate == h.sampleRate, "\(row.file)") }
            let duration = try #require(row["duration_s"].flatMap(Double.init), "\(row.file) duration_s")
            #expect(abs(Double(h.frameCount) / Double(h.sampleRate) - duration) < 0.0011,
                    "\(row.file): \(h.frameCount) frames vs duration \(duration)")
            checked += 1
        }
        #expect(checked == rows.count)
    }

    @Test func sharedRecordingsStreamCompletely() throws {
        let rows = try SharedRecordings.manifest().filter { $0.file.hasSuffix(".wav") }
        for row in rows.prefix(8) {
            let src = try SampleFileSource.open(path: try SharedRecordings.path(row.file))
            var n = 0
            var peak: Float = 0
            var lastOffset = src.dataOffset
            try src.forEachBlock(maxSamples: 4096) { block, offset in
                #expect(offset == lastOffset)
                if let r = block.realSamples { n += r.count; peak = max(peak, r.map(abs).max() ?? 0) }
                lastOffset = offset + block.count * 2
            }
            #expect(n == src.totalSamples, "\(row.file)")
            #expect(peak > 0.001 && peak <= 1, "\(row.file) peak \(peak)")
            #expect(src.warnings.isEmpty, "\(row.file): \(src.warnings)")
        }
    }
}
