// swift-tools-version: 6.2
import PackageDescription

let package = Package(
    name: "gsd",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "gsd", targets: ["gsd"]),
        .library(name: "TelemetryDecode", targets: ["TelemetryDecode"]),
        .library(name: "GroundStation", targets: ["GroundStation"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/x-sheep/swift-property-based", from: "2.0.1"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
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
        // Pure, I/O-free signal and frame processing.
        .target(name: "TelemetryDecode"),
        // Everything that touches devices, files and the network.
        .target(
            name: "GroundStation",
            dependencies: [
                "TelemetryDecode", "CLibUSB", "CLibUDev",
                .product(name: "Yams", package: "Yams"),
            ]
        ),
        .executableTarget(
            name: "gsd",
            dependencies: [
                "GroundStation", "TelemetryDecode",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .testTarget(
            name: "TelemetryDecodeTests",
            dependencies: [
                "TelemetryDecode",
                .product(name: "PropertyBased", package: "swift-property-based"),
            ]
        ),
        .testTarget(
            name: "GroundStationTests",
            dependencies: ["GroundStation", "TelemetryDecode"],
            // Read from the source tree by path, not bundled.
            exclude: ["Orbits/Fixtures"]
        ),
        .testTarget(
            name: "gsdTests",
            dependencies: ["gsd"]
        ),
    ]
)
