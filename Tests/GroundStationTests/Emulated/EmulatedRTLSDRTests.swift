import Foundation
import GroundStation
import RTLSDREmulator
import Testing
import TelemetryDecode

/// The USB core and the RTL-SDR driver against an emulated RTL2832U + R820T (umockdev). One testbed per
/// process, so the whole suite is serialised; outside umockdev's preload every test is skipped.
@Suite("Emulated RTL-SDR: USB core and driver on an emulated RTL2832U", .serialized,
       .enabled(if: EmulatedDongle.preloadActive, EmulatedDongle.skipReason))
struct EmulatedRTLSDRTests {
    @Test func openInitialisesTheDemodulatorAndFindsTheR820T() throws {
        let dongle = try EmulatedDongle()
        defer { withExtendedLifetime(dongle) {} }
        let context = try USBContext()
        defer { context.close() }
        let device = try RTLSDRDevice.open(.serial("00000001"), context: context)
        defer { device.close() }
        #expect(device.tuner == .r820t)
        #expect(device.info.vendorID == 0x0bda && device.info.productID == 0x2838)
        let s = dongle.state
        #expect(s.claimed == 1)
        #expect(s.control_transfers > 100)
        #expect(dongle.demod(page: 0, 0x19) == 0x05)   // SDR mode, RTL AGC off
        #expect(dongle.demod(page: 1, 0xb1) == 0x1b)   // zero-IF with DC and IQ correction
        #expect(dongle.demod(page: 1, 0x15) == 0x01)   // spectrum inversion for the R82xx IF
        #expect(dongle.demod(page: 1, 0x01) == 0x10)   // I2C repeater closed again
        // The IF filter was calibrated (the emulated chip yields code 6 when triggered at 56 MHz) and the
        // code is in use: register 0x0a bits 3-0.
        #expect(s.filter_code == 6 && device.filterCalibration == 6)
        #expect(dongle.tuner(0x0a) & 0x0f == 6)
        #expect(dongle.tuner(0x0f) & 0x04 == 0, "calibration clock off again")
        // Defaults after open: 2.048 Msps with its filter (2.05 MHz: 1.7 MHz low-pass plus the 350 kHz
        // high-pass step, register 0x0b = 0xaf) and IF (2.3 + 0.35 - 2.05 / 2 = 1.625 MHz; IF word
        // -1.625 MHz * 2^22 / 28.8 MHz), 100 MHz, automatic gain.
        #expect(abs(s.sample_rate_hz - 2_048_000) < 1)
        #expect(dongle.tuner(0x0b) & 0xef == 0xaf && device.bandwidth == 2_050_000)
        #expect(s.if_frequency_word == -Int32((1_625_000.0 * 4_194_304 / 28_800_000).rounded()))
        #expect(abs(s.tuner_lo_hz - 101_625_000) < 60)
        #expect(s.lna_auto == 1 && s.mixer_auto == 1)
        device.close()
        #expect(dongle.state.claimed == 0)
    }

    @Test func probesAnR828DAtItsOwnAddress() throws {
        let dongle = try EmulatedDongle(serial: "R828D-1", tuner: Int32(GSD_RTLSDR_EMULATOR_R828D.rawValue))
        defer { withExtendedLifetime(dongle) {} }
        let context = try USBContext()
        defer { context.close() }
        let device = try RTLSDRDevice.open(.serial("R828D-1"), context: context)
        defer { device.close() }
        #expect(device.tuner == .r828d)
        #expect(dongle.state.tuner_i2c_address == 0x74)
        try device.setSampleRate(3_200_000)   // the 6 MHz filter: IF 3.57 MHz
        try device.setCenterFrequency(435_000_000)
        #expect(abs(dongle.state.tuner_lo_hz - 438_570_000) < 60)
        // Its 16 MHz crystal and VCO reference (fine-tune state 1): the divider was right without a nudge.
        #expect(dongle.state.filter_code == 6)
        // Above 345 MHz the air input (register 0x05 bits 6-5 clear), below it cable 1 (both set).
        #expect(dongle.tuner(0x05) & 0x60 == 0x00)
        try device.setCenterFrequency(145_800_000)
        #expect(dongle.tuner(0x05) & 0x60 == 0x60)
        #expect(abs(dongle.state.tuner_lo_hz - 149_370_000) < 60)
        try device.setCenterFrequency(437_000_000)
        #expect(dongle.tuner(0x05) & 0x60 == 0x00)
    }

