import Foundation
import Testing
import TestSupport

/// `leakharness run` end to end: children, samples, run.json, on small configurations.
@Suite(.serialized, .scratchFolder)
struct RunCommandTests {
    /// Runs a scenario file and returns the run directory.
    private func run(_ yaml: String, name: String) throws -> String {
        let path = try Harness.scenarioFile(yaml, name: name)
        let out = try ScratchFolder.directory("runs")
        let outcome = try Harness.run(["run", path, "--out", out])
        #expect(outcome.status == 0, "stderr: \(outcome.stderr)")
        return outcome.lastLine
    }

    private func samples(_ directory: String, _ variant: String) throws -> [[String: String]] {
        try Harness.csv("\(directory)/samples/\(variant).csv")
    }

    private func maxColumn(_ rows: [[String: String]], _ column: String) -> Int {
        rows.compactMap { Int($0[column] ?? "") }.max() ?? 0
    }

    @Test func heldFuturesAndResultsEndAPassFarAboveTheFixedLoop() throws {
        let directory = try run(
            """
            name: held-vs-fixed
            description: Test - futures and results held for the pass against the fixed loop.
            thresholds: {min_files: 10}
            base: {workers: 2, files: 300, passes: 1, settle: 0, sample-interval-ms: 20}
            variants:
              fixed: {}
              held: {submit: all, futures: keep, results: keep}
            """, name: "held-vs-fixed")
        let fixed = try samples(directory, "fixed")
        let held = try samples(directory, "held")
        // Every consumed file's result is still referenced at the end of the pass, and none in the fixed loop.
        #expect(maxColumn(held, "retained_results") >= 290)
        #expect(maxColumn(fixed, "retained_results") == 0)
        // About 300 files × 100+ KB of examples held: the peak is tens of MB above the fixed loop's.
        let margin = maxColumn(held, "rss_kb") - maxColumn(fixed, "rss_kb")
        #expect(margin > 20 * 1024, "held peak only \(margin) kB above fixed")
    }

    @Test func abandonedWritersKeepOneDescriptorPerShard() throws {
        let directory = try run(
            """
            name: writers
            description: Test - writers abandoned against writers closed.
            thresholds: {min_files: 10}
            base: {workers: 2, files: 100, passes: 2, shard-size: 10, settle: 0, sample-interval-ms: 20}
            variants:
              closed: {}
              abandoned: {writer: abandon}
            """, name: "writers")
        let closed = try samples(directory, "closed")
        let abandoned = try samples(directory, "abandoned")
        let manifest = try Harness.json("\(directory)/run.json")
        let variants = manifest["variants"] as? [[String: Any]] ?? []
        let shards = (variants.last?["report"] as? [String: Any])?["shards"] as? Int ?? -1
        #expect(shards == 20)
        let extra = (Int(abandoned.last?["fds"] ?? "") ?? 0) - (Int(closed.last?["fds"] ?? "") ?? 0)
        #expect(abs(extra - shards) <= 1, "\(extra) more descriptors for \(shards) shards")
        #expect(Int(abandoned.last?["open_writers"] ?? "") == 20)
        #expect(Int(closed.last?["open_writers"] ?? "") == 0)
        // Nothing to purge under glibc.
        #expect((variants.last?["report"] as? [String: Any])?["jemallocPurged"] == nil)
    }

    @Test func jemallocVariantHasHeapFiguresAndLibraryMapped() throws {
        let directory = try run(
            """
            name: jemalloc
            description: Test - one variant under jemalloc.
            thresholds: {min_files: 10}
            base: {workers: 1, files: 40, passes: 1, settle: 0, sample-interval-ms: 10, allocator: jemalloc}
            variants:
              jemalloc: {}
            """, name: "jemalloc")
        let rows = try samples(directory, "jemalloc")
        #expect(rows.count >= 3)
        #expect(rows.allSatisfy { Int($0["heap_live_bytes"] ?? "") ?? 0 > 0 })
        let report = try Harness.json("\(directory)/samples/jemalloc.result.json")
        #expect((report["allocatorLoaded"] as? String)?.hasPrefix("jemalloc") == true)
        #expect(report["jemallocMapped"] as? Bool == true)
        // The settle asks jemalloc for its unused pages at once instead of waiting out its decay.
        #expect(report["jemallocPurged"] as? Bool == true)
    }

    @Test func malformedScenarioExitsTwoBeforeAnyChild() throws {
        let path = try Harness.scenarioFile(
            """
            name: broken
            description: Test - a knob with a typo.
            base:
              workers: 2
            variants:
              a:
                shard_size: 10
            """, name: "broken")
        let out = try ScratchFolder.directory("runs")
        let outcome = try Harness.run(["run", path, "--out", out])
        #expect(outcome.status == 2)
        // One line, prefixed with the tool's name: the log handler adds no timestamp, level or label.
        #expect(
            outcome.stderr
                == "leakharness: \(path):7: variants.a.shard_size: unknown key 'shard_size'; did you mean 'shard-size'?\n"
        )
        #expect(outcome.stdout.isEmpty)
        #expect(try FileManager.default.contentsOfDirectory(atPath: out).isEmpty)
    }

    @Test func unknownVariantExitsTwo() throws {
        let out = try ScratchFolder.directory("runs")
        let outcome = try Harness.run(["run", "fixed", "--variant", "nope", "--out", out])
        #expect(outcome.status == 2)
        #expect(outcome.stderr.contains("nope"))
    }
}
