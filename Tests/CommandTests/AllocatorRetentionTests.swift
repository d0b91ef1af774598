import Foundation
import Testing
import TestSupport

/// The Linux-only growth (pattern A: fresh buffers per file, a long tail of clip lengths) on a small configuration:
/// glibc keeps freed memory, jemalloc gives it back.
@Suite(.scratchFolder)
struct AllocatorRetentionTests {
    @Test func glibcKeepsFarMoreThanJemallocAfterTheSettle() throws {
        let path = try Harness.scenarioFile(
            """
            name: arena-small
            description: Test - pattern A under glibc and jemalloc, small.
            thresholds: {min_files: 50, warmup_fraction: 0.34, tolerance_mb_per_1000_files: 100}
            base: {corpus: long-tail, buffers: per-file, workers: 8, files: 300, passes: 5, settle: 2}
            variants:
              glibc: {allocator: glibc}
              jemalloc: {allocator: jemalloc}
            """, name: "arena-small")
        let out = try ScratchFolder.directory("runs")
        let outcome = try Harness.run(["run", path, "--out", out])
        #expect(outcome.status == 0, "stderr: \(outcome.stderr)")
        let summary = try Harness.json("\(outcome.lastLine)/summary.json")
        let variants = Dictionary(
            uniqueKeysWithValues: (summary["variants"] as? [[String: Any]] ?? []).map {
                ($0["name"] as? String ?? "", $0)
            })
        func kept(_ name: String) -> Double {
            let v = variants[name] ?? [:]
            return (v["rss_after_settle_mb"] as? Double ?? .nan) - (v["heap_live_after_settle_mb"] as? Double ?? .nan)
        }
        // glibc holds hundreds of MB above its live heap at full size; jemalloc, its unused pages purged, tens at most.
        #expect(
            kept("glibc") > kept("jemalloc") + 60,
            "glibc keeps \(kept("glibc")) MB, jemalloc \(kept("jemalloc")) MB above live")
        // In-flight buffers follow the clip lengths, as in arena-retention: the same tolerance of 100 MB/1000 files.
        #expect(variants["glibc"]?["verdict"] as? String == "RETENTION", "\(variants["glibc"] ?? [:])")
        #expect(variants["glibc"]?["cause"] as? String == "allocator-retention")
        #expect(variants["jemalloc"]?["verdict"] as? String == "STABLE", "\(variants["jemalloc"] ?? [:])")
        // Where glibc kept it: pattern A leaves the memory at the worker arenas' free tops, not in holes; jemalloc's
        // heap is not glibc's, so it has no snapshot.
        let heap = variants["glibc"]?["glibc_heap"] as? [String: Any] ?? [:]
        let tops = (heap["free_top_bytes"] as? NSNumber)?.doubleValue ?? 0
        let holes = (heap["free_hole_bytes"] as? NSNumber)?.doubleValue ?? .infinity
        #expect(tops > 4 * holes, "tops \(tops) B, holes \(holes) B")
        #expect(((heap["arenas"] as? NSNumber)?.intValue ?? 0) >= 3)
        #expect(variants["jemalloc"]?["glibc_heap"] == nil)
        let report = try String(contentsOfFile: "\(outcome.lastLine)/report.md", encoding: .utf8)
        #expect(report.contains("free at the tops of its"))
        #expect(report.contains("`jemalloc` ("), "the glibc variant's advice names the allocator that did not keep it")
    }
}