    @Test func rtlSDRBlogV4SwitchesItsBandsAndUpconvertsHF() throws {
        let dongle = try EmulatedDongle(serial: "V4-1", tuner: Int32(GSD_RTLSDR_EMULATOR_BLOG_V4.rawValue))
        defer { withExtendedLifetime(dongle) {} }
        let context = try USBContext()
        defer { context.close() }
        let device = try RTLSDRDevice.open(.serial("V4-1"), context: context)
        defer { device.close() }
        #expect(device.tuner == .r828d && device.settingsDescription.contains("RTL-SDR Blog V4"))
        try device.setSampleRate(3_200_000)
        // UHF: air input (0x05 bit 5 clear, bit 6 clear), cable 2 off (0x06 bit 3), upconverter bypassed
        // (GPIO 5 high); notches on outside the FM/DAB bands. 28.8 MHz crystal: LO = f + 3.57 MHz.
        try device.setCenterFrequency(437_000_000)
        #expect(abs(dongle.state.tuner_lo_hz - 440_570_000) < 60)
        #expect(dongle.tuner(0x05) & 0x60 == 0x00 && dongle.tuner(0x06) & 0x08 == 0)
        #expect(dongle.tuner(0x17) & 0x08 == 0x08)
        #expect(Self.gpio(dongle, 5) == true)
        // VHF: cable 1 (bit 6 set, air off: bit 5 set).
        try device.setCenterFrequency(145_800_000)
        #expect(dongle.tuner(0x05) & 0x60 == 0x60 && dongle.tuner(0x06) & 0x08 == 0)
        // Broadcast FM: notch off.
        try device.setCenterFrequency(100_000_000)
        #expect(dongle.tuner(0x17) & 0x08 == 0)
        // HF: 14.1 MHz through cable 2 and the upconverter (GPIO 5 low), tuned at 14.1 + 28.8 MHz.
        try device.setCenterFrequency(14_100_000)
        #expect(abs(dongle.state.tuner_lo_hz - (42_900_000 + 3_570_000)) < 60)
        #expect(dongle.tuner(0x06) & 0x08 == 0x08 && dongle.tuner(0x05) & 0x60 == 0x20)
        #expect(Self.gpio(dongle, 5) == false)
        #expect(throws: RTLSDRError.self) { try device.setCenterFrequency(100_000) }
    }

    /// RTL2832U GPIO `bit` as an enabled output: its level (nil when not an output).
    static func gpio(_ dongle: EmulatedDongle, _ bit: Int) -> Bool? {
        let out = dongle.sys(0x3001), dir = dongle.sys(0x3003), en = dongle.sys(0x3004)
        guard dir & (1 << bit) != 0, en & (1 << bit) == 0 else { return nil }
        return out & (1 << bit) != 0
    }

