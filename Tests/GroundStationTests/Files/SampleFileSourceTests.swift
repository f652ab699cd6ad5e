import Foundation
import GroundStation
import TelemetryDecode
import Testing

#if canImport(Glibc)
import Glibc
#endif

@Suite struct SampleFileSourceTests {
    @Test func rawNeedsFormatAndRate() throws {
        let dir = try FilesTestDirectory()
        let p = dir.write("capture.bin", [1, 2, 3, 4])
        #expect(fileErrorText { try SampleFileSource.open(path: p, rate: 1e6) } ==
                "\(p): --format: required for a raw sample file (one of cu8, cs8, cs16, cf32, f32, s16, u8, s8, cs24, s24, cs32, s32)")
        #expect(fileErrorText { try SampleFileSource.open(path: p, format: .cu8) } ==
                "\(p): --rate: required for a raw sample file (samples per second)")
        #expect(fileErrorText { try SampleFileSource.open(path: p, format: .cu8, rate: -5) } ==
                "\(p): --rate: -5.0 is not a positive sample rate")
        #expect(fileErrorText { try SampleFileSource.open(path: p, format: .cu8, rate: 1e12) } ==
                "\(p): --rate: 1000000000000.0 Hz is above the 100 MHz gsd decodes")
        #expect((try? SampleFileSource.open(path: p, format: .cu8, rate: 100e6)) != nil)
        #expect(fileErrorText { try SampleFileSource.open(path: p, format: .s16, rate: 8000, iq: true) } ==
                "\(p): --iq: the format s16 is real, not I/Q")
        let src = try SampleFileSource.open(path: p, format: .cu8, rate: 2.4e6)
        #expect(src.kind == .raw && src.isComplex && src.totalSamples == 2 && src.sampleRate == 2.4e6)
        // The extension may name the format.
        let q = dir.write("capture.cs16", [0, 0x40, 0, 0xC0])
        let s2 = try SampleFileSource.open(path: q, rate: 1000)
        #expect(s2.format == .cs16)
        #expect(try s2.read()?.complexSamples == [ComplexSample(0.5, -0.5)])
        #expect(try s2.read() == nil)
    }

    /// Samples are read by position: a pipe (or standard input) is refused with a message saying so, not
    /// "Illegal seek" at byte 0, and a FIFO nobody writes to does not block the open.
    @Test func pipesAreRefusedClearly() throws {
        let dir = try FilesTestDirectory()
        let fifo = dir.file("stream.cu8")
        #expect(mkfifo(fifo, 0o600) == 0)
        #expect(fileErrorText { try SampleFileSource.open(path: fifo, rate: 2.4e6) } ==
                "\(fifo): cannot open: a pipe is not supported: recordings are read by position (header, then data); save the stream to a file first")
        if !FileManager.default.fileExists(atPath: "-") {
            #expect(fileErrorText { try SampleFileSource.open(path: "-", format: .cu8, rate: 2.4e6) }.hasPrefix("-: cannot open: standard input is not supported"))
        }
    }

    @Test func headerFilesRejectContradictingOptions() throws {
        let dir = try FilesTestDirectory()
        let p = dir.write("a.wav", WAVBytes.mono16([1, 2, 3]))
        #expect(fileErrorText { try SampleFileSource.open(path: p, format: .cu8) }.hasPrefix("\(p): --format: given as cu8"))
        #expect(fileErrorText { try SampleFileSource.open(path: p, rate: 44_100) } ==
                "\(p): --rate: given as 44100.0 but the header says 48000.0")
        #expect(try SampleFileSource.open(path: p, rate: 48_000).totalSamples == 3)
        let missing = dir.file("nope.wav")
        #expect(fileErrorText { try SampleFileSource.open(path: missing) } == "\(missing): cannot open: No such file or directory")
        #expect(fileErrorText { try SampleFileSource.open(path: dir.path, format: .cu8, rate: 1) } == "\(dir.path): is a directory")
    }

    @Test(arguments: [SampleFormat.cu8, .cs8, .cs16, .cf32, .f32, .s16, .u8])
    func rawRoundTrip(format: SampleFormat) throws {
        let dir = try FilesTestDirectory()
        let p = dir.file("r.raw")
        let n = 12_345 * format.scalarsPerSample
        let scalars: [Float] = switch format.encoding {
        case .u8: TestSignal.quantised(count: n, lo: 0, hi: 255, scale: 1).map { ($0 - 127.5) / 127.5 }
        case .s8: TestSignal.quantised(count: n, lo: -128, hi: 127, scale: 128)
        case .s16: TestSignal.quantised(count: n, lo: -32768, hi: 32767, scale: 32768)
        default: TestSignal.quantised(count: n, lo: -1 << 20, hi: 1 << 20, scale: 1_048_576)
        }
        let w = try RawSampleWriter(path: p, format: format)
        if format.isComplex { try w.write(TestSignal.complex(scalars)) } else { try w.write(scalars) }
        try w.finish()
        let src = try SampleFileSource.open(path: p, format: format, rate: 1e6)
        #expect(src.totalSamples == 12_345)
        #expect(try TestSignal.readAll(src, block: 1000) == scalars)
        #expect(src.samplesRead == 12_345)
        #expect(src.byteOffset == 12_345 * format.bytesPerSample)
        #expect(src.isAtEnd)
        // Seek back and read again, via the pointer API.
        src.seek(toSample: 12_000)
        if format.isComplex {
            var buf = [ComplexSample](repeating: .zero, count: 1000)
            let got = try buf.withUnsafeMutableBufferPointer { b in Result { () throws(SampleFileError) in try src.readComplex(into: b) } }.get()
            #expect(got == 345)
            #expect(buf[0] == ComplexSample(scalars[24_000], scalars[24_001]))
        } else {
            var buf = [Float](repeating: 0, count: 1000)
            let got = try buf.withUnsafeMutableBufferPointer { b in Result { () throws(SampleFileError) in try src.readReal(into: b) } }.get()
            #expect(got == 345)
            #expect(buf[0] == scalars[12_000])
        }
    }

    @Test func partialTrailingSampleInRawFile() throws {
        let dir = try FilesTestDirectory()
        let p = dir.write("odd.cf32", [UInt8](repeating: 0, count: 8 * 3 + 5))
        let src = try SampleFileSource.open(path: p, rate: 1)
        #expect(src.totalSamples == 3)
        #expect(try TestSignal.readAll(src, block: 2).count == 6)
        #expect(src.warnings == [.partialSample(path: p, offset: 24, bytes: 5, frameBytes: 8)])
    }

    @Test func wrongKindPointerReadIsAnError() throws {
        let dir = try FilesTestDirectory()
        let p = dir.write("a.f32", [0, 0, 0, 0])
        let src = try SampleFileSource.open(path: p, rate: 1)
        var buf = [ComplexSample](repeating: .zero, count: 4)
        let e = buf.withUnsafeMutableBufferPointer { b in Result { () throws(SampleFileError) in try src.readComplex(into: b) } }
        #expect(throws: SampleFileError.self) { try e.get() }
    }

    @Test func blocksReuseTheirBuffer() throws {
        let dir = try FilesTestDirectory()
        let p = dir.write("a.cs16", [UInt8](repeating: 1, count: 4 * 10_000))
        let src = try SampleFileSource.open(path: p, rate: 1)
        var addresses = Set<UInt>()
        while let b = try src.read(maxSamples: 1000) {
            if let c = b.complexSamples {
                c.withUnsafeBufferPointer { b in _ = addresses.insert(UInt(bitPattern: b.baseAddress)) }
            }
        }
        #expect(addresses.count == 1)
    }

    /// Resident set size now (Linux /proc), in bytes; nil elsewhere.
    static func currentRSS() -> Int? {
        guard let text = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) else { return nil }
        let parts = text.split(separator: " ")
        guard parts.count > 1, let pages = Int(parts[1]) else { return nil }
        return pages * Int(sysconf(Int32(_SC_PAGESIZE)))
    }

    static func peakRSS() -> Int {
        var u = rusage()
        _ = getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &u)
        return Int(u.ru_maxrss) * 1024
    }

    @Test func streamsA200MBFileInBoundedMemory() throws {
        let dir = try FilesTestDirectory("gsd-files-big")
        let p = dir.file("big.cf32")
        // 1 MiB pattern of distinct complex values, written 200 times: 200 MiB, 26 214 400 samples.
        let patternSamples = 1 << 17
        var pattern: [Float] = []
        pattern.reserveCapacity(2 * patternSamples)
        for i in 0..<patternSamples {
            pattern.append(Float(i) / Float(patternSamples))
            pattern.append(-Float(i) / Float(patternSamples))
        }
        let w = try RawSampleWriter(path: p, format: .cf32)
        var encoded: [UInt8] = []
        pattern.withUnsafeBufferPointer { p in SampleFormat.encode(.f32, p, appendingTo: &encoded) }
        #expect(encoded.count == 1 << 20)
        for _ in 0..<200 {
            try encoded.withUnsafeBytes { raw in Result { () throws(SampleFileError) in try w.writeEncoded(raw) } }.get()
        }
        try w.finish()
        encoded = []
        pattern = []

        let baseline = Self.currentRSS() ?? 0
        let peakBefore = Self.peakRSS()
        var maxRSS = baseline
        let src = try SampleFileSource.open(path: p, rate: 2.4e6)
        #expect(src.totalSamples == 200 * patternSamples)
        var count = 0
        var blocks = 0
        var mismatches = 0
        while let b = try src.read(maxSamples: 1 << 16) {
            guard let c = b.complexSamples, let first = c.first, let last = c.last else { break }
            let i0 = count % patternSamples
            if first.re != Float(i0) / Float(patternSamples) || first.im != -first.re { mismatches += 1 }
            let i1 = (count + c.count - 1) % patternSamples
            if last.re != Float(i1) / Float(patternSamples) { mismatches += 1 }
            count += c.count
            blocks += 1
            if blocks % 16 == 0, let r = Self.currentRSS() { maxRSS = max(maxRSS, r) }
        }
        #expect(count == 200 * patternSamples)
        #expect(mismatches == 0)
        #expect(src.byteOffset == 200 << 20)
        let growth = maxRSS - baseline
        print("streamed 200 MiB cf32 (\(count) samples, \(blocks) blocks): RSS baseline \(baseline >> 20) MiB, max during read \(maxRSS >> 20) MiB (growth \(growth >> 20) MiB); ru_maxrss before \(peakBefore >> 20) MiB, after \(Self.peakRSS() >> 20) MiB")
        // A whole-file load would add 200 MiB; the reader holds one block (512 KiB) plus a 256 KiB chunk.
        #expect(growth < 64 << 20, "RSS grew by \(growth >> 20) MiB while streaming")
    }
}
