import FeaturePipeline
import Foundation
import Synchronization
import Testing
import TestSupport
@testable import Harness
@testable import Scenarios
@testable import Reporting

/// Report files are replaced whole, run directories are never reused, and the scenario parser survives any bytes.
@Suite(.scratchFolder) struct ReliabilityTests {
    @Test func atomicWritesNeverShowAHalfWrittenFile() throws {
        let directory = try ScratchFolder.directory("reliability")
        let path = directory + "/report.md"
        let size = 1 << 20
        let versions = [
            Data(repeating: UInt8(ascii: "a"), count: size), Data(repeating: UInt8(ascii: "b"), count: size),
        ]
        try AtomicFile.write(versions[0], to: path)
        let shared = ReaderState()
        let reader = Thread {
            while !shared.done.load(ordering: .relaxed) {
                guard let data = FileManager.default.contents(atPath: path) else { continue }
                let whole = data.count == size && data.allSatisfy { $0 == data.first }
                shared.reads.withLock { whole ? ($0.whole += 1) : ($0.torn += 1) }
            }
            shared.stopped.store(true, ordering: .relaxed)
        }
        reader.start()
        for i in 0..<60 { try AtomicFile.write(versions[i % 2], to: path) }
        // Let the reader see at least one file before stopping it.
        while shared.reads.withLock({ $0.whole + $0.torn }) == 0 { usleep(1000) }
        shared.done.store(true, ordering: .relaxed)
        while !shared.stopped.load(ordering: .relaxed) { usleep(1000) }
        let seen = shared.reads.withLock { $0 }
        #expect(seen.torn == 0)
        #expect(seen.whole > 0)
        #expect(
            try FileManager.default.contentsOfDirectory(atPath: (path as NSString).deletingLastPathComponent) == [
                "report.md"
            ])
    }

    @Test func atomicWriteReplacesTheFileInsteadOfRewritingIt() throws {
        let directory = try ScratchFolder.directory("reliability")
        let path = directory + "/summary.json"
        try AtomicFile.write("old content", to: path)
        let open = try #require(FileHandle(forReadingAtPath: path))
        defer { try? open.close() }
        try AtomicFile.write("new", to: path)
        // A reader that opened the old file still reads it whole: the new one is another inode, renamed over it.
        #expect(String(decoding: open.readDataToEndOfFile(), as: UTF8.self) == "old content")
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "new")
    }

    @Test func failedAtomicWriteLeavesTheOldFile() throws {
        let directory = try ScratchFolder.directory("reliability")
        let path = directory + "/run.json"
        try AtomicFile.write("complete", to: path)
        try FileManager.default.createDirectory(atPath: directory + "/blocked", withIntermediateDirectories: false)
        // A rename over a non-empty directory fails: nothing is left behind, and the error names the path.
        try Data().write(to: URL(fileURLWithPath: directory + "/blocked/x"))
        #expect(throws: ReportError.self) { try AtomicFile.write("new", to: directory + "/blocked") }
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "complete")
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory).sorted() == ["blocked", "run.json"])
    }

    @Test func runDirectoriesAreNeverReused() throws {
        let root = try ScratchFolder.directory("reliability")
        let first = try RunDirectory.create(root: root, scenario: "fixed")
        try "earlier".write(toFile: first + "/report.md", atomically: true, encoding: .utf8)
        let others = try (0..<3).map { _ in try RunDirectory.create(root: root, scenario: "fixed") }
        #expect(Set([first] + others).count == 4)
        // Within one second the name gets a counter; the first run's files are untouched.
        let sameSecond = others.filter { $0.hasPrefix(first + "-") }
        #expect(sameSecond.allSatisfy { Int($0.dropFirst(first.count + 1)).map { (2...4).contains($0) } ?? false })
        #expect(try String(contentsOfFile: first + "/report.md", encoding: .utf8) == "earlier")
        #expect(try FileManager.default.contentsOfDirectory(atPath: root).count == 4)
    }

    @Test func unsafeScenarioNameIsRefusedBeforeAnyDirectory() throws {
        let root = try ScratchFolder.directory("reliability")
        for name in ["../escape", "a/b", "..", "x\u{1}y", ""] {
            #expect(throws: RunError.self) { try RunDirectory.create(root: root, scenario: name) }
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: root).isEmpty)
        #expect(!FileManager.default.fileExists(atPath: (root as NSString).deletingLastPathComponent + "/escape"))
    }

    @Test func unwritableOutputRootIsARunError() throws {
        let directory = try ScratchFolder.directory("reliability")
        let blocker = directory + "/file"
        try Data("x".utf8).write(to: URL(fileURLWithPath: blocker))
        #expect {
            try RunDirectory.create(root: blocker + "/runs", scenario: "fixed")
        } throws: { error in
            "\(error)".hasPrefix("\(blocker)/runs: cannot create the output directory")
        }
    }

    /// 3000 inputs of random bytes (the mutation fuzz test is in ScenarioLoaderTests): only `ScenarioError`, with a line.
    @Test func randomBytesGiveOnlyScenarioErrors() {
        var rng = SeededRandom(seed: 0xB17E5)
        let yamlish = Array("name: description: variants: base: {}[]-:,\n\n  \"'&*!|>#%@".utf8)
        var rejected = 0
        for i in 0..<3000 {
            let count = Int(rng.next() % 300)
            let bytes: [UInt8] = (0..<count).map { _ in
                i % 2 == 0 ? UInt8(truncatingIfNeeded: rng.next()) : yamlish[Int(rng.next() % UInt64(yamlish.count))]
            }
            do {
                _ = try ScenarioLoader.parse(
                    yaml: String(decoding: bytes, as: UTF8.self), path: "random.yaml", allowFaults: false)
            } catch {
                #expect((error.line ?? 0) >= 1, "\(error)")
                #expect(error.description.hasPrefix("random.yaml:"))
                rejected += 1
            }
        }
        #expect(rejected == 3000, "random bytes are never a valid scenario")
    }
}

/// What the reader thread of the atomic-write test shares with the test.
private final class ReaderState: Sendable {
    let done = Atomic<Bool>(false)
    let stopped = Atomic<Bool>(false)
    let reads = Mutex<(whole: Int, torn: Int)>((0, 0))
}