    @Test func ifFilterFollowsTheRateOrAnExplicitBandwidth() throws {
        try withOpenedDongle() { dongle, device in
            try device.setCenterFrequency(145_800_000)
            // (rate or bandwidth, register 0x0a bit 4, 0x0b under 0xef, filter passband, IF): from the chip's
            // filter facts (low-pass 1.7 ... 0.35 MHz for codes 15 ... 6, high-pass steps of 350 and 380 kHz,
            // the 6/7/8 MHz filters at IF 3.57/4.57 MHz).
            let cases: [(Double, Int, Int, Double, Double)] = [
                (250_000, 0x00, 0xe6, 350_000, 2_125_000),
                (1_024_000, 0x00, 0xeb, 1_200_000, 1_700_000),
                (2_400_000, 0x00, 0x8f, 2_430_000, 1_815_000),
                (3_200_000, 0x10, 0x6b, 6_000_000, 3_570_000),
            ]
            for (rate, q, corners, passband, intermediate) in cases {
                try device.setSampleRate(rate)
                #expect(dongle.tuner(0x0a) & 0x10 == q && dongle.tuner(0x0b) & 0xef == corners, "\(rate)")
                #expect(device.bandwidth == passband, "\(rate)")
                #expect(abs(dongle.intermediateFrequency - intermediate) < 10, "\(rate): IF \(dongle.intermediateFrequency)")
                // Retuned with the new IF: the LO sits it above the frequency.
                #expect(abs(dongle.state.tuner_lo_hz - (145_800_000 + intermediate)) < 250, "\(rate)")
            }
            // An explicit bandwidth overrides the rate's: 7 and 8 MHz filters at IF 4.57 MHz, then back.
            try device.setBandwidth(6_500_000)
            #expect(dongle.tuner(0x0b) & 0xef == 0x2a && device.bandwidth == 7_000_000)
            #expect(abs(dongle.intermediateFrequency - 4_570_000) < 10)
            try device.setBandwidth(8_000_000)
            #expect(dongle.tuner(0x0b) & 0xef == 0x0b)
            try device.setBandwidth(nil)
            #expect(device.bandwidth == 6_000_000 && dongle.tuner(0x0b) & 0xef == 0x6b)
            #expect(abs(dongle.state.tuner_lo_hz - 149_370_000) < 250)
            #expect(throws: RTLSDRError.self) { try device.setBandwidth(9_000_000) }
            #expect(dongle.tuner(0x0a) & 0x0f == 6, "the calibration code survives filter changes")
        }
    }

    @Test func sampleRateProgramsTheResamplerAndReportsTheActualRate() throws {
        try withOpenedDongle() { dongle, device in
            for wanted in [3_200_000.0, 2_400_000, 1_024_000, 250_000] {
                let actual = try device.setSampleRate(wanted)
                let s = dongle.state
                #expect(s.resampler_ratio % 4 == 0)
                #expect(abs(s.sample_rate_hz - actual) < 1e-6, "\(wanted)")
                // The 28-bit ratio field holds the high range exactly; the low range's ratios (above 2^28) are
                // written without bit 28, which the resampler restores from bit 27.
                #expect(abs(actual - wanted) / wanted < 1e-5, "\(wanted) -> \(actual)")
            }
            #expect(throws: RTLSDRError.self) { try device.setSampleRate(500_000) }
            #expect(throws: RTLSDRError.self) { try device.setSampleRate(3_300_000) }
        }
    }

    // The lowest LO is 1.77 GHz / 64 = 27.66 MHz: with the 2.048 Msps filter's 1.625 MHz IF, 26.1 MHz.
    @Test(arguments: [26_100_000 as UInt64, 50_000_000, 137_500_000, 435_000_000, 1_090_000_000, 1_700_000_000])
    func centreFrequencyProgramsThePLLAtFrequencyPlusIF(hz: UInt64) throws {
        try withOpenedDongle() { dongle, device in
            try device.setCenterFrequency(hz)
            // The sigma-delta resolution is 2 * 28.8 MHz / 65536 / mixDiv (<= 440 Hz).
            // The IF of the default rate's filter (2.048 Msps: 1.625 MHz).
            #expect(abs(dongle.state.tuner_lo_hz - (Double(hz) + 1_625_000)) < 250, "LO \(dongle.state.tuner_lo_hz)")
            #expect(throws: RTLSDRError.self) { try device.setCenterFrequency(2_000_000_000) }
            #expect(throws: RTLSDRError.self) { try device.setCenterFrequency(25_900_000) }
        }
    }

    @Test func frequencyCorrectionScalesTheReferenceAndSetsTheSampleClockOffset() throws {
        try withOpenedDongle() { dongle, device in
            try device.setCenterFrequency(145_800_000)
            try device.setFrequencyCorrection(ppm: 50)
            let s = dongle.state
            #expect(s.ppm_word == Int16(-50 * 16_777_216 / 1_000_000))
            // Registers are computed for a crystal 50 ppm fast; decoded with the nominal crystal the LO is lower.
            let expected = (145_800_000.0 + 1_625_000) / (1 + 50e-6)
            #expect(abs(s.tuner_lo_hz - expected) < 60, "LO \(s.tuner_lo_hz) expected \(expected)")
        }
    }

