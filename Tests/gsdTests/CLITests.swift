import Foundation
import Testing

@Suite struct CLITests {
    @Test func versionPrintsLibusb() async throws {
        let r = try await GSDProcess.run(["version"])
        #expect(r.status == 0)
        #expect(r.stdout.contains("gsd "))
        #expect(r.stdout.contains("libusb 1.0."))
    }
}
