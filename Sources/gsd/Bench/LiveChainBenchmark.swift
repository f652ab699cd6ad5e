import Foundation
import GroundStation
import TelemetryDecode

extension Benchmark {
    /// What a live pass costs the CPU: cu8 IQ at an RTL-SDR's 2.048 Msps through the daemon's decode chain
    /// (cu8 → complex, Doppler correction, COLUMBIA's FSK 9600 receivers 100 kHz off centre, deframers), in
    /// Msps of input. A dongle delivers 2.048 Msps, so the figure / 2.048 is the headroom of one core.
    static let liveChain = Benchmark(
        name: "live-chain", unit: "Msps",
        summary: "daemon live chain at 2.048 Msps cu8: Doppler shift + FSK 9600 receivers (COLUMBIA), input samples/s"
    ) {
        let catalogue = try SatelliteCatalogue.load(directory: SatelliteCatalogue.defaultDirectory())
        guard let sat = catalogue.satellite(norad: 42702) else { throw BenchFailure(what: "COLUMBIA (42702) is not in the catalogue") }
        let rate = 2_048_000.0
        var receivers: [Receiver] = []
        for spec in sat.transmitters {
            receivers += try ReceiverFactory.receivers(for: spec, input: .complex(sampleRate: rate, offset: 100_000))
        }
        let doppler = FrequencyProfile(points: [(0, 9_000), (600, -9_000)])
        var chain = ReceiverDecodeChain(
            format: .cu8, sampleRate: rate, bank: ReceiverBank(receivers), shifter: FrequencyShifter(sampleRate: rate, profile: doppler))
        // A quarter second of noise around mid-scale, as a dongle with nothing in band delivers.
        var rng = SplitMix64(seed: 9)
        let block = (0..<(Int(rate) / 4 * 2)).map { _ in UInt8(truncatingIfNeeded: 112 + Int(rng.next() >> 60) * 2) }
        var frames: [ReceivedFrame] = []
        var offset = 0
        let (runs, seconds) = try block.withUnsafeBytes { bytes in
            try BenchClock.measure(minimumSeconds: 3) {
                try chain.process(bytes, streamOffset: offset, into: &frames)
                offset += bytes.count
                frames.removeAll(keepingCapacity: true)
            }
        }
        blackHole(frames)
        return Double(runs * block.count / 2) / seconds / 1e6
    }
}
