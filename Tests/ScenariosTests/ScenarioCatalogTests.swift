import Foundation
import Testing
import TestSupport
@testable import Scenarios

@Suite(.scratchFolder) struct ScenarioCatalogTests {
    let shipped = ScenarioCatalog(directory: Repository.path("scenarios"))

    @Test func resolvesNamesAndPaths() throws {
        #expect(try shipped.resolve(nameOrPath: "fixed").name == "fixed")
        let path = Repository.path("scenarios/ci.yaml")
        #expect(try shipped.resolve(nameOrPath: path).name == "ci")
        #expect(try ScenarioCatalog.resolve(nameOrPath: path).path == path)
        #expect(try shipped.path(for: "missing.yaml") == "missing.yaml")
    }

    @Test func unknownNameListsTheAvailableOnes() throws {
        let error = try #require(throws: ScenarioError.self) { try shipped.resolve(nameOrPath: "fixd") }
        guard case let .unknownScenario(name, _, available) = error else { Issue.record("got \(error)"); return }
        #expect(name == "fixd")
        #expect(available.contains("fixed") && available.contains("ci"))
        #expect(error.description.contains("available: allocators, arena-retention"))
    }

    @Test func locatesByEnvironmentCurrentDirectoryOrExecutable() throws {
        let root = URL(fileURLWithPath: try ScratchFolder.directory("catalog"))
        let scenarios = root.appendingPathComponent("scenarios")
        try FileManager.default.createDirectory(at: scenarios, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(
            at: root.appendingPathComponent(".build/debug"), withIntermediateDirectories: true)

        let byEnv = try ScenarioCatalog.locate(
            environment: ["LEAKHARNESS_SCENARIOS": scenarios.path], currentDirectory: "/", executablePath: "/bin/true")
        #expect(byEnv.directory == scenarios.path)
        let byCwd = try ScenarioCatalog.locate(
            environment: [:], currentDirectory: root.path, executablePath: "/bin/true")
        #expect(byCwd.directory == scenarios.path)
        // From the executable: only beside a Package.swift.
        let exe = root.appendingPathComponent(".build/debug/leakharness").path
        #expect(throws: ScenarioError.self) {
            try ScenarioCatalog.locate(environment: [:], currentDirectory: "/", executablePath: exe)
        }
        try "// swift-tools-version:6.0\n".write(
            to: root.appendingPathComponent("Package.swift"), atomically: true, encoding: .utf8)
        #expect(
            try ScenarioCatalog.locate(environment: [:], currentDirectory: "/", executablePath: exe).directory
                == scenarios.path)
        #expect(throws: ScenarioError.self) {
            try ScenarioCatalog.locate(
                environment: ["LEAKHARNESS_SCENARIOS": root.appendingPathComponent("nope").path],
                currentDirectory: root.path)
        }
    }

    @Test func entriesKeepBrokenFilesAndListingShowsThem() throws {
        let dir = URL(fileURLWithPath: try ScratchFolder.directory("catalog-list")).appendingPathComponent("scenarios")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        try
            "name: good\ndescription: A good one.\nvariants:\n  a: {writer: abandon, expect: {verdict: LEAK, cause: descriptors}}\n  b: {}\n"
            .write(to: dir.appendingPathComponent("good.yaml"), atomically: true, encoding: .utf8)
        try "name: bad\ndescription: d\nvariants:\n  a: {wrtier: close}\n"
            .write(to: dir.appendingPathComponent("bad.yaml"), atomically: true, encoding: .utf8)
        try "ignored".write(to: dir.appendingPathComponent("notes.txt"), atomically: true, encoding: .utf8)
        let catalog = ScenarioCatalog(directory: dir.path)
        #expect(catalog.names == ["bad", "good"])
        #expect(catalog.all().map(\.name) == ["good"])
        let text = ScenarioCatalog.listing(catalog.entries())
        let lines = text.split(separator: "\n").map(String.init)
        #expect(lines.count == 4)
        #expect(
            lines[0] == "error: \(dir.path)/bad.yaml:4: variants.a.wrtier: unknown key 'wrtier'; did you mean 'writer'?"
        )
        #expect(lines[1] == "good — A good one.")
        #expect(lines[2] == "  a  writer=abandon  expect: LEAK (descriptors)")
        #expect(lines[3] == "  b  (base)          expect: -")
    }
}

@Suite struct ScenarioOverridesTests {
    let scenario = try! ScenarioLoader.parse(yaml: exampleYAML, path: "t.yaml", allowFaults: false)

    @Test func overridesApplyToBaseAndEveryVariant() throws {
        let s = try scenario.applying(overrides: [.files: "300", .allocator: "jemalloc", .shardSize: "5"])
        #expect(s.base.pipeline.files == 300 && s.base.allocator == .jemalloc)
        #expect(
            s.variants.allSatisfy {
                $0.config.pipeline.files == 300 && $0.config.allocator == .jemalloc && $0.config.pipeline.shardSize == 5
            })
        #expect(s.variant(named: "leaky")!.config.pipeline.writer == .abandon)
        #expect(s.variant(named: "list")!.overrides == [.settle: "0.5"])
        #expect(try scenario.applying(overrides: [:]) == scenario)
    }

    @Test func badOverridesNameTheOption() throws {
        let e1 = try #require(throws: ScenarioError.self) { try scenario.applying(overrides: [.workers: "0"]) }
        #expect(e1.description == "--workers: '0' is not valid; expected an integer from 1 to 64")
        let e2 = try #require(throws: ScenarioError.self) { try scenario.applying(overrides: [.files: "20"]) }
        #expect(
            e2.description.hasPrefix(
                "--files: leaky: 20 files × 3 passes leave 54 after the warm-up, fewer than min_files 100"))
    }

    @Test func selectingKeepsFileOrderAndTrimsSteps() throws {
        let s = try scenario.selecting(variants: ["list", "leaky"])
        #expect(s.variants.map(\.name) == ["leaky", "list"])
        #expect(s.steps == ["leaky"])
        #expect(s.from == nil && s.to == nil)
        #expect(try scenario.selecting(variants: []).variants.count == 4)
        let error = try #require(throws: ScenarioError.self) { try scenario.selecting(variants: ["nope"]) }
        #expect(error.description == "writer-without-close: unknown variant 'nope'; variants: leaky, fixed, both, list")
    }
}
