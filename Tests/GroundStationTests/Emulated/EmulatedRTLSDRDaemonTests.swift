import Foundation
import GroundStation
import Testing

/// The daemon's `sdr` source on the emulated dongle: a real predicted pass (the station placed under
/// COLUMBIA's track, as in `DaemonLivePassTests`) opens the dongle at AOS through gsd's own driver or
/// through SoapySDR, tunes it to the downlink minus the tuning offset, streams until LOS and releases it.
/// The emulator sends a counter pattern, not a satellite: the pass must end `done` with the samples of
/// its whole duration through the ring and no good frame.
extension EmulatedRTLSDRTests {
    /// `during` runs beside the daemon (e.g. to unplug the dongle mid-pass).
    static func runLivePass(
        sdr: String, serial: String, during: (@Sendable (EmulatedDongle) async -> Void)? = nil
    ) async throws -> (GroundStationDaemon, PassRecord, EmulatedDongle) {
        let dongle = try EmulatedDongle(serial: serial, paced: true)
        let scratch = try DaemonScratch()
        defer { scratch.remove() }
        let catalogue = try DaemonFixtures.catalogue
        let station = try HamlibDaemonTests.DaemonLivePassTests.subpoint(try DaemonFixtures.columbia, at: Date().addingTimeInterval(20))
        let config = try DaemonFixtures.liveConfiguration(
            scratch: scratch, station: station, hardware: """
                  source: sdr
                  sdr: { \(sdr), sample_rate: 250000, gain: 20, tuning_offset: 50000 }
                """)
        let store = try SQLitePassStore(path: scratch.file("data/gsd.sqlite"))
        let daemon = try GroundStationDaemon(
            configuration: try DaemonConfigurationParser.load(path: config), catalogue: catalogue, store: store,
            logger: DaemonFixtures.logger, exitAfterSchedule: true)
        let beside = during.map { body in Task { await body(dongle) } }
        try await daemon.run()
        await beside?.value
        let pass = try #require(try await store.passes(PassQuery()).first)
        return (daemon, pass, dongle)
    }

    static func checkPass(_ daemon: GroundStationDaemon, _ pass: PassRecord, bytesPerSample: Double = 2) async throws {
        let schedule = await daemon.state.schedule
        #expect(schedule.map(\.state) == [.done], "\(schedule.map { "\($0.state) \($0.note ?? "")" })")
        let lastError = await daemon.state.lastError
        #expect(lastError == nil, "\(lastError ?? "")")
        let duration = try #require(pass.end).timeIntervalSince(pass.start)
        let ring = await daemon.state.ringTotals
        // 250 kSps cu8 streamed for the whole pass. Under umockdev's preload, in a debug build, on a busy
        // machine neither the emulator nor the decoder keeps full pace, so only a fifth is required (a run
        // beside a sanitizer build got 29%); what
        // the decoder could not take was dropped and counted, never lost silently (a live source must not
        // block the USB thread).
        #expect(Double(ring.bytesIn) > 0.2 * duration * 250_000 * bytesPerSample, "\(ring.bytesIn) bytes in \(duration) s")
        #expect(ring.bytesOut + ring.bytesDropped == ring.bytesIn, "\(ring)")
        let frames = try await daemon.store.frames(FrameQuery(passID: pass.id, limit: 1000))
        #expect(frames.filter(\.checksOK).isEmpty, "a counter pattern is no satellite")
    }

    @Test func daemonObservesALivePassThroughTheNativeDriver() async throws {
        let (daemon, pass, dongle) = try await Self.runLivePass(sdr: "profile: rtlsdr-blog-v3, serial: LIVE0001", serial: "LIVE0001")
        try await Self.checkPass(daemon, pass)
        let s = dongle.state
        #expect(abs(s.sample_rate_hz - 250_000) < 1, "\(s.sample_rate_hz)")
        // Tuned 50 kHz below COLUMBIA's 437.055 MHz: the R820T LO sits the IF of the 250 kSps filter
        // (350 kHz passband centred at 2.125 MHz) above that.
        #expect(abs(dongle.intermediateFrequency - 2_125_000) < 10, "IF \(dongle.intermediateFrequency)")
        #expect(abs(s.tuner_lo_hz - (437_005_000 + 2_125_000)) < 250, "LO \(s.tuner_lo_hz)")
    }

    /// The dongle is unplugged for 3 s once the pass streams: the daemon waits for it, opens and tunes it
    /// again and the pass goes on to LOS (done, no error), as an rtl_tcp source reconnects.
    @Test func daemonReopensADongleUnpluggedMidPass() async throws {
        let replugged = Collected<UInt64>()
        let (daemon, pass, dongle) = try await Self.runLivePass(
            sdr: "profile: rtlsdr-blog-v3, serial: LIVE0003", serial: "LIVE0003",
            during: { dongle in
                let deadline = ContinuousClock.now + .seconds(120)
                while dongle.state.bulk_bytes < 1 << 20 && ContinuousClock.now < deadline {  // ~2 s of the pass
                    try? await Task.sleep(for: .milliseconds(100))
                }
                dongle.unplug()
                try? await Task.sleep(for: .seconds(3))
                replugged.append(dongle.state.bulk_bytes)
                dongle.replug()
            })
        try await Self.checkPass(daemon, pass)
        let before = try #require(replugged.all.first)
        let s = dongle.state
        #expect(before >= 1 << 20, "the pass never streamed before the unplug")
        #expect(s.bulk_bytes > before + (2 << 20), "\(s.bulk_bytes - before) bytes after the replug")  // > 4 s more
        // Replugging resets the emulated chip: rate and LO show that the daemon tuned it again.
        #expect(abs(s.sample_rate_hz - 250_000) < 1, "\(s.sample_rate_hz)")
        #expect(abs(s.tuner_lo_hz - (437_005_000 + 2_125_000)) < 250, "LO \(s.tuner_lo_hz)")
    }

    @Test(.enabled(if: hasSoapyRTLSDR, "needs SoapySDR's rtlsdr module (package soapysdr0.8-module-rtlsdr)"))
    func daemonObservesALivePassThroughSoapySDR() async throws {
        // As CS16, the format of wider receivers, decoded as such.
        let (daemon, pass, dongle) = try await Self.runLivePass(
            sdr: "device: 'soapy:driver=rtlsdr,serial=LIVESOAP', stream_format: cs16", serial: "LIVESOAP")
        try await Self.checkPass(daemon, pass, bytesPerSample: 4)
        let s = dongle.state
        #expect(abs(s.sample_rate_hz - 250_000) < 1)
        let ifHz = -Double(s.if_frequency_word) * 28_800_000 / 4_194_304
        #expect(abs(s.tuner_lo_hz - (437_005_000 + ifHz)) < 2000, "LO \(s.tuner_lo_hz), IF \(ifHz)")
    }
}
