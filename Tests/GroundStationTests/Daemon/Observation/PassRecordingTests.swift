import Foundation
import GroundStation
import Testing

/// What a pass keeps besides frames: its samples as SigMF (recording.sigmf: true) with the frames as
/// annotations, and a waterfall PNG. A recording that cannot be written never costs a frame.
@Suite struct PassRecordingTests {
    @Test func passSamplesAreKeptAsSigMFWithFramesAnnotatedAndAWaterfall() async throws {
        let scratch = try DaemonScratch()
        defer { scratch.remove() }
        let (daemon, store) = try await DaemonObservationTests.runDaemon(
            scratch, recordings: [("us04.wav", 42702)], extra: "recording: { sigmf: true }")
        let pass = try #require(try await store.passes(PassQuery()).first)
        let frames = try await store.frames(FrameQuery(passID: pass.id, limit: 1000))
        try await store.close()

        // The data file holds exactly the recording's samples, in its own format (s16 audio: ri16_le).
        let base = scratch.file("data/sigmf/pass-\(pass.id)")
        let original = try SampleFileSource.open(path: try SharedRecordings.path("us04.wav"))
        let kept = try SampleFileSource.open(path: base + ".sigmf-meta")
        #expect(kept.sampleRate == 48_000 && kept.format == original.format)
        let keptSamples = try TestSignal.readAll(kept), originalSamples = try TestSignal.readAll(original)
        #expect(keptSamples.count == originalSamples.count && keptSamples == originalSamples)

        // Metadata: datatype, rate, capture time and frequency, one annotation per stored frame in order.
        let meta = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: base + ".sigmf-meta"))) as? [String: Any])
        let global = try #require(meta["global"] as? [String: Any])
        #expect(global["core:datatype"] as? String == "ri16_le")
        #expect((global["core:description"] as? String)?.contains("COLUMBIA (NORAD 42702)") == true)
        let capture = try #require((meta["captures"] as? [[String: Any]])?.first)
        #expect(capture["core:datetime"] is String)
        #expect((capture["core:frequency"] as? Double ?? 0) > 100e6)
        let annotations = try #require(meta["annotations"] as? [[String: Any]])
        #expect(annotations.count == frames.count && frames.count >= 2)
        let starts = annotations.compactMap { $0["core:sample_start"] as? Int }
        #expect(starts == starts.sorted() && starts.allSatisfy { $0 >= 0 && $0 < keptSamples.count })
        #expect(annotations.filter { $0["core:label"] as? String == "frame" }.count == frames.filter(\.checksOK).count)

        // The waterfall the HTTP API serves.
        let png = try #require(daemon.waterfallPNG(passID: pass.id))
        #expect(png.starts(with: [0x89, 0x50, 0x4E, 0x47]) && png.count > 2000)
        #expect(await daemon.state.lastError == nil)
    }

    @Test func aRecordingThatCannotBeWrittenCostsNoFrame() async throws {
        let scratch = try DaemonScratch()
        defer { scratch.remove() }
        // A file where the sigmf folder should be: the recording cannot start.
        try FileManager.default.createDirectory(atPath: scratch.file("data"), withIntermediateDirectories: true)
        _ = try scratch.write("data/sigmf", "in the way")
        let (daemon, store) = try await DaemonObservationTests.runDaemon(
            scratch, recordings: [("us04.wav", 42702)], extra: "recording: { sigmf: true }")
        let pass = try #require(try await store.passes(PassQuery()).first)
        let frames = try await store.frames(FrameQuery(passID: pass.id, limit: 1000))
        try await store.close()
        let good = Set(frames.filter(\.checksOK).map { $0.bytes.map { String(format: "%02x", $0) }.joined() })
        #expect(good == (try DaemonFixtures.expectedFrames("us04.wav")))
        let error = await daemon.state.lastError
        #expect(error?.contains("SigMF recording of pass \(pass.id) failed") == true, "\(error ?? "no error")")
        #expect(daemon.waterfallPNG(passID: pass.id) != nil)
    }
}