    @Test func manualAndAutomaticGain() throws {
        try withOpenedDongle() { dongle, device in
            #expect(device.gains.count == 29)
            // 29.7 dB: eight LNA and eight mixer steps (9+5+13+10+40+10+38+19+13+9+31+10+22+25+26+17 tenths).
            let reached = try device.setGain(.manual(dB: 29.7))
            var s = dongle.state
            #expect(reached == 29.7)
            #expect(s.lna_auto == 0 && s.mixer_auto == 0)
            #expect(s.lna_index == 8 && s.mixer_index == 8 && s.vga == 8)
            // 30 dB snaps to the nearest offered gain, 29.7.
            #expect(try device.setGain(.manual(dB: 30)) == 29.7)
            #expect(try device.setGain(index: 0) == 0)
            s = dongle.state
            #expect(s.lna_index == 0 && s.mixer_index == 0)
            try device.setGain(.automatic)
            s = dongle.state
            #expect(s.lna_auto == 1 && s.mixer_auto == 1 && s.vga == 0x0b)
            #expect(throws: RTLSDRError.self) { try device.setGain(.manual(dB: .nan)) }
            #expect(throws: RTLSDRError.self) { try device.setGain(index: 29) }
        }
    }

    @Test func rtlAGCBiasTeeDirectSamplingAndOffsetTuning() throws {
        try withOpenedDongle() { dongle, device in
            try device.setRTLAGC(true)
            #expect(dongle.state.demod_agc == 1)
            try device.setRTLAGC(false)
            #expect(dongle.state.demod_agc == 0)
            try device.setBiasTee(true)
            #expect(dongle.state.bias_tee == 1)
            try device.setBiasTee(false)
            #expect(dongle.state.bias_tee == 0)
            // 7.1 MHz is below the tuner's range, reachable only through direct sampling (the DDC tunes).
            #expect(throws: RTLSDRError.self) { try device.setCenterFrequency(7_100_000) }
            try device.setDirectSampling(2)
            try device.setCenterFrequency(7_100_000)
            var s = dongle.state
            #expect(s.direct_sampling == 2)
            #expect(s.if_frequency_word == -Int32((7_100_000.0 * 4_194_304 / 28_800_000).rounded()))
            try device.setDirectSampling(0)
            try device.setCenterFrequency(145_000_000)
            s = dongle.state
            #expect(s.direct_sampling == 0)
            #expect(abs(s.tuner_lo_hz - 146_625_000) < 250)
            #expect(throws: RTLSDRError.self) { try device.setOffsetTuning(true) }
            try device.setTestMode(true)
            #expect(dongle.state.test_mode == 1)
        }
    }

