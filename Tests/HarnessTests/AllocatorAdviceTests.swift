import Foundation
import Testing
@testable import Harness
@testable import Model
@testable import Reporting

/// The report's "what to look at" for allocator retention: the mechanism measured and the settings that did not keep it.
struct AllocatorAdviceTests {
    func variant(
        _ name: String, allocator: String, anon: Double, live: Double, heap: GlibcHeapLayout?,
        cause: Cause, knobs: [Knob: String] = [:]
    ) -> VariantSummary {
        var report = ChildReport()
        report.glibcHeap = heap
        let outcome = VariantOutcome(
            name: name,
            settings: .pipeline(
                try! VariantConfig(
                    knobs: [.allocator: allocator, .files: "600", .buffers: "per-file"].merging(knobs) { $1 })),
            overrides: [.allocator: allocator], expect: nil, document: nil, exitStatus: 0, signal: nil,
            failure: nil, wallSeconds: 1, report: report)
        var analysis = VariantAnalysis(verdict: cause == .none ? .stable : .leak, cause: cause, reason: "synthetic")
        analysis.rssAfterSettleMB = anon + 25
        analysis.rssAnonAfterSettleMB = anon
        analysis.heapLiveAfterSettleMB = live
        return VariantSummary(outcome: outcome, analysis: analysis, sampleCount: 10)
    }

    @Test func namesTheMechanismAndTheSettingsThatDidNotKeepIt() {
        let mib = 1_048_576
        let tops = GlibcHeapLayout(
            arenas: 10, systemBytes: 340 * mib, freeTopBytes: 330 * mib, freeHoleBytes: 5 * mib, mmappedBytes: 0)
        let glibc = variant("glibc", allocator: "glibc", anon: 338, live: 0.5, heap: tops, cause: .allocatorRetention)
        let all = [
            glibc,
            variant(
                "glibc-trim", allocator: "glibc-trim", anon: 400, live: 0.5, heap: tops, cause: .allocatorRetention),
            variant("jemalloc", allocator: "jemalloc", anon: 19, live: 0.9, heap: nil, cause: .none),
            // Not comparable: another knob differs.
            variant(
                "reused", allocator: "glibc", anon: 400, live: 399, heap: tops, cause: .liveHeap,
                knobs: [.buffers: "reused"]),
        ]
        let keeps = RunReporter.keepsFreedMemory(all)
        #expect(keeps == ["glibc", "glibc-trim"])
        let text = ReportMarkdown.advice(glibc, among: all, keepsFreedMemory: keeps)
        #expect(text.contains("330.0 MB free at the tops of its 10 arenas"))
        #expect(text.contains("mmap threshold"))
        #expect(text.contains("`jemalloc` (44.0 MB after settle) did not keep it"))
        #expect(text.contains("`glibc-trim` (425.0 MB after settle) kept it too"))
        #expect(!text.contains("reused"))

        let holes = GlibcHeapLayout(
            arenas: 2, systemBytes: 300 * mib, freeTopBytes: 10 * mib, freeHoleBytes: 250 * mib, mmappedBytes: 0)
        let fragmented = variant(
            "glibc", allocator: "glibc", anon: 270, live: 40, heap: holes, cause: .allocatorRetention)
        let holeText = ReportMarkdown.advice(
            fragmented, among: [fragmented], keepsFreedMemory: RunReporter.keepsFreedMemory([fragmented]))
        #expect(holeText.contains("fragmentation"))
        #expect(holeText.contains("Compare the allocator variants"))
    }
}
