import ArgumentParser
import GroundStation

enum GSDVersion {
    static let string = "0.1.0"
}

struct VersionCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "version", abstract: "Print gsd's version and the native libraries it uses.")

    func run() throws {
        print("gsd \(GSDVersion.string)")
        print("libusb \(NativeLibraries.libusbVersion)")
        print("libudev \(NativeLibraries.udevAvailable ? "available" : "unavailable")")
    }
}
