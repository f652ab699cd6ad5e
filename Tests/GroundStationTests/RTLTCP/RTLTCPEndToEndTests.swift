import Foundation
import GroundStation
import TelemetryDecode
import Testing

/// A live receive path without hardware: a cu8 IQ recording made from a shared FSK 9600 recording
/// (us04.wav, COLUMBIA, G3RUH AX.25) is served by `RTLTCPServer`, received by `RTLTCPClient` into a
/// drop-newest `SamplePipeline` (as a dongle would be) and decoded by `ReceiverDecodeChain` with the
/// catalogue's transmitters of NORAD 42702: both reference frames come out byte-identical.
///
/// Not covered: Debian's `rtl_tcp` on an emulated dongle (needs the USB emulation, not written yet).
@Suite(.serialized, .timeLimit(.minutes(5))) struct RTLTCPEndToEndTests {
    @Test func decodesReferenceFramesThroughRTLTCP() async throws {
        let audio = try IQReplayTests.readAudio(try SharedRecordings.path("us04.wav"))
        let expected = try IQReplayTests.expectedFrames("us04.wav")
        #expect(expected.count == 2)
        let plan = IQSynthesis.Plan(
            kind: .fm(deviation: 3_000), upsample: 4, offset: 5_000, driftRate: 400, snr: 18,
            noiseBandwidth: 2 * (3_000 + 4_800), seed: 1)
        let iq = IQSynthesis.make(audio: audio.samples, audioRate: audio.rate, plan: plan)
        let rate = audio.rate * Double(plan.upsample)
        var cu8: [UInt8] = []
        iq.withUnsafeBufferPointer { c in
            UnsafeRawBufferPointer(c).withMemoryRebound(to: Float.self) { f in
                SampleFormat.encode(.u8, f, appendingTo: &cu8)
            }
        }
        #expect(cu8.count == 2 * iq.count)
        let dir = try FilesTestDirectory("gsd-rtltcp-e2e")
        let path = dir.write("us04-192k.cu8", cu8)

        let events = Collector<String>()
        let server = try RTLTCPServer(
            recording: path, format: .cu8, rate: rate,
            configuration: .init(sampleRate: rate, pacing: .asFastAsPossible, loop: false),
            onEvent: { events.add($0.description) })
        defer { server.stop() }
        #expect(server.configuration.sampleRate == rate)

        let client = try RTLTCPClient(
            host: "127.0.0.1", port: server.port,
            commands: [.frequency(437_100_000), .sampleRate(UInt32(rate)), .gainMode(manual: false)])
        defer { client.close() }

        var receivers: [Receiver] = []
        for spec in try IQReplayTests.transmitters(norad: 42702) {
            if let r = try? ReceiverFactory.receivers(for: spec, input: .complex(sampleRate: rate, offset: plan.offset)) {
                receivers += r
            }
        }
        #expect(!receivers.isEmpty)
        let chain = ReceiverDecodeChain(format: .cu8, sampleRate: rate, bank: ReceiverBank(receivers))
        let pipeline = try SamplePipeline<ReceivedFrame>(
            source: client, chain: chain,
            configuration: .init(ringCapacity: 1 << 23, overrun: .dropNewest, name: "gsd-rtltcp-test"))
        var got = Set<String>()
        do {
            for try await f in pipeline.outputs where f.frame.checkPassed {
                got.insert(IQReplayTests.hex(f.frame.bytes))
            }
        } catch {
            pipeline.cancel()
            throw error
        }
        #expect(pipeline.waitUntilStopped(timeout: .seconds(5)))
        #expect(client.bytesReceived == cu8.count)
        #expect(pipeline.statistics.bytesDropped == 0)
        let missing = expected.subtracting(got)
        #expect(missing.isEmpty, "\(missing.count) of \(expected.count) reference frames missing; got \(got.count) frames")
        // The server reports the end once it has closed the connection, with every command it read.
        #expect(waitUntil { events.all.contains { $0.contains("disconnected") } })
        #expect(events.all.contains { $0.contains("frequency 437100000 Hz") })
        #expect(events.all.contains { $0.contains("end of recording") })
    }
}
