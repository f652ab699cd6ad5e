// swift-tools-version: 6.2
import PackageDescription

let package = Package(
    name: "gsd",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "gsd", targets: ["gsd"]),
        .library(name: "TelemetryDecode", targets: ["TelemetryDecode"]),
        .library(name: "GroundStation", targets: ["GroundStation"]),
        // The emulated RTL-SDR as a preloadable library, for other processes (rtl_sdr, rtl_tcp, SoapySDR).
        .library(name: "RTLSDREmulator", type: .dynamic, targets: ["RTLSDREmulator"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/x-sheep/swift-property-based", from: "2.0.1"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        // Daemon: HTTP, storage, service lifecycle, logs and metrics.
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
    ],
    targets: [
        // System libraries: module maps only.
        .systemLibrary(
            name: "CLibUSB",
            pkgConfig: "libusb-1.0",
            providers: [.apt(["libusb-1.0-0-dev"])]
        ),
        .systemLibrary(
            name: "CLibUDev",
            pkgConfig: "libudev",
            providers: [.apt(["libudev-dev"])]
        ),
        .systemLibrary(
            name: "CLibPNG",
            pkgConfig: "libpng",
            providers: [.apt(["libpng-dev"])]
        ),
        .systemLibrary(
            name: "CSoapySDR",
            pkgConfig: "SoapySDR",
            providers: [.apt(["libsoapysdr-dev"])]
        ),
        // Test-only: umockdev's testbed, for the emulated USB and udev devices.
        .systemLibrary(
            name: "CUMockdev",
            pkgConfig: "umockdev-1.0",
            providers: [.apt(["libumockdev-dev"])]
        ),
        // Test-only: an RTL2832U + R820T dongle emulated on a umockdev testbed (C11).
        .target(
            name: "RTLSDREmulator",
            dependencies: ["CUMockdev"],
            path: "Tests/Emulators/RTLSDREmulator",
            exclude: ["README.md"]
        ),
        // Pure, I/O-free signal and frame processing.
        .target(name: "TelemetryDecode"),
        // Everything that touches devices, files and the network.
        .target(
            name: "GroundStation",
            dependencies: [
                "TelemetryDecode", "CLibUSB", "CLibUDev", "CLibPNG", "CSoapySDR",
                .product(name: "Yams", package: "Yams"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ]
        ),
        .executableTarget(
            name: "gsd",
            dependencies: [
                "GroundStation", "TelemetryDecode",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // Child processes and ports for the tests that start real peers (daemons, direwolf, Hamlib, PostgreSQL).
        .target(name: "TestSupport", path: "Tests/TestSupport"),
        .testTarget(
            name: "TelemetryDecodeTests",
            dependencies: [
                "TelemetryDecode", "TestSupport",
                .product(name: "PropertyBased", package: "swift-property-based"),
            ]
        ),
        .testTarget(
            name: "GroundStationTests",
            dependencies: [
                "GroundStation", "TelemetryDecode", "CUMockdev", "RTLSDREmulator", "TestSupport",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
            ],
            // Read from the source tree by path, not bundled.
            exclude: ["Orbits/Fixtures"]
        ),
        .testTarget(
            name: "gsdTests",
            dependencies: ["gsd", "TestSupport"]
        ),
    ]
)

// Sanitizers on gsd's own code (scripts/test, scripts/fuzz): GSD_SANITIZE=thread, address or address,fuzzer
// compiles and links our Swift targets with -sanitize=<value>, while the dependencies stay as the plain
// build made them. A sanitizer step then recompiles only our modules, in the same scratch path, where
// `swift build --sanitize=` would rebuild every dependency instrumented (~10 min each on 2 cores). The
// dependencies are not checked; the toolchain's libraries (Foundation, Dispatch, XCTest) never were.
let sanitize = Context.environment["GSD_SANITIZE"].flatMap { $0.isEmpty ? nil : $0 }
let sanitizedCompile: [SwiftSetting] = sanitize.map { [.unsafeFlags(["-sanitize=\($0)"])] } ?? []
// Linking with -sanitize=fuzzer would bring libFuzzer's own main: the fuzz targets link its archive
// without one (GSD_FUZZ_RUNTIME below), everything else just the sanitizers' runtimes.
let sanitizedLink: [LinkerSetting] = sanitize.map {
    let runtimes = $0.split(separator: ",").filter { $0 != "fuzzer" }.joined(separator: ",")
    return runtimes.isEmpty ? [] : [.unsafeFlags(["-sanitize=\(runtimes)"])]
} ?? []

// libFuzzer targets, one per parser family that reads outside data (Fuzz/README.md). `scripts/fuzz` builds
// them with GSD_SANITIZE=address,fuzzer (the fuzzer's coverage and ASan on our modules) and GSD_FUZZ_RUNTIME
// set to libFuzzer's archive without a main, which the targets link. In other builds they are executables
// that say how to build them and exit.
let fuzzRuntime = Context.environment["GSD_FUZZ_RUNTIME"]
let fuzzTargets: [(name: String, dependencies: [Target.Dependency])] = [
    ("FuzzKISS", ["TelemetryDecode"]),
    ("FuzzAX25", ["TelemetryDecode"]),
    ("FuzzCCSDS", ["TelemetryDecode"]),
    ("FuzzDeframers", ["TelemetryDecode"]),
    ("FuzzSampleFiles", ["GroundStation"]),
    ("FuzzTLE", ["GroundStation"]),
    ("FuzzCatalogue", ["GroundStation", "TelemetryDecode"]),
    ("FuzzDaemonConfig", ["GroundStation"]),
    ("FuzzHardwareProfiles", ["GroundStation"]),
    ("FuzzTelemetry", ["GroundStation", "TelemetryDecode"]),
]
package.targets.append(
    .target(name: "CFuzzerDriver", path: "Fuzz/Driver", cSettings: fuzzRuntime == nil ? [] : [.define("GSD_FUZZ")])
)
package.targets += fuzzTargets.map {
    .executableTarget(
        name: $0.name, dependencies: $0.dependencies + ["CFuzzerDriver"], path: "Fuzz/Targets/\($0.name)",
        linkerSettings: fuzzRuntime.map { [.unsafeFlags([$0]), .linkedLibrary("stdc++")] } ?? []
    )
}
// The C targets (the test-only dongle emulator, the fuzz driver) stay uninstrumented: the emulator library
// is also preloaded into processes that have no sanitizer runtime (Debian's rtl_tcp).
for target in package.targets where target.type != .system && !["RTLSDREmulator", "CFuzzerDriver"].contains(target.name) {
    target.swiftSettings = (target.swiftSettings ?? []) + sanitizedCompile
    target.linkerSettings = (target.linkerSettings ?? []) + sanitizedLink
}
