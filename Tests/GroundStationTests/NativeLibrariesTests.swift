import GroundStation
import Testing

@Suite struct NativeLibrariesTests {
    @Test func libusbReportsARealVersion() {
        let v = NativeLibraries.libusbVersion
        #expect(v.hasPrefix("1.0."), "libusb version was \(v)")
    }
}
