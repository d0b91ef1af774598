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
        // The layers, each depending only on those below it: Model at the bottom; Analysis and Reporting on Model
        // alone (a test reads `swift package describe` and fails if either gains another dependency).
        .target(
            name: "Model",
            dependencies: ["FeaturePipeline", .product(name: "SystemPackage", package: "swift-system")],
            swiftSettings: strict
        ),
        .target(
            name: "Analysis",
            dependencies: ["Model"],
            swiftSettings: strict
        ),
        .target(
            name: "Reporting",
            dependencies: ["Model"],
            swiftSettings: strict
        ),
        .target(
            name: "Scenarios",
            dependencies: ["Model", .product(name: "Yams", package: "Yams")],
            swiftSettings: strict
        ),
        .target(
            name: "Sampling",
            dependencies: [
                "Model", "FeaturePipeline", "CAllocator", "CThread",
                .product(name: "SystemPackage", package: "swift-system"),
            ],
            swiftSettings: strict
        ),
        .target(
            name: "Supervision",
            dependencies: [
                "Model", "Sampling", "CAllocator", "CThread", .product(name: "SystemPackage", package: "swift-system"),
            ],
            swiftSettings: strict
        ),
        .target(
            name: "Sites",
            dependencies: ["Model", "Reporting", "Supervision"],
            swiftSettings: strict
        ),
        .target(
            name: "Harness",
            dependencies: [
                "Model", "Scenarios", "Supervision", "Sampling", "Analysis", "Reporting", "Sites", "FeaturePipeline",
                "CAllocator", "CThread", "CZlib",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "SystemPackage", package: "swift-system"),
            ],
            swiftSettings: strict
        ),
        .executableTarget(
            name: "leakharness",
            dependencies: [
                "Harness", "Model", "Scenarios", "Supervision", "Sampling", "Analysis", "Reporting", "Sites",
                "FeaturePipeline",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "SystemPackage", package: "swift-system"),
            ],
            swiftSettings: strict
        ),
        .testTarget(
            name: "FeaturePipelineTests",
            dependencies: ["FeaturePipeline", "TestSupport"],
            resources: [.copy("Fixtures")],
            swiftSettings: strict
        ),
        // Helpers the test targets share (scratch folders, the built programs, audio files, synthetic runs).
        .target(
            name: "TestSupport",
            dependencies: ["Model", "FeaturePipeline", "CSndFile"],
            path: "Tests/TestSupport",
            swiftSettings: strict
        ),
        // Programs the end-to-end tests run under `watch`; scripts/test.sh builds them beside `leakharness`.
        .executableTarget(
            name: "leakharness-test-programs",
            path: "Tests/TestPrograms",
            swiftSettings: strict
        ),
        // One test target per layer, depending on that layer and what its tests build with.
        .testTarget(
            name: "ModelTests",
            dependencies: ["Model"],
            exclude: ["Fixtures"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "AnalysisTests",
            dependencies: ["Analysis", "Model", "TestSupport"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "ReportingTests",
            dependencies: ["Reporting", "Model"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "ScenariosTests",
            dependencies: ["Scenarios", "Model", "FeaturePipeline", "TestSupport"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "SamplingTests",
            dependencies: ["Sampling", "Model", "FeaturePipeline", "CAllocator"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "SupervisionTests",
            dependencies: ["Supervision", "Sampling", "Model"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "SitesTests",
            dependencies: ["Sites"],
            exclude: ["Fixtures"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "HarnessTests",
            dependencies: [
                "Harness", "Model", "Scenarios", "Supervision", "Analysis", "Reporting", "FeaturePipeline",
                "TestSupport",
            ],
            swiftSettings: strict
        ),
        .testTarget(
            name: "CommandTests",
            dependencies: ["TestSupport", .product(name: "Yams", package: "Yams")],
            swiftSettings: strict
        ),
    ],
    swiftLanguageModes: [.v6]
)
