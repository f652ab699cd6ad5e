import GroundStation
import Testing

@Suite struct DopplerCorrectionTests {
    @Test func signOfTheShift() {
        let f = 437_800_000.0
        // Approaching (range decreasing): received higher.
        #expect(DopplerCorrection.downlinkFrequency(nominal: f, rangeRate: -7) > f)
        // Receding: received lower; 7 km/s at 437.8 MHz is about 10.2 kHz.
        let receding = DopplerCorrection.downlinkFrequency(nominal: f, rangeRate: 7)
        #expect(abs((f - receding) - f * 7 / 299_792.458) < 1e-6)
        #expect(abs(f - receding - 10_222.4) < 0.1)
        #expect(DopplerCorrection.downlinkFrequency(nominal: f, rangeRate: 0) == f)
    }

    @Test func retunesAtTheIntervalAndSkipsChangesUnderOneHertz() {
        let f = 145_800_000.0
        var d = DopplerCorrection(nominalFrequency: f, interval: 2)
        #expect(d.retune(at: 0, rangeRate: 1) == DopplerCorrection.downlinkFrequency(nominal: f, rangeRate: 1))
        // Too early.
        #expect(d.retune(at: 1, rangeRate: 3) == nil)
        // Due, but the change is 0.49 Hz (1 m/s at 145.8 MHz is 0.486 Hz).
        #expect(d.retune(at: 2, rangeRate: 1.001) == nil)
        // Due and 4.9 Hz away.
        let g = d.retune(at: 2.5, rangeRate: 1.01)
        #expect(g != nil)
        #expect(abs((g ?? 0) - f * (1 - 1.01 / 299_792.458)) < 1e-6)
        #expect(d.lastTime == 2.5)
        // Interval counts from the last retune.
        #expect(d.retune(at: 4, rangeRate: 2) == nil)
        #expect(d.retune(at: 4.5, rangeRate: 2) != nil)
        d.reset()
        #expect(d.retune(at: 4.6, rangeRate: 2) != nil)
    }
}