    @Test func asyncStreamDeliversThePatternWithoutLoss() throws {
        try withOpenedDongle(paced: true) { dongle, device in
            try device.setSampleRate(3_200_000)
            try device.setCenterFrequency(137_100_000)
            let source = try RTLSDRSampleSource(device: device, ringCapacity: 16 << 20, transferCount: 8, transferSize: 128 * 1024)
            var checker = CounterPatternChecker()
            let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 65536, alignment: 16)
            defer { buffer.deallocate() }
            let wanted = 12 << 20  // about 2 s at 3.2 Msps
            while checker.offset < wanted {
                let n = try source.read(into: buffer)
                #expect(n > 0)
                if n == 0 { break }
                checker.check(UnsafeRawBufferPointer(rebasing: buffer[0..<n]))
            }
            source.stop()
            // Drain: what was buffered still comes, in order, then the end.
            while true {
                let n = try source.read(into: buffer)
                if n == 0 { break }
                checker.check(UnsafeRawBufferPointer(rebasing: buffer[0..<n]))
            }
            #expect(checker.firstMismatch == nil, "pattern broken at stream byte \(checker.firstMismatch ?? -1)")
            #expect(source.droppedBytes == 0)
            #expect(source.dropEvents == 0)
            let s = dongle.state
            #expect(UInt64(checker.offset) == s.bulk_bytes)
            #expect(s.discarded_urbs >= 1)   // the transfers in flight were cancelled
            #expect(device.streamError == nil)
        }
    }

    @Test func shortTransfersLeaveNoHoleInTheStream() throws {
        try withOpenedDongle(paced: true) { dongle, device in
            try device.setSampleRate(3_200_000)
            dongle.shortBulk(20, length: 12_345)  // odd length: the next transfer starts mid-word
            let source = try RTLSDRSampleSource(device: device)
            var checker = CounterPatternChecker()
            let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 65536, alignment: 16)
            defer { buffer.deallocate() }
            while checker.offset < 6 << 20 {
                let n = try source.read(into: buffer)
                if n == 0 { break }
                checker.check(UnsafeRawBufferPointer(rebasing: buffer[0..<n]))
            }
            source.stop()
            #expect(checker.firstMismatch == nil, "pattern broken at stream byte \(checker.firstMismatch ?? -1)")
            #expect(checker.offset >= 6 << 20)
            #expect(source.droppedBytes == 0)
            let s = dongle.state
            #expect(s.bulk_bytes == (s.bulk_urbs - 20) * 256 * 1024 + 20 * 12_345)
        }
    }

    @Test func samplePipelineDecodesFromTheDongle() async throws {
        // The dongle behind the pipeline, as replay/daemon code uses a source; the chain checks the pattern.
        let dongle = try EmulatedDongle(paced: true)
        defer { withExtendedLifetime(dongle) {} }
        let context = try USBContext()
        defer { context.close() }
        let device = try RTLSDRDevice.open(.index(0), context: context)
        defer { device.close() }
        try device.setSampleRate(2_048_000)
        let source = try RTLSDRSampleSource(device: device)
        let reader = PatternSourceProbe(source: source, limit: 4 << 20)
        let pipeline = try SamplePipeline(source: reader, chain: PatternCheckChain(), configuration: .init(overrun: .dropNewest))
        var total = 0
        for try await n in pipeline.outputs { total += n }
        #expect(total == 4 << 20)
        #expect(pipeline.statistics.bytesDropped == 0)
        _ = dongle
    }

    @Test func unplugMidStreamEndsTheStreamWithAClearErrorAndReplugReopens() throws {
        let dongle = try EmulatedDongle(serial: "HOTPLUG1", paced: true)
        defer { withExtendedLifetime(dongle) {} }
        let context = try USBContext()
        defer { context.close() }
        let events = Collected<USBHotplugEvent>()
        let registration = try context.watchHotplug(vendor: 0x0bda, product: 0x2838) { events.append($0) }
        defer { registration.cancel() }
        let device = try RTLSDRDevice.open(.serial("HOTPLUG1"), context: context)
        let ended = Collected<String>()
        let source = try RTLSDRSampleSource(device: device, onEnd: { e in ended.append(e.map { "\($0)" } ?? "stopped") })
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 65536, alignment: 16)
        defer { buffer.deallocate() }
        var got = 0
        while got < 1 << 20 { got += try source.read(into: buffer) }
        dongle.unplug()
        var thrown: (any Error)?
        do {
            while try source.read(into: buffer) > 0 {}
        } catch {
            thrown = error
        }
        let e = try #require(thrown as? RTLSDRError)
        guard case .deviceDisconnected(let name, let usb) = e else {
            Issue.record("expected deviceDisconnected, got \(e)")
            return
        }
        #expect(name == "serial HOTPLUG1")
        #expect(usb.name == "LIBUSB_ERROR_NO_DEVICE")
        #expect("\(e)".contains("disconnected while streaming"))
        #expect(ended.wait(timeout: .seconds(2)) { $0.count == 1 })
        #expect(ended.all.first?.contains("disconnected") == true)
        #expect(events.wait(timeout: .seconds(5)) { $0.contains { if case .left = $0 { true } else { false } } })
        device.close()

        dongle.replug()
        #expect(events.wait(timeout: .seconds(5)) { $0.contains { if case .arrived = $0 { true } else { false } } })
        let again = try RTLSDRDevice.open(.serial("HOTPLUG1"), context: context)
        defer { again.close() }
        #expect(again.tuner == .r820t)
        #expect(dongle.state.claimed == 1)
    }

    @Test func stalledAndTimedOutControlTransfersBecomeUSBErrors() throws {
        try withOpenedDongle() { dongle, device in
            dongle.stallControl(1)
            do {
                try device.setRTLAGC(true)
                Issue.record("a stalled control transfer did not throw")
            } catch {
                let e = try #require(Self.usbError(error))
                #expect(e.name == "LIBUSB_ERROR_PIPE")
                #expect(e.isStall)
                #expect(e.operation.contains("demod page 0 register 0x19"))
            }
            try device.setRTLAGC(true)  // the next one goes through
            #expect(dongle.state.demod_agc == 1)
            dongle.holdControl(1)
            do {
                try device.setRTLAGC(false)
                Issue.record("a control transfer that never completed did not throw")
            } catch {
                let e = try #require(Self.usbError(error))
                #expect(e.name == "LIBUSB_ERROR_TIMEOUT")
                #expect(e.message.lowercased().contains("timed out"))
            }
            #expect(dongle.state.discarded_urbs >= 1)
            try device.setRTLAGC(false)
            #expect(dongle.state.demod_agc == 0)
        }
    }

    @Test func bulkStallEndsTheStreamWithAStreamError() throws {
        try withOpenedDongle() { dongle, device in
            dongle.stallBulk(1)
            let source = try RTLSDRSampleSource(device: device, transferCount: 4, transferSize: 65536)
            let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 65536, alignment: 16)
            defer { buffer.deallocate() }
            do {
                while try source.read(into: buffer) > 0 {}
                Issue.record("a stalled bulk endpoint did not end the stream with an error")
            } catch {
                guard case RTLSDRError.streamFailed(_, let e)? = error as? RTLSDRError else {
                    Issue.record("expected streamFailed, got \(error)")
                    return
                }
                #expect(e.name == "LIBUSB_ERROR_PIPE")
            }
        }
    }

    @Test func noDongleGivesANotFoundErrorListingWhatIsThere() throws {
        let dongle = try EmulatedDongle(serial: "ONLYONE")
        defer { withExtendedLifetime(dongle) {} }
        let context = try USBContext()
        defer { context.close() }
        do {
            _ = try RTLSDRDevice.open(.serial("MISSING"), context: context)
            Issue.record("opened a dongle that does not exist")
        } catch {
            guard case RTLSDRError.notFound(let selector, let seen) = error else {
                Issue.record("expected notFound, got \(error)")
                return
            }
            #expect(selector == "serial MISSING")
            #expect(seen.count == 1 && seen[0].contains("ONLYONE"))
        }
        _ = dongle
    }
}

