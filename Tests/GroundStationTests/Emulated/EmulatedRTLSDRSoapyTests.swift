import Foundation
import GroundStation
import Testing

/// SoapySDR's rtlsdr module (Debian soapysdr0.8-module-rtlsdr → librtlsdr → libusb) driving the
/// in-process emulated dongle, read through `SoapySDRSampleSource` (issue #12).
extension EmulatedRTLSDRTests {
    static var hasSoapyRTLSDR: Bool {
        ["/usr/lib/x86_64-linux-gnu/SoapySDR/modules0.8/librtlsdrSupport.so",
         "/usr/lib/x86_64-linux-gnu/SoapySDR/modules0.8-3/librtlsdrSupport.so"].contains { FileManager.default.fileExists(atPath: $0) }
            || ((try? FileManager.default.contentsOfDirectory(atPath: "/usr/lib/x86_64-linux-gnu/SoapySDR")) ?? [])
                .contains { FileManager.default.fileExists(atPath: "/usr/lib/x86_64-linux-gnu/SoapySDR/\($0)/librtlsdrSupport.so") }
    }

    @Test(.enabled(if: hasSoapyRTLSDR, "needs SoapySDR's rtlsdr module (package soapysdr0.8-module-rtlsdr)"))
    func soapySDRSourceStreamsTheEmulatedDongleThroughLibrtlsdr() throws {
        let dongle = try EmulatedDongle(serial: "SOAPY001", paced: true)
        defer { withExtendedLifetime(dongle) {} }
        let source = try SoapySDRSampleSource(configuration: .init(
            arguments: "driver=rtlsdr,serial=SOAPY001", frequency: 137_500_000, sampleRate: 2_048_000, gain: 29.7))
        #expect(abs(source.actualSampleRate - 2_048_000) < 1)
        let s = dongle.state
        #expect(abs(s.sample_rate_hz - 2_048_000) < 1)
        // librtlsdr picks its IF from the bandwidth; the tuner LO must sit at frequency + that IF, the IF
        // being what it programmed into the demodulator's DDC (its own PLL rounding: within 2 kHz).
        let ifHz = -Double(s.if_frequency_word) * 28_800_000 / 4_194_304
        #expect(ifHz > 1_000_000 && ifHz < 5_000_000, "IF \(ifHz)")
        #expect(abs(s.tuner_lo_hz - (137_500_000 + ifHz)) < 2000, "LO \(s.tuner_lo_hz), IF \(ifHz)")
        #expect(s.lna_auto == 0)
        var checker = CounterPatternChecker()
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 65536, alignment: 16)
        defer { buffer.deallocate() }
        var first = true
        while checker.count < 2 << 20 {
            let n = try source.read(into: buffer)
            #expect(n > 0)
            if n == 0 { break }
            // The module may start mid-stream (it resets and restarts transfers): align to the first word.
            if first {
                first = false
                let w = UnsafeRawBufferPointer(buffer).load(as: UInt32.self)
                checker = CounterPatternChecker(startingAt: Int(w) * 4)
            }
            checker.check(UnsafeRawBufferPointer(rebasing: buffer[0..<n]))
        }
        #expect(checker.firstMismatch == nil, "pattern broken at byte \(checker.firstMismatch ?? -1)")
        #expect(source.overflows == 0)
        source.close()
        #expect(try source.read(into: buffer) == 0)
        #expect(throws: SoapySDRError.self) {
            _ = try SoapySDRSampleSource(configuration: .init(arguments: "driver=rtlsdr,serial=NOTHERE", frequency: 1e8, sampleRate: 2.048e6))
        }
    }

    /// Unplugged mid-stream: the SoapySDR source ends with an error naming the device within its stall
    /// deadline, instead of waiting for samples forever.
    @Test(.enabled(if: hasSoapyRTLSDR, "needs SoapySDR's rtlsdr module (package soapysdr0.8-module-rtlsdr)"))
    func soapySDRSourceEndsWithAClearErrorWhenTheDongleIsUnplugged() throws {
        let dongle = try EmulatedDongle(serial: "SOAPYOUT", paced: true)
        defer { withExtendedLifetime(dongle) {} }
        let source = try SoapySDRSampleSource(configuration: .init(
            arguments: "driver=rtlsdr,serial=SOAPYOUT", frequency: 137_500_000, sampleRate: 1_024_000, stallTimeout: 3))
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 65536, alignment: 16)
        defer { buffer.deallocate() }
        var got = 0
        while got < 1 << 20 { got += try source.read(into: buffer) }
        dongle.unplug()
        let start = ContinuousClock.now
        var thrown: (any Error)?
        do {
            while try source.read(into: buffer) > 0 {
                if ContinuousClock.now - start > .seconds(30) { break }
            }
        } catch {
            thrown = error
        }
        let e = try #require(thrown as? SoapySDRError, "no error within 30 s of the unplug")
        #expect("\(e)".contains("driver=rtlsdr,serial=SOAPYOUT"), "\(e)")
        #expect(ContinuousClock.now - start < .seconds(15))
    }
}

extension EmulatedRTLSDRTests {
    /// CS16 and CF32 streams (what 12-16-bit receivers deliver) from the same emulated dongle: the rtlsdr
    /// module widens each 8-bit sample through a fixed increasing table, so ranking the distinct values
    /// gives the dongle's bytes back, and those must be the emulator's counter pattern, unbroken.
    @Test(.enabled(if: hasSoapyRTLSDR, "needs SoapySDR's rtlsdr module (package soapysdr0.8-module-rtlsdr)"),
          arguments: [SoapySDRSampleSource.StreamFormat.cs16, .cf32])
    func soapySDRSourceDeliversWideFormatsUnchanged(_ format: SoapySDRSampleSource.StreamFormat) throws {
        let dongle = try EmulatedDongle(serial: "SOAPYFMT", paced: true)
        defer { withExtendedLifetime(dongle) {} }
        let source = try SoapySDRSampleSource(configuration: .init(
            arguments: "driver=rtlsdr,serial=SOAPYFMT", frequency: 137_500_000, sampleRate: 1_024_000, format: format))
        defer { source.close() }
        #expect(source.sampleFormat == (format == .cs16 ? .cs16 : .cf32))
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 65536, alignment: 16)
        defer { buffer.deallocate() }
        var scalars: [Double] = []
        while scalars.count < 1 << 20 {
            let n = try source.read(into: buffer)
            try #require(n > 0 && n % source.sampleFormat.bytesPerSample == 0, "read \(n) bytes")
            let raw = UnsafeRawBufferPointer(rebasing: buffer[0..<n])
            if format == .cs16 {
                scalars += raw.bindMemory(to: Int16.self).map { Double($0) }
            } else {
                scalars += raw.bindMemory(to: Float.self).map { Double($0) }
            }
        }
        let levels = Array(Set(scalars)).sorted()
        #expect(levels.count == 256, "\(levels.count) distinct values")
        let rank = Dictionary(uniqueKeysWithValues: levels.enumerated().map { ($0.element, UInt8($0.offset)) })
        let bytes = scalars.map { rank[$0] ?? 0 }
        // Aligned to the first whole counter word, as in the CS8 test.
        let first = bytes.withUnsafeBytes { $0.load(as: UInt32.self) }
        var checker = CounterPatternChecker(startingAt: Int(first) * 4)
        bytes.withUnsafeBytes { checker.check($0) }
        #expect(checker.firstMismatch == nil, "pattern broken at byte \(checker.firstMismatch ?? -1)")
        #expect(source.overflows == 0)
    }
}
