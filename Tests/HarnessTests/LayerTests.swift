import Foundation
import Testing

/// The layers' arrows, as SwiftPM reads them from Package.swift: a target that gains a dependency the architecture
/// does not allow fails here.
struct LayerTests {
    /// Every layer target and the targets it may depend on. Analysis and Reporting depend on Model alone.
    static let allowed: [String: Set<String>] = [
        "Model": ["FeaturePipeline"],
        "Analysis": ["Model"],
        "Reporting": ["Model"],
        "Scenarios": ["Model"],
        "Sampling": ["Model", "FeaturePipeline"],
        "Supervision": ["Model", "Sampling"],
        "Sites": ["Model", "Reporting", "Supervision"],
        "Harness": [
            "Model", "Scenarios", "Supervision", "Sampling", "Analysis", "Reporting", "Sites", "FeaturePipeline",
        ],
    ]

    /// The package's own targets and C shims; products of other packages (Yams, swift-log, ...) are not layers.
    static let cShims: Set<String> = ["CAllocator", "CThread", "CZlib", "CSndFile", "CFFTW", "CChecksum", "CProbe"]

    @Test func eachLayerDependsOnlyOnTheLayersBelowIt() throws {
        let targets = try Self.describe()
        for (layer, allowed) in Self.allowed {
            let dependencies = try #require(targets[layer], "\(layer) is a target").subtracting(Self.cShims)
            #expect(dependencies.isSubset(of: allowed), "\(layer) depends on \(dependencies.subtracting(allowed))")
        }
        #expect(targets["Analysis"] == ["Model"])
        #expect(targets["Reporting"] == ["Model"])
    }

    /// Target name → the package targets it depends on, from `swift package describe --type json`.
    static func describe() throws -> [String: Set<String>] {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        // SwiftPM leaves lock files and folders in TMPDIR: it gets one of its own, removed afterwards.
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("leakharness-describe-\(UUID())")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: false)
        defer { try? FileManager.default.removeItem(at: scratch) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["swift", "package", "--package-path", root.path, "describe", "--type", "json"]
        process.environment = ProcessInfo.processInfo.environment.merging(["TMPDIR": scratch.path]) { $1 }
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        try #require(process.terminationStatus == 0, "swift package describe exited \(process.terminationStatus)")
        struct Description: Decodable {
            struct Target: Decodable {
                var name: String
                var dependencies: [String]?

                enum CodingKeys: String, CodingKey {
                    case name
                    case dependencies = "target_dependencies"
                }
            }
            var targets: [Target]
        }
        let description = try JSONDecoder().decode(Description.self, from: data)
        return Dictionary(
            uniqueKeysWithValues: description.targets.map { ($0.name, Set($0.dependencies ?? [])) })
    }
}
