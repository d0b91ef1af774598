// swift-tools-version:6.0
import PackageDescription

let strict: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("InternalImportsByDefault"),
]

let package = Package(
    name: "leakharness",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "leakharness", targets: ["leakharness"]),
        .library(name: "FeaturePipeline", targets: ["FeaturePipeline"]),
        .library(name: "LeakHarness", targets: ["LeakHarness"]),
        // The probe `watch` preloads into a command: libleakharness-probe.so beside the executable.
        .library(name: "leakharness-probe", type: .dynamic, targets: ["CProbe"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", exact: "1.8.2"),
        .package(url: "https://github.com/jpsim/Yams", exact: "6.2.2"),
        .package(url: "https://github.com/apple/swift-protobuf", exact: "1.39.0"),
        .package(url: "https://github.com/apple/swift-log", exact: "1.16.2"),
        .package(url: "https://github.com/apple/swift-system", exact: "1.8.1"),
    ],
    targets: [
        .systemLibrary(
            name: "CSndFile",
            pkgConfig: "sndfile",
            providers: [.apt(["libsndfile1-dev"])]
        ),
        .systemLibrary(
            name: "CFFTW",
            pkgConfig: "fftw3f",
            providers: [.apt(["libfftw3-dev"])]
        ),
        .systemLibrary(
            name: "CZlib",
            pkgConfig: "zlib",
            providers: [.apt(["zlib1g-dev"])]
        ),
        .target(name: "CThread"),
        .target(name: "CChecksum"),
        .target(
            name: "CAllocator",
            linkerSettings: [.linkedLibrary("dl")]
        ),
        .target(
            name: "CProbe",
            linkerSettings: [.linkedLibrary("dl"), .linkedLibrary("pthread")]
        ),
        .target(
            name: "FeaturePipeline",
            dependencies: [
                "CSndFile",
                "CFFTW",
                "CThread",
                "CChecksum",
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
            ],
            swiftSettings: strict
        ),
        .target(
            name: "LeakHarness",
            dependencies: [
                "FeaturePipeline",
                "CAllocator",
                "CThread",
                "CZlib",
                .product(name: "Yams", package: "Yams"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "SystemPackage", package: "swift-system"),
            ],
            swiftSettings: strict
        ),
        .executableTarget(
            name: "leakharness",
            dependencies: [
                "LeakHarness",
                "FeaturePipeline",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "SystemPackage", package: "swift-system"),
            ],
            swiftSettings: strict
        ),
        .testTarget(
            name: "FeaturePipelineTests",
            dependencies: ["FeaturePipeline"],
            resources: [.copy("Fixtures")],
            swiftSettings: strict
        ),
        .testTarget(
            name: "LeakHarnessTests",
            dependencies: ["LeakHarness", "FeaturePipeline"],
            exclude: ["Fixtures"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "CommandTests",
            dependencies: [.product(name: "Yams", package: "Yams")],
            swiftSettings: strict
        ),
    ],
    swiftLanguageModes: [.v6]
)
