import GroundStation
import TelemetryDecode
import Testing

@Suite struct SampleFormatTests {
    @Test func namesParseAndPrint() {
        for f in SampleFormat.rawFormats {
            #expect(SampleFormat(name: f.name) == f)
        }
        #expect(SampleFormat(name: "CU8") == .cu8)
        #expect(SampleFormat(name: "cs16_le") == .cs16)
        #expect(SampleFormat(name: "cf32le") == .cf32)
        #expect(SampleFormat(name: "cu16") == nil)
        #expect(SampleFormat(name: "") == nil)
        #expect(SampleFormat.cu8.bytesPerSample == 2)
        #expect(SampleFormat.cf32.bytesPerSample == 8)
        #expect(SampleFormat.s16.bytesPerSample == 2)
        #expect(SampleFormat.cs24.bytesPerSample == 6)
    }

    func convert(_ e: SampleEncoding, _ bytes: [UInt8]) -> [Float] {
        let n = bytes.count / e.bytesPerScalar
        var out = [Float](repeating: .nan, count: n)
        bytes.withUnsafeBytes { raw in
            out.withUnsafeMutableBufferPointer { o in
                if let base = o.baseAddress { SampleFormat.convert(e, raw, count: n, into: base) }
            }
        }
        return out
    }

    @Test func integerScalingIsExact() {
        #expect(convert(.u8, [0, 255, 127, 128]) == [-1, 1, -0.5 / 127.5, 0.5 / 127.5])
        #expect(convert(.s8, [0x80, 0x7F, 0, 0xFF]) == [-1, 127.0 / 128, 0, -1.0 / 128])
        #expect(convert(.s16, [0x00, 0x80, 0xFF, 0x7F, 0x01, 0x00]) == [-1, 32767.0 / 32768, 1.0 / 32768])
        #expect(convert(.s24, [0x00, 0x00, 0x80, 0xFF, 0xFF, 0xFF, 0x00, 0x00, 0x40]) == [-1, -1.0 / 8_388_608, 0.5])
        #expect(convert(.s32, [0x00, 0x00, 0x00, 0x80, 0x00, 0x00, 0x00, 0x40]) == [-1, 0.5])
        let f: [Float] = [0.25, -3.5, .infinity]
        #expect(convert(.f32, f.flatMap { $0.bitPattern.littleEndianBytesForTest }) == f)
    }

    @Test func cu8TableCoversEveryByte() {
        let all = convert(.u8, (0...255).map { UInt8($0) })
        for (i, v) in all.enumerated() {
            #expect(v == (Float(i) - 127.5) / 127.5)
        }
        #expect(all.allSatisfy { abs($0) <= 1 })
    }

    @Test func convertIgnoresAlignment() {
        // s16 read from an odd address.
        let bytes: [UInt8] = [0xAA, 0x00, 0x40, 0x00, 0xC0]
        var out: [Float] = [0, 0]
        bytes.withUnsafeBytes { raw in
            out.withUnsafeMutableBufferPointer { o in
                SampleFormat.convert(.s16, UnsafeRawBufferPointer(rebasing: raw[1...]), count: 2, into: o.baseAddress!)
            }
        }
        #expect(out == [0.5, -0.5])
    }

    @Test(arguments: SampleEncoding.allCases)
    func encodeInvertsConvert(_ e: SampleEncoding) {
        let values: [Float]
        switch e {
        case .u8: values = (0...255).map { (Float($0) - 127.5) / 127.5 }
        case .s8: values = TestSignal.quantised(count: 500, lo: -128, hi: 127, scale: 128)
        case .s16: values = TestSignal.quantised(count: 500, lo: -32768, hi: 32767, scale: 32768)
        case .s24: values = TestSignal.quantised(count: 500, lo: -8_388_608, hi: 8_388_607, scale: 8_388_608)
        case .s32: values = TestSignal.quantised(count: 500, lo: -(1 << 24), hi: 1 << 24, scale: 16_777_216).map { $0 / 128 }
        case .f32: values = TestSignal.quantised(count: 500, lo: -100_000, hi: 100_000, scale: 3.7)
        }
        var bytes: [UInt8] = []
        values.withUnsafeBufferPointer { SampleFormat.encode(e, $0, appendingTo: &bytes) }
        #expect(bytes.count == values.count * e.bytesPerScalar)
        #expect(convert(e, bytes) == values)
    }

    @Test func encodeClampsAndSurvivesNaN() {
        var bytes: [UInt8] = []
        [Float](arrayLiteral: 2, -2, .nan, .infinity).withUnsafeBufferPointer { SampleFormat.encode(.s16, $0, appendingTo: &bytes) }
        #expect(convert(.s16, bytes) == [32767.0 / 32768, -1, 0, 32767.0 / 32768])
    }
}

extension UInt32 {
    var littleEndianBytesForTest: [UInt8] { (0..<4).map { UInt8((self >> (8 * UInt32($0))) & 0xFF) } }
}