extension EmulatedRTLSDRTests {
    static func usbError(_ error: any Error) -> USBError? {
        if case RTLSDRError.usb(let e)? = error as? RTLSDRError { return e }
        return nil
    }
}

/// Passes the dongle's bytes on, stopping after `limit` (the pipeline's source end).
final class PatternSourceProbe: SampleSource, @unchecked Sendable {
    let source: RTLSDRSampleSource
    let limit: Int
    var total = 0
    init(source: RTLSDRSampleSource, limit: Int) {
        self.source = source
        self.limit = limit
    }
    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        if total >= limit {
            source.stop()
            return 0
        }
        let n = try source.read(into: UnsafeMutableRawBufferPointer(rebasing: buffer[0..<min(buffer.count, limit - total)]))
        total += n
        return n
    }
}

/// Checks the counter pattern block by block in the pipeline's decode thread; outputs bytes checked.
struct PatternCheckChain: DecodeChain {
    struct Mismatch: Error, CustomStringConvertible {
        var offset: Int
        var description: String { "pattern broken at stream byte \(offset)" }
    }
    var checker = CounterPatternChecker()

    mutating func process(_ block: UnsafeRawBufferPointer, streamOffset: Int, into outputs: inout [Int]) throws {
        checker.check(block)
        if let m = checker.firstMismatch { throw Mismatch(offset: m) }
        outputs.append(block.count)
    }
}
